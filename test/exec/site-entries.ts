// Site registry entries for the CLI's site commands (sites, logs, doctor): what deploy would have
// written, with the names the plan derives from the preview link.
import { siteNames, SiteRegistry, type AwsClients, type SiteRegistryEntry } from '@moodle-preview/core';

export function siteEntry(link: string, extra: Partial<SiteRegistryEntry> = {}): SiteRegistryEntry {
  const names = siteNames(link);
  return {
    schemaVersion: 1,
    previewLink: link,
    url: `https://${link}.preview.example.org`,
    cluster: 'moodle_cluster',
    service: names.serviceName,
    taskFamily: names.taskFamily,
    container: names.containerName,
    databases: { moodle: names.defaultDbName },
    dbUser: names.defaultDbUser,
    dbHost: 'db.internal',
    moodledataFolder: `/moodledata/${link}`,
    logGroup: `/ecs/moodle-preview/${link}`,
    retired: [],
    managedBy: 'moodle-preview-actions',
    ...extra,
  };
}

export async function registerSites(
  clients: AwsClients,
  entries: readonly SiteRegistryEntry[],
): Promise<void> {
  const registry = new SiteRegistry(clients.ssm);
  for (const e of entries) await registry.put(e, false);
}
