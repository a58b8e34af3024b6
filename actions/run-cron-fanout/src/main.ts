// run-cron-fanout: registry → running tasks (batched) → each enabled site's cron through ECS Exec →
// joblog, CloudWatch Logs, outputs and a step summary; fail-on decides whether the step fails.
// Two stages, for a fast start: this file reads and checks the inputs and the platform file and checks the
// credentials with the STS client alone; the engine (./engine.ts, a chunk with the other clients) is
// loaded after that first call.
import os from 'node:os';
import path from 'node:path';
import {
  ConfigurationError,
  DEFAULT_EXEC_RATE,
  integerInput,
  listInput,
  loadPlatformFile,
  optionalInput,
  parseFailOn,
  parseShard,
  PLATFORM_ENV,
  runAction,
  SettingsError,
  type CronShard,
  type FailOn,
  checkCredentialsFirst,
} from '@moodle-preview/core';

export const INPUTS = {
  platform: 'platform',
  concurrency: 'concurrency',
  timeoutSeconds: 'timeout-seconds',
  failOn: 'fail-on',
  logGroup: 'log-group',
  joblog: 'joblog',
  sites: 'sites',
  durationSeconds: 'duration-seconds',
  intervalSeconds: 'interval-seconds',
  shard: 'shard',
  execRate: 'exec-rate',
  execBurst: 'exec-burst',
} as const;

export const OUTPUTS = {
  succeeded: 'succeeded',
  failed: 'failed',
  skipped: 'skipped',
  joblog: 'joblog',
} as const;

export interface Inputs {
  platform: string;
  concurrency: number;
  timeoutSeconds: number | undefined;
  failOn: FailOn;
  logGroup: string | undefined;
  joblog: string;
  sites: string[] | undefined;
  durationSeconds: number;
  intervalSeconds: number;
  shard: CronShard | undefined;
  /** ExecuteCommand calls per second and burst; rate 0 turns pacing off. */
  execRate: { ratePerSecond: number; burst: number } | false;
}

export function getInputs(): Inputs {
  const platform = optionalInput(INPUTS.platform) ?? process.env[PLATFORM_ENV];
  if (!platform)
    throw new ConfigurationError(`input ${INPUTS.platform} is required (or set ${PLATFORM_ENV})`);
  const timeout = optionalInput(INPUTS.timeoutSeconds);
  const sites = listInput(INPUTS.sites);
  const shard = optionalInput(INPUTS.shard);
  const rateText = optionalInput(INPUTS.execRate) ?? String(DEFAULT_EXEC_RATE.ratePerSecond);
  const rate = Number(rateText);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1000)
    throw new ConfigurationError(
      `input ${INPUTS.execRate} must be a number of calls per second from 0 (no pacing) to 1000, got "${rateText}"`,
    );
  const burst = integerInput(INPUTS.execBurst, DEFAULT_EXEC_RATE.burst, 1, 1000);
  return {
    platform,
    concurrency: integerInput(INPUTS.concurrency, 16, 1, 256),
    timeoutSeconds: timeout === undefined ? undefined : integerInput(INPUTS.timeoutSeconds, 0, 1, 24 * 3600),
    failOn: parseFailOn(optionalInput(INPUTS.failOn) ?? 'any'),
    logGroup: optionalInput(INPUTS.logGroup),
    joblog:
      optionalInput(INPUTS.joblog) ?? path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'cron-joblog.jsonl'),
    sites: sites.length ? sites : undefined,
    durationSeconds: integerInput(INPUTS.durationSeconds, 0, 0, 6 * 3600),
    intervalSeconds: integerInput(INPUTS.intervalSeconds, 120, 1, 3600),
    execRate: rate === 0 ? false : { ratePerSecond: rate, burst },
    shard: shard === undefined ? undefined : parseShard(shard),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    const loaded = await loadPlatformFile(inputs.platform);
    if (!loaded.value) throw new SettingsError(loaded.problems);
    const platform = loaded.value;
    await checkCredentialsFirst({ region: platform.region });
    const engine = await import('./engine.js');
    await engine.fanout(inputs, platform);
  });
}
