// The decisions of redirect URI management on their own: which URIs on an app are the suite's (and
// so may be removed), what the next list is, what fits, and how long a write is waited for. Graph is a
// small in-memory stand-in here: these are the choices, the wire is tested in graph-client.test.ts.
import { describe, expect, it } from '@jest/globals';
import {
  applyRedirectChanges,
  checkRedirectUri,
  ConfigurationError,
  listRedirects,
  memoryLogger,
  planAppRedirects,
  reconcileRedirects,
  redirectResultRows,
  registeredRedirectUris,
  siteRedirectUri,
  suiteRedirectSite,
  type GraphApplication,
} from '@moodle-preview/core';
import { rejection } from '../harness/failure.js';

const DOMAIN = 'preview-moodle.example.ac.uk';
const uriOf = (link: string) => `https://${link}.${DOMAIN}/auth/oidc/`;

/** Apps in memory; `lag` reads after each write still show the list from before it. */
function memoryGraph(apps: Record<string, string[]>, lag = 0) {
  const state = new Map(
    Object.entries(apps).map(([id, uris]) => [id, { uris: [...uris], old: [] as string[], lag: 0 }]),
  );
  const writes: { appId: string; uris: string[] }[] = [];
  return {
    writes,
    uris: (id: string) => state.get(id)!.uris,
    async getApplication(appId: string): Promise<GraphApplication> {
      const s = state.get(appId)!;
      const shown = s.lag > 0 ? s.old : s.uris;
      if (s.lag > 0) s.lag--;
      return { id: `obj-${appId}`, appId, displayName: `App ${appId}`, redirectUris: [...shown] };
    },
    async setRedirectUris(appId: string, uris: readonly string[]) {
      const s = state.get(appId)!;
      writes.push({ appId, uris: [...uris] });
      s.old = s.uris;
      s.uris = [...uris];
      s.lag = lag;
    },
  };
}

describe('which URIs are the suite’s', () => {
  it.each([
    [uriOf('4-demo'), '4-demo'],
    [`https://a.${DOMAIN.toUpperCase()}/auth/oidc/`, undefined], // Entra compares case-sensitively
    [`https://a.${DOMAIN}/auth/oidc`, undefined],
    [`https://a.${DOMAIN}/auth/oidc/x`, undefined],
    [`http://a.${DOMAIN}/auth/oidc/`, undefined],
    [`https://a.b.${DOMAIN}/auth/oidc/`, undefined],
    [`https://${DOMAIN}/auth/oidc/`, undefined],
    [`https://a.preview-moodleXexample.ac.uk/auth/oidc/`, undefined], // the domain's dots are literal
    [`https://a.${DOMAIN}.evil.example/auth/oidc/`, undefined],
    [`https://-a.${DOMAIN}/auth/oidc/`, undefined], // not a preview_link
    [`https://A.${DOMAIN}/auth/oidc/`, undefined],
    [`xhttps://a.${DOMAIN}/auth/oidc/`, undefined],
  ])('%s → %s', (uri, site) => {
    expect(suiteRedirectSite(uri, DOMAIN)).toBe(site);
  });

  it('reads the platform domain whatever its case', () => {
    expect(suiteRedirectSite(uriOf('a'), DOMAIN.toUpperCase())).toBe('a');
  });

  it("a site's URI is its URL's /auth/oidc/, without doubled slashes", () => {
    expect(siteRedirectUri(`https://a.${DOMAIN}`)).toBe(uriOf('a'));
    expect(siteRedirectUri(`https://a.${DOMAIN}//`)).toBe(uriOf('a'));
  });

  it('the live sites of the registry, inside the platform domain only', () => {
    const wanted = registeredRedirectUris(
      [
        { previewLink: 'a', url: `https://a.${DOMAIN}/` },
        { previewLink: 'gone', url: `https://gone.${DOMAIN}`, destroyedAt: '2026-01-01T00:00:00Z' },
        { previewLink: 'elsewhere', url: 'https://elsewhere.example.org' },
        { previewLink: 'renamed', url: `https://other.${DOMAIN}` },
      ],
      DOMAIN,
    );
    expect([...wanted]).toEqual([[uriOf('a'), 'a']]);
  });
});

describe('the URI checks Entra would make', () => {
  it('takes a URI of exactly 256 characters and refuses 257', () => {
    const base = `https://a.${DOMAIN}/`;
    const at = base + 'x'.repeat(256 - base.length);
    expect(checkRedirectUri(at)).toBe(at);
    expect(() => checkRedirectUri(`${at}x`)).toThrow(
      new ConfigurationError(`redirect URI "${at}x" is 257 characters long; Entra allows at most 256`),
    );
  });
});

describe('the next list', () => {
  it('keeps the order of what is there, appends what is new once, and reports what was already so', () => {
    const plan = planAppRedirects(['x', 'a', 'y', 'b'], {
      add: ['c', 'a', 'c', 'd'],
      remove: ['b', 'z', 'x'],
    });
    expect(plan).toEqual({
      next: ['a', 'y', 'c', 'd'],
      added: ['c', 'd'],
      removed: ['x', 'b'],
      alreadyPresent: ['a'],
      alreadyAbsent: ['z'],
    });
  });

  it('a URI both added and removed is removed', () => {
    expect(planAppRedirects(['a'], { add: ['a', 'b'], remove: ['a', 'b'] })).toMatchObject({
      next: [],
      added: [],
      removed: ['a'],
      alreadyAbsent: ['b'],
    });
  });
});

describe('applying changes', () => {
  it('refuses every full app in one message before writing any, with the places left on each', async () => {
    const many = (n: number, p: string) =>
      Array.from({ length: n }, (_, i) => `https://${p}${i}.example.org/cb`);
    const graph = memoryGraph({ one: [], two: many(256, 'b'), three: many(255, 'c') });
    const err = await rejection(
      applyRedirectChanges(
        { graph, appIds: ['one', 'two', 'three'], dryRun: false, log: memoryLogger() },
        () => ({
          add: ['https://n1.example.org/cb', 'https://n2.example.org/cb'],
          remove: [],
        }),
      ),
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(
      'App two (two) has 256 of 256 redirect URIs (0 places left) and cannot take 2 more; ' +
        'App three (three) has 255 of 256 redirect URIs (1 places left) and cannot take 2 more: remove unused URIs ' +
        'first (`mdl-preview entra list` shows those of sites that no longer exist); nothing was changed',
    );
    expect(graph.writes).toEqual([]);
  });

  it('fills an app to exactly 256', async () => {
    const graph = memoryGraph({ one: Array.from({ length: 255 }, (_, i) => `https://o${i}.example.org/cb`) });
    const [r] = await applyRedirectChanges(
      { graph, appIds: ['one'], dryRun: false, log: memoryLogger() },
      () => ({ add: [uriOf('last')], remove: [] }),
    );
    expect(r).toMatchObject({ count: 256, placesLeft: 0, written: true });
  });

  it('writes only the apps that change, and a dry run none, reporting what a real run would leave', async () => {
    const graph = memoryGraph({ has: [uriOf('a')], lacks: [] });
    const change = () => ({ add: [uriOf('a')], remove: [] });
    const dry = await applyRedirectChanges(
      { graph, appIds: ['has', 'lacks'], dryRun: true, log: memoryLogger() },
      change,
    );
    expect(dry.map((r) => [r.appId, r.written, r.count, r.placesLeft, r.added])).toEqual([
      ['has', false, 1, 255, []],
      ['lacks', false, 1, 255, [uriOf('a')]],
    ]);
    expect(graph.writes).toEqual([]);
    const real = await applyRedirectChanges(
      { graph, appIds: ['has', 'lacks'], dryRun: false, log: memoryLogger() },
      change,
    );
    expect(real.map((r) => r.written)).toEqual([false, true]);
    expect(graph.writes).toEqual([{ appId: 'lacks', uris: [uriOf('a')] }]);
  });

  it('a removal alone is a change that is written', async () => {
    const graph = memoryGraph({ one: [uriOf('a'), uriOf('b')] });
    const [r] = await applyRedirectChanges(
      { graph, appIds: ['one'], dryRun: false, log: memoryLogger() },
      () => ({
        add: [],
        remove: [uriOf('a')],
      }),
    );
    expect(r!.written).toBe(true);
    expect(graph.uris('one')).toEqual([uriOf('b')]);
  });

  it('waits for a lagging read with growing pauses capped at 15 s, and jitter of at most half', async () => {
    const sleeps: number[] = [];
    const run = async (random: number) => {
      sleeps.length = 0;
      const graph = memoryGraph({ one: [] }, 7);
      await applyRedirectChanges(
        {
          graph,
          appIds: ['one'],
          dryRun: false,
          log: memoryLogger(),
          sleep: async (ms) => void sleeps.push(ms),
          random: () => random,
        },
        () => ({ add: [uriOf('a')], remove: [] }),
      );
      return [...sleeps];
    };
    expect(await run(1)).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(await run(0)).toEqual([500, 1000, 2000, 4000, 7500, 7500, 7500]);
  });

  it('reads a removal back until it is gone, eight times unless told', async () => {
    const graph = memoryGraph({ one: [uriOf('a')] }, 8);
    const err = await rejection(
      applyRedirectChanges(
        {
          graph,
          appIds: ['one'],
          dryRun: false,
          log: memoryLogger(),
          sleep: async () => {},
          random: () => 0,
        },
        () => ({ add: [], remove: [uriOf('a')] }),
      ),
    );
    expect(err.message).toBe(
      'one: the redirect URIs written did not show in 8 reads; run again (reconcile converges)',
    );
    const ok = memoryGraph({ one: [uriOf('a')] }, 7);
    await applyRedirectChanges(
      {
        graph: ok,
        appIds: ['one'],
        dryRun: false,
        log: memoryLogger(),
        sleep: async () => {},
        random: () => 0,
      },
      () => ({ add: [], remove: [uriOf('a')] }),
    );
    expect(ok.uris('one')).toEqual([]);
  });
});

describe('reconcile and list', () => {
  it('refuses a registry site whose URI Entra would refuse, before any write', async () => {
    const long = 'a'.repeat(63);
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.example`;
    const graph = memoryGraph({ one: [] });
    const err = await rejection(
      reconcileRedirects({
        graph,
        appIds: ['one'],
        sites: [{ previewLink: long, url: `https://${long}.${domain}` }],
        domain,
        dryRun: false,
        log: memoryLogger(),
      }),
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/characters long; Entra allows at most 256$/);
    expect(graph.writes).toEqual([]);
  });

  it('removes only suite URIs of sites not live, and leaves other URIs wherever they are', async () => {
    const graph = memoryGraph({ one: ['https://moodle.example.ac.uk/auth/oidc/', uriOf('old'), uriOf('a')] });
    const [r] = await reconcileRedirects({
      graph,
      appIds: ['one'],
      sites: [{ previewLink: 'a', url: `https://a.${DOMAIN}` }],
      domain: DOMAIN,
      dryRun: false,
      log: memoryLogger(),
    });
    expect(r).toMatchObject({ added: [], removed: [uriOf('old')], alreadyPresent: [uriOf('a')] });
    expect(graph.uris('one')).toEqual(['https://moodle.example.ac.uk/auth/oidc/', uriOf('a')]);
  });

  it('counts places left per app in a listing', async () => {
    const graph = memoryGraph({ one: [uriOf('a'), 'https://x.example.org/cb'] });
    const [l] = await listRedirects({ graph, appIds: ['one'], domain: DOMAIN, sites: [] });
    expect(l).toEqual({
      appId: 'one',
      displayName: 'App one',
      count: 2,
      placesLeft: 254,
      sites: [],
      orphans: [{ uri: uriOf('a'), site: 'a' }],
      others: ['https://x.example.org/cb'],
    });
  });

  it('summary rows: a dash for nothing, absent URIs marked', () => {
    const rows = redirectResultRows([
      {
        appId: 'one',
        displayName: 'App one',
        next: [],
        added: [],
        removed: ['r1', 'r2'],
        alreadyPresent: ['p'],
        alreadyAbsent: ['z'],
        count: 3,
        placesLeft: 253,
        written: true,
      },
    ]);
    expect(rows).toEqual([['App one (one)', '—', 'r1 r2', 'p z (absent)', '3', '253']]);
  });
});
