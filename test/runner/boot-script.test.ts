// The instance's user data run with bash against stub commands (aws, curl, sleep, shutdown, useradd, id,
// chown, runuser) that record their arguments, with a real runner-like tarball checked by the real
// sha256sum and unpacked by the real tar: the order of things, the wait for the config under the
// instance's own id (backoff, bounded, then power off), the secret read and deleted, the checksum
// refusing a bad download, and the JIT config never on the output. Where the AWS CLI is installed, the
// same script also runs with the real CLI against the AWS fake's SSM.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createAwsFake } from '@moodle-preview/aws-fake';
import {
  awsClientConfig,
  instanceArn,
  jitParameterName,
  jitParameterTags,
  RUNNER_BOOT_SCRIPT,
  runnerUserData,
} from '@moodle-preview/core';

const SCRIPT = 'packages/core/src/runner/runner-boot.sh';
const GENERATED = 'packages/core/src/runner/boot-script.ts';

function generated(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return `// GENERATED from runner-boot.sh (test/runner/boot-script.test.ts fails when they differ; regenerate with
// UPDATE_BOOT_SCRIPT=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/runner/boot-script.test.ts).
// A TypeScript string, so every bundle that starts a runner carries the script without reading files.
export const RUNNER_BOOT_SCRIPT: string =
  [
${lines.map((l) => `    ${JSON.stringify(l)},`).join('\n')}
  ].join('\\n') + '\\n';
`;
}

describe('runner-boot.sh', () => {
  it('is what boot-script.ts carries', async () => {
    const text = readFileSync(SCRIPT, 'utf8');
    if (process.env.UPDATE_BOOT_SCRIPT) {
      // Written as prettier would, so the lint stays clean after a regeneration.
      const prettier = await import('prettier');
      const options = { ...(await prettier.resolveConfig(GENERATED)), filepath: GENERATED };
      writeFileSync(GENERATED, await prettier.format(generated(text), options));
    }
    expect(RUNNER_BOOT_SCRIPT).toBe(text);
  });

  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

const JIT = Buffer.from(
  JSON.stringify({ '.runner': 'x', '.credentials_rsaparams': 'secret-key-material' }),
).toString('base64');
const INSTANCE = 'i-0123456789abcdef0';
const OWN = `/moodle-preview/runners/${INSTANCE}`;

interface BootOptions {
  sha256?: string;
  runnerExit?: number;
  /** What IMDS answers for the instance id. */
  instanceId?: string;
  /** The error codes the stub `aws` answers get-parameter with, in turn, before it answers the config. */
  notYet?: string[];
  /** The config never comes: every get-parameter answers this error code. */
  never?: string;
  /** delete-parameter fails with this error code. */
  deleteFails?: string;
  /** Replace the `aws` and `sleep` stubs (the real CLI test). */
  realAws?: boolean;
  configWaitSeconds?: number;
  env?: Record<string, string>;
}

interface BootRun {
  status: number | null;
  output: string;
  calls: string[];
  runnerArgs: string;
  /** The runner user's home (useradd's stub makes it). */
  home: string;
}

/** The user data ready to run by bash with stubs first on PATH; `sha256` overrides the expected checksum. */
function prepare(options: BootOptions = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-boot-'));
  const bin = path.join(dir, 'bin');
  const home = path.join(dir, 'home', 'runner');
  const log = path.join(dir, 'calls.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');

  // A runner release stand-in: run.sh records its arguments and whoever ran it.
  const pkg = path.join(dir, 'pkg');
  mkdirSync(pkg);
  writeFileSync(
    path.join(pkg, 'run.sh'),
    `#!/bin/bash\necho "$@" > "${dir}/runner-args"\nexit ${options.runnerExit ?? 0}\n`,
    { mode: 0o755 },
  );
  const tarball = path.join(dir, 'runner.tar.gz');
  const tar = spawnSync('tar', ['-czf', tarball, '-C', pkg, '.']);
  expect(tar.status).toBe(0);
  const sha = createHash('sha256').update(readFileSync(tarball)).digest('hex');

  const stub = (name: string, body = '') => {
    writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> "${log}"\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  stub(
    'curl',
    `case "$*" in
  *"-X PUT"*) echo imds-session-token ;;
  *meta-data/instance-id*) echo '${options.instanceId ?? INSTANCE}' ;;
  *" -o "*) while [ $# -gt 0 ]; do if [ "$1" = -o ]; then cp "${tarball}" "$2"; fi; shift; done ;;
esac`,
  );
  // The AWS CLI's way of failing: its error line on stderr, a non-zero status.
  const fail = (code: string, op: string) =>
    `echo "An error occurred (${code}) when calling the ${op} operation: refused" >&2; exit 254`;
  if (options.realAws) {
    // A short real pause, so the test can store the config while the script waits for it.
    stub('sleep', 'exec /bin/sleep 0.2');
  } else {
    const answers = options.never ? [] : [...(options.notYet ?? [])];
    stub(
      'aws',
      `case "$*" in
  *get-parameter*)
    n=$(cat "${dir}/gets" 2>/dev/null || echo 0); echo $((n + 1)) > "${dir}/gets"
    codes=(${answers.join(' ')})
    ${options.never ? fail(options.never, 'GetParameter') : `if [ "$n" -lt \${#codes[@]} ]; then ${fail('${codes[$n]}', 'GetParameter')}; fi; echo "${JIT}"`} ;;
  *delete-parameter*) ${options.deleteFails ? fail(options.deleteFails, 'DeleteParameter') : ':'} ;;
esac`,
    );
    stub('sleep');
  }
  stub('shutdown');
  stub('poweroff');
  stub('useradd', `mkdir -p "${home}"`);
  stub('id', 'exit 1');
  stub('chown');
  stub('runuser', 'while [ "$1" != -- ]; do shift; done; shift; exec "$@"');

  const userData = runnerUserData({
    label: 'mdl-ec2-1-1-main',
    region: 'eu-west-2',
    maxLifetimeMinutes: 2880,
    configWaitSeconds: options.configWaitSeconds,
    runnerUrl:
      'https://github.com/actions/runner/releases/download/v2.330.0/actions-runner-linux-x64-2.330.0.tar.gz',
    runnerSha256: options.sha256 ?? sha,
  });
  writeFileSync(path.join(dir, 'user-data'), userData);
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    MDL_RUNNER_HOME: home,
    HOME: dir,
    ...options.env,
  };
  const result = (status: number | null, output: string): BootRun => {
    let runnerArgs = '';
    try {
      runnerArgs = readFileSync(path.join(dir, 'runner-args'), 'utf8').trim();
    } catch {
      runnerArgs = '';
    }
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    return { status, output, calls, runnerArgs, home };
  };
  return { script: path.join(dir, 'user-data'), env, result };
}

function boot(options: BootOptions = {}): BootRun {
  const p = prepare(options);
  const r = spawnSync('bash', [p.script], { encoding: 'utf8', env: p.env });
  return p.result(r.status, r.stdout + r.stderr);
}

const getCall = `aws ssm get-parameter --region eu-west-2 --name ${OWN} --with-decryption --query Parameter.Value --output text`;
const deleteCall = `aws ssm delete-parameter --region eu-west-2 --name ${OWN}`;

describe('the boot script, run against stub commands', () => {
  it('caps the lifetime first, reads then deletes the SecureString named by its own id, runs the verified runner as a non-root user, powers off', () => {
    const r = boot();
    expect(r.calls[0]).toBe('shutdown -h +2880 ec2-runner: maximum lifetime of 2880 minutes reached');
    // IMDSv2: the token PUT before the metadata read that uses it.
    expect(r.calls[1]).toBe(
      'curl -fsS -X PUT http://169.254.169.254/latest/api/token -H X-aws-ec2-metadata-token-ttl-seconds: 300',
    );
    expect(r.calls[2]).toBe(
      'curl -fsS -H X-aws-ec2-metadata-token: imds-session-token http://169.254.169.254/latest/meta-data/instance-id',
    );
    const get = r.calls.indexOf(getCall);
    const del = r.calls.indexOf(deleteCall);
    const user = r.calls.findIndex((c) => c.startsWith('useradd --create-home'));
    const download = r.calls.findIndex((c) => c.startsWith('curl -fsSL --retry 5 -o'));
    const run = r.calls.findIndex((c) =>
      c.startsWith(`runuser -u runner -- env HOME=${r.home} USER=runner ./run.sh --jitconfig`),
    );
    expect(get).toBe(3);
    expect(del).toBe(get + 1);
    expect(r.calls.filter((c) => c.startsWith('aws '))).toEqual([getCall, deleteCall]);
    expect(user).toBeGreaterThan(del);
    expect(download).toBeGreaterThan(user);
    expect(run).toBeGreaterThan(download);
    expect(r.calls).toContain(`chown -R runner: ${r.calls[user]!.split(' ')[3]}/actions-runner`);
    expect(r.runnerArgs).toBe(`--jitconfig ${JIT}`);
    expect(r.calls.at(-1)).toBe('shutdown -h now ec2-runner: done');
    expect(r.status).toBe(0);
    // The config went to the runner and nowhere else: not on the output cloud-init sends to the console.
    expect(r.output).not.toContain(JIT);
    expect(r.output).toContain(
      `instance ${INSTANCE}, runner mdl-ec2-1-1-main; its config is to come at ${OWN}`,
    );
    expect(r.output).toContain('runner config read from SSM and deleted there');
  });

  it('waits for its config with backoff while SSM answers not found or access denied, then goes on', () => {
    const r = boot({ notYet: ['ParameterNotFound', 'AccessDeniedException', 'ParameterNotFound'] });
    const waits = r.calls.filter((c) => c.startsWith('aws ') || c.startsWith('sleep '));
    expect(waits).toEqual([getCall, 'sleep 2', getCall, 'sleep 4', getCall, 'sleep 8', getCall, deleteCall]);
    expect(r.output).toContain(`no runner config at ${OWN} yet (ParameterNotFound); next look in 2 s`);
    expect(r.output).toContain(`no runner config at ${OWN} yet (AccessDeniedException); next look in 4 s`);
    expect(r.runnerArgs).toBe(`--jitconfig ${JIT}`);
    expect(r.status).toBe(0);
  });

  it('powers off after the bounded wait when no config of its own appears, saying so; the runner never starts', () => {
    const r = boot({ never: 'AccessDeniedException' });
    const sleeps = r.calls.filter((c) => c.startsWith('sleep ')).map((c) => Number(c.split(' ')[1]));
    // 2, 4, 8, 16, then 30 s at most between looks: 300 s in all (the default wait), 14 looks.
    expect(sleeps).toEqual([2, 4, 8, 16, 30, 30, 30, 30, 30, 30, 30, 30, 30]);
    expect(sleeps.reduce((a, b) => a + b)).toBe(300);
    expect(r.calls.filter((c) => c === getCall)).toHaveLength(14);
    expect(r.output).toContain(
      `ec2-runner: no runner config readable at ${OWN} after 300 s (last answer: AccessDeniedException); powering off`,
    );
    expect(r.calls.some((c) => c.startsWith('aws ssm delete-parameter'))).toBe(false);
    expect(r.calls.some((c) => c.startsWith('curl -fsSL'))).toBe(false);
    expect(r.runnerArgs).toBe('');
    expect(r.calls.at(-1)).toBe('shutdown -h now ec2-runner: done');
    expect(r.status).toBe(4);
  });

  it('waits only as long as it was told', () => {
    const r = boot({ never: 'ParameterNotFound', configWaitSeconds: 10 });
    expect(r.calls.filter((c) => c.startsWith('sleep '))).toEqual(['sleep 2', 'sleep 4', 'sleep 4']);
    expect(r.output).toContain(`after 10 s (last answer: ParameterNotFound); powering off`);
  });

  it('without an instance id from IMDS, asks SSM for nothing and powers off', () => {
    const r = boot({ instanceId: '<html>not found</html>' });
    expect(r.calls.some((c) => c.startsWith('aws '))).toBe(false);
    expect(r.output).toContain('the instance metadata gave no instance id');
    expect(r.calls.at(-1)).toBe('shutdown -h now ec2-runner: done');
    expect(r.status).toBe(4);
  });

  it('a failed delete is logged and the job still runs (stop and reap delete an ended instance’s config)', () => {
    const r = boot({ deleteFails: 'ThrottlingException' });
    expect(r.output).toContain(
      'warning: runner config read, but not deleted (ThrottlingException); stop or reap deletes it',
    );
    expect(r.runnerArgs).toBe(`--jitconfig ${JIT}`);
    expect(r.output).not.toContain(JIT);
  });

  it('refuses a download whose SHA-256 differs: the runner never runs and the machine powers off', () => {
    const r = boot({ sha256: 'b'.repeat(64) });
    expect(r.runnerArgs).toBe('');
    expect(r.calls.some((c) => c.startsWith('runuser'))).toBe(false);
    expect(r.output).toContain('does not match SHA-256');
    expect(r.calls.at(-1)).toBe('shutdown -h now ec2-runner: done');
    expect(r.status).not.toBe(0);
  });

  it('powers off after the runner exits, whatever its status', () => {
    const r = boot({ runnerExit: 7 });
    expect(r.output).toContain('runner exited with status 7');
    expect(r.calls.at(-1)).toBe('shutdown -h now ec2-runner: done');
  });
});

const hasAwsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

describe('the boot script with the real AWS CLI against the fake SSM', () => {
  // The CLI is on GitHub's hosted runners and this development machine; elsewhere this part is skipped.
  (hasAwsCli ? it : it.skip)(
    'waits while its parameter is missing, then reads its own (with decryption) and deletes it; another instance’s stays',
    async () => {
      const fake = createAwsFake();
      await fake.listen();
      Object.assign(process.env, fake.env());
      const ssm = new SSMClient(awsClientConfig({ region: fake.server.region }));
      try {
        const other = 'i-0fedcba9876543210';
        const put = (id: string, value: string) =>
          ssm.send(
            new PutParameterCommand({
              Name: jitParameterName(id),
              Type: 'SecureString',
              Value: value,
              Tags: Object.entries(
                jitParameterTags(instanceArn(fake.server.region, fake.server.accountId, id)),
              ).map(([Key, Value]) => ({ Key, Value })),
            }),
          );
        await put(other, 'the other runner’s config');
        const p = prepare({
          realAws: true,
          configWaitSeconds: 60,
          // The instance profile's credentials (the fake records them as the caller).
          env: {
            ...fake.env(),
            AWS_ACCESS_KEY_ID: 'ASIAINSTANCEFAKE0001',
            AWS_SECRET_ACCESS_KEY: 'instance-secret',
            AWS_SESSION_TOKEN: 'instance-session',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          },
        });
        const child = spawn('bash', [p.script], { env: p.env });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        // start writes the config only after RunInstances answered: here, once the script has looked once.
        const deadline = Date.now() + 30_000;
        while (
          !fake.server.calls.some((c) => c.action === 'GetParameter' && c.error === 'ParameterNotFound')
        ) {
          if (Date.now() > deadline) throw new Error(`the script never asked SSM:\n${output}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        await put(INSTANCE, JIT);
        const r = p.result(await exited, output);

        expect(r.status).toBe(0);
        expect(r.runnerArgs).toBe(`--jitconfig ${JIT}`);
        expect(r.output).toContain(`no runner config at ${OWN} yet (ParameterNotFound)`);
        expect(r.output).not.toContain(JIT);
        const ssmCalls = fake.server.calls.filter((c) => c.service === 'ssm' && c.action !== 'PutParameter');
        expect(ssmCalls.map((c) => `${c.action} ${c.error ?? 'ok'}`)).toEqual([
          ...ssmCalls.slice(0, -2).map(() => 'GetParameter ParameterNotFound'),
          'GetParameter ok',
          'DeleteParameter ok',
        ]);
        expect(fake.ssm.parameters.has(OWN)).toBe(false);
        expect(fake.ssm.value(jitParameterName(other))).toBe('the other runner’s config');
      } finally {
        ssm.destroy();
        await fake.close();
      }
    },
    60_000,
  );
});
