// No test hook ships: nothing in the committed action bundles, the CLI or the core library makes the
// process kill itself or reads a test-only switch from the environment. Fault injection reaches the
// code through what tests pass in (the restore engine's onCrashPoint, the fake's interruptions).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const HOOKS = [
  /process\.kill\(\s*process\.pid/,
  /\bprocess\.abort\(/,
  /\bMDL_[A-Z0-9_]*TEST/, // MDL_RESTORE_TEST_KILL_AT and the like
  /\benv\??\.[A-Z0-9_]*TEST[A-Z0-9_]*\b|\benv\[['"][A-Z0-9_]*TEST/, // any TEST switch read from the environment
  /\b(?:KILL_AT|CRASH_AT|FAIL_AT)\b/,
];

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const actions = readdirSync('actions', { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const shipped = [
  ...actions.flatMap((a) => files(join('actions', a, 'dist'), /\.(c|m)?js$/)),
  ...files('packages/core/src', /\.ts$/),
  ...files('packages/cli/src', /\.ts$/),
];

describe('no test hook ships', () => {
  it('covers every action bundle and source file', () => {
    for (const a of actions) expect(shipped).toContain(join('actions', a, 'dist', 'index.js'));
    expect(shipped.some((f) => f.endsWith('restore/restore.ts'))).toBe(true);
  });

  it.each(HOOKS.map((h) => [String(h), h] as const))('none matches %s', (_name, hook) => {
    const hits = shipped.filter((f) => hook.test(readFileSync(f, 'utf8')));
    expect(hits).toEqual([]);
  });
});
