// Bundle every action (actions/<name>/src/index.ts → actions/<name>/dist/index.js) with ncc.
// `--check` rebuilds into a temporary folder and fails when a committed bundle differs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const ncc = path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
const actions = readdirSync(path.join(root, 'actions')).filter((a) =>
  existsSync(path.join(root, 'actions', a, 'src/index.ts')),
);

function files(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
  );
}

let stale = 0;
for (const name of actions) {
  const dir = path.join(root, 'actions', name);
  const out = check ? mkdtempSync(path.join(os.tmpdir(), `ncc-${name}-`)) : path.join(dir, 'dist');
  if (!check) rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [ncc, 'build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--quiet'],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  if (check) {
    const committed = path.join(dir, 'dist');
    const want = files(out).sort();
    const have = existsSync(committed) ? files(committed).sort() : [];
    const differ =
      want.join('\n') !== have.join('\n') ||
      want.some((f) => !readFileSync(path.join(out, f)).equals(readFileSync(path.join(committed, f))));
    if (differ) {
      stale++;
      console.error(
        `actions/${name}/dist differs from a clean rebuild: run \`npm run bundle\` and commit it`,
      );
    }
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`${check ? 'checked' : 'bundled'} actions/${name}`);
}
process.exit(stale ? 1 : 0);
