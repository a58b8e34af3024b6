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

/**
 * An error's message followed by its causes (`cause` chain, and an AggregateError's errors), e.g.
 * `fetch failed: getaddrinfo ENOTFOUND demo.example`. Node's fetch, the SDK and mysql2 wrap the
 * error that says what went wrong (DNS, TLS, refused connection) in one that does not.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 6) {
    seen.add(current);
    if (current instanceof AggregateError && current.errors.length) {
      const inner = current.errors.map((e) => describeError(e)).join('; ');
      parts.push(current.message ? `${current.message} (${inner})` : inner);
      break;
    }
    // Duck-typed, not `instanceof Error`: errors made in another realm (Node's fetch under a VM
    // context, as in jest) are errors all the same.
    const e =
      typeof current === 'object' ? (current as { message?: unknown; name?: unknown; cause?: unknown }) : {};
    const text = typeof e.message === 'string' ? e.message || valueText(e.name) : valueText(current);
    const code = (current as { code?: unknown }).code;
    // Node's system errors carry the code in their message already; others (undici's) only in `code`.
    parts.push(typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text);
    current = e.cause;
  }
  return parts.join(': ');
}

/** A thrown value that is not an Error, as text: a structure as its JSON, a scalar written out. */
function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return Object.prototype.toString.call(v);
    }
  }
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  return String(v);
}
