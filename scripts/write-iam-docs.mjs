// Write docs/iam/<role>.json (each role's policy for workflows-examples/platform.yml, as
// `mdl-preview iam ROLE --platform workflows-examples/platform.yml` prints it) and the table of what stays
// on `*` and why in docs/iam/README.md (run `npm run iam-docs`). test/iam/policy-shape.test.ts fails when
// the committed JSON differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkPlatformText, iamGrants, iamPolicy, IAM_ROLES } from '../packages/core/dist/index.js';

const root = path.resolve(import.meta.dirname, '..');
const file = 'workflows-examples/platform.yml';
const loaded = checkPlatformText(file, readFileSync(path.join(root, file), 'utf8'));
if (!loaded.value) throw new Error(`${file} is invalid: ${JSON.stringify(loaded.problems)}`);

for (const role of IAM_ROLES) {
  writeFileSync(
    path.join(root, `docs/iam/${role}.json`),
    `${JSON.stringify(iamPolicy(role, loaded.value), null, 2)}\n`,
  );
  console.log(`wrote docs/iam/${role}.json`);
}

const rows = IAM_ROLES.flatMap((role) =>
  iamGrants(role, loaded.value)
    .filter((g) => g.Resource === '*')
    .map(
      (g) =>
        `| ${role} | ${g.Sid} | ${g.Action.map((a) => `\`${a}\``).join(', ')} | ${g.Condition ? 'yes' : 'no'} | ${g.why} |`,
    ),
);
const readme = readFileSync(path.join(root, 'docs/iam/README.md'), 'utf8');
const start = '<!-- wildcard table: written by scripts/write-iam-docs.mjs -->';
const end = '<!-- end of wildcard table -->';
const table = [
  start,
  '| role | statement | actions | condition | why it is on `*` |',
  '| --- | --- | --- | --- | --- |',
  ...rows,
  end,
].join('\n');
const at = readme.indexOf(start);
const until = readme.indexOf(end);
if (at < 0 || until < 0) throw new Error(`docs/iam/README.md has no ${start} … ${end} block`);
writeFileSync(
  path.join(root, 'docs/iam/README.md'),
  readme.slice(0, at) + table + readme.slice(until + end.length),
);
console.log('wrote docs/iam/README.md');
