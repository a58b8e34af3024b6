// mdl-preview config check FILE…: validate per-site config files (the settings the demo refresh
// applies with cfg.php) the way settings.yml is validated: every problem at file:line:col.
import { checkConfigText, type SettingsProblem } from '@moodle-preview/core';
import { readFile } from 'node:fs/promises';
import { EXIT, UsageError, reportProblems, type CliIO } from '../io.js';

export async function config(args: string[], io: CliIO): Promise<number> {
  const [sub, ...files] = args;
  if (sub !== 'check' || files.length === 0) throw new UsageError('usage: config check FILE…');
  const problems: SettingsProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      problems.push({ file, line: 1, column: 1, key: '', message: 'cannot read: file not found' });
      continue;
    }
    const r = checkConfigText(file, text);
    problems.push(...r.problems);
    if (r.value) io.stdout(`${file}: ${r.value.length} setting(s), valid\n`);
  }
  if (problems.length) {
    reportProblems(problems, io);
    return EXIT.invalid;
  }
  return EXIT.ok;
}
