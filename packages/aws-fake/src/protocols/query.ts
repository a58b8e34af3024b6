// The AWS query protocol (ELBv2 and other query services): form-encoded requests parsed into nested
// params, JS results written back as the XML the SDK's deserialiser reads.
import type { AwsServiceError } from '../errors.js';
import { text } from '../params.js';

/*
 * Request side. The SDK flattens its input into dotted form keys
 * (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#query-key-resolution):
 *   structure member   `Parent.Member=v`
 *   list item          `Names.member.1=v`             (flattened lists: `Names.1=v`)
 *   map entry          `Attributes.entry.1.key=k&Attributes.entry.1.value=v`
 *   empty list         `Names=`                        (the service reads '' as no items)
 * Without the service's model every scalar stays a string; the service converts numbers and booleans.
 */

type Step = { field: string } | { index: number } | { entry: number };

/** A list being filled: items by their 1-based index, ordered when the tree is finished. */
class ListNode {
  readonly items = new Map<number, Node>();
}

/** A map being filled: each entry is a small structure with `key` and `value` members. */
class MapNode {
  readonly entries = new Map<number, StructNode>();
}

type StructNode = Map<string, Node>;
type Node = string | StructNode | ListNode | MapNode;

const positiveIndex = (s: string | undefined): number | undefined =>
  s !== undefined && /^[1-9]\d*$/.test(s) ? Number(s) : undefined;

function stepsOf(key: string): Step[] {
  const parts = key.split('.');
  const steps: Step[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next = positiveIndex(parts[i + 1]);
    if (part === 'member' && next !== undefined && steps.length > 0) {
      steps.push({ index: next });
      i++;
    } else if (part === 'entry' && next !== undefined && steps.length > 0) {
      steps.push({ entry: next });
      i++;
    } else if (positiveIndex(part) !== undefined && steps.length > 0) {
      steps.push({ index: Number(part) });
    } else {
      steps.push({ field: part });
    }
  }
  return steps;
}

/** An empty container of the kind the step addresses. */
function containerFor(step: Step): StructNode | ListNode | MapNode {
  if ('index' in step) return new ListNode();
  if ('entry' in step) return new MapNode();
  return new Map();
}

function fits(node: Node | undefined, step: Step): boolean {
  if ('index' in step) return node instanceof ListNode;
  if ('entry' in step) return node instanceof MapNode;
  return node instanceof Map;
}

function child(container: StructNode | ListNode | MapNode, step: Step): Node | undefined {
  if (container instanceof ListNode) return 'index' in step ? container.items.get(step.index) : undefined;
  if (container instanceof MapNode) return 'entry' in step ? container.entries.get(step.entry) : undefined;
  return 'field' in step ? container.get(step.field) : undefined;
}

function setChild(container: StructNode | ListNode | MapNode, step: Step, node: Node): void {
  if (container instanceof ListNode) {
    if ('index' in step) container.items.set(step.index, node);
  } else if (container instanceof MapNode) {
    if ('entry' in step && node instanceof Map) container.entries.set(step.entry, node);
  } else if ('field' in step) {
    container.set(step.field, node);
  }
}

/**
 * Place one key's value in the tree. A step that does not fit what is already there (a malformed or
 * hostile body) replaces it: this runs before the server's error handling, so it must never throw.
 */
function insert(root: StructNode, steps: Step[], value: string): void {
  let container: StructNode | ListNode | MapNode = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    // A map entry's own slot is the structure holding `key` and `value`.
    const following: Step | undefined = 'entry' in step ? { field: '' } : steps[i + 1];
    if (following === undefined) {
      setChild(container, step, value);
      return;
    }
    let next = child(container, step);
    if (!fits(next, following)) {
      next = containerFor(following);
      setChild(container, step, next);
    }
    container = next as StructNode | ListNode | MapNode;
  }
}

function finish(node: Node): unknown {
  if (typeof node === 'string') return node;
  if (node instanceof ListNode) {
    return [...node.items.entries()].sort(([a], [b]) => a - b).map(([, item]) => finish(item));
  }
  if (node instanceof MapNode) {
    const map: Record<string, unknown> = {};
    for (const [, entry] of [...node.entries.entries()].sort(([a], [b]) => a - b)) {
      const key = entry.get('key');
      const value = entry.get('value');
      if (typeof key === 'string' && value !== undefined) map[key] = finish(value);
    }
    return map;
  }
  const struct: Record<string, unknown> = {};
  for (const [name, value] of node) struct[name] = finish(value);
  return struct;
}

// Keys that would reach an object's prototype when assigned; no AWS member is named like them.
const unsafeSegments = new Set(['__proto__', 'constructor', 'prototype']);

/** `Action=CreateRule&Version=…&Conditions.member.1.Field=host-header…` → action and nested params. */
export function parseQueryRequest(body: string): { action: string; params: Record<string, unknown> } {
  const form = new URLSearchParams(body);
  const root: StructNode = new Map();
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version' || key === '') continue;
    if (key.split('.').some((segment) => unsafeSegments.has(segment))) continue;
    insert(root, stepsOf(key), value);
  }
  return { action: form.get('Action') ?? '', params: finish(root) as Record<string, unknown> };
}

/*
 * Response side (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#response-serialization):
 * the result's members become elements of `<ActionResult>`; lists wrap each item in `<member>`,
 * `Map` instances become `<entry><key/><value/></entry>`, timestamps ISO 8601 (the protocol's
 * default `date-time` format), booleans and numbers their text. `undefined` and `null` are omitted.
 */

// XML text escaping; CR is kept as a reference because XML parsers normalise a raw CR to LF.
const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => escapes[c]!);
}

function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return `<${name}/>`;
    return `<${name}>${value.map((item) => element('member', item)).join('')}</${name}>`;
  }
  if (value instanceof Map) {
    let entries = '';
    for (const [k, v] of value as Map<unknown, unknown>) {
      entries += `<entry>${element('key', k)}${element('value', v)}</entry>`;
    }
    return entries ? `<${name}>${entries}</${name}>` : `<${name}/>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = members(value as Record<string, unknown>);
    return inner ? `<${name}>${inner}</${name}>` : `<${name}/>`;
  }
  return `<${name}>${escapeXml(text(value))}</${name}>`;
}

function members(struct: Record<string, unknown>): string {
  return Object.entries(struct)
    .map(([name, value]) => element(name, value))
    .join('');
}

/** `<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata>…` */
export function queryResponseBody(
  action: string,
  result: unknown,
  namespace: string,
  requestId: string,
): string {
  const inner =
    result !== null && typeof result === 'object' && !Array.isArray(result)
      ? members(result as Record<string, unknown>)
      : '';
  const resultElement = inner ? `<${action}Result>${inner}</${action}Result>` : `<${action}Result/>`;
  return (
    `<${action}Response xmlns="${escapeXml(namespace)}">${resultElement}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/**
 * The query protocol's error document
 * (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization):
 * the SDK picks its typed exception by `<Code>`, matched against each error's `awsQueryError` code.
 */
export function queryErrorBody(e: AwsServiceError, requestId: string): string {
  return (
    `<ErrorResponse><Error><Type>${e.fault === 'client' ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
