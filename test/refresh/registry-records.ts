// Site registry entries and retired records as destroy and refresh leave them, for the purge-retired
// tests (the pure decisions and the actions on the fake build them the same way).
import type { RetiredData, SiteRegistryEntry } from '@moodle-preview/core';

/** A live site's entry: its databases, user, folder and log group named after its link. */
export function registryEntry(link: string, over: Partial<SiteRegistryEntry> = {}): SiteRegistryEntry {
  const u = link.replace(/-/g, '_');
  return {
    schemaVersion: 1,
    previewLink: link,
    url: `https://${link}.example.ac.uk`,
    cluster: 'moodle_cluster',
    service: `mdl-${link}`,
    taskFamily: `mdl_ecs_task_def-${link}`,
    container: link,
    databases: { moodle: `moodle_${u}`, mim: `mim_${u}` },
    dbUser: `mdl_${u}`,
    dbHost: 'db-a.internal',
    moodledataFolder: `${link}-data`,
    logGroup: `/moodle-preview/sites/${link}`,
    retired: [],
    managedBy: 'moodle-preview-actions',
    ...over,
  };
}

/** One retired record. */
export const retiredRecord = (
  kind: RetiredData['kind'],
  name: string,
  since: string,
  reason = 'replaced',
): RetiredData => ({ kind, name, since, reason });

/** The record of a site's DB secret, as destroy leaves it. */
export const secretRecord = (link: string, since: string, reason = 'destroyed'): RetiredData =>
  retiredRecord('db-secret', `moodle-preview/sites/${link}/db`, since, reason);
