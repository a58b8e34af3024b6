// The Graph client on its own, against a scripted loopback server: what it sends, how it reads an
// application, which answers it retries and for how long (https://learn.microsoft.com/en-us/graph/throttling),
// and what each refusal tells the user to fix.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigurationError, GraphAccessError, GraphClient, memoryLogger } from '@moodle-preview/core';
import { startScriptedServer, type ScriptedServer } from '../servers/scripted-http.js';
import { rejection } from '../harness/failure.js';

const APP = '0a0a0a0a-0000-4000-8000-000000000001';
const TOKEN = 'graph-access-token';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const FULL = {
  id: 'object-id-1',
  appId: APP,
  displayName: 'Moodle sign-in',
  web: { redirectUris: ['https://a.example.org/auth/oidc/'] },
};

let server: ScriptedServer;
let sleeps: number[];
beforeEach(async () => {
  server = await startScriptedServer();
  sleeps = [];
});
afterEach(() => server.close());

const client = (extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) =>
  new GraphClient({
    baseUrl: `${server.url}/v1.0`,
    accessToken: TOKEN,
    clientId: CLIENT,
    log: memoryLogger(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });

describe('requests', () => {
  it('reads the application by appId with only the fields it uses, as the bearer of the token', async () => {
    server.answer({ status: 200, body: FULL });
    const app = await client({ baseUrl: `${server.url}/v1.0//` }).getApplication(APP);
    expect(app).toEqual({
      id: 'object-id-1',
      appId: APP,
      displayName: 'Moodle sign-in',
      redirectUris: ['https://a.example.org/auth/oidc/'],
    });
    const [req] = server.requests;
    expect(req!.method).toBe('GET');
    expect(decodeURIComponent(req!.url)).toBe(
      `/v1.0/applications(appId='${APP}')?$select=id,appId,displayName,web`,
    );
    expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req!.headers.accept).toBe('application/json');
    expect(req!.headers['content-type']).toBeUndefined();
    expect(req!.body).toBe('');
  });

  it('fills what an answer leaves out: no web settings is no redirect URI, no name is the appId', async () => {
    server.answer({ status: 200, body: { id: 'object-id-2' } });
    expect(await client().getApplication(APP)).toEqual({
      id: 'object-id-2',
      appId: APP,
      displayName: APP,
      redirectUris: [],
    });
    server.answer({ status: 200, body: { web: {} } });
    expect(await client().getApplication(APP)).toEqual({
      id: '',
      appId: APP,
      displayName: APP,
      redirectUris: [],
    });
  });

  it('writes web.redirectUris alone, as JSON, and takes an empty 204 for done', async () => {
    server.answer({ status: 204 });
    const uris = ['https://a.example.org/auth/oidc/', 'https://b.example.org/auth/oidc/'];
    await expect(client().setRedirectUris(APP, uris)).resolves.toBeUndefined();
    const [req] = server.requests;
    expect(req!.method).toBe('PATCH');
    expect(decodeURIComponent(req!.url)).toBe(`/v1.0/applications(appId='${APP}')`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual({ web: { redirectUris: uris } });
  });

  it('puts an appId in the path encoded, so it cannot reach another path', async () => {
    server.answer({ status: 200, body: FULL });
    await client().getApplication('x/../y?z');
    expect(server.requests[0]!.url).toContain(`(appId='x%2F..%2Fy%3Fz')`);
  });
});

describe('throttling', () => {
  const throttled = (status: number, retryAfter?: string) => ({
    status,
    ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }),
    body: { error: { code: 'TooManyRequests', message: 'slow down' } },
  });

  it.each([429, 503])('waits the Retry-After seconds of a %i, then reads', async (status) => {
    server.answer(throttled(status, '3'), throttled(status, '0'), { status: 200, body: FULL });
    const app = await client().getApplication(APP);
    expect(app.displayName).toBe('Moodle sign-in');
    expect(sleeps).toEqual([3000, 0]);
    expect(server.requests).toHaveLength(3);
  });

  it('waits until an HTTP-date Retry-After', async () => {
    const in30s = new Date(Date.now() + 30_000).toUTCString();
    server.answer(throttled(429, in30s), { status: 200, body: FULL });
    await client().getApplication(APP);
    expect(sleeps).toHaveLength(1);
    // An HTTP date has whole seconds: 29 to 31 s from now, whichever second the header was cut at.
    expect(sleeps[0]).toBeGreaterThanOrEqual(29_000);
    expect(sleeps[0]).toBeLessThanOrEqual(31_000);
  });

  it('waits nothing for a date already past', async () => {
    server.answer(throttled(429, new Date(Date.now() - 60_000).toUTCString()), { status: 200, body: FULL });
    await client().getApplication(APP);
    expect(sleeps).toEqual([0]);
  });

  it('backs off 1, 2, 4 s when there is no Retry-After or it cannot be read', async () => {
    server.answer(throttled(429), throttled(503, 'soon'), throttled(429, ''), { status: 200, body: FULL });
    await client().getApplication(APP);
    expect(sleeps).toEqual([1000, 2000, 4000]);
  });

  it('never waits longer than the cap for one answer (120 s unless set)', async () => {
    server.answer(throttled(429, '86400'), { status: 200, body: FULL });
    await client().getApplication(APP);
    server.answer(throttled(429, '86400'), { status: 200, body: FULL });
    await client({ maxRetryAfterSeconds: 10 }).getApplication(APP);
    expect(sleeps).toEqual([120_000, 10_000]);
  });

  it('retries five times, then fails with the throttled answer', async () => {
    const five = Array.from({ length: 5 }, () => throttled(429, '1'));
    server.answer(...five, { status: 200, body: FULL });
    await expect(client().getApplication(APP)).resolves.toMatchObject({ id: 'object-id-1' });
    expect(sleeps).toHaveLength(5);

    sleeps.length = 0;
    server.answer(...five, throttled(429, '1'), { status: 200, body: FULL });
    const err = await rejection(client().getApplication(APP));
    expect(err.message).toBe(`Graph answered 429 to GET on application ${APP} (TooManyRequests: slow down)`);
    expect(sleeps).toHaveLength(5);
    expect(server.requests).toHaveLength(6 + 6);
  });

  it('retries as many times as it is told', async () => {
    server.answer(throttled(429, '1'), throttled(429, '1'), { status: 200, body: FULL });
    const err = await rejection(client({ maxRetries: 1 }).getApplication(APP));
    expect(err.message).toMatch(/^Graph answered 429/);
    expect(sleeps).toEqual([1000]);
  });

  it('does not retry a server error that is not throttling', async () => {
    server.answer({ status: 500, body: 'upstream failed' }, { status: 200, body: FULL });
    const err = await rejection(client().setRedirectUris(APP, []));
    expect(err).not.toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(`Graph answered 500 to PATCH on application ${APP}`);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('refusals say what to fix', () => {
  it.each([401, 403])('%i: the permission and the ownership the automation needs', async (status) => {
    server.answer({
      status,
      body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
    });
    const err = await rejection(client().getApplication(APP));
    expect(err).toBeInstanceOf(GraphAccessError);
    expect((err as GraphAccessError).status).toBe(status);
    expect(err.message).toBe(
      `Graph refused GET on application ${APP} with ${status} (Authorization_RequestDenied: Insufficient privileges): ` +
        `grant the automation's app ${CLIENT} the Microsoft Graph application permission ` +
        `Application.ReadWrite.OwnedBy (with admin consent) and make it an owner of application ${APP}`,
    );
    expect(sleeps).toEqual([]);
  });

  it('404: a wrong appId or an app the automation does not own', async () => {
    server.answer({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });
    const err = await rejection(client().getApplication(APP));
    expect(err).toBeInstanceOf(GraphAccessError);
    expect((err as GraphAccessError).status).toBe(404);
    expect(err.message).toBe(
      `application ${APP} was not found (Request_ResourceNotFound): the appId is wrong (give the Application ` +
        `(client) ID, not the object ID) or ${CLIENT} cannot see it (with Application.ReadWrite.OwnedBy it sees ` +
        'only the apps it owns)',
    );
  });

  it.each([
    ['not JSON', '<html>bad gateway</html>', ''],
    ['JSON without an error', { message: 'x' }, ''],
    ['an error with a message only', { error: { message: 'went wrong' } }, ' (went wrong)'],
    ['an error with neither', { error: {} }, ''],
  ])('another status with %s', async (_what, body, detail) => {
    server.answer({ status: 400, body });
    const err = await rejection(client().getApplication(APP));
    expect(err).not.toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(`Graph answered 400 to GET on application ${APP}${detail}`);
  });
});
