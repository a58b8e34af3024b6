// The site plan's part for log group: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in log-group.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planLogGroup: (ctx: PlanContext) => PlannedResources['logGroup'] = ({
  logGroupName,
  platform,
  tags,
}) => ({
  name: logGroupName,
  dependsOn: [],
  spec: { logGroupName, retentionInDays: platform.logs.retention_days, tags },
});
