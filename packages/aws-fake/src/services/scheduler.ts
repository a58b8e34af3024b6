// Fake EventBridge Scheduler (REST-JSON, signing name `scheduler`): schedule groups with tags, and
// schedules in them. Routes, members and error codes from the Scheduler API reference
// (https://docs.aws.amazon.com/scheduler/latest/APIReference/) and the SDK's model: a schedule lives in
// a group that must exist, names are unique per group, UpdateSchedule replaces the whole schedule.
// AWS runs a schedule's target at its times; the fake runs one when a test says so (`fire`), through
// the same front as a signed call of the schedule's role, so the role's policy is replayed too.
import { AwsServiceError } from '../errors.js';
import { text } from '../params.js';
import { validScheduleExpression, validTimeZone } from '../schedule-expressions.js';
import { authz, passRoles, requestTags, resourceTags, tagMap, type TagMap } from '../authorization.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { copyOf, pageOf, pageSize, RequestMembers, toWire, unknownOperation } from './json-protocol.js';

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: Record<string, unknown>;
}

export interface ScheduleRecord {
  Name: string;
  GroupName: string;
  Arn: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: ScheduleTarget;
  State: 'ENABLED' | 'DISABLED';
  ActionAfterCompletion: 'NONE' | 'DELETE';
  Description?: string;
  CreationDate: Date;
  LastModificationDate: Date;
}

interface GroupRecord {
  Name: string;
  Arn: string;
  tags: TagMap;
  CreationDate: Date;
}

/** A call the fake makes on a schedule's behalf: the target's service, action and input, as its role. */
export type InvokeAs = (
  principal: string,
  signingName: string,
  action: string,
  params: Record<string, unknown>,
) => unknown;

const MUTATING = new Set([
  'CreateSchedule',
  'UpdateSchedule',
  'DeleteSchedule',
  'CreateScheduleGroup',
  'DeleteScheduleGroup',
  'TagResource',
  'UntagResource',
]);
const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
/** The universal target: `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>` (Scheduler user guide). */
const UNIVERSAL = /^arn:aws[a-z-]*:scheduler:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/;
/** The SDK service names of universal targets the fake can run, and their signing names. */
const UNIVERSAL_SERVICES: Record<string, string> = { elasticloadbalancingv2: 'elasticloadbalancing' };

const notFound = (what: string) =>
  new AwsServiceError('ResourceNotFoundException', `${what} does not exist.`, 404);
const conflict = (what: string) => new AwsServiceError('ConflictException', `${what} already exists.`, 409);

export class SchedulerFake implements ServiceHandler {
  readonly signingName = 'scheduler';
  readonly protocol = 'rest-json' as const;
  readonly throttling = { code: 'ThrottlingException', status: 429 };
  private readonly groups = new Map<string, GroupRecord>();
  private readonly schedules = new Map<string, ScheduleRecord>();
  /** Set by createAwsFake: how a fired schedule's target call reaches the other fakes. */
  invokeAs: InvokeAs | undefined;

  constructor(private readonly ctx: FakeContext) {
    this.putGroup('default', {});
  }

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  /** REST routes of the API (method and path) to an action and its path and query members. */
  route(
    method: string,
    path: string,
    query: URLSearchParams,
  ): { action: string; params: Record<string, unknown> } {
    const [, collection, raw] = /^\/(schedules|schedule-groups|tags)(?:\/(.+))?$/.exec(path) ?? [];
    const name = raw === undefined ? undefined : decodeURIComponent(raw);
    const q = (key: string) => query.get(key) ?? undefined;
    const params: Record<string, unknown> = {};
    const set = (key: string, value: string | undefined) => {
      if (value !== undefined) params[key] = value;
    };
    let action = '';
    if (collection === 'schedules') {
      set('Name', name);
      if (method === 'GET' || method === 'DELETE') set('GroupName', q('groupName'));
      if (name === undefined && method === 'GET') {
        action = 'ListSchedules';
        set('GroupName', q('ScheduleGroup'));
        set('NamePrefix', q('NamePrefix'));
        set('State', q('State'));
        set('NextToken', q('NextToken'));
        if (q('MaxResults')) params.MaxResults = Number(q('MaxResults'));
      } else
        action =
          { POST: 'CreateSchedule', PUT: 'UpdateSchedule', GET: 'GetSchedule', DELETE: 'DeleteSchedule' }[
            method
          ] ?? '';
    } else if (collection === 'schedule-groups') {
      set('Name', name);
      action =
        name === undefined
          ? 'ListScheduleGroups'
          : ({ POST: 'CreateScheduleGroup', GET: 'GetScheduleGroup', DELETE: 'DeleteScheduleGroup' }[
              method
            ] ?? '');
    } else if (collection === 'tags') {
      set('ResourceArn', name);
      action = { GET: 'ListTagsForResource', POST: 'TagResource', DELETE: 'UntagResource' }[method] ?? '';
    }
    return { action: action || `${method} ${path}`, params };
  }

  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const name = text(params.Name);
    const group = text(params.GroupName, 'default');
    const schedule = this.ctx.arn('scheduler', `schedule/${group}/${name}`);
    const groupArn = this.ctx.arn('scheduler', `schedule-group/${name}`);
    const role = (params.Target as ScheduleTarget | undefined)?.RoleArn;
    switch (action) {
      case 'CreateSchedule':
      case 'UpdateSchedule':
        // Schedules carry no tags of their own (only groups do): nothing to condition them on here.
        return [authz(`scheduler:${action}`, schedule), ...passRoles([role], 'scheduler.amazonaws.com')];
      case 'GetSchedule':
      case 'DeleteSchedule':
        return [authz(`scheduler:${action}`, schedule)];
      case 'CreateScheduleGroup':
        return [authz('scheduler:CreateScheduleGroup', groupArn, requestTags(tagMap(params.Tags)))];
      case 'GetScheduleGroup':
      case 'DeleteScheduleGroup':
        return [authz(`scheduler:${action}`, groupArn, resourceTags(this.groups.get(name)?.tags))];
      case 'ListTagsForResource': {
        const arn = text(params.ResourceArn);
        const tags = [...this.groups.values()].find((g) => g.Arn === arn)?.tags;
        return [authz('scheduler:ListTagsForResource', arn, resourceTags(tags))];
      }
      case 'ListSchedules':
      case 'ListScheduleGroups':
        return [authz(`scheduler:${action}`, '*')];
      default:
        throw new Error(`no authorisation modelled for scheduler:${action}`);
    }
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    const m = new RequestMembers(params, 'ValidationException');
    switch (action) {
      case 'CreateSchedule':
      case 'UpdateSchedule':
        return this.putSchedule(action, m);
      case 'GetSchedule':
        return toWire(this.schedule(m.optString('GroupName') ?? 'default', m.string('Name')));
      case 'DeleteSchedule': {
        const s = this.schedule(m.optString('GroupName') ?? 'default', m.string('Name'));
        this.schedules.delete(s.Arn);
        return {};
      }
      case 'ListSchedules':
        return this.listSchedules(m);
      case 'CreateScheduleGroup': {
        const name = m.string('Name');
        if (!NAME.test(name)) throw m.invalid(`Name ${name} must match [0-9a-zA-Z-_.]{1,64}`);
        if (this.groups.has(name)) throw conflict(`Schedule group ${name}`);
        return { ScheduleGroupArn: this.putGroup(name, tagMap(m.raw('Tags'))).Arn };
      }
      case 'GetScheduleGroup': {
        const g = this.group(m.string('Name'));
        const date = g.CreationDate;
        return toWire({
          Arn: g.Arn,
          Name: g.Name,
          State: 'ACTIVE',
          CreationDate: date,
          LastModificationDate: date,
        });
      }
      case 'ListTagsForResource': {
        const arn = m.string('ResourceArn');
        const g = [...this.groups.values()].find((x) => x.Arn === arn);
        if (!g) throw notFound(`Resource ${arn}`);
        return { Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })) };
      }
      default:
        throw unknownOperation('scheduler', action);
    }
  }

  inventory(): ResourceRecord[] {
    return [
      ...[...this.groups.values()]
        .filter((g) => g.Name !== 'default')
        .map((g) => ({ kind: 'scheduler:schedule-group', name: g.Name, tags: { ...g.tags } })),
      ...[...this.schedules.values()].map((s) => ({
        kind: 'scheduler:schedule',
        name: `${s.GroupName}/${s.Name}`,
      })),
    ];
  }

  /** A schedule as stored (tests read its expression, time zone and target input). */
  get(group: string, name: string): ScheduleRecord | undefined {
    return this.schedules.get(this.ctx.arn('scheduler', `schedule/${group}/${name}`));
  }

  /** Every schedule of a group, by name. */
  list(group: string): ScheduleRecord[] {
    return [...this.schedules.values()]
      .filter((s) => s.GroupName === group)
      .sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /**
   * Run a schedule's target now, as AWS does at its time: a universal target's API call, signed as the
   * schedule's role (recorded with that principal). A one-time schedule set to DELETE goes afterwards.
   */
  fire(group: string, name: string): unknown {
    const s = this.get(group, name);
    if (!s) throw new Error(`no schedule ${group}/${name}`);
    const m = UNIVERSAL.exec(s.Target.Arn);
    const signingName = m ? UNIVERSAL_SERVICES[m[1]!] : undefined;
    if (!m || !signingName) throw new Error(`the fake cannot run target ${s.Target.Arn}`);
    if (!this.invokeAs) throw new Error('the scheduler fake is not wired to the other fakes');
    const action = m[2]!.charAt(0).toUpperCase() + m[2]!.slice(1);
    const input = JSON.parse(s.Target.Input ?? '{}') as Record<string, unknown>;
    const result = this.invokeAs(s.Target.RoleArn, signingName, action, input);
    if (s.ActionAfterCompletion === 'DELETE' && s.ScheduleExpression.startsWith('at('))
      this.schedules.delete(s.Arn);
    return result;
  }

  private putGroup(name: string, tags: TagMap): GroupRecord {
    const g = {
      Name: name,
      Arn: this.ctx.arn('scheduler', `schedule-group/${name}`),
      tags,
      CreationDate: this.ctx.now(),
    };
    this.groups.set(name, g);
    return g;
  }

  private group(name: string): GroupRecord {
    const g = this.groups.get(name);
    if (!g) throw notFound(`Schedule group ${name}`);
    return g;
  }

  private schedule(group: string, name: string): ScheduleRecord {
    const s = this.get(group, name);
    if (!s) throw notFound(`Schedule ${name}`);
    return s;
  }

  private putSchedule(action: 'CreateSchedule' | 'UpdateSchedule', m: RequestMembers): unknown {
    const name = m.string('Name');
    const groupName = m.optString('GroupName') ?? 'default';
    if (!NAME.test(name)) throw m.invalid(`Name ${name} must match [0-9a-zA-Z-_.]{1,64}`);
    this.group(groupName);
    const existing = this.get(groupName, name);
    if (action === 'CreateSchedule' && existing) throw conflict(`Schedule ${name}`);
    if (action === 'UpdateSchedule' && !existing) throw notFound(`Schedule ${name}`);
    const expression = m.string('ScheduleExpression');
    if (!validScheduleExpression(expression)) throw m.invalid(`Invalid Schedule Expression ${expression}.`);
    const timezone = m.optString('ScheduleExpressionTimezone');
    if (timezone !== undefined && !validTimeZone(timezone)) throw m.invalid(`Invalid time zone ${timezone}.`);
    const window = m.optRecord<unknown>('FlexibleTimeWindow');
    if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE'))
      throw m.invalid('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE');
    const target = m.optRecord<unknown>('Target') as ScheduleTarget | undefined;
    if (!target?.Arn || !target.RoleArn) throw m.invalid('Target needs Arn and RoleArn');
    if (target.Input !== undefined) {
      if (target.Input.length > 8192) throw m.invalid('Target.Input is longer than 8192 characters');
      if (UNIVERSAL.test(target.Arn)) {
        try {
          JSON.parse(target.Input);
        } catch {
          throw m.invalid('Target.Input of a universal target must be JSON');
        }
      }
    }
    const state = m.optString('State') ?? 'ENABLED';
    const after = m.optString('ActionAfterCompletion') ?? 'NONE';
    if ((state !== 'ENABLED' && state !== 'DISABLED') || (after !== 'NONE' && after !== 'DELETE'))
      throw m.invalid('State must be ENABLED or DISABLED, ActionAfterCompletion NONE or DELETE');
    const now = this.ctx.now();
    const record: ScheduleRecord = {
      Name: name,
      GroupName: groupName,
      Arn: this.ctx.arn('scheduler', `schedule/${groupName}/${name}`),
      ScheduleExpression: expression,
      ...(timezone !== undefined ? { ScheduleExpressionTimezone: timezone } : {}),
      FlexibleTimeWindow: copyOf(window) as ScheduleRecord['FlexibleTimeWindow'],
      Target: copyOf(target),
      State: state,
      ActionAfterCompletion: after,
      ...(m.optString('Description') !== undefined ? { Description: m.optString('Description') } : {}),
      CreationDate: existing?.CreationDate ?? now,
      LastModificationDate: now,
    };
    this.schedules.set(record.Arn, record);
    return { ScheduleArn: record.Arn };
  }

  private listSchedules(m: RequestMembers): unknown {
    const group = m.optString('GroupName');
    const prefix = m.optString('NamePrefix') ?? '';
    const state = m.optString('State');
    const all = [...this.schedules.values()]
      .filter(
        (s) =>
          (!group || s.GroupName === group) && s.Name.startsWith(prefix) && (!state || s.State === state),
      )
      .sort((a, b) => a.GroupName.localeCompare(b.GroupName) || a.Name.localeCompare(b.Name));
    const max = pageSize(
      m.optNumber('MaxResults'),
      { default: 100, max: 100 },
      (msg) => m.invalid(msg),
      'MaxResults',
    );
    const page = pageOf(all, m.optString('NextToken'), max, () => m.invalid('Invalid NextToken'));
    return {
      Schedules: page.items.map((s) =>
        toWire({
          Arn: s.Arn,
          Name: s.Name,
          GroupName: s.GroupName,
          State: s.State,
          CreationDate: s.CreationDate,
          LastModificationDate: s.LastModificationDate,
          Target: { Arn: s.Target.Arn },
        }),
      ),
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    };
  }
}
