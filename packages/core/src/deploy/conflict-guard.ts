// Refuse to point a site at data another live site uses: pointing a site at databases or a
// moodledata folder of another site corrupts both (the documented way a demo refresh goes wrong).
import { ConfigurationError } from '../errors.js';
import type { SitePlan } from '../plan/site-plan.js';
import type { SiteRegistryEntry } from '../registry/site-registry.js';

export interface DataConflict {
  site: string;
  kind: 'database' | 'moodledata';
  name: string;
}

/** Data of `plan` that another site's registry entry claims (and has not retired). Pure. */
export function findConflicts(plan: SitePlan, entries: readonly SiteRegistryEntry[]): DataConflict[] {
  const ours = plan.resources.databases.spec;
  const folder = plan.resources.moodledata.spec.folder;
  const conflicts: DataConflict[] = [];
  for (const e of entries) {
    if (e.previewLink === plan.site) continue;
    const retired = (kind: string, name: string) => e.retired.some((r) => r.kind === kind && r.name === name);
    if (e.dbHost === ours.server.host) {
      for (const db of ours.databases) {
        if (Object.values(e.databases).includes(db.name) && !retired('database', db.name)) {
          conflicts.push({ site: e.previewLink, kind: 'database', name: db.name });
        }
      }
    }
    if (e.moodledataFolder === folder && !retired('moodledata', folder))
      conflicts.push({ site: e.previewLink, kind: 'moodledata', name: folder });
  }
  return conflicts;
}

/**
 * Throws unless every conflict is with the site named by `takeover`. Returns the taken-over site's
 * entry with the data this site takes recorded as retired there (to be written after the deploy).
 */
export function guardConflicts(
  plan: SitePlan,
  entries: readonly SiteRegistryEntry[],
  takeover: string | undefined,
  today: string,
): SiteRegistryEntry | undefined {
  const conflicts = findConflicts(plan, entries);
  const foreign = conflicts.filter((c) => c.site !== takeover);
  if (foreign.length) {
    const list = foreign.map((c) => `${c.kind} ${c.name} (used by site ${c.site})`).join(', ');
    const sites = [...new Set(foreign.map((c) => c.site))];
    throw new ConfigurationError(
      `${plan.site} would use data of another live site: ${list}. Sharing a database or moodledata between two sites corrupts them. ` +
        `Choose other names in settings.yml, or, if ${plan.site} is meant to take this data over (a refresh), set takeover: ${sites.join(',')}` +
        (sites.length > 1 ? ' (one site at a time)' : ''),
    );
  }
  if (!takeover) return claimRetired(plan, entries);
  const other = entries.find((e) => e.previewLink === takeover);
  if (!other)
    throw new ConfigurationError(`takeover names site ${takeover}, which is not in the site registry`);
  // Nothing live to take over (a refresh's `-prep` site, destroyed before the repoint): the data is
  // retired there already; it is only re-labelled as this site's.
  if (conflicts.length === 0) return claimRetired(plan, entries, takeover);
  const reason = `taken over by ${plan.site}`;
  return {
    ...other,
    retired: [
      ...other.retired,
      ...conflicts.map((c) => ({ kind: c.kind, name: c.name, since: today, reason })),
    ],
  };
}

/**
 * Another site's retired records of data this plan now uses (a refresh repointing the demo site at
 * the destroyed `-prep` site's databases and moodledata), re-labelled `taken over by <site>`: then
 * purge-retired leaves them alone, and the data is purged only through this site's own records once
 * it stops using it. One entry per deploy (`takeover` first); a next deploy labels any further one.
 */
export function claimRetired(
  plan: SitePlan,
  entries: readonly SiteRegistryEntry[],
  preferred?: string,
): SiteRegistryEntry | undefined {
  const ours = plan.resources.databases.spec;
  const folder = plan.resources.moodledata.spec.folder;
  const reason = `taken over by ${plan.site}`;
  const claims = (e: SiteRegistryEntry, r: SiteRegistryEntry['retired'][number]) =>
    r.reason !== reason &&
    ((r.kind === 'database' &&
      e.dbHost === ours.server.host &&
      ours.databases.some((d) => d.name === r.name)) ||
      (r.kind === 'moodledata' && r.name === folder));
  const candidates = entries
    .filter((e) => e.previewLink !== plan.site && e.retired.some((r) => claims(e, r)))
    .sort((a, b) => Number(b.previewLink === preferred) - Number(a.previewLink === preferred));
  const other = candidates[0];
  if (!other) return undefined;
  return { ...other, retired: other.retired.map((r) => (claims(other, r) ? { ...r, reason } : r)) };
}
