// entra-redirect's core against the local token endpoint and Graph: sign-in by OIDC exchange or
// secret, idempotent add, remove, reconcile through stale reads, limits, refusals, and no secret logged.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  acquireGraphToken,
  changeSiteRedirect,
  ConfigurationError,
  GraphClient,
  listRedirects,
  reconcileRedirects,
  type Logger,
} from '@moodle-preview/core';
import { startGraphServer, type GraphServer } from '../servers/graph.js';

const APP = '0a0a0a0a-0000-4000-8000-000000000001';
const EXTEND = '0a0a0a0a-0000-4000-8000-000000000002';
const DOMAIN = 'preview-moodle.example.ac.uk';
const uriOf = (link: string) => `https://${link}.${DOMAIN}/auth/oidc/`;
const FOREIGN = ['https://moodle.example.ac.uk/auth/oidc/', 'https://other.example.ac.uk/callback'];

/** Records every line as written, without hiding masked values, so a leak cannot hide behind a mask. */
function rawLogger(): Logger & { lines: string[]; masked: string[] } {
  const lines: string[] = [];
  const masked: string[] = [];
  return {
    lines,
    masked,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(m),
    error: (m) => lines.push(m),
    debug: (m) => lines.push(m),
    group: (name, fn) => {
      lines.push(name);
      return fn();
    },
    mask: (s) => masked.push(s),
  };
}

let server: GraphServer;
let log: ReturnType<typeof rawLogger>;
const sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};

beforeEach(async () => {
  server = await startGraphServer();
  log = rawLogger();
  sleeps.length = 0;
});
afterEach(() => server.close());

async function graph(signIn: 'oidc' | 'secret' = 'oidc'): Promise<GraphClient> {
  const accessToken = await acquireGraphToken({
    tenantId: server.tenantId,
    clientId: server.clientId,
    authorityHost: server.authorityHost,
    graphUrl: server.graphUrl,
    ...(signIn === 'oidc'
      ? { oidcToken: async () => server.oidcToken }
      : { clientSecret: server.clientSecret }),
    log,
  });
  return new GraphClient({ baseUrl: server.graphUrl, accessToken, clientId: server.clientId, log, sleep });
}

const secrets = () => [server.oidcToken, server.clientSecret, server.oidcRequestToken, ...server.issued];
function expectNoSecretLogged(extra: string[] = []): void {
  const leaks = [...log.lines, ...extra].filter((l) => secrets().some((s) => l.includes(s)));
  expect(leaks).toEqual([]);
}

describe('sign-in', () => {
  it('exchanges the GitHub OIDC token for a Graph token (client assertion, Graph scope)', async () => {
    await graph('oidc');
    const [req] = server.requests;
    expect(req!.path).toBe(`/${server.tenantId}/oauth2/v2.0/token`);
    expect(req!.body).toEqual({
      client_id: server.clientId,
      scope: `${server.url}/.default`,
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: server.oidcToken,
    });
    expect(log.masked).toEqual([server.oidcToken, server.issued[0]]);
    expectNoSecretLogged();
  });

  it('falls back to the client secret when there is no OIDC token', async () => {
    await graph('secret');
    const body = server.requests[0]!.body as Record<string, string>;
    expect(body.client_secret).toBe(server.clientSecret);
    expect(body.client_assertion).toBeUndefined();
    expect(log.masked).toEqual([server.clientSecret, server.issued[0]]);
    expectNoSecretLogged();
  });

  it('says which federated credential subject is missing', async () => {
    const err = await acquireGraphToken({
      tenantId: server.tenantId,
      clientId: server.clientId,
      authorityHost: server.authorityHost,
      graphUrl: server.graphUrl,
      oidcToken: async () => `${server.oidcToken}x`,
      log,
    }).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/AADSTS70021.*subject repo:example-org\/moodle-build:environment:entra/);
    expect(err.message).not.toContain(server.oidcToken);
  });

  it('refuses plain http to anything but loopback, and no credential at all', async () => {
    const base = { tenantId: server.tenantId, clientId: server.clientId, log, graphUrl: server.graphUrl };
    await expect(
      acquireGraphToken({ ...base, authorityHost: 'http://login.example.com', clientSecret: 'x' }),
    ).rejects.toThrow(/authority-host .* must be an https URL/);
    await expect(acquireGraphToken({ ...base, authorityHost: server.authorityHost })).rejects.toThrow(
      /id-token: write.*client-secret/,
    );
    expect(server.requests).toEqual([]);
  });
});

describe('add and remove', () => {
  it('adds a URI once however often it runs, leaving the others alone', async () => {
    server.addApp(APP, FOREIGN);
    server.addApp(EXTEND, []);
    const g = await graph();
    const run = () =>
      changeSiteRedirect({
        graph: g,
        appIds: [APP, EXTEND],
        uri: uriOf('4-demo'),
        mode: 'add',
        dryRun: false,
        log,
        sleep,
      });
    const first = await run();
    expect(first.map((r) => [r.added, r.count, r.placesLeft])).toEqual([
      [[uriOf('4-demo')], 3, 253],
      [[uriOf('4-demo')], 1, 255],
    ]);
    const second = await run();
    expect(second.map((r) => [r.added, r.alreadyPresent, r.written])).toEqual([
      [[], [uriOf('4-demo')], false],
      [[], [uriOf('4-demo')], false],
    ]);
    expect(server.redirectUris(APP)).toEqual([...FOREIGN, uriOf('4-demo')]);
    expect(server.patches()).toHaveLength(2);
    expect(server.patches()[0]!.body).toEqual({ web: { redirectUris: [...FOREIGN, uriOf('4-demo')] } });
    expectNoSecretLogged();
  });

  it('removes only the site URI, and a dry run writes nothing', async () => {
    server.addApp(APP, [FOREIGN[0]!, uriOf('a'), uriOf('b'), FOREIGN[1]!]);
    const g = await graph();
    const dry = await changeSiteRedirect({
      graph: g,
      appIds: [APP],
      uri: uriOf('a'),
      mode: 'remove',
      dryRun: true,
      log,
      sleep,
    });
    expect(dry[0]).toMatchObject({ removed: [uriOf('a')], count: 3, written: false });
    expect(server.patches()).toHaveLength(0);
    await changeSiteRedirect({
      graph: g,
      appIds: [APP],
      uri: uriOf('a'),
      mode: 'remove',
      dryRun: false,
      log,
      sleep,
    });
    expect(server.redirectUris(APP)).toEqual([FOREIGN[0], uriOf('b'), FOREIGN[1]]);
    const again = await changeSiteRedirect({
      graph: g,
      appIds: [APP],
      uri: uriOf('a'),
      mode: 'remove',
      dryRun: false,
      log,
      sleep,
    });
    expect(again[0]).toMatchObject({ removed: [], alreadyAbsent: [uriOf('a')], written: false });
  });

  it('honours 429 Retry-After a bounded number of times', async () => {
    server.addApp(APP);
    const g = await graph();
    server.throttle(2, 7);
    await changeSiteRedirect({
      graph: g,
      appIds: [APP],
      uri: uriOf('x'),
      mode: 'add',
      dryRun: false,
      log,
      sleep,
    });
    expect(sleeps.slice(0, 2)).toEqual([7000, 7000]);
    expect(server.redirectUris(APP)).toEqual([uriOf('x')]);
    server.throttle(100, 1);
    await expect(g.getApplication(APP)).rejects.toThrow(/429/);
  });
});

describe('limits, checked before any write', () => {
  it.each([
    ['http://a.example.org/auth/oidc/', /must use https/],
    ['https://a.example.org/auth/oidc/#top', /fragment/],
    [`https://a.example.org/${'x'.repeat(250)}`, /at most 256/],
    ['not a url', /is not a URL/],
  ])('refuses %s with no call at all', async (uri, message) => {
    server.addApp(APP);
    const g = await graph();
    const before = server.requests.length;
    await expect(
      changeSiteRedirect({ graph: g, appIds: [APP], uri, mode: 'add', dryRun: false, log, sleep }),
    ).rejects.toThrow(message);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a full app up front, saying how many places are left, with zero PATCH', async () => {
    server.addApp(APP, []);
    server.addApp(
      EXTEND,
      Array.from({ length: 256 }, (_, i) => `https://other${i}.example.org/cb`),
    );
    const g = await graph();
    const err = await changeSiteRedirect({
      graph: g,
      appIds: [APP, EXTEND],
      uri: uriOf('new'),
      mode: 'add',
      dryRun: false,
      log,
      sleep,
    }).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/has 256 of 256 redirect URIs \(0 places left\)/);
    expect(server.patches()).toHaveLength(0);
    expect(server.redirectUris(APP)).toEqual([]);
  });
});

describe('refusals say what to grant or fix', () => {
  it.each([
    [401, /401 .*Application\.ReadWrite\.OwnedBy.*owner of application/],
    [403, /403 .*Application\.ReadWrite\.OwnedBy.*owner of application/],
    [404, /not found.*appId is wrong.*Application \(client\) ID/],
  ])('%i', async (status, message) => {
    server.addApp(APP);
    const g = await graph();
    server.refuse = status;
    const err = await changeSiteRedirect({
      graph: g,
      appIds: [APP],
      uri: uriOf('x'),
      mode: 'add',
      dryRun: false,
      log,
      sleep,
    }).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(message);
    expectNoSecretLogged([err.message]);
  });
});

describe('reconcile', () => {
  const sites = [
    { previewLink: 'a', url: `https://a.${DOMAIN}` },
    { previewLink: 'b', url: `https://b.${DOMAIN}` },
    { previewLink: 'gone', url: `https://gone.${DOMAIN}`, destroyedAt: '2025-01-01' },
  ];

  it('converges despite stale reads after each write, never touching foreign URIs', async () => {
    server.addApp(APP, [...FOREIGN, uriOf('old'), uriOf('gone'), uriOf('a')]);
    server.addApp(EXTEND, [uriOf('old')]);
    server.staleReads = 3;
    const g = await graph();
    const options = {
      graph: g,
      appIds: [APP, EXTEND],
      sites,
      domain: DOMAIN,
      dryRun: false,
      log,
      sleep,
      random: () => 0,
    };
    const first = await reconcileRedirects(options);
    expect(first.map((r) => [r.added, r.removed])).toEqual([
      [[uriOf('b')], [uriOf('old'), uriOf('gone')]],
      [[uriOf('a'), uriOf('b')], [uriOf('old')]],
    ]);
    expect(server.redirectUris(APP)).toEqual([...FOREIGN, uriOf('a'), uriOf('b')]);
    expect(server.redirectUris(EXTEND)).toEqual([uriOf('a'), uriOf('b')]);
    // Three stale reads, then the fourth showed the write: jittered, growing pauses in between.
    expect(log.lines.filter((l) => /does not show the change yet/.test(l))).toHaveLength(6);
    expect(sleeps).toEqual([500, 1000, 2000, 500, 1000, 2000]);

    const second = await reconcileRedirects(options);
    expect(second.every((r) => !r.written)).toBe(true);
    expect(server.patches()).toHaveLength(2);

    const listing = await listRedirects({ graph: g, appIds: [APP], domain: DOMAIN, sites });
    expect(listing[0]).toMatchObject({ count: 4, others: FOREIGN, orphans: [] });
  });

  it('fails with "run again" when a write never shows within the bounded reads', async () => {
    server.addApp(APP, []);
    server.staleReads = 50;
    const g = await graph();
    await expect(
      reconcileRedirects({
        graph: g,
        appIds: [APP],
        sites,
        domain: DOMAIN,
        dryRun: false,
        log,
        sleep,
        verifyReads: 3,
      }),
    ).rejects.toThrow(/did not show in 3 reads; run again/);
  });

  it('lists which sites are on each app and which URIs belong to sites no longer registered', async () => {
    server.addApp(APP, [uriOf('a'), uriOf('gone'), uriOf('old'), FOREIGN[0]!]);
    const g = await graph();
    const [listing] = await listRedirects({ graph: g, appIds: [APP], domain: DOMAIN, sites });
    expect(listing).toMatchObject({
      count: 4,
      placesLeft: 252,
      sites: [{ uri: uriOf('a'), site: 'a' }],
      orphans: [
        { uri: uriOf('gone'), site: 'gone' },
        { uri: uriOf('old'), site: 'old' },
      ],
      others: [FOREIGN[0]],
    });
  });
});
