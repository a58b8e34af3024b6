// The site plan's part for db secret: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in db-secret.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planDbSecret: (ctx: PlanContext) => PlannedResources['dbSecret'] = ({ site, names, tags }) => ({
  name: names.dbSecretName,
  dependsOn: [],
  spec: {
    name: names.dbSecretName,
    description: `Database password of Moodle preview site ${site.previewLink}`,
    passwordLength: 32,
    tags,
  },
});
