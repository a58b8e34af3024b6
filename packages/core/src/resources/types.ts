// One site resource's whole life in one module: how it is planned (pure, from the site and the
// platform, in `<name>.plan.ts` beside it so that a plan loads no AWS client), how deploy reads and
// converges it (adopt reads it the same way), how destroy finds and removes it, and how adopt tags it
// in place. deploy/, destroy/ and adopt/ only walk these modules in their order (docs/architecture.md).
import type { AwsClients } from '../aws/clients.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import type { DestroyEnv, Removal } from '../destroy/types.js';
import type { SiteNames } from '../naming.js';
import type { SleepPage, SleepPageScheduleSpec } from '../fleet/sleep-page.js';
import type { PlannedResources, ResourceId, Tags } from '../plan/site-plan.js';
import type { ResolvedSite } from '../settings/load.js';
import type { Platform } from '../settings/platform-schema.js';

/** What every resource's plan is computed from: the site, the platform and the names derived once. */
export interface PlanContext {
  site: ResolvedSite;
  platform: Platform;
  names: SiteNames;
  /** The site's tags (the suite's own last: they decide what the suite may touch). */
  tags: Tags;
  logGroupName: string;
  /** Where the EFS root is mounted in the container (no trailing slash). */
  mountPath: string;
  cronLogPath: string;
  /** The Moodle database, then the MIM database when the site has one. */
  databaseNames: string[];
  /** Application Auto Scaling's id of the site's service. */
  serviceResourceId: string;
  /** The page the site's rule shows while it sleeps, when the platform and its hours call for one. */
  sleepPage?: SleepPage;
  /** The schedules that switch the rule between the page and the site. */
  sleepPageSchedules: SleepPageScheduleSpec[];
}

export interface SiteResource<Id extends ResourceId, Deps extends unknown[] = []> {
  id: Id;
  /** What it is, for people (`target group`). */
  kind: string;
  /** Its part of the plan. Pure: same input, same value. */
  plan(ctx: PlanContext): PlannedResources[Id];
  /** deploy and adopt: read what exists, compare with the plan, say how to converge. */
  inspect(env: DeployEnv, ...deps: Deps): Promise<Inspection>;
  /**
   * destroy: what exists of it for the site, and how each is removed. Absent when it goes with
   * another resource of the same module (which says so) or is removed by a destroy step of its own.
   */
  removals?(env: DestroyEnv): Promise<Removal[]>;
  /** adopt: give an existing one the suite's tags it lacks. Absent: it carries no tags. */
  tag?(clients: AwsClients, arn: string, tags: Record<string, string>): Promise<void>;
}
