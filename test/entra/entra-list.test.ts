// `mdl-preview entra list` against the local Graph server and the site registry in the AWS fake.
import { expectAllowedAs } from '../iam/replay.js';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { main } from '@moodle-preview/cli';
import { REGISTRY_PREFIX } from '@moodle-preview/core';
import { startGraphServer, type GraphServer } from '../servers/graph.js';

const APP = '0a0a0a0a-0000-4000-8000-000000000001';
const DOMAIN = 'preview-moodle.example.ac.uk';
const uriOf = (link: string) => `https://${link}.${DOMAIN}/auth/oidc/`;
let fake: AwsFake;
let server: GraphServer;
const savedEnv = { ...process.env };

const entry = (link: string, extra = {}) => ({
  schemaVersion: 1,
  previewLink: link,
  url: `https://${link}.${DOMAIN}`,
  cluster: 'moodle_cluster',
  service: `mdl-${link}`,
  taskFamily: `mdl_ecs_task_def-${link}`,
  container: link,
  databases: { moodle: `mdl_${link}` },
  dbUser: link,
  dbHost: 'db.example.internal',
  moodledataFolder: link,
  logGroup: `/moodle-preview/sites/${link}`,
  ...extra,
});

beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  server = await startGraphServer();
  const ssm = new SSMClient({});
  for (const e of [entry('a'), entry('b'), entry('gone', { destroyedAt: '2025-01-01' })])
    await ssm.send(
      new PutParameterCommand({
        Name: `${REGISTRY_PREFIX}/${e.previewLink}`,
        Type: 'String',
        Value: JSON.stringify(e),
      }),
    );
  ssm.destroy();
  fake.server.resetCalls();
});
afterAll(async () => {
  await server.close();
  await fake.close();
  process.env = savedEnv;
});

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['entra', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, ...env },
  });
  return { code, stdout, stderr };
}

it('shows the sites on each app and the URIs of sites no longer registered', async () => {
  server.addApp(
    APP,
    [uriOf('a'), uriOf('gone'), uriOf('old'), 'https://moodle.example.ac.uk/auth/oidc/'],
    'Moodle previews',
  );
  const r = await cli(
    [
      'list',
      '--app',
      APP,
      '--tenant',
      server.tenantId,
      '--client-id',
      server.clientId,
      '--platform',
      'workflows-examples/platform.yml',
      '--authority-host',
      server.authorityHost,
      '--graph-url',
      server.graphUrl,
    ],
    { ENTRA_CLIENT_SECRET: server.clientSecret },
  );
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(
    `Moodle previews (${APP}): 4 redirect URI(s), 252 place(s) left, 1 not the suite's\n` +
      `  site         ${'a'.padEnd(24)} ${uriOf('a')}\n` +
      `  unregistered ${'gone'.padEnd(24)} ${uriOf('gone')}\n` +
      `  unregistered ${'old'.padEnd(24)} ${uriOf('old')}\n`,
  );
  expect(r.stdout + r.stderr).not.toContain(server.clientSecret);
  expect(server.issued.some((t) => (r.stdout + r.stderr).includes(t))).toBe(false);
});

it('says how to give it a credential', async () => {
  const r = await cli(['list', '--app', APP, '--platform', 'workflows-examples/platform.yml']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/MDL_PREVIEW_GRAPH_TOKEN/);
});

// Runs after the tests above: every AWS call entra-redirect's registry side made (list; reconcile reads
// the same registry through SiteRegistry.list) is allowed by its generated IAM policy (a registry read).
it("is allowed every AWS call by entra-redirect's IAM policy", async () => {
  const r = await expectAllowedAs(fake.server.calls, 'entra-redirect');
  expect(r.actions).toEqual(['ssm:GetParametersByPath']);
});
