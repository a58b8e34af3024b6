// run-cron-fanout's second stage, loaded (a chunk of its own) after main.ts has checked the inputs,
// the platform file and the credentials: the cron loop and its AWS clients, the joblog, the outputs
// and the summary.
import { appendFile, writeFile } from 'node:fs/promises';
import { runner as core } from '@moodle-preview/core';
import {
  actionLogger,
  createCronClients,
  destroyCronClients,
  joblogText,
  optionalInput,
  runCronLoop,
  tickFailed,
  type Platform,
} from '@moodle-preview/core';
import { INPUTS, OUTPUTS, type Inputs } from './main.js';

const cell = (data: string) => ({ data });

export async function fanout(inputs: Inputs, platform: Platform): Promise<void> {
  const log = actionLogger();
  const clients = createCronClients({ region: platform.region });
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
    destroyCronClients(clients);
  }
}
