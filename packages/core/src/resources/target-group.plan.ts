// The site plan's part for target group: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in target-group.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planTargetGroup: (ctx: PlanContext) => PlannedResources['targetGroup'] = ({
  names,
  platform,
  tags,
}) => ({
  name: names.targetGroupName,
  dependsOn: [],
  spec: {
    name: names.targetGroupName,
    protocol: platform.alb.target_protocol,
    port: platform.alb.target_port,
    targetType: 'ip',
    vpcId: platform.network.vpc_id,
    healthCheck: {
      path: platform.alb.health_check_path,
      matcher: platform.alb.health_check_matcher,
      intervalSeconds: 30,
      healthyThresholdCount: 2,
    },
    deregistrationDelaySeconds: platform.alb.deregistration_delay_seconds,
    tags,
  },
});
