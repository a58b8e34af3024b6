// GitHub Actions workflow commands (`::error file=…::msg`) for code that runs outside an action
// bundle (the CLI in a workflow step). Escaping follows the runner's rules as documented in
// actions/toolkit packages/core/src/command.ts: data escapes % CR LF; properties also : and ,.
import type { SettingsProblem } from './errors.js';

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function errorAnnotation(p: SettingsProblem): string {
  const props = [`file=${p.file}`, `line=${p.line}`, `col=${p.column}`, `title=${p.key || 'settings'}`]
    .map((kv) => {
      const i = kv.indexOf('=');
      return `${kv.slice(0, i)}=${escapeProperty(kv.slice(i + 1))}`;
    })
    .join(',');
  return `::error ${props}::${escapeData(p.message)}`;
}
