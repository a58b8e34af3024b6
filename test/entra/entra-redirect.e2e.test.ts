// The entra-redirect bundle, started as the Actions runner starts it (Node 24, INPUT_*, file commands),
// signing in with the runner's OIDC token request against the local token endpoint and Graph.
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { runAction } from '../harness/run-action.js';
import { startGraphServer, type GraphServer } from '../servers/graph.js';

const ACTION = 'actions/entra-redirect';
const APP = '0a0a0a0a-0000-4000-8000-000000000001';
const URI = 'https://4-demo.preview-moodle.example.ac.uk/auth/oidc/';
let server: GraphServer;
beforeEach(async () => {
  server = await startGraphServer();
});
afterEach(() => server.close());

it('adds the site URI from settings and platform, signing in with the OIDC token, then finds it there', async () => {
  server.addApp(APP, ['https://moodle.example.ac.uk/auth/oidc/'], 'Moodle previews');
  const inputs = {
    'tenant-id': server.tenantId,
    'client-id': server.clientId,
    'application-ids': APP,
    settings: 'workflows-examples/sites/4-demo/settings.yml',
    'authority-host': server.authorityHost,
    'graph-url': server.graphUrl,
  };
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: server.oidcRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: server.oidcRequestToken,
  };
  const first = await runAction(ACTION, { inputs, env });
  expect(first.stderr).toBe('');
  expect(first.commands.filter((c) => c.command === 'error')).toEqual([]);
  expect(first.exitCode).toBe(0);
  expect(first.outputs).toMatchObject({ uri: URI, changed: 'true' });
  expect(JSON.parse(first.outputs.result!)).toEqual([
    { appId: APP, added: [URI], removed: [], count: 2, placesLeft: 254 },
  ]);
  expect(first.summary).toContain(
    `<td>Moodle previews (${APP})</td><td>${URI}</td><td>—</td><td>—</td><td>2</td><td>254</td>`,
  );
  expect(server.redirectUris(APP)).toEqual(['https://moodle.example.ac.uk/auth/oidc/', URI]);
  // The runner's OIDC request asked for Entra's audience, and the exchange presented that token.
  expect(server.requests.find((r) => r.path === '/oidc')?.body).toEqual({
    audience: 'api://AzureADTokenExchange',
  });
  const exchange = server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'))!.body as Record<
    string,
    string
  >;
  expect(exchange.client_assertion).toBe(server.oidcToken);

  // Tokens are masked first and appear in no other line.
  const masks = first.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  expect(masks).toEqual(expect.arrayContaining([server.oidcToken, server.issued[0]]));
  const secrets = [server.oidcToken, server.oidcRequestToken, ...server.issued];
  const leaks = (first.stdout + first.stderr + first.summary)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::') && secrets.some((s) => l.includes(s)));
  expect(leaks).toEqual([]);

  const again = await runAction(ACTION, { inputs, env });
  expect(again.exitCode).toBe(0);
  expect(again.outputs.changed).toBe('false');
  expect(server.patches()).toHaveLength(1);
});

it('fails with what to grant when Graph refuses, and with no credential at all', async () => {
  server.addApp(APP);
  server.refuse = 403;
  const inputs = {
    'tenant-id': server.tenantId,
    'client-id': server.clientId,
    'application-ids': APP,
    uri: URI,
    'client-secret': server.clientSecret,
    'authority-host': server.authorityHost,
    'graph-url': server.graphUrl,
  };
  const refused = await runAction(ACTION, { inputs });
  expect(refused.exitCode).toBe(1);
  const [error] = refused.commands.filter((c) => c.command === 'error');
  expect(error?.message).toMatch(/Application\.ReadWrite\.OwnedBy.*owner of application/);
  expect(refused.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(
    server.clientSecret,
  );
  expect(
    refused.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::') && l.includes(server.clientSecret)),
  ).toEqual([]);

  const none = await runAction(ACTION, { inputs: { ...inputs, 'client-secret': '' } });
  expect(none.exitCode).toBe(1);
  expect(none.commands.find((c) => c.command === 'error')?.message).toMatch(/id-token: write/);
});

it('removes a destroyed site URI named by preview-link and the platform domain (no settings.yml)', async () => {
  server.addApp(APP, ['https://moodle.example.ac.uk/auth/oidc/', URI]);
  const inputs = {
    mode: 'remove',
    'tenant-id': server.tenantId,
    'client-id': server.clientId,
    'application-ids': APP,
    'preview-link': '4-demo',
    settings: '/nonexistent/settings.yml',
    platform: 'workflows-examples/platform.yml',
    'client-secret': server.clientSecret,
    'authority-host': server.authorityHost,
    'graph-url': server.graphUrl,
  };
  const r = await runAction(ACTION, { inputs });
  expect(r.commands.filter((c) => c.command === 'error')).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.outputs.uri).toBe(URI);
  expect(server.redirectUris(APP)).toEqual(['https://moodle.example.ac.uk/auth/oidc/']);

  const bad = await runAction(ACTION, { inputs: { ...inputs, 'preview-link': 'Not_A_Label' } });
  expect(bad.exitCode).toBe(1);
  expect(bad.commands.find((c) => c.command === 'error')?.message).toBe(
    'input preview-link must be a DNS label (a-z, 0-9, -), got "Not_A_Label"',
  );
});
