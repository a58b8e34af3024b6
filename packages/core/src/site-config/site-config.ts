// The per-site config file (e.g. workflows-examples/config/4-demo.yml): a list of Moodle settings
// `{component?, name, value}`, validated like settings.yml (zod + positions + did-you-mean), and
// applied in ONE one-off task of the site that runs admin/cli/cfg.php once per setting:
//   php admin/cli/cfg.php [--component=<plugin>] --name=<name> --set=<value>
// (https://docs.moodle.org/en/Administration_via_command_line#Setting_configuration_values).
// Names and components are checked to be identifiers, so they go on the command line as they are;
// values go by environment variables, so no quoting of user text is ever needed.
import { readFile } from 'node:fs/promises';
import { isSeq } from 'yaml';
import { z } from 'zod';
import { ConfigurationError, SettingsError, describeError, type SettingsProblem } from '../errors.js';
import type { Logger } from '../logger.js';
import { problemAt, sortProblems, validateSource } from '../settings/validate.js';
import { parseYamlSource } from '../settings/yaml-source.js';
import type { Platform } from '../settings/platform-schema.js';
import { describeTaskEnd } from '../upgrade/followed-task.js';
import { readMoodleSite, runMoodleCli, type MoodleTaskClients } from '../upgrade/site-task.js';

export const configItemSchema = z.strictObject({
  component: z
    .string()
    .regex(/^[a-z][a-z0-9]*_[a-z0-9_]+$|^moodle$/, 'must be a plugin name such as theme_boost or tool_mobile')
    .optional()
    .describe('the plugin (frankenstyle, e.g. theme_boost); leave out for core settings'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,100}$/, 'must be a setting name: letters, digits and _')
    .describe('the setting name as in config_plugins / config'),
  value: z.string().max(4000).describe("text; write true/false as '1'/'0' in quotes, as Moodle stores them"),
});

export const siteConfigSchema = z.array(configItemSchema).min(1, 'list at least one setting');

export type ConfigItem = z.output<typeof configItemSchema>;

/** The file's text → the settings, or every problem at file:line:col. */
export function checkConfigText(
  file: string,
  text: string,
): { value?: ConfigItem[]; problems: SettingsProblem[] } {
  const { source, problems } = parseYamlSource(file, text);
  // parseYamlSource expects a mapping (settings.yml); this file is a list.
  const list = source.doc && isSeq(source.doc.contents);
  const own = problems.filter((p) => !(list && /expected a mapping/.test(p.message)));
  if (!list && own.length === 0)
    own.push({
      file,
      line: 1,
      column: 1,
      key: '',
      message: 'expected a list of settings: "- {component?, name, value}"',
    });
  if (own.length) return { problems: own };
  const validated = validateSource(source, siteConfigSchema);
  if (!validated.value) return { problems: validated.problems };
  const seen = new Map<string, number>();
  const dupes: SettingsProblem[] = [];
  validated.value.forEach((item, i) => {
    const key = `${item.component ?? 'core'}/${item.name}`;
    const first = seen.get(key);
    if (first !== undefined)
      dupes.push(problemAt(source, [i, 'name'], `${key} is already set by item ${first + 1}; keep one`));
    else seen.set(key, i);
  });
  if (dupes.length) return { problems: sortProblems(dupes) };
  return { value: validated.value, problems: [] };
}

export async function loadConfigFile(file: string): Promise<ConfigItem[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigurationError(
      `cannot read the config file ${file}: ${(err as NodeJS.ErrnoException).code ?? describeError(err)}`,
    );
  }
  const { value, problems } = checkConfigText(file, text);
  if (!value) throw new SettingsError(problems);
  return value;
}

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
