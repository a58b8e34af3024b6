// The site's Redis: the platform's shared server with a prefix of the site's own. Nothing of it is
// created or removed: it is planned so that the task definition and the plan name it.
import type { SiteResource } from './types.js';
import { planRedis } from './redis.plan.js';

export const redis = {
  id: 'redis',
  kind: 'redis prefix',
  plan: planRedis,
  inspect: async (env) => {
    const planned = env.plan.resources.redis;
    return { id: 'redis', name: planned.name, action: 'none', changes: [], arn: planned.name };
  },
} satisfies SiteResource<'redis'>;
