// The site's registry entry, last of all: it is the record of what the site had. Without purge it
// stays, marked destroyed, its cron entry removed and its data recorded as retired (kept, awaiting a
// purge; the deploy conflict guard ignores retired data); with purge it is deleted.
import { SUITE_NAME } from '../naming.js';
import {
  sameEntry,
  type RetiredData,
  type SiteRegistry,
  type SiteRegistryEntry,
} from '../registry/site-registry.js';
import type { DestroyEnv, Removal, RemovalOutcome } from './types.js';

export const DESTROYED_REASON = 'site destroyed';

/** The entry after a destroy that keeps the data. Pure. */
export function destroyedEntry(
  entry: SiteRegistryEntry,
  data: { databases: string[]; users: string[]; moodledataFolders: string[]; secrets: string[] },
  today: string,
): SiteRegistryEntry {
  const { cron: _cron, ...rest } = entry;
  const isRetired = (kind: string, name: string) =>
    entry.retired.some((r) => r.kind === kind && r.name === name);
  const retire = (kind: RetiredData['kind'], names: string[]): RetiredData[] =>
    names
      .filter((name) => !isRetired(kind, name))
      .map((name) => ({ kind, name, since: today, reason: DESTROYED_REASON }));
  return {
    ...rest,
    destroyedAt: entry.destroyedAt ?? today,
    retired: [
      ...entry.retired,
      ...retire('database', data.databases),
      ...retire('db-user', data.users),
      ...retire('db-secret', data.secrets),
      ...retire('moodledata', data.moodledataFolders),
    ],
  };
}

export function registryRows(env: DestroyEnv, registry: SiteRegistry, keptSecrets: string[]): Removal[] {
  const { entry, target } = env;
  const name = target.names.registryParameter;
  const cronBase = { resource: 'cron entry', name, data: false, step: 'registry' as const };
  const entryBase = { resource: 'registry entry', name, data: false, step: 'registry' as const };
  if (!entry)
    return [
      { ...cronBase, plan: 'gone' },
      { ...entryBase, plan: 'gone' },
    ];
  if (entry.managedBy !== SUITE_NAME) {
    const note = `managed by ${entry.managedBy}`;
    return [
      { ...cronBase, plan: 'not-ours', note },
      { ...entryBase, plan: 'not-ours', note },
    ];
  }
  let write: Promise<RemovalOutcome> | undefined;
  if (env.purge) {
    const remove = () =>
      (write ??= registry.delete(target.link).then((d) => (d ? 'removed' : 'already gone')));
    return [
      entry.cron ? { ...cronBase, plan: 'remove', apply: remove } : { ...cronBase, plan: 'gone' },
      { ...entryBase, plan: 'remove', note: 'deleted once everything it recorded is gone', apply: remove },
    ];
  }
  const today = env.now().toISOString().slice(0, 10);
  const next = destroyedEntry(entry, { ...target.data, secrets: keptSecrets }, today);
  const note = `marked destroyed on ${next.destroyedAt}; its data recorded as retired`;
  if (sameEntry(entry, next))
    return [
      { ...cronBase, plan: 'gone' },
      { ...entryBase, plan: 'keep', note },
    ];
  const put = () =>
    (write ??= registry
      .put({ ...next, updatedAt: env.now().toISOString(), updatedBy: env.actor }, true)
      .then(() => 'kept' as const));
  return [
    entry.cron
      ? {
          ...cronBase,
          plan: 'remove',
          apply: async () => {
            await put(); // one write removes cron and marks the entry destroyed
            return 'removed';
          },
        }
      : { ...cronBase, plan: 'gone' },
    { ...entryBase, plan: 'keep', note, apply: put },
  ];
}
