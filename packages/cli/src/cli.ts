// mdl-preview: the ops CLI. `main` is importable (tests call it in-process) and never exits the
// process itself; main.ts turns its result into an exit code. Each command lives in commands/.
import { ConfigurationError, describeError, RestoreError, SettingsError } from '@moodle-preview/core';
import { adopt } from './commands/adopt.js';
import { cron } from './commands/cron.js';
import { exec, tasks } from './commands/exec.js';
import { iam } from './commands/iam.js';
import { logs } from './commands/logs.js';
import { shell } from './commands/shell.js';
import { sites } from './commands/sites.js';
import { doctor } from './commands/doctor.js';
import { entra } from './commands/entra.js';
import { plan } from './commands/plan.js';
import { restore } from './commands/restore.js';
import { rollback } from './commands/rollback.js';
import { runner } from './commands/runner.js';
import { validate } from './commands/validate.js';
import { purgeRetiredCommand } from './commands/purge-retired.js';
import { config } from './commands/config.js';
import { upgrade } from './commands/upgrade.js';
import { wakeOrSleep } from './commands/wake-sleep.js';
import { sweep } from './commands/sweep.js';
import { cost } from './commands/cost.js';
import { EXIT, UsageError, reportProblems, type CliIO } from './io.js';

export { EXIT, type CliIO } from './io.js';

type Command = (args: string[], io: CliIO) => Promise<number>;

/** Commands with their one-line usage, in the order `help` lists them. */
const COMMANDS: Record<string, { usage: string; run: Command }> = {
  validate: {
    usage: 'validate FILE… [--platform FILE]        check settings.yml files (and the platform file)',
    run: validate,
  },
  plan: { usage: 'plan FILE [--platform FILE] [--json]     print the desired state of a site', run: plan },
  rollback: {
    usage:
      'rollback LINK [--to REVISION] [--platform FILE] [--no-wait] [--wait-minutes N] [--poll-seconds N]\n' +
      '                                           point the site back at an earlier task definition revision',
    run: rollback,
  },
  adopt: {
    usage:
      'adopt FILE [--platform FILE] [--apply] [--service NAME] [--target-group NAME]\n' +
      '                                           take over a site Terraform built: report, then tag with --apply',
    run: adopt,
  },
  iam: {
    usage:
      'iam ROLE…|all [--platform FILE] [--explain] [--dump-bucket B] [--exec-kms-key ARN] [--external-cluster C]\n' +
      '                                           the least-privilege IAM policy of a role for this platform',
    run: iam,
  },
  entra: {
    usage:
      'entra list --app ID… [--tenant ID --client-id ID] [--platform FILE] [--json]\n' +
      "                                           which sites' redirect URIs are on each Entra ID app, and orphans",
    run: entra,
  },
  exec: {
    usage:
      'exec LINK [--task ID] [--container NAME] [--timeout S] [--platform FILE] -- COMMAND…\n' +
      '                                           run a command in a site container (ECS Exec), exit with its code',
    run: (args, io) => exec(args, io),
  },
  tasks: {
    usage: "tasks LINK [--platform FILE]            a site's running tasks with their exec agent state",
    run: (args, io) => tasks(args, io),
  },
  shell: {
    usage:
      'shell LINK [--task ID] [--container NAME] [--platform FILE]\n' +
      '                                           interactive login shell in a site container (ECS Exec)',
    run: (args, io) => shell(args, io),
  },
  sites: {
    usage:
      'sites [--platform FILE] [--json]         every site in the registry with its service state\n' +
      '  sites --markdown [--cost-days 30] [--cron-log-group G]\n' +
      '                                           the fleet page: health, awake, expiry, cron, image, cost',
    run: (args, io) => sites(args, io),
  },
  wake: {
    usage:
      'wake LINK [--for 2h] [--platform FILE] [--json]\n' +
      "                                           start a site's tasks now; it sleeps again after --for (default 2h\n" +
      "                                           while its schedule has it asleep), or at its schedule's sleep",
    run: (args, io) => wakeOrSleep('wake', args, io),
  },
  sleep: {
    usage:
      "sleep LINK [--platform FILE] [--json]    stop a site's tasks now (0 tasks); its schedule's next wake wakes it",
    run: (args, io) => wakeOrSleep('sleep', args, io),
  },
  sweep: {
    usage:
      'sweep [--dry-run] [--json] [--markdown FILE] [--github] [--db-access task|direct] [--platform FILE]\n' +
      '                                           destroy sites past their expiry (data kept), list those expiring soon;\n' +
      '                                           --github: comment on their pull requests (GITHUB_TOKEN)',
    run: (args, io) => sweep(args, io),
  },
  cost: {
    usage:
      'cost [--days 30] [--platform FILE] [--json]\n' +
      "                                           each site's actual cost (Cost Explorer, by the site tag) beside its estimate",
    run: (args, io) => cost(args, io),
  },
  logs: {
    usage:
      'logs LINK [--since 10m] [--follow] [--platform FILE]\n' +
      "                                           the site's container log lines from CloudWatch Logs",
    run: (args, io) => logs(args, io),
  },
  doctor: {
    usage:
      'doctor LINK [--platform FILE] [--json]  is the site healthy, and if not why: each check with its evidence\n' +
      '                                           (exit 3 when a check fails)',
    run: (args, io) => doctor(args, io),
  },
  cron: {
    usage:
      'cron run [--platform FILE] [--concurrency N] [--site X]… [--sites a,b] [--fail-on any|N%]\n' +
      '         [--exec-rate N] [--exec-burst N] [--dry-run] [--json]\n' +
      '                                           one cron tick on every site (exit 3 when fail-on is exceeded);\n' +
      '                                           --dry-run shows the task each site would run in, runs nothing\n' +
      '  cron list [--platform FILE] [--json]     every cron entry with its service state and last run\n' +
      '  cron pause SITE --reason TEXT | cron resume SITE   hold cron off a site (shown where it is skipped)',
    run: (args, io) => cron(args, io),
  },
  restore: {
    usage:
      'restore --source PATH|s3://B/K --database D (--db-host H [--db-port P] | --socket PATH) --admin-user U\n' +
      '        [--parallel N] [--if-exists fail|drop|resume] [--app-user U] [--readonly-users a,b] [--without-mim]\n' +
      '        [--mim-source S --mim-database D] [--definer rewrite|drop] [--map-collation from=to]\n' +
      '        [--chunk-mb N] [--index-during-load] [--insert-only] [--post-restore-sql-file F] [--json]\n' +
      '                                           stream a mysqldump into a database (passwords from the environment)',
    run: (args, io) => restore(args, io),
  },
  runner: {
    usage:
      'runner list [--repo OWNER/NAME] [--org] [--region R] [--json]\n' +
      '                                           ec2-runner leases: instance, runner, what the reaper would do\n' +
      '  runner reap [--dry-run] [--grace-minutes N] [--repo OWNER/NAME] [--region R]\n' +
      '                                           end expired or runnerless leases (token: MDL_PREVIEW_GITHUB_TOKEN)',
    run: (args, io) => runner(args, io),
  },
  'purge-retired': {
    usage:
      'purge-retired [--older-than-days 3] [--dry-run] [--db-access task|direct] [--sites a,b] [--platform FILE] [--json]\n' +
      '                                           drop data the registry records as retired for N days (only that)',
    run: (args, io) => purgeRetiredCommand(args, io),
  },
  config: {
    usage: 'config check FILE…                      validate per-site config files (cfg.php settings)',
    run: (args, io) => config(args, io),
  },
  upgrade: {
    usage:
      'upgrade LINK --to RELEASE [--image I] [--php V] [--images FILE] [--db-access task|direct] [--dry-run]\n' +
      '        [--allow-unstable] [--no-maintenance] [--no-purge] [--wait-minutes N] [--platform FILE]\n' +
      "                                           Moodle's CLI upgrade as one-off tasks, hop by hop, log streamed",
    run: (args, io) => upgrade(args, io),
  },
};

function usage(): string {
  return `Usage: mdl-preview <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}
  help                                     show this text

The platform file is --platform, else $MDL_PREVIEW_PLATFORM, else the nearest platform.yml
in the settings file's folder or above it. Commands that call AWS use the standard AWS settings
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL…).

Exit codes: 0 ok, 1 invalid input, 2 usage error, 3 the operation failed, 70 internal error.`;
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${usage()}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    const found = COMMANDS[command];
    if (!found) throw new UsageError(`unknown command "${command}"`);
    return await found.run(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIO): number {
  if (err instanceof SettingsError) {
    reportProblems(err.problems, io);
    return EXIT.invalid;
  }
  if (err instanceof ConfigurationError) {
    io.stderr(`error: ${err.message}\n`);
    return EXIT.invalid;
  }
  if (err instanceof RestoreError) {
    // The work ran and failed (a statement the server refused, a verification): not a bug of ours.
    io.stderr(`error: ${err.message}\n`);
    return EXIT.failed;
  }
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`error: ${(err as Error).message}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  const e = err as Error;
  io.stderr(`internal error: ${describeError(err)}\n`);
  if (io.env.MDL_PREVIEW_DEBUG) io.stderr(`${e?.stack ?? ''}\n`);
  return EXIT.internal;
}
