// Every action's README carries the inputs and outputs tables of its action.yml as they are now, and
// the check really fails when an action.yml changes without its README.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const check = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/action-docs.mjs', '--check', ...args], { encoding: 'utf8' });

describe('action READMEs', () => {
  it('match their action.yml', () => {
    const r = check();
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('action READMEs match their action.yml\n');
    expect(r.status).toBe(0);
  });

  it('are found stale when an input changes in action.yml alone', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'action-docs-'));
    for (const name of ['deploy-instance', 'destroy-instance']) {
      for (const file of ['action.yml', 'README.md'])
        cpSync(`actions/${name}/${file}`, path.join(root, 'actions', name, file));
    }
    const yml = path.join(root, 'actions/destroy-instance/action.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace("default: 'false'", "default: 'true'"));
    const r = check('--root', root);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'inputs/outputs tables differ from action.yml (run npm run action-docs): actions/destroy-instance/README.md\n',
    );
  });
});
