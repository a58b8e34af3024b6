// The site plan's part for databases: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in databases.ts beside it.
import type { PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

export const planDatabases: (ctx: PlanContext) => PlannedResources['databases'] = ({
  site,
  platform,
  databaseNames,
}) => ({
  name: databaseNames.join(', '),
  // Ensured by a SQL task that reads the site's secret and logs to the site's log group.
  dependsOn: ['dbSecret', 'logGroup'],
  spec: {
    server: { host: site.db.host, port: site.db.port, adminSecretArn: platform.db.admin_secret_arn },
    databases: [
      { role: 'moodle', name: site.db.name, characterSet: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
      ...(site.db.mimName
        ? [
            {
              role: 'mim' as const,
              name: site.db.mimName,
              characterSet: 'utf8mb4' as const,
              collation: 'utf8mb4_unicode_ci',
            },
          ]
        : []),
    ],
  },
});

export const planDbUser: (ctx: PlanContext) => PlannedResources['dbUser'] = ({
  site,
  names,
  databaseNames,
}) => ({
  name: `${site.db.user}@'%'`,
  dependsOn: ['databases', 'dbSecret'],
  spec: {
    name: site.db.user,
    host: '%',
    grants: databaseNames.map((database) => ({ database, privileges: 'ALL PRIVILEGES' as const })),
    password: { secret: names.dbSecretName, jsonKey: 'password' },
  },
});
