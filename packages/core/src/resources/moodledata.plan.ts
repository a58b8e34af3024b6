// The site plan's part for moodledata: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in moodledata.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planMoodledata: (ctx: PlanContext) => PlannedResources['moodledata'] = ({
  site,
  platform,
  mountPath,
}) => ({
  name: site.moodledata.path,
  // Made by a one-off task of the site's own task definition (only it reaches EFS).
  dependsOn: ['taskDefinition'],
  spec: {
    fileSystemId: platform.efs.file_system_id,
    folder: site.moodledata.folder,
    efsPath: `/${site.moodledata.folder}`,
    containerPath: site.moodledata.path,
    mountPath,
  },
});
