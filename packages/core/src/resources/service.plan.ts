// The site plan's part for service: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in service.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planService: (ctx: PlanContext) => PlannedResources['service'] = ({
  site,
  platform,
  names,
  tags,
}) => ({
  name: names.serviceName,
  dependsOn: ['taskDefinition', 'listenerRule', 'databases', 'dbUser', 'moodledata'],
  spec: {
    cluster: platform.cluster,
    serviceName: names.serviceName,
    taskDefinition: { ref: 'taskDefinition', attribute: 'arn' },
    initialDesiredCount: site.scaling.min,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: {
      subnets: [...platform.network.subnet_ids],
      securityGroups: [...platform.network.security_group_ids],
      assignPublicIp: platform.network.assign_public_ip ? 'ENABLED' : 'DISABLED',
    },
    loadBalancers: [
      {
        targetGroup: { ref: 'targetGroup', attribute: 'arn' },
        containerName: names.containerName,
        containerPort: platform.alb.target_port,
      },
    ],
    // A partial image downloads Moodle at start: give it time before health checks count.
    healthCheckGracePeriodSeconds: site.fullImage ? 120 : 600,
    deploymentConfiguration: {
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    },
    enableExecuteCommand: true,
    propagateTags: 'SERVICE',
    enableECSManagedTags: true,
    tags,
  },
});
