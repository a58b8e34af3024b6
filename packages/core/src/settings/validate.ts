// Turn a YAML source and a zod schema into validated data or a list of located, actionable problems.
import { z } from 'zod';
import type { SettingsProblem } from '../errors.js';
import { closestKey } from './did-you-mean.js';
import { keyPathText, locate, toData, type KeyPath, type YamlSource } from './yaml-source.js';

type AnySchema = z.ZodType;
type Def = {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
};

const def = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Strip optional/default/prefault wrappers. */
function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (d.innerType && ['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(d.type))
      cur = d.innerType;
    else return cur;
  }
}

/** The schema that applies at `path`, or undefined. */
export function schemaAt(schema: AnySchema, path: KeyPath): AnySchema | undefined {
  let cur: AnySchema | undefined = schema;
  for (const step of path) {
    if (!cur) return undefined;
    const d = def(unwrap(cur));
    if (d.type === 'object' && typeof step === 'string') cur = d.shape?.[step];
    else if (d.type === 'array') cur = d.element;
    else if (d.type === 'record') cur = d.valueType;
    else return undefined;
  }
  return cur;
}

/** Keys a mapping at `path` accepts (for "did you mean"). */
function knownKeys(schema: AnySchema, path: KeyPath): string[] {
  const at = schemaAt(schema, path);
  const d = at && def(unwrap(at));
  return d?.type === 'object' ? Object.keys(d.shape ?? {}) : [];
}

function description(schema: AnySchema, path: KeyPath): string | undefined {
  const at = schemaAt(schema, path);
  return at?.description ?? (at && unwrap(at).description);
}

function wantsString(schema: AnySchema, path: KeyPath): boolean {
  const at = schemaAt(schema, path);
  if (!at) return false;
  const d = def(unwrap(at));
  return d.type === 'string' || d.type === 'enum';
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function yamlHint(expected: string, input: unknown): string {
  if (expected === 'boolean' && typeof input === 'string' && /^(yes|no|on|off|y|n)$/i.test(input)) {
    return ' (YAML 1.2 reads yes/no/on/off as text: write true or false)';
  }
  if (
    (expected === 'number' || expected === 'int') &&
    typeof input === 'string' &&
    /^\s*-?\d+(\.\d+)?\s*$/.test(input)
  ) {
    return ' (remove the quotes)';
  }
  return '';
}

function issueMessages(
  issue: z.core.$ZodIssue,
  schema: AnySchema,
): { path: KeyPath; onKey: boolean; message: string }[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const input = (issue as { input?: unknown }).input;
  const allowed = description(schema, path);
  const allowedText = allowed ? `. Allowed: ${allowed}` : '';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      return issue.keys.map((k) => {
        const guess = closestKey(k, known);
        const hint = guess ? `; did you mean "${guess}"?` : `; known keys: ${known.join(', ')}`;
        return { path: [...path, k], onKey: true, message: `unknown key "${k}"${hint}` };
      });
    }
    case 'invalid_type': {
      if (input === undefined) {
        return [{ path, onKey: false, message: `is required but missing${allowedText}` }];
      }
      const expected = ARTICLE[issue.expected] ?? issue.expected;
      return [
        {
          path,
          onKey: false,
          message: `expected ${expected}, got ${show(input)}${yamlHint(issue.expected, input)}${allowedText}`,
        },
      ];
    }
    case 'invalid_value': {
      // zod reports a missing enum or literal as a wrong value; say it is missing, as for other keys.
      if (input === undefined)
        return [{ path, onKey: false, message: `is required but missing${allowedText}` }];
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      // `cpu: "512"` is not 512: without a hint the message lists the very value the user wrote.
      const quoted =
        typeof input === 'string' &&
        issue.values.some((v) => typeof v === 'number' && String(v) === input.trim());
      return [
        {
          path,
          onKey: false,
          message: `must be one of ${values}; got ${show(input)}${quoted ? ' (remove the quotes)' : ''}`,
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small
        ? (issue as { minimum: number | bigint }).minimum
        : (issue as { maximum: number | bigint }).maximum;
      let text: string;
      if (issue.message && !issue.message.startsWith('Too ')) text = issue.message;
      else if (issue.origin === 'string')
        text = `must be ${small ? 'at least' : 'at most'} ${bound} characters`;
      else if (issue.origin === 'array')
        text = `must have ${small ? 'at least' : 'at most'} ${bound} item(s)`;
      else text = `must be ${small ? 'at least' : 'at most'} ${bound}`;
      return [{ path, onKey: false, message: `${text}; got ${show(input)}` }];
    }
    case 'invalid_format':
      return [{ path, onKey: false, message: `${issue.message}; got ${show(input)}` }];
    case 'invalid_union': {
      // Prefer the branch whose type matched: its message is the specific one.
      const branches = issue.errors.map((errs) => errs[0]).filter((e) => e !== undefined);
      const specific = branches.find((e) => e.code !== 'invalid_type');
      if (specific) return [{ path, onKey: false, message: `${specific.message}; got ${show(input)}` }];
      return [
        { path, onKey: false, message: `got ${show(input)}${allowedText || '; not an allowed value'}` },
      ];
    }
    default:
      return [{ path, onKey: false, message: `${issue.message}${allowedText}` }];
  }
}

export interface Validated<T> {
  value: T | undefined;
  problems: SettingsProblem[];
}

/** Validate a parsed YAML source against `schema`; every problem is located and explained. */
export function validateSource<S extends AnySchema>(source: YamlSource, schema: S): Validated<z.output<S>> {
  const data = toData(source, (path) => wantsString(schema, path));
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] };
  const problems = result.error.issues.flatMap((issue) =>
    issueMessages(issue, schema).map(({ path, onKey, message }) => ({
      file: source.file,
      ...locate(source, path, onKey),
      key: keyPathText(path),
      message,
    })),
  );
  return { value: undefined, problems: sortProblems(problems) };
}

export function problemAt(
  source: YamlSource,
  path: KeyPath,
  message: string,
  onKey = false,
): SettingsProblem {
  return { file: source.file, ...locate(source, path, onKey), key: keyPathText(path), message };
}

export function sortProblems(problems: SettingsProblem[]): SettingsProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
