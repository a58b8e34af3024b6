// The parts of packages/core/src whose decisions guard data or money, each with the files Stryker
// mutates and the in-process tests its mutants are tried against. Tests that start a bundle or the
// built CLI in a child process (`*.e2e.test.ts`, the kill-and-resume tests) run the committed
// JavaScript, not the mutated source, so they cannot kill a mutant and only cost time: left out.
//
// A part too big to mutate whole in one sitting on two cores is mutated on its decision files: those
// that refuse, check ownership, choose among candidates or decide what is removed or kept (listed with
// the part; the rest — waiting loops, summaries, types — is left out and named in docs/quality.md).
const src = (part) => [`packages/core/src/${part}/**/*.ts`];
const files = (part, names) => names.map((n) => `packages/core/src/${part}/${n}.ts`);

export const PARTS = {
  deploy: {
    mutate: [
      ...files('deploy', ['conflict-guard', 'rollback', 'deploy']),
      'packages/core/src/resources/ownership.ts',
    ],
    tests: [
      'test/deploy/conflict-guard.test.ts',
      'test/deploy/deploy.test.ts',
      'test/deploy/rollback.test.ts',
      'test/deploy/iam.test.ts',
      'test/refresh/refresh-data.test.ts',
      'test/unit/plan.test.ts',
    ],
  },
  destroy: {
    mutate: [
      ...files('destroy', ['purge-guard', 'destroy-target']),
      ...files('resources', ['registry-entry', 'databases', 'moodledata']),
    ],
    tests: [
      'test/destroy/destroy-target.test.ts',
      'test/destroy/data-rows.test.ts',
      'test/destroy/data-records.test.ts',
      'test/destroy/destroy.test.ts',
      'test/destroy/iam.test.ts',
      'test/destroy/purge-sql.test.ts',
      'test/refresh/refresh-data.test.ts',
    ],
  },
  adopt: { mutate: src('adopt'), tests: ['test/adopt/adopt.test.ts', 'test/deploy/deploy.test.ts'] },
  restore: {
    mutate: files('restore', [
      'target',
      'checkpoint',
      'chunker',
      'chunk-loader',
      'verify',
      'deferred-indexes',
    ]),
    tests: [
      'test/restore/chunker.test.ts',
      'test/restore/chunk-loader.test.ts',
      'test/restore/verify.test.ts',
      'test/restore/deferred-indexes.test.ts',
      'test/restore/target.test.ts',
      'test/restore/restore.test.ts',
      'test/restore/pool.test.ts',
      'test/restore/splitter.test.ts',
    ],
  },
  // The statement rules (which dump statements are sent, skipped, held or changed) against their own
  // pure tests only: in the restore part every regex mutant also runs restore.test.ts's real restores
  // (minutes a mutant). A lower bound: the restores kill some of what survives here.
  'restore-statements': {
    mutate: files('restore', ['statements']),
    tests: ['test/restore/statements.test.ts', 'test/restore/splitter.test.ts'],
  },
  exec: {
    mutate: files('exec', ['client-message', 'run-command']),
    tests: [
      'test/exec/client-message.test.ts',
      'test/exec/exec-output.test.ts',
      'test/exec/data-channel.test.ts',
      'test/exec/run-command.test.ts',
      'test/exec/kms.test.ts',
      'test/exec/golden.test.ts',
      'test/exec/cli-exec.test.ts',
      'test/exec/cli-shell.test.ts',
      'test/exec/cli-sites-logs.test.ts',
    ],
  },
  cron: {
    mutate: files('cron', ['fanout', 'inputs']),
    // pacer.test.ts is left out: it tests cron/pacer.ts (not mutated) with real-time token buckets,
    // 19 s per run, and reaches nearly every fanout mutant — it would make the part take hours.
    tests: [
      'test/cron/cron-choices.test.ts',
      'test/cron/fanout.test.ts',
      'test/cron/last-run.test.ts',
      'test/cron/loop-shard.test.ts',
      'test/cron/registry-cron.test.ts',
      'test/cron/cli-cron.test.ts',
    ],
  },
  runner: {
    mutate: files('runner', ['reap', 'capacity', 'stop', 'lease', 'lease-names']),
    tests: [
      'test/runner/boot-script.test.ts',
      'test/runner/cli-runner.test.ts',
      'test/runner/ec2-fake.test.ts',
      'test/runner/iam.test.ts',
      'test/runner/lease.test.ts',
      'test/runner/reap.test.ts',
      'test/runner/lease-names.test.ts',
    ],
  },
  entra: {
    mutate: src('entra'),
    tests: [
      'test/entra/redirects.test.ts',
      'test/entra/entra-list.test.ts',
      'test/entra/graph-client.test.ts',
      'test/entra/graph-token.test.ts',
      'test/entra/redirect-plan.test.ts',
    ],
  },
  upgrade: {
    mutate: files('upgrade', ['versions', 'images-table', 'upgrade']),
    tests: [
      'test/upgrade/upgrade.test.ts',
      'test/upgrade/versions.test.ts',
      'test/upgrade/credentials.test.ts',
      'test/upgrade/sts-web-identity.test.ts',
      'test/upgrade/iam.test.ts',
      'test/upgrade/cli-upgrade.test.ts',
    ],
  },
  retired: {
    mutate: src('retired'),
    tests: ['test/refresh/retired-select.test.ts', 'test/refresh/purge-retired.test.ts'],
  },
};
