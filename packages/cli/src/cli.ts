// mdl-preview: the ops CLI. `main` is importable (tests call it in-process) and never exits the
// process itself; bin/main.ts turns its result into an exit code.
import { parseArgs } from 'node:util';
import {
  ConfigurationError,
  SettingsError,
  errorAnnotation,
  findPlatformFile,
  formatProblem,
  loadPlatformFile,
  loadSite,
  loadSiteFile,
  planSite,
  renderPlan,
  resolveSite,
  type SettingsProblem,
} from '@moodle-preview/core';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 70 } as const;

const USAGE = `Usage: mdl-preview <command> [options]

Commands:
  validate FILE… [--platform FILE]   check settings.yml files (and the platform file)
  plan FILE [--platform FILE] [--json]
                                     print the desired state of a site
  help                               show this text

The platform file is --platform, else $MDL_PREVIEW_PLATFORM, else the nearest platform.yml
in the settings file's folder or above it.

Exit codes: 0 ok, 1 invalid settings, 2 usage error, 70 internal error.`;

class UsageError extends Error {
  override name = 'UsageError';
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return await validate(rest, io);
      case 'plan':
        return await plan(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIO): number {
  if (err instanceof SettingsError) {
    reportProblems(err.problems, io);
    return EXIT.invalid;
  }
  if (err instanceof ConfigurationError) {
    io.stderr(`error: ${err.message}\n`);
    return EXIT.invalid;
  }
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`error: ${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const e = err as Error;
  io.stderr(`internal error: ${e?.message ?? String(err)}\n`);
  if (io.env.MDL_PREVIEW_DEBUG) io.stderr(`${e?.stack ?? ''}\n`);
  return EXIT.internal;
}

function reportProblems(problems: readonly SettingsProblem[], io: CliIO): void {
  for (const p of problems) io.stderr(`${formatProblem(p)}\n`);
  if (io.env.GITHUB_ACTIONS === 'true') for (const p of problems) io.stdout(`${errorAnnotation(p)}\n`);
  io.stderr(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
}

async function validate(args: string[], io: CliIO): Promise<number> {
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

async function plan(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { platform: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('plan needs exactly one settings file');
  const file = positionals[0]!;
  const { site, platform } = await loadSite(file, findPlatformFile(file, values.platform, io.env));
  const p = planSite(site, platform);
  io.stdout(values.json ? `${JSON.stringify(p, null, 2)}\n` : `${renderPlan(p)}\n`);
  return EXIT.ok;
}
