// The per-site config file (./config-file.ts: the settings, checked) applied in ONE one-off task of
// the site that runs admin/cli/cfg.php once per setting:
//   php admin/cli/cfg.php [--component=<plugin>] --name=<name> --set=<value>
// (https://docs.moodle.org/en/Administration_via_command_line#Setting_configuration_values).
// Names and components are checked to be identifiers, so they go on the command line as they are;
// values go by environment variables, so no quoting of user text is ever needed.
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Platform } from '../settings/platform-schema.js';
import { describeTaskEnd } from '../upgrade/followed-task.js';
import { readMoodleSite, runMoodleCli, type MoodleTaskClients } from '../upgrade/site-task.js';
import type { ConfigItem } from './config-file.js';

export const CFG_MARKER = '#mdl-cfg';
/** RunTask's container override (command and environment) is capped at 8 KiB of JSON. */
const MAX_OVERRIDE_CHARS = 8192;

/** The shell the task runs and the environment carrying the values. */
export function configScript(codePath: string, items: readonly ConfigItem[]) {
  if (!/^(\/[A-Za-z0-9._-]+)+$/.test(codePath))
    throw new ConfigurationError(`the Moodle code path ${JSON.stringify(codePath)} must be an absolute path`);
  const lines = items.map((item, i) => {
    const component = item.component ? ` --component=${item.component}` : '';
    return (
      `php ${codePath}/admin/cli/cfg.php${component} --name=${item.name} --set="$MDL_CFG_${i + 1}" ` +
      `|| { echo "${CFG_MARKER} failed ${i + 1}"; exit 1; }; echo "${CFG_MARKER} set ${i + 1}"`
    );
  });
  const shell = ['set -u', ...lines, `echo "${CFG_MARKER} done"`].join('\n');
  const environment = items.map((item, i) => ({ name: `MDL_CFG_${i + 1}`, value: item.value }));
  const size = JSON.stringify({ command: ['sh', '-c', shell], environment }).length;
  if (size > MAX_OVERRIDE_CHARS)
    throw new ConfigurationError(
      `the config file is too large for one task's overrides (${size} > ${MAX_OVERRIDE_CHARS} characters); split it into two files`,
    );
  return { shell, environment };
}

export interface AppliedConfig {
  item: ConfigItem;
  status: 'set' | 'failed' | 'not run';
}

export interface ApplyConfigOptions {
  clients: MoodleTaskClients;
  platform: Platform;
  previewLink: string;
  items: readonly ConfigItem[];
  maxWaitMs: number;
  pollMs?: number;
  log: Logger;
  onTaskStarted?: (taskArn: string, purpose: string) => void | Promise<void>;
}

export interface ApplyConfigResult {
  taskArn: string;
  exitCode: number | undefined;
  applied: AppliedConfig[];
}

export async function applySiteConfig(o: ApplyConfigOptions): Promise<ApplyConfigResult> {
  const site = await readMoodleSite(o.clients, o.previewLink);
  const { shell, environment } = configScript(site.codePath, o.items);
  const r = await o.log.group(`cfg.php: ${o.items.length} setting(s) on ${o.previewLink}`, () =>
    runMoodleCli({
      clients: o.clients,
      platform: o.platform,
      site,
      taskDefinitionArn: site.taskDefinition.taskDefinitionArn!,
      script: 'admin/cli/cfg.php',
      shell,
      environment,
      purpose: 'apply config',
      maxWaitMs: o.maxWaitMs,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      onLine: (l) => o.log.info(l),
      ...(o.onTaskStarted ? { onStarted: o.onTaskStarted } : {}),
    }),
  );
  const set = new Set<number>();
  let failed: number | undefined;
  for (const line of r.lines) {
    const m = new RegExp(`^${CFG_MARKER} (set|failed) (\\d+)$`).exec(line.trim());
    if (m?.[1] === 'set') set.add(Number(m[2]));
    if (m?.[1] === 'failed') failed = Number(m[2]);
  }
  const applied = o.items.map((item, i): AppliedConfig => ({
    item,
    status: set.has(i + 1) ? 'set' : failed === i + 1 ? 'failed' : 'not run',
  }));
  const result = { taskArn: r.taskArn, exitCode: r.exitCode, applied };
  if (r.exitCode !== 0 || !r.lines.some((l) => l.trim() === `${CFG_MARKER} done`)) {
    const which =
      failed !== undefined
        ? ` at ${o.items[failed - 1]!.component ?? 'core'}/${o.items[failed - 1]!.name}`
        : '';
    throw Object.assign(new Error(`applying the config failed${which}: ${describeTaskEnd(r)}`), { result });
  }
  return result;
}
