// The log the suite writes to: an action passes one backed by the runner's protocol (github/runner.ts), the CLI one backed by
// its streams, tests a recording one. Core code never writes to the console itself.
import { secretForms } from './secrets.js';

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Run `fn` inside a collapsible group of log lines. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Hide a secret in every later log line (core.setSecret in an action). */
  mask(secret: string): void;
}

/** A logger that writes plain lines to a sink and hides masked values itself (also inside base64). */
export function lineLogger(write: (line: string) => void, options: { debug?: boolean } = {}): Logger {
  let forms: string[] = []; // every masked secret's forms, longest first
  const hide = (s: string) => forms.reduce((text, form) => text.split(form).join('***'), s);
  return {
    info: (m) => write(hide(m)),
    warning: (m) => write(hide(`warning: ${m}`)),
    error: (m) => write(hide(`error: ${m}`)),
    debug: (m) => {
      if (options.debug) write(hide(`debug: ${m}`));
    },
    group: async (name, fn) => {
      write(hide(`── ${name}`));
      return fn();
    },
    mask: (secret) => {
      if (secret)
        forms = [...new Set([...forms, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
    },
  };
}

/** A logger that keeps every line, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    lineLogger((l) => lines.push(l), { debug: true }),
    { lines },
  );
}
