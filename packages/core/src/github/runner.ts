// What an action says to the GitHub Actions runner, written here instead of loading @actions/core:
// that package brings its HTTP client (undici), exec and io into every bundle — about 1 MB that each
// action parsed and evaluated before its first line ran (bench/README.md, cold start) — for the dozen
// calls below. The protocol is the runner's, as GitHub documents it: workflow commands on stdout
// (`::name key=value::message`, https://docs.github.com/actions/reference/workflow-commands-for-github-actions),
// environment files for outputs, state and the job summary (`name<<delimiter` blocks), inputs as
// `INPUT_<NAME>` variables, and the OIDC token endpoint of a job with `id-token: write`.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

// Escaping of command data (% CR LF) and of property values (also : and ,), as the runner decodes them.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** A value as the runner takes it: text as it is, nothing as empty, anything else as JSON. */
const commandValue = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** Write one workflow command line. */
export function issueCommand(name: string, properties: Record<string, unknown>, message: unknown): void {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(commandValue(v))}`)
    .join(',');
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(commandValue(message))}${EOL}`);
}

/**
 * Append `name<<delimiter` … `delimiter` to an environment file (GITHUB_OUTPUT, GITHUB_STATE): a
 * delimiter of its own each time, which neither the name nor the value may contain.
 */
function appendKeyValue(file: string, name: string, value: unknown): void {
  const text = commandValue(value);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || text.includes(delimiter))
    throw new Error(`the value of ${name} contains its own delimiter`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, 'utf8');
}

export interface InputOptions {
  required?: boolean;
  trimWhitespace?: boolean;
}

/** An input as the runner passes it: `INPUT_<NAME>` (spaces as underscores, upper case); '' when unset. */
export function getInput(name: string, options: InputOptions = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
  if (options.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options.trimWhitespace === false ? value : value.trim();
}

export function setOutput(name: string, value: unknown): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendKeyValue(file, name, value);
  else issueCommand('set-output', { name }, value);
}

/** State for the action's post step (read there with getState). */
export function saveState(name: string, value: unknown): void {
  const file = process.env.GITHUB_STATE;
  if (file) appendKeyValue(file, name, value);
  else issueCommand('save-state', { name }, value);
}

export const getState = (name: string): string => process.env[`STATE_${name}`] ?? '';

/** Never show this value in the log again (the runner masks it). */
export const setSecret = (secret: string): void => issueCommand('add-mask', {}, secret);

export const info = (message: string): void => void process.stdout.write(`${message}${EOL}`);
export const debug = (message: string): void => issueCommand('debug', {}, message);

/** Where an annotation points: the runner's `title`, `file`, `line`, `endLine`, `col`, `endColumn`. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

const annotation = (p: AnnotationProperties) => ({
  title: p.title,
  file: p.file,
  line: p.startLine,
  endLine: p.endLine,
  col: p.startColumn,
  endColumn: p.endColumn,
});

const messageOf = (m: string | Error) => (m instanceof Error ? m.toString() : m);

export const warning = (message: string | Error, properties: AnnotationProperties = {}): void =>
  issueCommand('warning', annotation(properties), messageOf(message));
export const error = (message: string | Error, properties: AnnotationProperties = {}): void =>
  issueCommand('error', annotation(properties), messageOf(message));

/** An error annotation, and the step fails when the action exits. */
export function setFailed(message: string | Error): void {
  process.exitCode = 1;
  error(message);
}

/** A collapsible group of log lines around `fn`. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issueCommand('group', {}, name);
  try {
    return await fn();
  } finally {
    issueCommand('endgroup', {}, '');
  }
}

/**
 * The job's OIDC token for `audience` (a job with `id-token: write`): GET the request URL with
 * `&audience=`, the request token as a bearer; the answer is `{"value": "<jwt>"}`. The token is masked.
 */
export async function getIDToken(audience?: string): Promise<string> {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer)
    throw new Error(
      'no OIDC token in this job: ACTIONS_ID_TOKEN_REQUEST_URL is not set (give the job permissions: id-token: write)',
    );
  const full = audience ? `${url}&audience=${encodeURIComponent(audience)}` : url;
  const response = await fetch(full, {
    headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json; api-version=2.0' },
  });
  const body = await response.text();
  if (!response.ok)
    throw new Error(`the OIDC token request failed: HTTP ${response.status} ${body.slice(0, 200)}`);
  let value: unknown;
  try {
    value = (JSON.parse(body) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || !value) throw new Error('the OIDC token response carried no value');
  setSecret(value);
  return value;
}

/** A table cell: text, or a header cell (`header: true`) with its text in `data`. */
export type SummaryCell = string | { data: string; header?: boolean; colspan?: string; rowspan?: string };

const wrap = (tag: string, content: string, attributes: Record<string, string | undefined> = {}) => {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  return `<${tag}${attrs}>${content}</${tag}>`;
};

/**
 * The job summary (GITHUB_STEP_SUMMARY): HTML and markdown added to a buffer, appended to the file by
 * `write`. The same elements as the toolkit's builder, so a summary reads as it did.
 */
export class Summary {
  private buffer = '';

  addRaw(text: string, addEOL = false): this {
    this.buffer += text;
    return addEOL ? this.addEOL() : this;
  }

  addEOL(): this {
    return this.addRaw(EOL);
  }

  addHeading(text: string, level: number | string = 1): this {
    const n = Number(level);
    const tag = n >= 1 && n <= 6 ? `h${n}` : 'h1';
    return this.addRaw(wrap(tag, text)).addEOL();
  }

  addList(items: string[], ordered = false): this {
    return this.addRaw(wrap(ordered ? 'ol' : 'ul', items.map((i) => wrap('li', i)).join(''))).addEOL();
  }

  addTable(rows: SummaryCell[][]): this {
    const body = rows
      .map((row) =>
        wrap(
          'tr',
          row
            .map((cell) =>
              typeof cell === 'string'
                ? wrap('td', cell)
                : wrap(cell.header ? 'th' : 'td', cell.data, {
                    colspan: cell.colspan,
                    rowspan: cell.rowspan,
                  }),
            )
            .join(''),
        ),
      )
      .join('');
    return this.addRaw(wrap('table', body)).addEOL();
  }

  addCodeBlock(code: string, lang?: string): this {
    return this.addRaw(wrap('pre', wrap('code', code), { lang })).addEOL();
  }

  stringify(): string {
    return this.buffer;
  }

  isEmptyBuffer(): boolean {
    return this.buffer.length === 0;
  }

  emptyBuffer(): this {
    this.buffer = '';
    return this;
  }

  /** Append what was added to the job summary file, and start again. */
  async write(): Promise<this> {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file)
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
      );
    appendFileSync(file, this.buffer, 'utf8');
    return Promise.resolve(this.emptyBuffer());
  }
}

export const summary = new Summary();
