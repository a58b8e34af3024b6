// Every workflow in workflows-examples/ and .github/workflows/ passes actionlint, and the lint
// really fails on a broken workflow.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const lint = (...files: string[]) =>
  spawnSync(process.execPath, ['scripts/lint-workflows.mjs', ...files], { encoding: 'utf8' });

describe('actionlint', () => {
  it('passes every committed workflow', () => {
    const r = lint();
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/actionlint: [1-9]\d* workflow\(s\), 0 finding\(s\)/);
    expect(r.status).toBe(0);
  });

  it('reports a broken workflow with its position', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wf-')), 'bad.yml');
    writeFileSync(
      file,
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n',
    );
    const r = lint(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:6:23: property "nope" is not defined`);
  });
});
