#!/usr/bin/env node
// The mdl-preview executable: run the CLI with the process's streams and exit with its code.
import { main } from './cli.js';

const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
});
process.exitCode = code;
