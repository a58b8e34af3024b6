// Public surface of the ec2-runner lease logic (actions/ec2-runner, `mdl-preview runner`).
export * from './github-runners.js';
export * from './runner-versions.js';
export * from './lease.js';
export * from './capacity.js';
export { RUNNER_BOOT_SCRIPT } from './boot-script.js';
export { bashQuote, CONFIG_WAIT_SECONDS, runnerUserData, type BootSettings } from './user-data.js';
export {
  checkStartOptions,
  startRunner,
  RunnerStartError,
  type RunnerDeps,
  type StartRunnerOptions,
  type StartRunnerResult,
} from './start.js';
export { stopRunner, type StopRunnerOptions, type StopRunnerResult } from './stop.js';
export * from './reap.js';
export { createEc2Client } from './ec2-client.js';
