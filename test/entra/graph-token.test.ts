// Signing in to Graph, against a scripted token endpoint: which credential is used when both could
// be, where the request goes, what is checked before anything is sent, and what each refusal of the
// token endpoint tells the user (the AADSTS codes: https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  acquireGraphToken,
  checkEndpoint,
  ConfigurationError,
  graphScope,
  memoryLogger,
  type GraphSignIn,
  type Logger,
} from '@moodle-preview/core';
import { startScriptedServer, type ScriptedServer } from '../servers/scripted-http.js';
import { rejection } from '../harness/failure.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const SECRET = 'client-secret-value';
const jwt = (payload: object) =>
  ['{"alg":"RS256"}', JSON.stringify(payload)].map((p) => Buffer.from(p).toString('base64url')).join('.') +
  '.sig';
const OIDC = jwt({ sub: 'repo:example-org/moodle-build:environment:entra' });

let server: ScriptedServer;
let log: Logger & { lines: string[]; masks: string[] };
beforeEach(async () => {
  server = await startScriptedServer({ status: 200, body: { token_type: 'Bearer', access_token: 'at-1' } });
  const base = memoryLogger();
  const masks: string[] = [];
  log = Object.assign(base, { masks, mask: (s: string) => void masks.push(s) });
});
afterEach(() => server.close());

const signIn = (extra: Partial<GraphSignIn>): GraphSignIn => ({
  tenantId: TENANT,
  clientId: CLIENT,
  authorityHost: server.url,
  graphUrl: 'https://graph.microsoft.com/v1.0',
  log,
  ...extra,
});
const form = (i = 0) => Object.fromEntries(new URLSearchParams(server.requests[i]!.body));
describe('the credential', () => {
  it('prefers the OIDC token to a client secret when it has both, and sends no secret', async () => {
    const token = await acquireGraphToken(signIn({ oidcToken: async () => OIDC, clientSecret: SECRET }));
    expect(token).toBe('at-1');
    expect(form()).toEqual({
      client_id: CLIENT,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: OIDC,
    });
    // Everything secret is masked before it could be logged, the unused secret too.
    expect(log.masks).toEqual([SECRET, OIDC, 'at-1']);
  });

  it('uses the client secret when the job has no OIDC token', async () => {
    await acquireGraphToken(signIn({ clientSecret: SECRET }));
    expect(form()).toEqual({
      client_id: CLIENT,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
      client_secret: SECRET,
    });
    expect(log.masks).toEqual([SECRET, 'at-1']);
  });

  it('says how to give the job an OIDC token when fetching it fails, and sends nothing', async () => {
    const err = await rejection(
      acquireGraphToken(
        signIn({
          oidcToken: async () => {
            throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL is not set');
          },
          clientSecret: SECRET,
        }),
      ),
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(
      "could not get the job's GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): give the job " +
        '`permissions: id-token: write`, or pass client-secret',
    );
    expect(server.requests).toEqual([]);
  });

  it('refuses to go on with no credential at all, and sends nothing', async () => {
    const err = await rejection(acquireGraphToken(signIn({ clientSecret: '' })));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/^no way to sign in to Entra ID/);
    expect(server.requests).toEqual([]);
  });
});

describe('where it goes', () => {
  it("posts a form to the tenant's v2.0 token endpoint under the authority's path", async () => {
    await acquireGraphToken(signIn({ authorityHost: `${server.url}/sovereign//`, clientSecret: SECRET }));
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe(`/sovereign/${TENANT}/oauth2/v2.0/token`);
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it("asks for the Graph host's own .default scope (a sovereign cloud's is another host)", () => {
    expect(graphScope('https://graph.microsoft.us/v1.0')).toBe('https://graph.microsoft.us/.default');
    expect(graphScope('http://127.0.0.1:8080/v1.0/')).toBe('http://127.0.0.1:8080/.default');
  });

  it.each([
    ['11111111-2222-3333-4444-555555555555', true],
    ['contoso.onmicrosoft.com', true],
    ['contoso/../other', false],
    ['tenant?x=1', false],
    ['', false],
  ])('tenant-id %j accepted: %s (checked before any request)', async (tenantId, ok) => {
    const err = await rejection(acquireGraphToken(signIn({ tenantId, clientSecret: SECRET })));
    if (ok) {
      expect(err.message).toBe('no error');
      expect(server.requests).toHaveLength(1);
    } else {
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toBe(`tenant-id "${tenantId}" must be a tenant GUID or domain name`);
      expect(server.requests).toEqual([]);
    }
  });

  it.each([
    ['https://login.microsoftonline.us', true],
    ['http://127.0.0.1:9', true],
    ['http://localhost:9', true],
    ['http://[::1]:9', true],
    ['http://login.example.com', false],
    ['http://127.0.0.1.example.com', false],
    ['ftp://127.0.0.1', false],
  ])('endpoint %s accepted: %s', (url, ok) => {
    if (ok) expect(checkEndpoint('authority-host', url).href).toBe(new URL(url).href);
    else
      expect(() => checkEndpoint('authority-host', url)).toThrow(
        `authority-host "${url}" must be an https URL`,
      );
  });

  it('says which endpoint is not a URL', () => {
    expect(() => checkEndpoint('graph-url', 'graph.microsoft.com')).toThrow(
      new ConfigurationError('graph-url "graph.microsoft.com" is not a URL'),
    );
  });

  it('checks the Graph URL too before sending the credential anywhere', async () => {
    const err = await rejection(
      acquireGraphToken(signIn({ graphUrl: 'http://graph.example.com/v1.0', clientSecret: SECRET })),
    );
    expect(err.message).toBe('graph-url "http://graph.example.com/v1.0" must be an https URL');
    expect(server.requests).toEqual([]);
  });
});

describe('refusals of the token endpoint', () => {
  const refused = (status: number, body: unknown) => server.answer({ status, body });

  it.each(['AADSTS70021', 'AADSTS700213'])(
    '%s: names the federated credential to add, with the subject of the job token',
    async (code) => {
      refused(400, {
        error: 'invalid_client',
        error_description: `${code}: No matching federated identity record.\r\nTrace ID: 1`,
      });
      const err = await rejection(acquireGraphToken(signIn({ oidcToken: async () => OIDC })));
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toBe(
        `Entra ID has no federated credential for this job (${code}: No matching federated identity record.): ` +
          `add one to app ${CLIENT} with issuer https://token.actions.githubusercontent.com, audience ` +
          'api://AzureADTokenExchange and subject repo:example-org/moodle-build:environment:entra',
      );
    },
  );

  it.each([
    ['a token that is not a JWT', 'opaque-token'],
    ['a JWT without a subject', jwt({ aud: 'x' })],
    ['a JWT whose subject is not text', jwt({ sub: 42 })],
  ])('shows the subject pattern for %s', async (_what, token) => {
    refused(400, { error_description: 'AADSTS70021: No matching federated identity record.' });
    const err = await rejection(acquireGraphToken(signIn({ oidcToken: async () => token })));
    expect(err.message).toMatch(/and subject repo:<owner>\/<repo>:environment:<name>$/);
  });

  it.each([400, 401])(
    '%i: a refused sign-in says what to check, from the first line of the reason',
    async (status) => {
      refused(status, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret.\nTrace ID: 2',
      });
      const err = await rejection(acquireGraphToken(signIn({ clientSecret: SECRET })));
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toBe(
        `Entra ID refused to sign in ${CLIENT} in tenant ${TENANT}: AADSTS7000215: Invalid client secret.; ` +
          'check tenant-id, client-id and the credential',
      );
      expect(err.message).not.toContain(SECRET);
    },
  );

  it('another status is not a configuration error, and reads the error code when there is no description', async () => {
    refused(503, { error: 'temporarily_unavailable' });
    const err = await rejection(acquireGraphToken(signIn({ clientSecret: SECRET })));
    expect(err).not.toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe('the token endpoint answered 503: temporarily_unavailable');
  });

  it('an answer that is not JSON is reported by its status', async () => {
    refused(502, '<html>bad gateway</html>');
    const err = await rejection(acquireGraphToken(signIn({ clientSecret: SECRET })));
    expect(err.message).toBe('the token endpoint answered 502: HTTP 502');
  });

  it('a 200 without an access token is not a sign-in', async () => {
    refused(200, { token_type: 'Bearer' });
    const err = await rejection(acquireGraphToken(signIn({ clientSecret: SECRET })));
    expect(err.message).toBe('the token endpoint answered 200: the answer has no access_token');
    expect(log.masks).toEqual([SECRET]);
  });
});
