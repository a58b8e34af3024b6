// deploy-instance's engine: read what exists (batched, in parallel), compare with the plan, refuse
// before any change when something is wrong, then converge in dependency order (independent
// resources in parallel) and wait for the deployment that this run started.
import type { AwsClients } from '../aws/clients.js';
import { checkCredentials } from '../aws/credentials.js';
import type { Logger } from '../logger.js';
import { applyOrder, type ResourceId, type SitePlan } from '../plan/site-plan.js';
import { SiteRegistry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';
import { guardConflicts } from './conflict-guard.js';
import { readResources } from '../resources/index.js';
import { redis } from '../resources/redis.js';
import { cronRegistration, siteRegistration } from '../resources/registry-entry.js';
import type { DbProvisioner, DeployEnv, DeploySource, Inspection, OneOffTaskRunner } from './types.js';
import { waitForDeployment } from './wait.js';

export interface DeployOptions {
  clients: AwsClients;
  plan: SitePlan;
  platform: Platform;
  log: Logger;
  db: DbProvisioner;
  tasks: OneOffTaskRunner;
  dryRun: boolean;
  wait: boolean;
  waitMinutes: number;
  /** A site whose data this site may take over (refresh), recorded as retired there. */
  takeover?: string;
  actor: string;
  /** The repository and branch of the settings.yml (deploy-instance: the workflow run's). */
  source?: DeploySource;
  now?: () => Date;
  waiter?: { minDelay: number; maxDelay: number };
  /** The caller checked the credentials already (deploy-instance does, while it loads the engine). */
  credentialsChecked?: boolean;
}

export interface DeployResult {
  plan: SitePlan;
  inspections: Inspection[];
  changed: boolean;
  dryRun: boolean;
  deploymentId?: string;
  arns: Partial<Record<ResourceId, string>>;
  /** The monthly estimate the last deploy recorded (none for a new or destroyed site). */
  previousEstimate?: { monthly: number; currency: string };
}

/** The order deploy starts its reads in (each waits for what it depends on: readResources). */
const READ_ORDER: readonly ResourceId[] = [
  'dbSecret',
  'targetGroup',
  'taskDefinition',
  'databases',
  'listenerRule',
  'logGroup',
  'sleepPage',
  'service',
  'scalingTarget',
  'scalingPolicy',
  'scheduledActions',
  'dbUser',
  'moodledata',
];

/**
 * Converges the resources in dependency order, independent ones in parallel. After the first
 * failure no further change starts; the ones under way are let finish, so nothing of this run is
 * still changing AWS when deploySite returns or throws.
 */
async function applyInOrder(
  env: DeployEnv,
  byId: ReadonlyMap<ResourceId, Inspection>,
  ordered: readonly Inspection[],
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const done = new Map<ResourceId, Promise<void>>();
  const run = (i: Inspection): Promise<void> => {
    let p = done.get(i.id);
    if (!p) {
      p = (async () => {
        const deps = await Promise.allSettled(
          env.plan.resources[i.id].dependsOn.map((d) => run(byId.get(d)!)),
        );
        if (failure || deps.some((d) => d.status === 'rejected') || !i.apply || i.action === 'none') return;
        env.log.info(`${i.action === 'create' ? 'creating' : 'updating'} ${i.id} ${i.name}`);
        try {
          const arn = await i.apply();
          if (arn) env.refs.set(i.id, arn);
        } catch (error) {
          failure ??= { error };
          throw error;
        }
      })();
      done.set(i.id, p);
    }
    return p;
  };
  await Promise.allSettled(ordered.map(run));
  if (failure) throw failure.error;
}

export async function deploySite(options: DeployOptions): Promise<DeployResult> {
  const { clients, plan, log } = options;
  const now = options.now ?? (() => new Date());
  if (!options.credentialsChecked) await checkCredentials(clients);
  const registry = new SiteRegistry(clients.ssm, undefined, options.platform.tags);
  const entries = await registry.list();
  const previousEntry = entries.find((e) => e.previewLink === plan.site);
  const takenOver = guardConflicts(plan, entries, options.takeover, now().toISOString().slice(0, 10));

  const env: DeployEnv = {
    clients,
    plan,
    platform: options.platform,
    log,
    registry,
    previousEntry,
    db: options.db,
    tasks: options.tasks,
    refs: new Map(),
    actor: options.actor,
    ...(options.source ? { source: options.source } : {}),
    now,
    rulesPerLoadBalancer: options.platform.alb.rules_per_load_balancer,
    waiter: options.waiter ?? { minDelay: 5, maxDelay: 30 },
  };

  const byId = await log.group('Reading what exists', () => readResources(env, READ_ORDER));
  // Derived from the plan and what was read: the registry entry (cron is part of it), and Redis.
  for (const derived of [siteRegistration, cronRegistration, redis])
    byId.set(derived.id, await derived.inspect(env));
  const ordered = applyOrder(plan).map((id) => byId.get(id)!);
  const changed = ordered.some((i) => i.action !== 'none') || takenOver !== undefined;
  for (const i of ordered) if (i.arn) env.refs.set(i.id, i.arn);

  const previousEstimate =
    previousEntry && !previousEntry.destroyedAt && previousEntry.estimate
      ? { previousEstimate: { ...previousEntry.estimate } }
      : {};
  if (options.dryRun || !changed) {
    return {
      ...previousEstimate,
      plan,
      inspections: ordered,
      changed,
      dryRun: options.dryRun,
      arns: Object.fromEntries(env.refs),
    };
  }

  await log.group('Applying changes', async () => {
    await applyInOrder(env, byId, ordered);
    if (takenOver) {
      log.info(`recording ${takenOver.previewLink}'s data taken over by ${plan.site} as retired there`);
      await registry.put({ ...takenOver, updatedAt: now().toISOString(), updatedBy: options.actor }, true);
    }
  });

  const deploymentId = env.startedDeployment;
  if (options.wait && deploymentId) {
    await log.group(`Waiting for deployment ${deploymentId}`, () =>
      waitForDeployment({
        clients,
        log,
        cluster: options.platform.cluster,
        service: plan.resources.service.name,
        deploymentId,
        maxWaitMinutes: options.waitMinutes,
        waiter: env.waiter,
      }),
    );
  }
  return {
    ...previousEstimate,
    plan,
    inspections: ordered,
    changed,
    dryRun: false,
    ...(deploymentId ? { deploymentId } : {}),
    arns: Object.fromEntries(env.refs),
  };
}
