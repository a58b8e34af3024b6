#!/usr/bin/env node
// `node scripts/mutation-survivors.mjs <part>`: the score per file of the last run of a part and every
// mutant no test killed (survived or not covered), as file:line, mutator and replacement — what to
// read when writing the next test. Reads reports/mutation/<part>.json (Stryker's mutation-testing
// report schema: files → mutants with status, location, mutatorName, replacement).
import { readFileSync } from 'node:fs';

const part = process.argv[2];
if (!part) {
  console.error('usage: node scripts/mutation-survivors.mjs <part>');
  process.exit(2);
}
const report = JSON.parse(readFileSync(`reports/mutation/${part}.json`, 'utf8'));
const KILLED = new Set(['Killed', 'Timeout']);
const INVALID = new Set(['CompileError', 'RuntimeError', 'Ignored']);
let killedAll = 0;
let validAll = 0;
const rows = [];
for (const [file, { mutants, source }] of Object.entries(report.files)) {
  const lines = source.split('\n');
  const valid = mutants.filter((m) => !INVALID.has(m.status));
  const killed = valid.filter((m) => KILLED.has(m.status)).length;
  killedAll += killed;
  validAll += valid.length;
  console.log(`${file}: ${((100 * killed) / (valid.length || 1)).toFixed(2)} % (${killed}/${valid.length})`);
  for (const m of valid.filter((x) => !KILLED.has(x.status))) {
    const { line, column } = m.location.start;
    rows.push(
      `  ${file}:${line}:${column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}\n` +
        `      ${lines[line - 1]?.trim().slice(0, 140)}`,
    );
  }
}
console.log(`all: ${((100 * killedAll) / (validAll || 1)).toFixed(2)} % (${killedAll}/${validAll})`);
console.log(rows.join('\n'));
