// The site plan's part for redis: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in redis.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planRedis: (ctx: PlanContext) => PlannedResources['redis'] = ({ site }) => ({
  name: `${site.redis.host}:${site.redis.port}/${site.redis.prefix}`,
  dependsOn: [],
  spec: { ...site.redis },
});
