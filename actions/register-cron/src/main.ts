// register-cron: change a site's cron entry in the site registry without a redeploy, or list every
// entry with whether its service exists and runs, and its last run.
// Two stages, for a fast start: this file reads and checks the inputs and the platform file and checks the
// credentials with the STS client alone; the engine (./engine.ts, a chunk with the other clients) is
// loaded after that first call.
import {
  booleanInput,
  choiceInput,
  ConfigurationError,
  integerInput,
  loadPlatformFile,
  optionalInput,
  PLATFORM_ENV,
  runAction,
  SettingsError,
  checkCredentialsFirst,
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
    await checkCredentialsFirst({ region: platform.region });
    const engine = await import('./engine.js');
    await engine.cron(inputs, platform);
  });
}
