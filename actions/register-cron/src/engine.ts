// register-cron's second stage, loaded (a chunk of its own) after main.ts has checked the inputs, the
// platform file and the credentials: the registry and its AWS clients, the change or the listing, the
// outputs and the summary.
import { runner as core } from '@moodle-preview/core';
import {
  actionLogger,
  createCronClients,
  deregisterCron,
  destroyCronClients,
  listCron,
  registerCron,
  SiteRegistry,
  type Platform,
} from '@moodle-preview/core';
import { OUTPUTS, type Inputs } from './main.js';

export async function cron(inputs: Inputs, platform: Platform): Promise<void> {
  const log = actionLogger();
  const clients = createCronClients({ region: platform.region });
  const registry = new SiteRegistry(clients.ssm, undefined, platform.tags);
  const actor = process.env.GITHUB_ACTOR ?? 'github-actions';
  try {
    if (inputs.mode === 'list') {
      const entries = await listCron(registry, clients, inputs.logGroup);
      core.setOutput(OUTPUTS.entries, JSON.stringify(entries));
      for (const e of entries)
        log.info(
          `${e.previewLink}: ${e.cron.enabled ? 'enabled' : 'disabled'}, ${e.cron.service} ${e.serviceStatus} ` +
            `(${e.runningCount} running), last run ${e.lastRun ?? 'unknown'}`,
        );
      await core.summary
        .addHeading('Cron entries', 3)
        .addTable([
          [
            'site',
            'enabled',
            'service',
            'status',
            'running',
            'command',
            'timeout',
            'last run',
            'changed by',
          ].map((data) => ({ data, header: true })),
          ...entries.map((e) =>
            [
              e.previewLink,
              String(e.cron.enabled),
              e.cron.service,
              e.serviceStatus,
              String(e.runningCount),
              e.cron.command,
              `${e.cron.timeoutSeconds} s`,
              e.lastRun ?? '',
              `${e.cron.updatedBy ?? ''} ${e.cron.updatedAt ?? ''}`.trim(),
            ].map((data) => ({ data })),
          ),
        ])
        .write();
      return;
    }
    const change =
      inputs.mode === 'register'
        ? await registerCron(registry, {
            previewLink: inputs.previewLink!,
            enabled: inputs.enabled,
            command: inputs.command,
            timeoutSeconds: inputs.timeoutSeconds,
            ...(inputs.service
              ? { cluster: platform.cluster, service: inputs.service, container: inputs.container }
              : {}),
            actor,
          })
        : await deregisterCron(registry, inputs.previewLink!, actor);
    log.info(`cron of ${change.previewLink}: ${change.result}`);
    core.setOutput(OUTPUTS.result, change.result);
    await core.summary
      .addHeading(`Cron of ${change.previewLink}: ${change.result}`, 3)
      .addCodeBlock(JSON.stringify(change.cron ?? {}, null, 2), 'json')
      .write();
  } finally {
    destroyCronClients(clients);
  }
}
