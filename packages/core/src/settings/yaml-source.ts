// A YAML file parsed with positions kept, so every problem can be reported at file:line:col.
import {
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import type { SettingsProblem } from '../errors.js';

export type KeyPath = readonly (string | number)[];

export interface YamlSource {
  file: string;
  doc: Document.Parsed | undefined;
  lineCounter: LineCounter;
}

export function keyPathText(path: KeyPath): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

/** Parse one YAML document, reporting every syntax problem (not just the first). */
export function parseYamlSource(
  file: string,
  text: string,
): { source: YamlSource; problems: SettingsProblem[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, keepSourceTokens: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const problems: SettingsProblem[] = [];
  const at = (offset: number, key: string, message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file, line, column: col, key, message });
  };
  // One mistake often makes the parser report several errors on the same line; only the first of
  // each line is shown, so the user sees one message per mistake.
  const linesWithError = new Set<number>();
  for (const d of list) {
    for (const e of d.errors) {
      // The same mistake as the multi-line key reported at the same place, in vaguer words.
      if (
        e.code === 'BLOCK_AS_IMPLICIT_KEY' &&
        d.errors.some((o) => o.code === 'MULTILINE_IMPLICIT_KEY' && o.pos[0] === e.pos[0])
      )
        continue;
      const { offset, message } = syntaxProblem(d, e, lineCounter);
      const { line } = lineCounter.linePos(offset);
      if (linesWithError.has(line)) continue;
      linesWithError.add(line);
      at(offset, '', `YAML syntax error: ${message}`);
    }
  }
  if (list.length > 1)
    at(list[1]!.range[0], '', 'only one YAML document is allowed (remove the second "---")');
  const doc = list[0];
  const source: YamlSource = { file, doc, lineCounter };
  if (problems.length === 0) {
    if (!doc || doc.contents === null) {
      problems.push({
        file,
        line: 1,
        column: 1,
        key: '',
        message: 'the file is empty; expected a mapping of settings',
      });
    } else if (!isMap(doc.contents)) {
      at(doc.contents.range?.[0] ?? 0, '', 'expected a mapping of key: value settings at the top level');
    }
  }
  return { source, problems };
}

/**
 * Where a YAML error is and how to say it. The parser reports an unclosed quote or flow collection
 * where it gave up (often the end of the file), and a key that runs over two lines with wording
 * about "implicit keys"; the user needs the opening character and the two lines involved.
 */
function syntaxProblem(
  doc: Document.Parsed,
  e: YAMLError,
  lineCounter: LineCounter,
): { offset: number; message: string } {
  const message = firstLine(e.message);
  if (e.code === 'MISSING_CHAR' && /quote/.test(message)) {
    const start = openedBefore(
      doc,
      e.pos[0],
      (n) => isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE'),
    );
    const q = message.includes("'") ? "'" : '"';
    if (start !== undefined)
      return {
        offset: start,
        message: `the text quoted with ${q} here is never closed; add the closing ${q}`,
      };
  }
  if (e.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(message)) {
    const start = openedBefore(doc, e.pos[0], (n) => isCollection(n) && n.flow === true);
    if (start !== undefined) return { offset: start, message };
  }
  if (e.code === 'MULTILINE_IMPLICIT_KEY') {
    const first = lineCounter.linePos(e.pos[0]).line;
    const last = lineCounter.linePos(e.pos[1]).line;
    if (last > first) {
      return {
        offset: e.pos[0],
        message: `lines ${first}-${last} run together into one key (a key must fit on one line): check the indentation of line ${last} and that every key is followed by ": "`,
      };
    }
  }
  return { offset: e.pos[0], message };
}

/** Start of the innermost node matching `wanted` that begins before `offset` and runs up to it. */
function openedBefore(
  doc: Document.Parsed,
  offset: number,
  wanted: (node: unknown) => boolean,
): number | undefined {
  let start: number | undefined;
  visit(doc, (_key, node) => {
    const range = (node as Node).range;
    if (!range || !wanted(node)) return;
    if (range[0] < offset && offset <= range[1] && (start === undefined || range[0] > start))
      start = range[0];
  });
  return start;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Where to report a problem at `path`: the key itself (`onKey`), the value, or — when the value is
 * absent — the closest enclosing node that exists.
 */
export function locate(source: YamlSource, path: KeyPath, onKey = false): { line: number; column: number } {
  let node: unknown = source.doc?.contents;
  let offset = (node as Node | undefined)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) break;
      const keyOffset = (pair.key as Node).range?.[0];
      const last = i === path.length - 1;
      if (last && onKey && keyOffset !== undefined) {
        offset = keyOffset;
        break;
      }
      node = pair.value;
      offset = (node as Node | null)?.range?.[0] ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
      if (!node) break;
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * The document as plain data. `wantsString(path)` says where the schema expects a string: there a
 * plain scalar that YAML read as a number keeps its text (`php_version: 8.0` means "8.0", not 8).
 */
export function toData(source: YamlSource, wantsString: (path: KeyPath) => boolean): unknown {
  const doc = source.doc;
  if (!doc) return undefined;
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'number' || node.type !== 'PLAIN' || node.source === undefined) return;
      const path: (string | number)[] = [];
      for (let i = 0; i < ancestors.length; i++) {
        const a = ancestors[i];
        const child = ancestors[i + 1] ?? node;
        if (isPair(a) && isScalar(a.key)) {
          if (a.key === node) return; // a key, not a value
          path.push(String(a.key.value));
        } else if (isSeq(a)) {
          path.push(a.items.indexOf(child));
        }
      }
      if (wantsString(path)) node.value = node.source;
    },
  });
  return doc.toJS({ maxAliasCount: 100 });
}
