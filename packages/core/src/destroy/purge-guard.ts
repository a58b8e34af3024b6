// Never purge data another live site uses: after a refresh (takeover) a site's old databases or
// moodledata folder may be another site's current ones, and dropping them would destroy that site.
import { ConfigurationError } from '../errors.js';
import type { SiteRegistryEntry } from '../registry/site-registry.js';
import type { SiteData } from './destroy-target.js';

export interface DataInUse {
  kind: 'database' | 'db-user' | 'moodledata';
  name: string;
  /** The live site using it. */
  site: string;
}

/** Data of `link` that a live (not destroyed) site's registry entry uses. Pure. */
export function dataInUse(link: string, data: SiteData, entries: readonly SiteRegistryEntry[]): DataInUse[] {
  const found: DataInUse[] = [];
  for (const e of entries) {
    if (e.previewLink === link || e.destroyedAt) continue;
    if (e.dbHost === data.dbHost) {
      const theirs = Object.values(e.databases);
      for (const db of data.databases)
        if (theirs.includes(db)) found.push({ kind: 'database', name: db, site: e.previewLink });
      for (const user of data.users)
        if (e.dbUser === user) found.push({ kind: 'db-user', name: user, site: e.previewLink });
    }
    for (const folder of data.moodledataFolders)
      if (e.moodledataFolder === folder)
        found.push({ kind: 'moodledata', name: folder, site: e.previewLink });
  }
  return found;
}

/** Throws, before any change, when a purge would remove data a live site uses. */
export function guardPurge(link: string, data: SiteData, entries: readonly SiteRegistryEntry[]): void {
  const used = dataInUse(link, data, entries);
  if (used.length === 0) return;
  const list = used.map((u) => `${u.kind} ${u.name} (used by site ${u.site})`).join(', ');
  const sites = [...new Set(used.map((u) => u.site))].join(', ');
  throw new ConfigurationError(
    `refusing to purge ${link}'s data: live sites use some of it: ${list}. Nothing was changed. ` +
      `Destroy ${link} without purge-data (its data is then kept and recorded as retired), ` +
      `or destroy ${sites} first if that data is really no longer wanted`,
  );
}
