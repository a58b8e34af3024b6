// The site plan's part for sleep page: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in sleep-page.ts beside it.
import { SUITE_NAME, TAG_MANAGED_BY } from '../naming.js';
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planSleepPage: (ctx: PlanContext) => PlannedResources['sleepPage'] = ({
  site,
  platform,
  sleepPageSchedules,
}) => {
  const pagePlatform = platform.schedule.sleep_page;
  return {
    name: pagePlatform ? `${pagePlatform.schedule_group}/mdl-${site.previewLink}-*` : '(no sleep page)',
    dependsOn: ['listenerRule', 'targetGroup'],
    spec: {
      ...(pagePlatform
        ? { group: pagePlatform.schedule_group, roleArn: pagePlatform.scheduler_role_arn }
        : {}),
      // The group is the suite's, not one site's: it carries the managed-by tag (and the platform's).
      groupTags: { ...platform.tags, [TAG_MANAGED_BY]: SUITE_NAME },
      schedules: sleepPageSchedules,
    },
  };
};
