// The site plan's part for registry entry: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in registry-entry.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

/** What the cron fan-out runs in each site's container, and how long it may take. */
export const CRON_COMMAND = '/data/runcron.sh';
export const CRON_TIMEOUT_SECONDS = 600;

export const planSiteRegistration: (ctx: PlanContext) => PlannedResources['siteRegistration'] = ({
  site,
  platform,
  names,
  logGroupName,
}) => ({
  name: names.registryParameter,
  dependsOn: ['service'],
  spec: {
    parameterName: names.registryParameter,
    entry: {
      previewLink: site.previewLink,
      url: site.url,
      cluster: platform.cluster,
      service: names.serviceName,
      taskFamily: names.taskFamily,
      container: names.containerName,
      databases: { moodle: site.db.name, ...(site.db.mimName ? { mim: site.db.mimName } : {}) },
      dbUser: site.db.user,
      dbHost: site.db.host,
      moodledataFolder: site.moodledata.folder,
      logGroup: logGroupName,
      awake: site.awake,
      capacity: { min: site.scaling.min, max: site.scaling.max },
      expiry: { ...site.expiry },
    },
  },
});

export const planCronRegistration: (ctx: PlanContext) => PlannedResources['cronRegistration'] = ({
  site,
  platform,
  names,
  cronLogPath,
}) => ({
  name: names.registryParameter,
  dependsOn: ['service'],
  spec: {
    enabled: site.cron,
    cluster: platform.cluster,
    service: names.serviceName,
    container: names.containerName,
    command: CRON_COMMAND,
    timeoutSeconds: CRON_TIMEOUT_SECONDS,
    logPath: cronLogPath,
  },
});
