// Shared shapes of the destroy engine: what each reader found of one resource, what will happen to
// it, and the environment the readers and removers work in.
import type { AwsClients } from '../aws/clients.js';
import type { DbPurger } from '../db/purgers.js';
import type { OneOffTaskRunner } from '../deploy/types.js';
import type { Logger } from '../logger.js';
import { SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';
import type { SiteRegistryEntry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';
import type { DestroyTarget } from './destroy-target.js';

/**
 * The safe order of a destroy: nothing switches the rule (the sleep page's schedules), nothing routes to the service before it goes, data goes only once no
 * task can use it, a task definition only after the one-off tasks that need it, the DB secret after
 * the data it opens, and the registry entry — the record of what the site had — last of all.
 */
export const REMOVAL_STEPS = [
  'sleep page',
  'scaling policies',
  'scaling target',
  'listener rule',
  'service',
  'target group',
  'data in place',
  'task definitions',
  'data records',
  'registry',
] as const;
export type RemovalStep = (typeof REMOVAL_STEPS)[number];

/** What becomes of a resource: removed now, found gone, kept (data without purge), or not ours. */
export type RemovalPlan = 'remove' | 'gone' | 'keep' | 'not-ours';
export type RemovalOutcome = 'removed' | 'already gone' | 'kept' | 'not ours';

export interface Removal {
  /** Kind of resource, as people say it: `service`, `listener rule`, `database` … */
  resource: string;
  name: string;
  /** Data (databases, users, secret, moodledata, log group) goes only with purge-data. */
  data: boolean;
  step: RemovalStep;
  plan: RemovalPlan;
  /** Why, when the plan needs saying (`untagged`, `recorded as retired`…). */
  note?: string;
  /** Make it so; answers the outcome (`already gone` when it vanished since the read). */
  apply?: () => Promise<RemovalOutcome>;
  /** Set once applied (or, for a dry run and rows without `apply`, from the plan). */
  outcome?: RemovalOutcome;
}

export interface DestroyEnv {
  clients: AwsClients;
  platform: Platform;
  target: DestroyTarget;
  log: Logger;
  /** The site's registry entry, if any. */
  entry: SiteRegistryEntry | undefined;
  purge: boolean;
  tasks: OneOffTaskRunner;
  db: DbPurger;
  /** Task definition revisions registered by this run (the purge's tasks), deregistered with the rest. */
  registered: string[];
  wait: boolean;
  waitMinutes: number;
  waiter: { minDelay: number; maxDelay: number };
  actor: string;
  now: () => Date;
}

/** A resource's tags say it is this site's and the suite's. */
export const ownedBy = (tags: Record<string, string>, previewLink: string): boolean =>
  tags[TAG_MANAGED_BY] === SUITE_NAME && tags[TAG_SITE] === previewLink;

/** Why a data row is kept: said the same way for every kind of data. */
export const KEEP_NOTE = 'data: kept (purge-data and confirm remove it)';

/** Runs `fn` once, however many rows share its outcome. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
