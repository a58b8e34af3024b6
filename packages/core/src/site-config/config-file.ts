// The per-site config file (e.g. workflows-examples/config/4-demo.yml): a list of Moodle settings
// `{component?, name, value}`, validated like settings.yml (zod + positions + did-you-mean). Read and
// checked by upgrade-db's first stage, before any AWS call; applied by ./site-config.ts.
import { readFile } from 'node:fs/promises';
import { isSeq } from 'yaml';
import { z } from 'zod';
import { ConfigurationError, SettingsError, describeError, type SettingsProblem } from '../errors.js';
import { problemAt, sortProblems, validateSource } from '../settings/validate.js';
import { parseYamlSource } from '../settings/yaml-source.js';

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
