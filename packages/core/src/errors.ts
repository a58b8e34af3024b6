// Typed errors: a ConfigurationError is the user's to fix (its message says how); anything else is
// an internal failure and keeps its cause.

/** A mistake in the input (settings, platform file, action inputs) that the user must fix. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** One problem found in a settings or platform file, located at file:line:col and named by its key. */
export interface SettingsProblem {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  /** Dotted key path (`alb.https_listener_arns[0]`); empty for the document itself. */
  key: string;
  message: string;
}

export function formatProblem(p: SettingsProblem): string {
  const key = p.key ? `${p.key}: ` : '';
  return `${p.file}:${p.line}:${p.column}: ${key}${p.message}`;
}

/** All the problems found in one or more files; thrown only once every problem has been collected. */
export class SettingsError extends ConfigurationError {
  override name = 'SettingsError';
  readonly problems: readonly SettingsProblem[];

  constructor(problems: readonly SettingsProblem[]) {
    const n = problems.length;
    super(`${n} problem${n === 1 ? '' : 's'} in settings:\n${problems.map(formatProblem).join('\n')}`);
    this.problems = problems;
  }
}
