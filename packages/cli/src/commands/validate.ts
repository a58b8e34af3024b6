// mdl-preview validate: check settings files (and the platform file), every problem at file:line:col.
import { parseArgs } from 'node:util';
import {
  ConfigurationError,
  findPlatformFile,
  loadPlatformFile,
  loadSiteFile,
  resolveSite,
  type SettingsProblem,
} from '@moodle-preview/core';
import { EXIT, UsageError, reportProblems, type CliIO } from '../io.js';

export async function validate(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { platform: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length === 0 && !values.platform)
    throw new UsageError('validate needs at least one settings file (or --platform FILE)');
  const problems: SettingsProblem[] = [];
  // The platform file is checked once, even when every settings file shares it.
  const platforms = new Map<string, Awaited<ReturnType<typeof loadPlatformFile>>>();
  const platformFor = async (file: string) => {
    let loaded = platforms.get(file);
    if (!loaded) {
      loaded = await loadPlatformFile(file);
      platforms.set(file, loaded);
      problems.push(...loaded.problems);
      if (loaded.value) io.stdout(`ok  ${file} (platform, cluster ${loaded.value.cluster})\n`);
    }
    return loaded;
  };
  if (values.platform) await platformFor(values.platform);
  for (const file of positionals) {
    let platformFile: string | undefined;
    try {
      platformFile = findPlatformFile(file, values.platform, io.env);
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      io.stderr(`note: ${err.message}; checking ${file} on its own\n`);
    }
    const site = await loadSiteFile(file);
    problems.push(...site.problems);
    if (!site.value) continue;
    if (!platformFile) {
      io.stdout(`ok  ${file} (${site.value.preview_link}; not checked against a platform)\n`);
      continue;
    }
    const platform = await platformFor(platformFile);
    if (!platform.value) continue;
    const resolved = resolveSite(site.value, platform.value, site.source);
    problems.push(...resolved.problems);
    if (resolved.site) io.stdout(`ok  ${file} (${resolved.site.url})\n`);
  }
  if (problems.length) {
    reportProblems(problems, io);
    return EXIT.invalid;
  }
  return EXIT.ok;
}
