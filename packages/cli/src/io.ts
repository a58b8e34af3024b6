// What every mdl-preview command shares: its streams and environment, exit codes, and how errors
// are reported (settings problems at file:line:col, and as annotations inside GitHub Actions).
import {
  errorAnnotation,
  formatProblem,
  type RestoreOptions,
  type SettingsProblem,
} from '@moodle-preview/core';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /**
   * What a program embedding the CLI hands the engines beside the arguments (the executable passes
   * none). The restore resume tests watch the engine's crash points through it.
   */
  seams?: { restore?: Pick<RestoreOptions, 'onCrashPoint'> };
  /** The clock of commands that say what a schedule means now (tests fix it); default the real one. */
  now?: () => Date;
}

export const EXIT = { ok: 0, invalid: 1, usage: 2, failed: 3, internal: 70 } as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function reportProblems(problems: readonly SettingsProblem[], io: CliIO): void {
  for (const p of problems) io.stderr(`${formatProblem(p)}\n`);
  if (io.env.GITHUB_ACTIONS === 'true') for (const p of problems) io.stdout(`${errorAnnotation(p)}\n`);
  io.stderr(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
}
