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
export * from './logger.js';
export { isCredentialName, isPasswordName, redactSecrets, secretForms } from './secrets.js';
export * from './github/action-io.js';
export * as runner from './github/runner.js';
export * from './github/rest.js';
export * from './github/deployments.js';
export * from './github/pr-comment.js';
export {
  awsClientConfig,
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
  type AwsClientOptions,
} from './aws/clients.js';
export { checkCredentials, checkCredentialsFirst } from './aws/credentials.js';
export * from './registry/site-registry.js';
export { deploySite, type DeployOptions, type DeployResult } from './deploy/deploy.js';
export { planComment, renderResult, resultRows } from './deploy/summary.js';
export { findConflicts, guardConflicts, type DataConflict } from './deploy/conflict-guard.js';
export { DeploymentFailedError, waitForDeployment } from './deploy/wait.js';
export type {
  DbProvisioner,
  DbChanges,
  Inspection,
  DeploySource,
  OneOffTaskRunner,
  ResourceAction,
} from './deploy/types.js';
export { describeOneOffEnd, oneOffTaskRunner, taskLogStream } from './ecs/one-off-task.js';
export * from './ecs/task-log.js';
export * from './db/index.js';
export {
  dbProvisioner,
  directProvisioner,
  sqlTaskProvisioner,
  type ProvisionerDeps,
} from './db/provisioners.js';
export { rollbackSite, type RollbackOptions, type RollbackResult } from './deploy/rollback.js';
export {
  adoptSite,
  renderAdoption,
  AdoptionRefusedError,
  type AdoptOptions,
  type AdoptResult,
  type AdoptionFinding,
  type AdoptableId,
  type Ownership,
} from './adopt/adopt.js';
export * from './entra/index.js';
export { destroySite, type DestroyOptions, type DestroyResult, type KeptData } from './destroy/destroy.js';
export { checkDestroyInputs, checkPurgeInputs } from './destroy/inputs.js';
export { destroyRows, destroyVerdict, renderDestroyResult, type DestroyRow } from './destroy/summary.js';
export {
  destroyTarget,
  checkPreviewLink,
  siteOfBranch,
  type BranchSite,
  type DestroyTarget,
  type SiteData,
} from './destroy/destroy-target.js';
export { dataInUse, guardPurge, type DataInUse } from './destroy/purge-guard.js';
export type { Removal, RemovalOutcome, RemovalPlan } from './destroy/types.js';
export { SECRET_RECOVERY_DAYS } from './resources/db-secret.js';
export * from './db/purge-sql.js';
export { inspectPurgeDirect, purgeDirect } from './db/purge-direct.js';
export { dbPurger, directPurger, sqlTaskPurger, type DbPurger, type PurgerDeps } from './db/purgers.js';
export * from './exec/client-message.js';
export {
  DataChannel,
  DataChannelError,
  DEFAULT_TUNING,
  EXEC_CLIENT_VERSION,
  type DataChannelEnd,
  type DataChannelOptions,
  type DataChannelTuning,
} from './exec/data-channel.js';
export {
  checkExecTarget,
  ExecOutputStream,
  ExecTimeoutError,
  openExecSession,
  runCommand,
  shellQuote,
  wrapCommand,
  type ExecClients,
  type ExecSession,
  type ExecSessionOptions,
  type ExecTarget,
  type RunCommandOptions,
  type RunCommandResult,
} from './exec/run-command.js';
export { listSiteTasks, pickExecTask, type SiteTask } from './exec/site-tasks.js';
export * from './cron/clients.js';
export * from './cron/fanout.js';
export * from './cron/inputs.js';
export * from './cron/pacer.js';
export * from './cron/registry-cron.js';
export * from './runner/index.js';
export * from './upgrade/versions.js';
export * from './upgrade/followed-task.js';
export * from './upgrade/web-identity.js';
export * from './upgrade/read-version.js';
export * from './upgrade/images-table.js';
export * from './upgrade/site-task.js';
export * from './upgrade/upgrade.js';
export * from './site-config/config-file.js';
export * from './site-config/site-config.js';
export * from './retired/purge-retired.js';
export { claimRetired } from './deploy/conflict-guard.js';
export * from './restore/index.js';
export * from './iam/index.js';
export * from './fleet/awake-schedule.js';
export * from './fleet/cost-estimate.js';
export * from './fleet/expiry-github.js';
export * from './fleet/wake-sleep.js';
export * from './fleet/sleep-page.js';
export * from './fleet/expiry-sweep.js';
