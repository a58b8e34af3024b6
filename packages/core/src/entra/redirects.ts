// Converging the redirect URIs of Entra ID app registrations: add or remove one site's URI, or
// rebuild the suite's URIs from the site registry — never touching a URI the suite does not own.
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GraphApplication, GraphClient } from './graph-client.js';
import { checkRedirectUri, MAX_REDIRECT_URIS, siteRedirectUri, suiteRedirectSite } from './redirect-uri.js';

/** What a run wants changed on one app. */
export interface RedirectChange {
  add: readonly string[];
  remove: readonly string[];
}

export interface AppRedirectPlan {
  next: string[];
  added: string[];
  removed: string[];
  /** Wanted on the app and already there. */
  alreadyPresent: string[];
  /** Wanted gone and already absent. */
  alreadyAbsent: string[];
}

export interface AppRedirectResult extends AppRedirectPlan {
  appId: string;
  displayName: string;
  /** URIs on the app after the run (or, with dry-run, after a real run). */
  count: number;
  placesLeft: number;
  /** True when this run wrote the app (false with dry-run or nothing to change). */
  written: boolean;
}

export interface RedirectRunOptions {
  graph: Pick<GraphClient, 'getApplication' | 'setRedirectUris'>;
  appIds: readonly string[];
  dryRun: boolean;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ random() < 1, for the jitter between verifying reads. */
  random?: () => number;
  /** Reads after a write before giving up on seeing it. */
  verifyReads?: number;
}

/** A registry entry as far as redirect URIs care. */
export interface RedirectSite {
  previewLink: string;
  url: string;
  destroyedAt?: string | undefined;
}

/** Pure: the app's next URI list, keeping the order of what is there and appending what is new. */
export function planAppRedirects(current: readonly string[], change: RedirectChange): AppRedirectPlan {
  const remove = new Set(change.remove);
  const kept = current.filter((u) => !remove.has(u));
  const have = new Set(current);
  const added = [...new Set(change.add)].filter((u) => !have.has(u) && !remove.has(u));
  return {
    next: [...kept, ...added],
    added,
    removed: current.filter((u) => remove.has(u)),
    alreadyPresent: [...new Set(change.add)].filter((u) => have.has(u)),
    alreadyAbsent: [...remove].filter((u) => !have.has(u)),
  };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read every app, plan every change and refuse any that would not fit before writing anything; then
 * PATCH each changed app and read it back until the change shows.
 */
export async function applyRedirectChanges(
  options: RedirectRunOptions,
  changeFor: (app: GraphApplication) => RedirectChange,
): Promise<AppRedirectResult[]> {
  const { graph, log } = options;
  const planned = await log.group('Reading the app registrations', async () => {
    const out: { app: GraphApplication; plan: AppRedirectPlan }[] = [];
    for (const appId of options.appIds) {
      const app = await graph.getApplication(appId);
      const plan = planAppRedirects(app.redirectUris, changeFor(app));
      log.info(
        `${app.displayName} (${appId}): ${app.redirectUris.length} redirect URI(s); ` +
          `add ${plan.added.length}, remove ${plan.removed.length}`,
      );
      out.push({ app, plan });
    }
    return out;
  });
  const full = planned.filter((p) => p.plan.next.length > MAX_REDIRECT_URIS);
  if (full.length)
    throw new ConfigurationError(
      full
        .map(
          ({ app, plan }) =>
            `${app.displayName} (${app.appId}) has ${app.redirectUris.length} of ${MAX_REDIRECT_URIS} redirect URIs ` +
            `(${Math.max(0, MAX_REDIRECT_URIS - app.redirectUris.length)} places left) and cannot take ${plan.added.length} more`,
        )
        .join('; ') +
        ': remove unused URIs first (`mdl-preview entra list` shows those of sites that no longer exist); nothing was changed',
    );

  const results: AppRedirectResult[] = [];
  for (const { app, plan } of planned) {
    const changed = plan.added.length > 0 || plan.removed.length > 0;
    if (changed && !options.dryRun) {
      await log.group(`Writing ${app.displayName} (${app.appId})`, async () => {
        await graph.setRedirectUris(app.appId, plan.next);
        await verifyWrite(options, app.appId, plan);
      });
    }
    results.push({
      ...plan,
      appId: app.appId,
      displayName: app.displayName,
      count: plan.next.length,
      placesLeft: MAX_REDIRECT_URIS - plan.next.length,
      written: changed && !options.dryRun,
    });
  }
  return results;
}

/**
 * Entra is eventually consistent: a read right after a write may still show the old list. Read again
 * with growing, jittered pauses until this run's additions and removals show, a bounded number of times.
 */
async function verifyWrite(options: RedirectRunOptions, appId: string, plan: AppRedirectPlan): Promise<void> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const reads = options.verifyReads ?? 8;
  for (let read = 1; read <= reads; read++) {
    if (read > 1) await sleep(Math.min(1000 * 2 ** (read - 2), 15_000) * (0.5 + random() * 0.5));
    const now = new Set((await options.graph.getApplication(appId)).redirectUris);
    if (plan.added.every((u) => now.has(u)) && plan.removed.every((u) => !now.has(u))) {
      options.log.info(`${appId}: the change shows after ${read} read(s)`);
      return;
    }
    options.log.info(`${appId}: read ${read} does not show the change yet (Entra is eventually consistent)`);
  }
  throw new Error(
    `${appId}: the redirect URIs written did not show in ${reads} reads; run again (reconcile converges)`,
  );
}

/** Add or remove one site's URI on every app. */
export async function changeSiteRedirect(
  options: RedirectRunOptions & { uri: string; mode: 'add' | 'remove' },
): Promise<AppRedirectResult[]> {
  const uri = checkRedirectUri(options.uri);
  return applyRedirectChanges(options, () =>
    options.mode === 'add' ? { add: [uri], remove: [] } : { add: [], remove: [uri] },
  );
}

/** The URIs the registry's live sites should have (destroyed sites have none). */
export function registeredRedirectUris(sites: readonly RedirectSite[], domain: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sites) {
    if (s.destroyedAt) continue;
    const uri = siteRedirectUri(s.url);
    // A site outside the platform's domain is not one whose URI the suite may manage.
    if (suiteRedirectSite(uri, domain) !== s.previewLink) continue;
    out.set(uri, s.previewLink);
  }
  return out;
}

/**
 * Rebuild each app's suite-owned URIs from the registry: add live sites' URIs, remove suite URIs of
 * sites no longer there. URIs the suite does not own are left as they are.
 */
export async function reconcileRedirects(
  options: RedirectRunOptions & { sites: readonly RedirectSite[]; domain: string },
): Promise<AppRedirectResult[]> {
  const wanted = registeredRedirectUris(options.sites, options.domain);
  for (const uri of wanted.keys()) checkRedirectUri(uri);
  return applyRedirectChanges(options, (app) => ({
    add: [...wanted.keys()],
    remove: app.redirectUris.filter((u) => suiteRedirectSite(u, options.domain) && !wanted.has(u)),
  }));
}

export interface AppRedirectListing {
  appId: string;
  displayName: string;
  count: number;
  placesLeft: number;
  /** Suite URIs whose site is in the registry. */
  sites: { uri: string; site: string }[];
  /** Suite URIs whose site is no longer in the registry (or was destroyed). */
  orphans: { uri: string; site: string }[];
  /** URIs the suite does not own. */
  others: string[];
}

/** Which sites' URIs are on each app, and which suite URIs belong to sites that no longer exist. */
export async function listRedirects(options: {
  graph: Pick<GraphClient, 'getApplication'>;
  appIds: readonly string[];
  domain: string;
  sites: readonly RedirectSite[];
}): Promise<AppRedirectListing[]> {
  const live = registeredRedirectUris(options.sites, options.domain);
  const out: AppRedirectListing[] = [];
  for (const appId of options.appIds) {
    const app = await options.graph.getApplication(appId);
    const listing: AppRedirectListing = {
      appId: app.appId,
      displayName: app.displayName,
      count: app.redirectUris.length,
      placesLeft: MAX_REDIRECT_URIS - app.redirectUris.length,
      sites: [],
      orphans: [],
      others: [],
    };
    for (const uri of app.redirectUris) {
      const site = suiteRedirectSite(uri, options.domain);
      if (!site) listing.others.push(uri);
      else (live.has(uri) ? listing.sites : listing.orphans).push({ uri, site });
    }
    out.push(listing);
  }
  return out;
}

/** Rows of the step summary: one per app. */
export function redirectResultRows(results: readonly AppRedirectResult[]): string[][] {
  const list = (uris: readonly string[]) => (uris.length ? uris.join(' ') : '—');
  return results.map((r) => [
    `${r.displayName} (${r.appId})`,
    list(r.added),
    list(r.removed),
    list([...r.alreadyPresent, ...r.alreadyAbsent.map((u) => `${u} (absent)`)]),
    String(r.count),
    String(r.placesLeft),
  ]);
}
