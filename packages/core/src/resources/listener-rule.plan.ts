// The site plan's part for listener rule: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in listener-rule.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planListenerRule: (ctx: PlanContext) => PlannedResources['listenerRule'] = ({
  site,
  platform,
  tags,
  sleepPage,
}) => ({
  name: site.host,
  dependsOn: ['targetGroup'],
  spec: {
    listenerArns: [...platform.alb.https_listener_arns],
    hostHeader: site.host,
    preferredPriority: preferredRulePriority(site.previewLink),
    forwardTo: { ref: 'targetGroup', attribute: 'arn' },
    ...(sleepPage ? { sleepPage } : {}),
    tags,
  },
});

/** ALB rule priorities are 1..50000; a hash of the link spreads sites so first tries rarely collide. */
export function preferredRulePriority(previewLink: string): number {
  let h = 0x811c9dc5; // FNV-1a, 32 bit
  for (const ch of previewLink) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 49_999) + 1;
}
