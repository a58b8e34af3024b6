// run-cron-fanout: registry → running tasks (batched) → each enabled site's cron through ECS Exec →
// joblog, CloudWatch Logs, outputs and a step summary; fail-on decides whether the step fails.
import { appendFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runner as core } from '@moodle-preview/core';
import {
  actionLogger,
  ConfigurationError,
  createAwsClients,
  DEFAULT_EXEC_RATE,
  destroyAwsClients,
  integerInput,
  joblogText,
  listInput,
  loadPlatformFile,
  optionalInput,
  parseFailOn,
  parseShard,
  PLATFORM_ENV,
  runAction,
  runCronLoop,
  SettingsError,
  tickFailed,
  type CronShard,
  type FailOn,
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

const cell = (data: string) => ({ data });

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    const loaded = await loadPlatformFile(inputs.platform);
    if (!loaded.value) throw new SettingsError(loaded.problems);
    const platform = loaded.value;
    const log = actionLogger();
    const clients = createAwsClients({ region: platform.region });
    try {
      // Lines are appended as sites finish (a cancelled loop keeps what ran), then the file is
      // rewritten in tick and site order.
      await writeFile(inputs.joblog, '');
      let appending = Promise.resolve();
      const result = await log.group(inputs.durationSeconds ? 'cron ticks' : 'cron tick', () =>
        runCronLoop({
          clients,
          concurrency: inputs.concurrency,
          maxTimeoutSeconds: inputs.timeoutSeconds,
          logGroup: inputs.logGroup,
          logRetentionDays: platform.logs.retention_days,
          tags: platform.tags,
          sites: inputs.sites,
          shard: inputs.shard,
          durationSeconds: inputs.durationSeconds,
          intervalSeconds: inputs.intervalSeconds,
          execRate: inputs.execRate,
          log,
          onResult: (l) => {
            log.info(
              `${l.site}: ${l.status}${l.exitCode !== null ? ` (exit ${l.exitCode})` : ''} in ${l.durationMs} ms${l.reason ? ` — ${l.reason}` : ''}`,
            );
            appending = appending.then(() => appendFile(inputs.joblog, joblogText([l]))).catch(() => {});
          },
        }),
      );
      await appending;
      await writeFile(inputs.joblog, joblogText(result.lines));
      core.setOutput(OUTPUTS.succeeded, String(result.succeeded));
      core.setOutput(OUTPUTS.failed, String(result.failed));
      core.setOutput(OUTPUTS.skipped, String(result.skipped));
      core.setOutput(OUTPUTS.joblog, inputs.joblog);
      await core.summary
        .addHeading(result.ticks > 1 ? `Cron: ${result.ticks} ticks` : 'Cron tick', 3)
        .addRaw(
          `<p>${result.succeeded} succeeded, ${result.failed} failed, ${result.skipped} skipped in ` +
            `${(result.durationMs / 1000).toFixed(1)} s (${result.discoveryCalls} task read call(s)` +
            (result.pacing
              ? `; ExecuteCommand paced at up to ${result.pacing.ratePerSecond.toFixed(0)}/s, ` +
                `${result.pacing.throttled} throttled, ${(result.pacing.waitedMs / 1000).toFixed(1)} s waited in all`
              : '') +
            ')</p>',
        )
        .addTable([
          [
            ...(result.ticks > 1 ? ['tick'] : []),
            'site',
            'result',
            'exit code',
            'task',
            'duration',
            'last output / reason',
          ].map((data) => ({
            data,
            header: true,
          })),
          ...result.lines.map((l) => [
            ...(result.ticks > 1 ? [cell(String(l.tick ?? ''))] : []),
            cell(l.site),
            cell(l.status),
            cell(l.exitCode === null ? '' : String(l.exitCode)),
            cell(l.task ?? ''),
            cell(`${(l.durationMs / 1000).toFixed(1)} s`),
            cell(l.reason ?? l.tail.at(-1) ?? ''),
          ]),
        ])
        .write();
      if (tickFailed(result, inputs.failOn))
        core.setFailed(
          `cron failed on ${result.failed} site(s) (fail-on: ${optionalInput(INPUTS.failOn) ?? 'any'}); see the joblog ${inputs.joblog}`,
        );
    } finally {
      destroyAwsClients(clients);
    }
  });
}
