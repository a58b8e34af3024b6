// The glue every action shares: a Logger backed by the runner's protocol (./runner.ts), typed input readers that turn bad
// values into ConfigurationErrors, and the one place an action's error becomes `core.setFailed`.
import * as core from './runner.js';
import { ConfigurationError, SettingsError, describeError, formatProblem } from '../errors.js';
import type { Logger } from '../logger.js';

export function actionLogger(): Logger {
  return {
    info: (m) => core.info(m),
    warning: (m) => core.warning(m),
    error: (m) => core.error(m),
    debug: (m) => core.debug(m),
    group: (name, fn) => core.group(name, fn),
    mask: (secret) => {
      if (secret) core.setSecret(secret);
    },
  };
}

/** An optional input: empty becomes undefined (STYLE rule 2). */
export const optionalInput = (name: string): string | undefined => core.getInput(name).trim() || undefined;

export function booleanInput(name: string, fallback: boolean): boolean {
  const v = optionalInput(name);
  if (v === undefined) return fallback;
  if (/^(true|yes|on)$/i.test(v)) return true;
  if (/^(false|no|off)$/i.test(v)) return false;
  throw new ConfigurationError(`input ${name} must be true or false, got "${v}"`);
}

export function integerInput(name: string, fallback: number, min: number, max: number): number {
  const v = optionalInput(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigurationError(`input ${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const v = optionalInput(name) ?? fallback;
  if (!choices.includes(v as T))
    throw new ConfigurationError(`input ${name} must be one of ${choices.join(', ')}, got "${v}"`);
  return v as T;
}

/** A list input: one item per line or comma-separated, blanks dropped. */
export const listInput = (name: string): string[] =>
  core
    .getInput(name)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The top of every action: run `body`, and turn what it throws into annotations and setFailed.
 * Settings problems become one annotation each at file:line:col; other user mistakes one message.
 */
export async function runAction(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof SettingsError) {
      for (const p of err.problems) {
        core.error(p.message, {
          title: p.key || 'settings',
          file: p.file,
          startLine: p.line,
          startColumn: p.column,
        });
      }
      await core.summary
        .addHeading('Settings problems', 3)
        .addList(err.problems.map((p) => formatProblem(p)))
        .write();
      core.setFailed(`${err.problems.length} problem(s) in the settings; each is annotated at its line`);
    } else if (err instanceof ConfigurationError) {
      core.setFailed(describeError(err));
    } else {
      const e = err instanceof Error ? err : new Error(String(err));
      core.debug(e.stack ?? '');
      // With what it wraps: `fetch failed` alone does not say `getaddrinfo ENOTFOUND …`.
      core.setFailed(describeError(e));
    }
  }
}

/**
 * The repository and branch a workflow run deploys from, by the runner's default environment
 * (docs.github.com "Variables" reference): GITHUB_HEAD_REF is the PR's source branch on
 * pull_request events; otherwise GITHUB_REF_NAME when GITHUB_REF is a branch. Undefined for a tag or
 * outside Actions.
 */
export function workflowSource(
  env: NodeJS.ProcessEnv = process.env,
): { repository: string; branch: string } | undefined {
  const repository = env.GITHUB_REPOSITORY;
  const branch =
    env.GITHUB_HEAD_REF || (env.GITHUB_REF?.startsWith('refs/heads/') ? env.GITHUB_REF_NAME : undefined);
  return repository && branch ? { repository, branch } : undefined;
}
