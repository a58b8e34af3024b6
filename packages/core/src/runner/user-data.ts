// The instance's user data: the boot script with its settings in front. It names the SSM path where
// the runner's JIT config will wait under the instance's own id (a SecureString written once the
// instance exists) and never holds a secret itself (start hides the JIT config in the console output
// it logs with `redactSecrets`, ../secrets.ts).
import { RUNNER_BOOT_SCRIPT } from './boot-script.js';
import { RUNNER_PARAMETER_PATH } from './lease.js';

/** How long the boot script waits for its JIT config before powering off (start writes it in seconds). */
export const CONFIG_WAIT_SECONDS = 300;

export interface BootSettings {
  /** The lease's label (logged only). */
  label: string;
  /** SSM path of the JIT configs; the instance reads `<path><its instance id>` (default the suite's). */
  parameterPath?: string;
  /** Seconds to wait for the JIT config to appear (default CONFIG_WAIT_SECONDS). */
  configWaitSeconds?: number;
  region: string;
  maxLifetimeMinutes: number;
  runnerUrl: string;
  runnerSha256: string;
  runnerUser?: string;
}

/** Single-quoted for bash: nothing inside is expanded. */
export const bashQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The user data as text (RunInstances wants it base64: `Buffer.from(text).toString('base64')`). */
export function runnerUserData(settings: BootSettings): string {
  const values: Record<string, string> = {
    MDL_RUNNER_LABEL: settings.label,
    MDL_RUNNER_PARAMETER_PATH: settings.parameterPath ?? RUNNER_PARAMETER_PATH,
    MDL_RUNNER_CONFIG_WAIT_SECONDS: String(settings.configWaitSeconds ?? CONFIG_WAIT_SECONDS),
    MDL_RUNNER_REGION: settings.region,
    MDL_RUNNER_MAX_MINUTES: String(settings.maxLifetimeMinutes),
    MDL_RUNNER_URL: settings.runnerUrl,
    MDL_RUNNER_SHA256: settings.runnerSha256,
    MDL_RUNNER_USER: settings.runnerUser ?? 'runner',
  };
  const [shebang, ...body] = RUNNER_BOOT_SCRIPT.split('\n');
  const header = Object.entries(values).map(([k, v]) => `${k}=${bashQuote(v)}`);
  return [
    shebang,
    '# Settings of this lease (no secrets: the JIT config waits in SSM under the instance id).',
    ...header,
    ...body,
  ].join('\n');
}
