// register-cron: change a site's cron entry in the site registry without a redeploy, or list every
// entry with whether its service exists and runs, and its last run.
import { runner as core } from '@moodle-preview/core';
import {
  actionLogger,
  booleanInput,
  choiceInput,
  ConfigurationError,
  createAwsClients,
  deregisterCron,
  destroyAwsClients,
  integerInput,
  listCron,
  loadPlatformFile,
  optionalInput,
  PLATFORM_ENV,
  registerCron,
  runAction,
  SettingsError,
  SiteRegistry,
} from '@moodle-preview/core';

export const INPUTS = {
  mode: 'mode',
  previewLink: 'preview-link',
  platform: 'platform',
  enabled: 'enabled',
  command: 'command',
  timeoutSeconds: 'timeout-seconds',
  service: 'service',
  container: 'container',
  logGroup: 'log-group',
} as const;

export const OUTPUTS = { result: 'result', entries: 'entries' } as const;

export interface Inputs {
  mode: 'register' | 'deregister' | 'list';
  previewLink: string | undefined;
  platform: string;
  enabled: boolean;
  command: string | undefined;
  timeoutSeconds: number | undefined;
  service: string | undefined;
  container: string | undefined;
  logGroup: string | undefined;
}

export function getInputs(): Inputs {
  const mode = choiceInput(INPUTS.mode, ['register', 'deregister', 'list'] as const, 'register');
  const platform = optionalInput(INPUTS.platform) ?? process.env[PLATFORM_ENV];
  if (!platform)
    throw new ConfigurationError(`input ${INPUTS.platform} is required (or set ${PLATFORM_ENV})`);
  const previewLink = optionalInput(INPUTS.previewLink);
  if (mode !== 'list' && !previewLink)
    throw new ConfigurationError(`input ${INPUTS.previewLink} is required with mode ${mode}`);
  const service = optionalInput(INPUTS.service);
  const container = optionalInput(INPUTS.container);
  if (!service !== !container)
    throw new ConfigurationError(
      `inputs ${INPUTS.service} and ${INPUTS.container} go together: give both or neither`,
    );
  return {
    mode,
    previewLink,
    platform,
    enabled: booleanInput(INPUTS.enabled, true),
    command: optionalInput(INPUTS.command),
    timeoutSeconds:
      optionalInput(INPUTS.timeoutSeconds) === undefined
        ? undefined
        : integerInput(INPUTS.timeoutSeconds, 600, 1, 24 * 3600),
    service,
    container,
    logGroup: optionalInput(INPUTS.logGroup),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    const loaded = await loadPlatformFile(inputs.platform);
    if (!loaded.value) throw new SettingsError(loaded.problems);
    const platform = loaded.value;
    const log = actionLogger();
    const clients = createAwsClients({ region: platform.region });
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
      destroyAwsClients(clients);
    }
  });
}
