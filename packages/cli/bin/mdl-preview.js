#!/usr/bin/env node
// Installed as `mdl-preview`. The CLI is TypeScript compiled to ../dist by `npm run build`
// (run by `npm ci` through the root prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mdl-preview is not built yet: run `npm run build` in the repository root.\n');
  process.exit(70);
}
await import(entry.href);
