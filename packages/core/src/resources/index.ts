// Every site resource, by id, and the read phase deploy and adopt share.
import type { DeployEnv, Inspection } from '../deploy/types.js';
import type { ResourceId } from '../plan/site-plan.js';
import { databases, dbUser } from './databases.js';
import { dbSecret } from './db-secret.js';
import { listenerRule } from './listener-rule.js';
import { logGroup } from './log-group.js';
import { moodledata } from './moodledata.js';
import { redis } from './redis.js';
import { cronRegistration, siteRegistration } from './registry-entry.js';
import { scalingPolicy, scalingTarget, scheduledActions } from './scaling.js';
import { service } from './service.js';
import { sleepPage } from './sleep-page.js';
import { targetGroup } from './target-group.js';
import { taskDefinition } from './task-definition.js';

export const SITE_RESOURCES = {
  siteRegistration,
  cronRegistration,
  dbSecret,
  databases,
  dbUser,
  moodledata,
  redis,
  logGroup,
  taskDefinition,
  targetGroup,
  listenerRule,
  service,
  scalingTarget,
  scalingPolicy,
  scheduledActions,
  sleepPage,
} as const satisfies { [Id in ResourceId]: { id: Id } };

/**
 * Reads the resources `ids` names, each once, in that order, with what each depends on: the task
 * definition waits for the secret (a new secret means a new revision), the listener rule for the
 * target group, the service for both of those, the sleep page for the rule and the group, the
 * databases and user for the secret. Each inspection starts when first asked for, so the order of
 * `ids` is the order of the first calls to AWS.
 */
export async function readResources(
  env: DeployEnv,
  ids: readonly ResourceId[],
): Promise<Map<ResourceId, Inspection>> {
  const started = new Map<ResourceId, Promise<Inspection>>();
  const get = (id: ResourceId): Promise<Inspection> => {
    let p = started.get(id);
    if (!p) {
      p = start(id);
      started.set(id, p);
    }
    return p;
  };
  const start = (id: ResourceId): Promise<Inspection> => {
    switch (id) {
      case 'taskDefinition':
        return get('dbSecret').then((s) => taskDefinition.inspect(env, s.action === 'create'));
      case 'listenerRule':
        return listenerRule.inspect(env, get('targetGroup'));
      case 'sleepPage':
        return sleepPage.inspect(env, get('listenerRule'), get('targetGroup'));
      case 'service':
        return service.inspect(env, get('taskDefinition'), get('targetGroup'));
      case 'databases':
        return databases.inspect(env, get('dbSecret'));
      case 'dbUser':
        return dbUser.inspect(env, get('dbSecret'));
      default:
        return SITE_RESOURCES[id].inspect(env);
    }
  };
  const found = await Promise.all(ids.map(get));
  return new Map(found.map((i) => [i.id, i]));
}
