// The site plan's part for scaling: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in scaling.ts beside it.
import { describeAwake, scheduledActionsFor } from '../fleet/awake-schedule.js';
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planScalingTarget: (ctx: PlanContext) => PlannedResources['scalingTarget'] = ({
  site,
  serviceResourceId,
}) => ({
  name: serviceResourceId,
  dependsOn: ['service'],
  spec: {
    serviceNamespace: 'ecs',
    resourceId: serviceResourceId,
    scalableDimension: 'ecs:service:DesiredCount',
    minCapacity: site.scaling.min,
    maxCapacity: site.scaling.max,
  },
});

export const planScalingPolicy: (ctx: PlanContext) => PlannedResources['scalingPolicy'] = ({
  site,
  names,
  serviceResourceId,
}) => ({
  name: names.scalingPolicyName,
  dependsOn: ['scalingTarget'],
  spec: {
    policyName: names.scalingPolicyName,
    policyType: 'TargetTrackingScaling',
    resourceId: serviceResourceId,
    targetValue: site.scaling.cpuTarget,
    predefinedMetricType: 'ECSServiceAverageCPUUtilization',
    scaleOutCooldown: 60,
    scaleInCooldown: 300,
  },
});

export const planScheduledActions: (ctx: PlanContext) => PlannedResources['scheduledActions'] = ({
  site,
  serviceResourceId,
}) => ({
  name: describeAwake(site.awake),
  dependsOn: ['scalingTarget'],
  spec: {
    serviceNamespace: 'ecs',
    resourceId: serviceResourceId,
    scalableDimension: 'ecs:service:DesiredCount',
    awake: describeAwake(site.awake),
    actions: scheduledActionsFor(site.previewLink, site.awake, site.scaling),
  },
});
