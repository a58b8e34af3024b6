// destroy-instance's engine: refuse bad input before any call, read everything of the site in
// parallel, keep to what is tagged as the site's (or recorded for it in the registry), then remove it
// step by step in a safe order. Data only with purge-data and a matching confirm; otherwise it is kept
// and recorded as retired. Every removal treats not-found as done, so a re-run finishes a half-done job.
import type { AwsClients } from '../aws/clients.js';
import { dbPurger } from '../db/purgers.js';
import type { SqlTaskSite } from '../db/sql-task.js';
import { checkCredentials } from '../aws/credentials.js';
import type { OneOffTaskRunner } from '../deploy/types.js';
import type { Logger } from '../logger.js';
import type { SitePlan } from '../plan/site-plan.js';
import { SiteRegistry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';
import { databaseRows } from '../resources/databases.js';
import { moodledataRows, type RemovalTaskDefinition } from '../resources/moodledata.js';
import { readDbSecrets } from '../resources/db-secret.js';
import { destroyTarget, type DestroyTarget } from './destroy-target.js';
import { checkDestroyInputs } from './inputs.js';
import { listenerRule } from '../resources/listener-rule.js';
import { scalingTarget } from '../resources/scaling.js';
import { service as serviceResource } from '../resources/service.js';
import { sleepPage } from '../resources/sleep-page.js';
import { logGroup as logGroupResource } from '../resources/log-group.js';
import { targetGroup as targetGroupResource } from '../resources/target-group.js';
import { guardPurge } from './purge-guard.js';
import { registryRows } from '../resources/registry-entry.js';
import {
  familyRows,
  latestOwnedInactive,
  readFamily,
  registerCopy,
  type FamilyRevisions,
} from '../resources/task-definition.js';
import { REMOVAL_STEPS, type DestroyEnv, type Removal, type RemovalOutcome } from './types.js';

export interface DestroyOptions {
  clients: AwsClients;
  platform: Platform;
  previewLink: string;
  /** The site's plan when its settings file is still at hand; its data names are used too. */
  plan?: SitePlan;
  log: Logger;
  /** Remove the data as well; needs `confirm` equal to the preview_link. */
  purgeData: boolean;
  confirm?: string;
  dryRun: boolean;
  /** Wait for the service's tasks to stop (a purge always waits). */
  wait: boolean;
  waitMinutes: number;
  dbAccess: 'task' | 'direct';
  tasks: OneOffTaskRunner;
  actor: string;
  now?: () => Date;
  waiter?: { minDelay: number; maxDelay: number };
  /** The caller checked the credentials already (destroy-instance does, before it loads the engine). */
  credentialsChecked?: boolean;
}

export interface KeptData {
  kind: string;
  name: string;
}

export interface DestroyResult {
  previewLink: string;
  /** Every resource looked at, in removal order, each with its outcome. */
  rows: Removal[];
  changed: boolean;
  dryRun: boolean;
  purge: boolean;
  /** Resources removed by this run (with dry-run: that would be). */
  removed: number;
  /** Data left in place. */
  kept: KeptData[];
  /** When the registry entry says the site was destroyed (data kept). */
  destroyedAt?: string;
}

/** The purge's SQL task, from the platform and what the destroy knows of the site (no plan needed). */
function purgeSqlSite(target: DestroyTarget, platform: Platform, plan: SitePlan | undefined): SqlTaskSite {
  return {
    previewLink: target.link,
    image: platform.images.sql_client,
    region: platform.region,
    logGroupName: target.data.logGroup,
    executionRoleArn: platform.roles.execution_role_arn,
    dbHost: target.data.dbHost,
    dbPort: target.data.dbPort,
    adminSecretArn: plan?.resources.databases.spec.server.adminSecretArn ?? platform.db.admin_secret_arn,
    siteSecret: target.names.dbSecretName,
    siteDbUser: target.data.users[0] ?? '',
    tags: target.tags,
  };
}

/** The outcome a row reports without being applied (a dry run, or nothing to do for it). */
const OUTCOME_OF_PLAN: Record<Removal['plan'], RemovalOutcome> = {
  remove: 'removed',
  gone: 'already gone',
  keep: 'kept',
  'not-ours': 'not ours',
};

/**
 * The rm task needs a revision of the site: the newest ACTIVE one, else a copy of the newest
 * deregistered one (the data was kept by an earlier destroy and is purged now), registered only when
 * the rm runs.
 */
async function removalTaskDefinition(
  env: DestroyEnv,
  siteFamily: FamilyRevisions,
  siteSecretGone: boolean,
): Promise<RemovalTaskDefinition | undefined> {
  if (!env.purge || siteSecretGone) return undefined;
  if (siteFamily.latest) {
    const arn = siteFamily.latest.taskDefinitionArn!;
    return { td: siteFamily.latest, arn: async () => arn };
  }
  const inactive = await latestOwnedInactive(env, env.target.names.taskFamily);
  if (!inactive) return undefined;
  let copy: Promise<string> | undefined;
  return { td: inactive.td, arn: () => (copy ??= registerCopy(env, inactive.td, inactive.tags)) };
}

/** Reads everything of the site in parallel: one row per resource, in removal order. */
async function readRows(env: DestroyEnv, registry: SiteRegistry): Promise<Removal[]> {
  const { target, purge } = env;
  const hasDbData = target.data.databases.length + target.data.users.length > 0;
  const [page, scaling, rules, targetGroup, service, siteFamily, sqlFamily, secrets, logGroup, dbState] =
    await Promise.all([
      sleepPage.removals(env),
      scalingTarget.removals(env),
      listenerRule.removals(env),
      targetGroupResource.removals(env),
      serviceResource.removals(env),
      readFamily(env, target.names.taskFamily),
      readFamily(env, target.sqlTaskFamily),
      readDbSecrets(env),
      logGroupResource.removals(env),
      purge && hasDbData
        ? env.db.inspect({ databases: target.data.databases, users: target.data.users })
        : Promise.resolve(undefined),
    ] as const);
  const removalTd = await removalTaskDefinition(env, siteFamily, secrets.siteSecretGone);
  const dbRows = hasDbData ? databaseRows(env, dbState, secrets.siteSecretGone) : [];
  const folderRows = moodledataRows(env, removalTd, secrets.siteSecretGone);
  const runsSqlTask = env.db.mode === 'task' && dbRows.some((r) => r.apply);
  const copiesSiteTd = !siteFamily.latest && folderRows.some((r) => r.apply);
  const keptSecrets = secrets.rows.filter((r) => r.plan === 'keep').map((r) => r.name);
  return [
    ...page,
    ...scaling,
    ...rules,
    ...service,
    ...targetGroup,
    ...dbRows,
    ...folderRows,
    ...familyRows(env, siteFamily, copiesSiteTd),
    ...familyRows(env, sqlFamily, runsSqlTask),
    ...secrets.rows,
    ...logGroup,
    ...registryRows(env, registry, keptSecrets),
  ].sort((a, b) => REMOVAL_STEPS.indexOf(a.step) - REMOVAL_STEPS.indexOf(b.step));
}

/**
 * Applies the rows step by step. A step starts only when the one before it finished; after a failure
 * nothing new starts, and the removals under way are let finish so nothing of this run still changes
 * AWS afterwards.
 */
async function removeInOrder(rows: Removal[], log: Logger): Promise<void> {
  for (const step of REMOVAL_STEPS) {
    const settled = await Promise.allSettled(
      rows
        .filter((r) => r.step === step)
        .map(async (r) => {
          if (!r.apply) {
            r.outcome = OUTCOME_OF_PLAN[r.plan];
            return;
          }
          log.info(`${step}: ${r.plan === 'keep' ? 'updating' : 'removing'} ${r.resource} ${r.name}`);
          r.outcome = await r.apply();
        }),
    );
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

export async function destroySite(options: DestroyOptions): Promise<DestroyResult> {
  const { clients, platform, log, previewLink: link } = options;
  const now = options.now ?? (() => new Date());
  checkDestroyInputs(options);
  if (options.confirm === link && !options.purgeData)
    log.warning(`confirm: ${link} has no effect without purge-data: true; the data is kept`);
  if (!options.credentialsChecked) await checkCredentials(clients);

  const registry = new SiteRegistry(clients.ssm);
  const entries = await registry.list();
  const entry = entries.find((e) => e.previewLink === link);
  const target = destroyTarget(link, platform, entry, options.plan);
  const purge = options.purgeData;
  if (purge) guardPurge(link, target.data, entries);
  log.info(`site ${link}: host ${target.host}; data names from ${target.data.source}`);

  const registered: string[] = [];
  const env: DestroyEnv = {
    clients,
    platform,
    target,
    log,
    entry,
    purge,
    tasks: options.tasks,
    db: dbPurger(options.dbAccess, {
      clients,
      platform,
      log,
      tasks: options.tasks,
      site: purgeSqlSite(target, platform, options.plan),
      registered: (arn) => registered.push(arn),
    }),
    registered,
    wait: options.wait,
    waitMinutes: options.waitMinutes,
    waiter: options.waiter ?? { minDelay: 5, maxDelay: 30 },
    actor: options.actor,
    now,
  };
  const rows = await log.group('Reading what exists', () => readRows(env, registry));
  const changed = rows.some((r) => r.apply);
  if (options.dryRun || !changed) {
    for (const r of rows) r.outcome = OUTCOME_OF_PLAN[r.plan];
    return result(link, rows, changed, options.dryRun, purge, entry?.destroyedAt);
  }
  await log.group('Removing', () => removeInOrder(rows, log));
  const destroyedAt = purge || !entry ? undefined : (entry.destroyedAt ?? now().toISOString().slice(0, 10));
  return result(link, rows, true, false, purge, destroyedAt);
}

function result(
  link: string,
  rows: Removal[],
  changed: boolean,
  dryRun: boolean,
  purge: boolean,
  destroyedAt: string | undefined,
): DestroyResult {
  return {
    previewLink: link,
    rows,
    changed,
    dryRun,
    purge,
    removed: rows.filter((r) => r.outcome === 'removed').length,
    kept: rows.filter((r) => r.data && r.outcome === 'kept').map((r) => ({ kind: r.resource, name: r.name })),
    ...(destroyedAt ? { destroyedAt } : {}),
  };
}
