// Public surface of @moodle-preview/core.
export * from './errors.js';
export * from './naming.js';
export * from './workflow-commands.js';
export {
  siteSchema,
  PHP_VERSIONS,
  FARGATE_CPU,
  fargateMemoryOptions,
  type SiteSettings,
  type SiteSettingsInput,
} from './settings/site-schema.js';
export {
  platformSchema,
  LOG_RETENTION_DAYS,
  type Platform,
  type PlatformInput,
} from './settings/platform-schema.js';
export {
  checkPlatformText,
  checkSiteText,
  loadPlatformFile,
  loadSiteFile,
  loadSite,
  resolveSite,
  type Loaded,
  type LoadedSite,
  type ResolvedSite,
} from './settings/load.js';
export { findPlatformFile, PLATFORM_ENV, PLATFORM_FILE_NAME } from './settings/platform-file.js';
export { settingsJsonSchemas } from './settings/json-schema.js';
export * from './plan/site-plan.js';
export { renderPlan } from './plan/render.js';
export { diffPlans, type PlanChange } from './plan/diff.js';
