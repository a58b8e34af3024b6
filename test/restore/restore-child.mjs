// `mdl-preview <args>` run in this process from the compiled CLI, with the restore engine's crash
// points watched through the CLI's seams (the executable has no such hook): the resume tests start
// this as a child process.
//   KILL_AT=<n> or <kind>:<nth>  SIGKILL this process at that crash point, saying which on stderr
//   TRACE=1                      write every point passed to stderr as one `crash-points: [...]` line
import { writeSync } from 'node:fs';
import { main } from '../../packages/cli/dist/cli.js';

const killAt = process.env.KILL_AT;
const [kindAt, nthAt] = killAt && !/^\d+$/.test(killAt) ? killAt.split(':') : [];
const trace = [];
const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  seams: {
    restore: {
      onCrashPoint(p) {
        trace.push(p.kind);
        if (
          killAt &&
          (kindAt ? p.kind === kindAt && p.nthOfKind === Number(nthAt) : p.n === Number(killAt))
        ) {
          writeSync(2, `test crash point ${p.n}: ${p.kind}\n`);
          process.kill(process.pid, 'SIGKILL');
        }
      },
    },
  },
});
if (process.env.TRACE) process.stderr.write(`crash-points: ${JSON.stringify(trace)}\n`);
process.exitCode = code;
