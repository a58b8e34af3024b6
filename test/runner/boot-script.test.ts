// The instance's user data run with bash against stub commands (aws, curl, shutdown, useradd, id,
// chown, runuser) that record their arguments, with a real runner-like tarball checked by the real
// sha256sum and unpacked by the real tar: the order of things, the secret read and deleted, the
// checksum refusing a bad download, and the JIT config never on the output.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { RUNNER_BOOT_SCRIPT, runnerUserData } from '@moodle-preview/core';

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

interface BootRun {
  status: number | null;
  output: string;
  calls: string[];
  runnerArgs: string;
  /** The runner user's home (useradd's stub makes it). */
  home: string;
}

/** The user data run by bash with stubs first on PATH; `sha256` overrides the expected checksum. */
function boot(options: { sha256?: string; runnerExit?: number } = {}): BootRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-boot-'));
  const bin = path.join(dir, 'bin');
  const home = path.join(dir, 'home', 'runner');
  const log = path.join(dir, 'calls.log');
  mkdirSync(bin, { recursive: true });

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
  *meta-data/instance-id*) echo i-0123456789abcdef0 ;;
  *" -o "*) while [ $# -gt 0 ]; do if [ "$1" = -o ]; then cp "${tarball}" "$2"; fi; shift; done ;;
esac`,
  );
  stub('aws', `case "$*" in *get-parameter*) echo "${JIT}" ;; esac`);
  stub('shutdown');
  stub('poweroff');
  stub('useradd', `mkdir -p "${home}"`);
  stub('id', 'exit 1');
  stub('chown');
  stub('runuser', 'while [ "$1" != -- ]; do shift; done; shift; exec "$@"');

  const userData = runnerUserData({
    parameterName: '/moodle-preview/runners/mdl-ec2-1-1-main',
    region: 'eu-west-2',
    maxLifetimeMinutes: 2880,
    runnerUrl:
      'https://github.com/actions/runner/releases/download/v2.330.0/actions-runner-linux-x64-2.330.0.tar.gz',
    runnerSha256: options.sha256 ?? sha,
  });
  writeFileSync(path.join(dir, 'user-data'), userData);
  const r = spawnSync('bash', [path.join(dir, 'user-data')], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, MDL_RUNNER_HOME: home, HOME: dir },
  });
  let runnerArgs = '';
  try {
    runnerArgs = readFileSync(path.join(dir, 'runner-args'), 'utf8').trim();
  } catch {
    runnerArgs = '';
  }
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  return { status: r.status, output: r.stdout + r.stderr, calls, runnerArgs, home };
}

describe('the boot script, run against stub commands', () => {
  it('caps the lifetime first, reads then deletes the SecureString, runs the verified runner as a non-root user, powers off', () => {
    const r = boot();
    expect(r.calls[0]).toBe('shutdown -h +2880 ec2-runner: maximum lifetime of 2880 minutes reached');
    // IMDSv2: the token PUT before the metadata read that uses it.
    expect(r.calls[1]).toBe(
      'curl -fsS -X PUT http://169.254.169.254/latest/api/token -H X-aws-ec2-metadata-token-ttl-seconds: 300',
    );
    expect(r.calls[2]).toBe(
      'curl -fsS -H X-aws-ec2-metadata-token: imds-session-token http://169.254.169.254/latest/meta-data/instance-id',
    );
    const get = r.calls.indexOf(
      'aws ssm get-parameter --region eu-west-2 --name /moodle-preview/runners/mdl-ec2-1-1-main --with-decryption --query Parameter.Value --output text',
    );
    const del = r.calls.indexOf(
      'aws ssm delete-parameter --region eu-west-2 --name /moodle-preview/runners/mdl-ec2-1-1-main',
    );
    const user = r.calls.findIndex((c) => c.startsWith('useradd --create-home'));
    const download = r.calls.findIndex((c) => c.startsWith('curl -fsSL --retry 5 -o'));
    const run = r.calls.findIndex((c) =>
      c.startsWith(`runuser -u runner -- env HOME=${r.home} USER=runner ./run.sh --jitconfig`),
    );
    expect(get).toBeGreaterThan(2);
    expect(del).toBe(get + 1);
    expect(user).toBeGreaterThan(del);
    expect(download).toBeGreaterThan(user);
    expect(run).toBeGreaterThan(download);
    expect(r.calls).toContain(`chown -R runner: ${r.calls[user]!.split(' ')[3]}/actions-runner`);
    expect(r.runnerArgs).toBe(`--jitconfig ${JIT}`);
    expect(r.calls.at(-1)).toBe('shutdown -h now ec2-runner: done');
    expect(r.status).toBe(0);
    // The config went to the runner and nowhere else: not on the output cloud-init sends to the console.
    expect(r.output).not.toContain(JIT);
    expect(r.output).toContain('runner config read from SSM and deleted there');
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
