// Fake CloudWatch Logs (JSON 1.1, `Logs_20140328`): log groups with retention and tags, streams and
// their events, with GetLogEvents' token semantics (the same forward token at the end of a stream).
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { authz, requestTags, resourceTags } from '../authorization.js';
import { RequestMembers, pageOf, pageSize, toWire, unknownOperation } from './json-protocol.js';

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

export interface LogStream {
  logStreamName: string;
  creationTime: number;
  arn: string;
  events: LogEvent[];
}

export interface LogGroup {
  logGroupName: string;
  creationTime: number;
  retentionInDays: number | undefined;
  kmsKeyId: string | undefined;
  logGroupClass: string;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const MUTATING = new Set([
  'CreateLogGroup',
  'DeleteLogGroup',
  'PutRetentionPolicy',
  'DeleteRetentionPolicy',
  'TagResource',
  'UntagResource',
  'TagLogGroup',
  'UntagLogGroup',
  'CreateLogStream',
  'DeleteLogStream',
  'PutLogEvents',
]);

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

export class LogsFake implements ServiceHandler {
  readonly signingName = 'logs';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'Logs_20140328';

  /** Log groups by name; each holds its streams and their events. */
  readonly groups = new Map<string, LogGroup>();
  private eventIds = 0;

  /**
   * How long (simulated ms) the lines a container writes take to become readable. The awslogs driver
   * sends its buffer in batches (every 5 s by default: moby's daemon/logger/awslogs,
   * `batchPublishFrequency`) and CloudWatch ingests asynchronously, so on AWS a task's last lines can
   * arrive after DescribeTasks already shows it STOPPED. 0 (the default) delivers them at once.
   * Applies to `append` (the fake ECS's container output); PutLogEvents callers see their own events.
   */
  deliveryDelayMs = 0;

  constructor(private readonly ctx: FakeContext) {}

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  inventory(): ResourceRecord[] {
    return [...this.groups.values()].map((g) => ({
      kind: 'logs:log-group',
      name: g.logGroupName,
      tags: { ...g.tags },
      retentionInDays: g.retentionInDays,
    }));
  }

  /** What IAM authorises: the log group (`log-group:<name>`) or stream (`…:log-stream:<name>`). */
  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const str = (k: string) => (typeof params[k] === 'string' ? params[k] : undefined);
    const fromArn = (arn: string) =>
      arn.replace(/^arn:[^:]+:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, '');
    const identifier = str('logGroupIdentifier');
    const groupName =
      str('logGroupName') ??
      (identifier ? (identifier.startsWith('arn:') ? fromArn(identifier) : identifier) : undefined) ??
      (str('resourceArn') ? fromArn(str('resourceArn')!) : '');
    const group = this.groupArn(groupName);
    const groupTags = resourceTags(this.groups.get(groupName)?.tags);
    const stream = `${group}:log-stream:${str('logStreamName') ?? ''}`;
    const tags = params.tags as Record<string, string> | undefined;
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`logs:${action}`, resource, ...contexts);
    switch (action) {
      case 'DescribeLogGroups':
        return [own('*')];
      case 'CreateLogGroup':
        return [
          own(group, requestTags(tags)),
          // Tags on a create are authorised as logs:TagResource too.
          ...(tags && Object.keys(tags).length ? [authz('logs:TagResource', group, requestTags(tags))] : []),
        ];
      case 'DeleteLogGroup':
      case 'PutRetentionPolicy':
      case 'DeleteRetentionPolicy':
      case 'DescribeLogStreams':
      case 'FilterLogEvents':
      case 'ListTagsForResource':
      case 'ListTagsLogGroup':
        return [own(group, groupTags)];
      case 'TagResource':
      case 'TagLogGroup':
        return [own(group, groupTags, requestTags(tags))];
      case 'UntagResource':
      case 'UntagLogGroup':
        return [
          own(group, groupTags, { 'aws:TagKeys': ((params.tagKeys ?? params.tags) as string[]) ?? [] }),
        ];
      case 'CreateLogStream':
      case 'DeleteLogStream':
      case 'PutLogEvents':
      case 'GetLogEvents':
        return [own(stream)];
      default:
        throw new Error(`no authorisation modelled for logs:${action}`);
    }
  }

  groupArn(name: string): string {
    return this.ctx.arn('logs', `log-group:${name}`);
  }

  /** Create a log group outside the API (a test's or the platform's pre-existing group). */
  seedGroup(name: string, retentionInDays?: number): LogGroup {
    const group: LogGroup = {
      logGroupName: name,
      creationTime: this.ctx.now().getTime(),
      retentionInDays,
      kmsKeyId: undefined,
      logGroupClass: 'STANDARD',
      tags: {},
      streams: new Map(),
    };
    this.groups.set(name, group);
    return group;
  }

  /** The stream, created if absent, as the awslogs driver does when a container starts. */
  ensureStream(groupName: string, streamName: string): LogStream {
    const group = this.groups.get(groupName);
    if (!group)
      throw new AwsServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = {
        logStreamName: streamName,
        creationTime: this.ctx.now().getTime(),
        arn: this.ctx.arn('logs', `log-group:${groupName}:log-stream:${streamName}`),
        events: [],
      };
      group.streams.set(streamName, stream);
    }
    return stream;
  }

  /** Append lines to a stream (the fake ECS writes a task's output here). */
  append(groupName: string, streamName: string, lines: readonly string[], timestamp?: number): void {
    const stream = this.ensureStream(groupName, streamName);
    const now = this.ctx.now().getTime();
    this.insert(
      stream,
      lines.map((message) => ({ timestamp: timestamp ?? now, message })),
      now + this.deliveryDelayMs,
    );
  }

  /** Whether an event has arrived by the fake's clock (see `deliveryDelayMs`). */
  private arrived(e: LogEvent): boolean {
    return e.ingestionTime <= this.ctx.now().getTime();
  }

  /** The messages of a stream, in order (for assertions). */
  messages(groupName: string, streamName: string): string[] {
    return (
      this.groups
        .get(groupName)
        ?.streams.get(streamName)
        ?.events.map((e) => e.message) ?? []
    );
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    const m = new RequestMembers(params, 'InvalidParameterException');
    switch (action) {
      case 'CreateLogGroup':
        return this.createLogGroup(m);
      case 'DescribeLogGroups':
        return toWire(this.describeLogGroups(m));
      case 'DeleteLogGroup':
        this.groups.delete(this.group(this.groupNameOf(m)).logGroupName);
        return {};
      case 'PutRetentionPolicy': {
        const group = this.group(m.string('logGroupName'));
        const days = m.number('retentionInDays');
        if (!RETENTION_DAYS.includes(days)) {
          throw m.invalid(
            `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
          );
        }
        group.retentionInDays = days;
        return {};
      }
      case 'DeleteRetentionPolicy':
        this.group(m.string('logGroupName')).retentionInDays = undefined;
        return {};
      case 'TagResource':
        Object.assign(this.groupByArn(m.string('resourceArn')).tags, this.tagsOf(m, 'tags'));
        return {};
      case 'UntagResource': {
        const group = this.groupByArn(m.string('resourceArn'));
        for (const key of m.list<string>('tagKeys')) delete group.tags[key];
        return {};
      }
      case 'ListTagsForResource':
        return { tags: { ...this.groupByArn(m.string('resourceArn')).tags } };
      case 'TagLogGroup':
        Object.assign(this.group(m.string('logGroupName')).tags, this.tagsOf(m, 'tags'));
        return {};
      case 'UntagLogGroup': {
        const group = this.group(m.string('logGroupName'));
        for (const key of m.list<string>('tags')) delete group.tags[key];
        return {};
      }
      case 'ListTagsLogGroup':
        return { tags: { ...this.group(m.string('logGroupName')).tags } };
      case 'CreateLogStream': {
        const group = this.group(m.string('logGroupName'));
        const name = m.string('logStreamName');
        if (!STREAM_NAME.test(name)) throw m.invalid(`Invalid log stream name: ${name}`);
        if (group.streams.has(name)) {
          throw new AwsServiceError(
            'ResourceAlreadyExistsException',
            'The specified log stream already exists',
          );
        }
        this.ensureStream(group.logGroupName, name);
        return {};
      }
      case 'DeleteLogStream':
        this.group(m.string('logGroupName')).streams.delete(this.stream(m).logStreamName);
        return {};
      case 'DescribeLogStreams':
        return this.describeLogStreams(m);
      case 'PutLogEvents':
        return this.putLogEvents(m);
      case 'GetLogEvents':
        return this.getLogEvents(m);
      case 'FilterLogEvents':
        return this.filterLogEvents(m);
      default:
        throw unknownOperation('logs', action);
    }
  }

  private group(name: string): LogGroup {
    const group = this.groups.get(name);
    if (!group)
      throw new AwsServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  /** `logGroupName`, or `logGroupIdentifier` (a name or an ARN) where the action accepts either. */
  private groupNameOf(m: RequestMembers): string {
    const name = m.optString('logGroupName');
    const identifier = m.optString('logGroupIdentifier');
    if (name !== undefined && identifier !== undefined) {
      throw m.invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    }
    if (identifier !== undefined)
      return identifier.startsWith('arn:') ? this.nameOfArn(identifier) : identifier;
    return m.string('logGroupName');
  }

  private nameOfArn(arn: string): string {
    const match = /^arn:aws:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(arn);
    if (!match) throw new AwsServiceError('InvalidParameterException', `Invalid resource ARN: ${arn}`);
    return match[1]!;
  }

  private groupByArn(arn: string): LogGroup {
    const group = this.groups.get(this.nameOfArn(arn));
    if (!group)
      throw new AwsServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  private stream(m: RequestMembers): LogStream {
    const stream = this.group(this.groupNameOf(m)).streams.get(m.string('logStreamName'));
    if (!stream)
      throw new AwsServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return stream;
  }

  private tagsOf(m: RequestMembers, member: string): Record<string, string> {
    const tags = m.optRecord<string>(member);
    if (!tags)
      throw m.invalid(
        `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
      );
    if (Object.keys(tags).length > 50)
      throw new AwsServiceError('TooManyTagsException', 'A resource can have no more than 50 tags.');
    return tags;
  }

  private createLogGroup(m: RequestMembers): unknown {
    const name = m.string('logGroupName');
    if (!GROUP_NAME.test(name)) {
      throw m.invalid(
        `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
      );
    }
    if (this.groups.has(name)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    const tags = m.optRecord<string>('tags') ?? {};
    if (Object.keys(tags).length > 50)
      throw new AwsServiceError('TooManyTagsException', 'A resource can have no more than 50 tags.');
    const group = this.seedGroup(name);
    group.kmsKeyId = m.optString('kmsKeyId');
    group.logGroupClass = m.optString('logGroupClass') ?? 'STANDARD';
    group.tags = { ...tags };
    return {};
  }

  private describeLogGroups(m: RequestMembers): unknown {
    const prefix = m.optString('logGroupNamePrefix');
    const pattern = m.optString('logGroupNamePattern');
    if (prefix !== undefined && pattern !== undefined) {
      throw m.invalid('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    }
    const identifiers = m
      .optList<string>('logGroupIdentifiers')
      ?.map((id) => (id.startsWith('arn:') ? this.nameOfArn(id) : id));
    const limit = pageSize(m.optNumber('limit'), { default: 50, max: 50 }, (msg) => m.invalid(msg), 'limit');
    const all = [...this.groups.values()]
      .filter((g) => prefix === undefined || g.logGroupName.startsWith(prefix))
      .filter((g) => pattern === undefined || g.logGroupName.toLowerCase().includes(pattern.toLowerCase()))
      .filter((g) => identifiers === undefined || identifiers.includes(g.logGroupName))
      .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName));
    const page = pageOf(all, m.optString('nextToken'), limit, () =>
      m.invalid('The specified nextToken is invalid.'),
    );
    return {
      logGroups: page.items.map((g) => ({
        logGroupName: g.logGroupName,
        creationTime: g.creationTime,
        retentionInDays: g.retentionInDays,
        metricFilterCount: 0,
        arn: `${this.groupArn(g.logGroupName)}:*`,
        logGroupArn: this.groupArn(g.logGroupName),
        storedBytes: [...g.streams.values()].reduce(
          (sum, s) => sum + s.events.reduce((n, e) => n + Buffer.byteLength(e.message), 0),
          0,
        ),
        kmsKeyId: g.kmsKeyId,
        logGroupClass: g.logGroupClass,
        deletionProtectionEnabled: false,
      })),
      nextToken: page.nextToken,
    };
  }

  private describeLogStreams(m: RequestMembers): unknown {
    const group = this.group(this.groupNameOf(m));
    const prefix = m.optString('logStreamNamePrefix');
    const orderBy = m.optString('orderBy') ?? 'LogStreamName';
    if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
      throw m.invalid(
        `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint`,
      );
    }
    if (orderBy === 'LastEventTime' && prefix !== undefined) {
      throw m.invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const limit = pageSize(m.optNumber('limit'), { default: 50, max: 50 }, (msg) => m.invalid(msg), 'limit');
    const lastEvent = (s: LogStream) => s.events.at(-1)?.timestamp ?? 0;
    const all = [...group.streams.values()]
      .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix))
      .sort((a, b) =>
        orderBy === 'LastEventTime'
          ? lastEvent(a) - lastEvent(b)
          : a.logStreamName.localeCompare(b.logStreamName),
      );
    if (m.bool('descending')) all.reverse();
    const page = pageOf(all, m.optString('nextToken'), limit, () =>
      m.invalid('The specified nextToken is invalid.'),
    );
    return {
      logStreams: page.items.map((s) => ({
        logStreamName: s.logStreamName,
        creationTime: s.creationTime,
        firstEventTimestamp: s.events[0]?.timestamp,
        lastEventTimestamp: s.events.at(-1)?.timestamp,
        lastIngestionTime: s.events.at(-1)?.ingestionTime,
        arn: s.arn,
        storedBytes: 0,
      })),
      nextToken: page.nextToken,
    };
  }

  private putLogEvents(m: RequestMembers): unknown {
    const stream = this.stream(m);
    const events = m.list<{ timestamp?: number; message?: string }>('logEvents');
    if (events.length === 0 || events.length > 10000) {
      throw m.invalid(
        "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000",
      );
    }
    for (let i = 1; i < events.length; i++) {
      if ((events[i]!.timestamp ?? 0) < (events[i - 1]!.timestamp ?? 0)) {
        throw m.invalid('Log events in a single PutLogEvents request must be in chronological order.');
      }
    }
    for (const e of events) {
      if (typeof e.timestamp !== 'number' || typeof e.message !== 'string') {
        throw m.invalid('Each log event needs a timestamp and a message.');
      }
    }
    this.insert(stream, events as { timestamp: number; message: string }[], this.ctx.now().getTime());
    // Sequence tokens are no longer required by AWS; one is still answered for older callers.
    return { nextSequenceToken: String(stream.events.length).padStart(56, '0') };
  }

  /** Keep a stream ordered by event time, events of equal time in arrival order. */
  private insert(
    stream: LogStream,
    events: { timestamp: number; message: string }[],
    ingestionTime: number,
  ): void {
    for (const e of events) {
      const event: LogEvent = {
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime,
        eventId: String(++this.eventIds).padStart(56, '0'),
      };
      let at = stream.events.length;
      while (at > 0 && stream.events[at - 1]!.timestamp > e.timestamp) at--;
      stream.events.splice(at, 0, event);
    }
  }

  /**
   * Tokens name a position in the stream (`f/<index>` forward, `b/<index>` backward). Reading forward
   * past the last event answers the token that was sent, which is how callers know they are at the end.
   */
  private getLogEvents(m: RequestMembers): unknown {
    const stream = this.stream(m);
    const limit = pageSize(
      m.optNumber('limit'),
      { default: 10000, max: 10000 },
      (msg) => m.invalid(msg),
      'limit',
    );
    const startTime = m.optNumber('startTime');
    const endTime = m.optNumber('endTime');
    const inWindow = (e: LogEvent) =>
      this.arrived(e) &&
      (startTime === undefined || e.timestamp >= startTime) &&
      (endTime === undefined || e.timestamp < endTime);
    const indexes = stream.events.flatMap((e, i) => (inWindow(e) ? [i] : []));
    const token = m.optString('nextToken');
    const fmt = (dir: 'f' | 'b', n: number) => `${dir}/${String(n).padStart(56, '0')}`;
    let chosen: number[];
    let forward: string;
    let backward: string;
    const parsed = token === undefined ? undefined : /^([fb])\/(\d+)$/.exec(token);
    if (token !== undefined && !parsed) throw m.invalid('The specified nextToken is invalid.');
    const direction = parsed?.[1] ?? (m.bool('startFromHead') ? 'f' : 'b');
    const position = parsed ? Number(parsed[2]) : direction === 'f' ? 0 : stream.events.length;
    if (direction === 'f') {
      chosen = indexes.filter((i) => i >= position).slice(0, limit);
      forward = chosen.length ? fmt('f', chosen.at(-1)! + 1) : (token ?? fmt('f', position));
      backward = fmt('b', chosen[0] ?? position);
    } else {
      chosen = indexes.filter((i) => i < position).slice(-limit);
      forward = fmt('f', chosen.length ? chosen.at(-1)! + 1 : position);
      backward = chosen.length ? fmt('b', chosen[0]!) : (token ?? fmt('b', position));
    }
    return {
      events: chosen.map((i) => {
        const e = stream.events[i]!;
        return { timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime };
      }),
      nextForwardToken: forward,
      nextBackwardToken: backward,
    };
  }

  private filterLogEvents(m: RequestMembers): unknown {
    const group = this.group(this.groupNameOf(m));
    const names = m.optList<string>('logStreamNames');
    const prefix = m.optString('logStreamNamePrefix');
    if (names !== undefined && prefix !== undefined) {
      throw m.invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
    }
    const limit = pageSize(
      m.optNumber('limit'),
      { default: 10000, max: 10000 },
      (msg) => m.invalid(msg),
      'limit',
    );
    const startTime = m.optNumber('startTime');
    const endTime = m.optNumber('endTime');
    const matches = filterPatternOf(m.optString('filterPattern'));
    const streams = [...group.streams.values()].filter(
      (s) =>
        (names === undefined || names.includes(s.logStreamName)) &&
        (prefix === undefined || s.logStreamName.startsWith(prefix)),
    );
    const all = streams
      .flatMap((s) => s.events.map((e) => ({ stream: s.logStreamName, e })))
      .filter(
        ({ e }) =>
          this.arrived(e) &&
          (startTime === undefined || e.timestamp >= startTime) &&
          (endTime === undefined || e.timestamp <= endTime) &&
          matches(e.message),
      )
      .sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.eventId.localeCompare(b.e.eventId));
    const page = pageOf(all, m.optString('nextToken'), limit, () =>
      m.invalid('The specified nextToken is invalid.'),
    );
    return {
      events: page.items.map(({ stream, e }) => ({
        logStreamName: stream,
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime,
        eventId: e.eventId,
      })),
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.logStreamName, searchedCompletely: true })),
      nextToken: page.nextToken,
    };
  }
}

/**
 * The plain-text subset of CloudWatch filter patterns: every term must appear (`"quoted phrase"`
 * counts as one term), `-term` must not, and `?a ?b` matches either. JSON and space-delimited patterns
 * are beyond the fake and match everything.
 */
function filterPatternOf(pattern: string | undefined): (message: string) => boolean {
  if (pattern === undefined || pattern.trim() === '' || /^\s*[{[]/.test(pattern)) return () => true;
  const terms = [...pattern.matchAll(/([-?]?)"([^"]*)"|([-?]?)(\S+)/g)].map((t) => ({
    sign: t[1] ?? t[3] ?? '',
    text: t[2] ?? t[4] ?? '',
  }));
  const any = terms.filter((t) => t.sign === '?');
  const all = terms.filter((t) => t.sign === '');
  const none = terms.filter((t) => t.sign === '-');
  return (message) =>
    all.every((t) => message.includes(t.text)) &&
    none.every((t) => !message.includes(t.text)) &&
    (any.length === 0 || any.some((t) => message.includes(t.text)));
}
