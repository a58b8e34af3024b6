// Fake Application Auto Scaling (JSON 1.1, `AnyScaleFrontendService`): scalable targets, scaling
// policies and scheduled actions. Registering an ECS target moves the service's desired count into
// [min, max], as AWS does; a scheduled action does the same when a test says its time came (`fire`).
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { authz, requestTags, resourceTags } from '../authorization.js';
import { RequestMembers, copyOf, pageOf, pageSize, toWire, unknownOperation } from './json-protocol.js';
import { validScheduleExpression, validTimeZone } from '../schedule-expressions.js';

export interface ScalableTarget {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
  RoleARN: string;
  CreationTime: Date;
  SuspendedState: {
    DynamicScalingInSuspended: boolean;
    DynamicScalingOutSuspended: boolean;
    ScheduledScalingSuspended: boolean;
  };
  ScalableTargetARN: string;
}

export interface Alarm {
  AlarmName: string;
  AlarmARN: string;
}

export interface ScalingPolicy {
  PolicyARN: string;
  PolicyName: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  PolicyType: string;
  StepScalingPolicyConfiguration?: Record<string, unknown>;
  TargetTrackingScalingPolicyConfiguration?: Record<string, unknown>;
  PredictiveScalingPolicyConfiguration?: Record<string, unknown>;
  Alarms: Alarm[];
  CreationTime: Date;
}

export interface ScheduledAction {
  ScheduledActionName: string;
  ScheduledActionARN: string;
  ServiceNamespace: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or `cron(six fields)`. */
  Schedule: string;
  Timezone?: string;
  ResourceId: string;
  ScalableDimension: string;
  StartTime?: Date;
  EndTime?: Date;
  ScalableTargetAction?: { MinCapacity?: number; MaxCapacity?: number };
  CreationTime: Date;
}

export interface AutoscalingFakeOptions {
  /**
   * Called when a target's capacity must move (registering bounds that exclude it, or `scale()`):
   * the ECS fake sets the service's desired count here.
   */
  onCapacity?: (target: ScalableTarget, capacity: number) => void;
  /** The target's current capacity, to know whether registering new bounds moves it. */
  capacityOf?: (target: ScalableTarget) => number | undefined;
}

const MUTATING = new Set([
  'RegisterScalableTarget',
  'DeregisterScalableTarget',
  'PutScalingPolicy',
  'DeleteScalingPolicy',
  'PutScheduledAction',
  'DeleteScheduledAction',
  'TagResource',
  'UntagResource',
]);

const POLICY_TYPES = ['StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'];

export class AutoscalingFake implements ServiceHandler {
  readonly signingName = 'application-autoscaling';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'AnyScaleFrontendService';

  /** Scalable targets by `namespace|resourceId|dimension`. */
  readonly targets = new Map<string, ScalableTarget>();
  /** Scaling policies by `namespace|resourceId|dimension|policyName`. */
  readonly policies = new Map<string, ScalingPolicy>();
  /** Tags of scalable targets, by ARN. */
  readonly tags = new Map<string, Record<string, string>>();
  /** Scheduled actions by `namespace|resourceId|dimension|name`. */
  readonly scheduledActions = new Map<string, ScheduledAction>();

  constructor(
    private readonly ctx: FakeContext,
    private readonly options: AutoscalingFakeOptions = {},
  ) {}

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  /**
   * What IAM authorises: the scalable target (by its ARN, `scalable-target/new` before it exists) with
   * its namespace and dimension; tags on a create as TagResource; the service-linked role the first ECS
   * registration creates; and the CloudWatch alarms target tracking puts and deletes as the caller.
   */
  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const str = (k: string) => (typeof params[k] === 'string' ? params[k] : undefined);
    const namespace = str('ServiceNamespace') ?? '';
    const resourceId = str('ResourceId') ?? '';
    const dimension = str('ScalableDimension') ?? '';
    const target = this.targets.get(key(namespace, resourceId, dimension));
    const targetArn =
      target?.ScalableTargetARN ?? this.ctx.arn('application-autoscaling', 'scalable-target/new');
    const scaling = {
      'application-autoscaling:service-namespace': namespace,
      'application-autoscaling:scalable-dimension': dimension,
    };
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`application-autoscaling:${action}`, resource, ...contexts);
    const tags = (params.Tags ?? undefined) as Record<string, string> | undefined;
    const policiesOfTarget = [...this.policies.values()].filter(
      (p) =>
        key(p.ServiceNamespace, p.ResourceId, p.ScalableDimension) === key(namespace, resourceId, dimension),
    );
    const alarms = (actions: string[], policies: ScalingPolicy[]) =>
      policies.flatMap((p) => p.Alarms.flatMap((a) => actions.map((c) => authz(c, a.AlarmARN))));
    switch (action) {
      case 'DescribeScalableTargets':
      case 'DescribeScalingPolicies':
      case 'DescribeScheduledActions':
        return [own('*')];
      case 'PutScheduledAction':
      case 'DeleteScheduledAction':
        return [own(targetArn, scaling, resourceTags(this.tags.get(targetArn)))];
      case 'RegisterScalableTarget':
        return [
          own(targetArn, scaling, target ? resourceTags(this.tags.get(targetArn)) : {}, requestTags(tags)),
          ...(!target && tags && Object.keys(tags).length
            ? [authz('application-autoscaling:TagResource', targetArn, requestTags(tags))]
            : []),
          ...(namespace === 'ecs' && ![...this.targets.values()].some((t) => t.ServiceNamespace === 'ecs')
            ? [
                authz(
                  'iam:CreateServiceLinkedRole',
                  `arn:aws:iam::${this.ctx.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
                  { 'iam:AWSServiceName': 'ecs.application-autoscaling.amazonaws.com' },
                ),
              ]
            : []),
        ];
      case 'PutScalingPolicy': {
        const existing = policiesOfTarget.find((p) => p.PolicyName === str('PolicyName'));
        const tracking = (str('PolicyType') ?? 'StepScaling') === 'TargetTrackingScaling';
        const alarmArns = existing?.Alarms.length
          ? existing.Alarms.map((a) => a.AlarmARN)
          : tracking
            ? ['AlarmHigh', 'AlarmLow'].map((w) =>
                this.ctx.arn('cloudwatch', `alarm:TargetTracking-${resourceId}-${w}-new`),
              )
            : [];
        return [
          own(targetArn, scaling, resourceTags(this.tags.get(targetArn))),
          ...alarmArns.flatMap((a) =>
            ['cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm'].map((c) => authz(c, a)),
          ),
        ];
      }
      case 'DeleteScalingPolicy':
        return [
          own(targetArn, scaling, resourceTags(this.tags.get(targetArn))),
          ...alarms(
            ['cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
            policiesOfTarget.filter((p) => p.PolicyName === str('PolicyName')),
          ),
        ];
      case 'DeregisterScalableTarget':
        return [
          own(targetArn, scaling, resourceTags(this.tags.get(targetArn))),
          ...alarms(['cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'], policiesOfTarget),
        ];
      case 'TagResource':
      case 'UntagResource':
      case 'ListTagsForResource': {
        const arn = str('ResourceARN') ?? '';
        const keys: Record<string, string[]> =
          action === 'UntagResource' ? { 'aws:TagKeys': (params.TagKeys as string[]) ?? [] } : {};
        return [own(arn, resourceTags(this.tags.get(arn)), requestTags(tags), keys)];
      }
      default:
        throw new Error(`no authorisation modelled for application-autoscaling:${action}`);
    }
  }

  inventory(): ResourceRecord[] {
    return [
      ...[...this.targets.values()].map((t) => ({
        kind: 'application-autoscaling:scalable-target',
        name: `${t.ServiceNamespace}:${t.ResourceId}:${t.ScalableDimension}`,
        tags: { ...this.tags.get(t.ScalableTargetARN) },
      })),
      ...[...this.policies.values()].map((p) => ({
        kind: 'application-autoscaling:scaling-policy',
        name: `${p.ResourceId}:${p.PolicyName}`,
      })),
      ...[...this.scheduledActions.values()].map((a) => ({
        kind: 'application-autoscaling:scheduled-action',
        name: `${a.ResourceId}:${a.ScheduledActionName}`,
      })),
    ];
  }

  /** The scheduled actions of a target, by name. */
  scheduledActionsOf(resourceId: string, namespace = 'ecs', dimension = 'ecs:service:DesiredCount') {
    const prefix = `${key(namespace, resourceId, dimension)}|`;
    return new Map(
      [...this.scheduledActions]
        .filter(([k]) => k.startsWith(prefix))
        .map(([, a]) => [a.ScheduledActionName, a]),
    );
  }

  /**
   * A scheduled action's time came: its bounds become the target's and the capacity moves into them,
   * as Application Auto Scaling does; a one-time `at(...)` action is then gone.
   */
  fire(resourceId: string, name: string, namespace = 'ecs', dimension = 'ecs:service:DesiredCount'): void {
    const k = `${key(namespace, resourceId, dimension)}|${name}`;
    const action = this.scheduledActions.get(k);
    const target = this.target(resourceId, namespace, dimension);
    if (!action || !target) throw new Error(`no scheduled action ${name} on ${resourceId}`);
    const t = action.ScalableTargetAction ?? {};
    target.MinCapacity = t.MinCapacity ?? target.MinCapacity;
    target.MaxCapacity = t.MaxCapacity ?? target.MaxCapacity;
    if (target.MinCapacity > target.MaxCapacity) target.MinCapacity = target.MaxCapacity;
    const current = this.options.capacityOf?.(target);
    if (current !== undefined && (current < target.MinCapacity || current > target.MaxCapacity))
      this.options.onCapacity?.(target, Math.min(target.MaxCapacity, Math.max(target.MinCapacity, current)));
    if (action.Schedule.startsWith('at(')) this.scheduledActions.delete(k);
  }

  /** The target of an ECS service (`service/<cluster>/<name>`), if registered. */
  target(
    resourceId: string,
    namespace = 'ecs',
    dimension = 'ecs:service:DesiredCount',
  ): ScalableTarget | undefined {
    return this.targets.get(key(namespace, resourceId, dimension));
  }

  /** Simulate a scaling activity: capacity moves within the target's bounds. */
  scale(
    resourceId: string,
    capacity: number,
    namespace = 'ecs',
    dimension = 'ecs:service:DesiredCount',
  ): void {
    const target = this.target(resourceId, namespace, dimension);
    if (!target) throw new Error(`no scalable target ${resourceId}`);
    this.options.onCapacity?.(target, Math.min(target.MaxCapacity, Math.max(target.MinCapacity, capacity)));
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    const m = new RequestMembers(params, 'ValidationException');
    switch (action) {
      case 'RegisterScalableTarget':
        return this.register(m);
      case 'DescribeScalableTargets': {
        const namespace = m.string('ServiceNamespace');
        const ids = m.optList<string>('ResourceIds');
        const dimension = m.optString('ScalableDimension');
        const all = [...this.targets.values()].filter(
          (t) =>
            t.ServiceNamespace === namespace &&
            (ids === undefined || ids.length === 0 || ids.includes(t.ResourceId)) &&
            (dimension === undefined || t.ScalableDimension === dimension),
        );
        const page = this.page(m, all, 50);
        return toWire({ ScalableTargets: page.items, NextToken: page.nextToken });
      }
      case 'DeregisterScalableTarget': {
        const k = this.targetKey(m);
        const target = this.targets.get(k);
        if (!target) {
          throw new AwsServiceError(
            'ObjectNotFoundException',
            `No scalable target found for service namespace: ${m.string('ServiceNamespace')}, resource ID: ${m.string('ResourceId')}, scalable dimension: ${m.string('ScalableDimension')}`,
          );
        }
        this.targets.delete(k);
        this.tags.delete(target.ScalableTargetARN);
        // Deregistering a target deletes its policies and scheduled actions too.
        for (const [pk, p] of this.policies)
          if (key(p.ServiceNamespace, p.ResourceId, p.ScalableDimension) === k) this.policies.delete(pk);
        for (const [ak, a] of this.scheduledActions)
          if (key(a.ServiceNamespace, a.ResourceId, a.ScalableDimension) === k)
            this.scheduledActions.delete(ak);
        return {};
      }
      case 'PutScalingPolicy':
        return toWire(this.putPolicy(m));
      case 'DescribeScalingPolicies': {
        const namespace = m.string('ServiceNamespace');
        const names = m.optList<string>('PolicyNames');
        const resourceId = m.optString('ResourceId');
        const dimension = m.optString('ScalableDimension');
        const all = [...this.policies.values()].filter(
          (p) =>
            p.ServiceNamespace === namespace &&
            (names === undefined || names.length === 0 || names.includes(p.PolicyName)) &&
            (resourceId === undefined || p.ResourceId === resourceId) &&
            (dimension === undefined || p.ScalableDimension === dimension),
        );
        const page = this.page(m, all, 10);
        return toWire({ ScalingPolicies: page.items, NextToken: page.nextToken });
      }
      case 'DeleteScalingPolicy': {
        const name = m.string('PolicyName');
        const k = `${this.targetKey(m)}|${name}`;
        if (!this.policies.has(k)) {
          throw new AwsServiceError(
            'ObjectNotFoundException',
            `No scaling policy found for service namespace: ${m.string('ServiceNamespace')}, resource ID: ${m.string('ResourceId')}, scalable dimension: ${m.string('ScalableDimension')}, policy name: ${name}`,
          );
        }
        this.policies.delete(k);
        return {};
      }
      case 'PutScheduledAction':
        this.putScheduledAction(m);
        return {};
      case 'DescribeScheduledActions': {
        const namespace = m.string('ServiceNamespace');
        const names = m.optList<string>('ScheduledActionNames');
        const resourceId = m.optString('ResourceId');
        const dimension = m.optString('ScalableDimension');
        const all = [...this.scheduledActions.values()].filter(
          (a) =>
            a.ServiceNamespace === namespace &&
            (names === undefined || names.length === 0 || names.includes(a.ScheduledActionName)) &&
            (resourceId === undefined || a.ResourceId === resourceId) &&
            (dimension === undefined || a.ScalableDimension === dimension),
        );
        const page = this.page(m, all, 50);
        return toWire({ ScheduledActions: page.items, NextToken: page.nextToken });
      }
      case 'DeleteScheduledAction': {
        const name = m.string('ScheduledActionName');
        const k = `${this.targetKey(m)}|${name}`;
        if (!this.scheduledActions.has(k)) {
          throw new AwsServiceError(
            'ObjectNotFoundException',
            `No scheduled action found for service namespace: ${m.string('ServiceNamespace')}, resource ID: ${m.string('ResourceId')}, scalable dimension: ${m.string('ScalableDimension')}, scheduled action name: ${name}`,
          );
        }
        this.scheduledActions.delete(k);
        return {};
      }
      case 'TagResource': {
        const arn = this.taggable(m.string('ResourceARN'));
        this.tags.set(arn, { ...this.tags.get(arn), ...(m.optRecord<string>('Tags') ?? {}) });
        return {};
      }
      case 'UntagResource': {
        const arn = this.taggable(m.string('ResourceARN'));
        const tags = { ...this.tags.get(arn) };
        for (const k of m.list<string>('TagKeys')) delete tags[k];
        this.tags.set(arn, tags);
        return {};
      }
      case 'ListTagsForResource':
        return { Tags: { ...this.tags.get(this.taggable(m.string('ResourceARN'))) } };
      default:
        throw unknownOperation('application-autoscaling', action);
    }
  }

  private targetKey(m: RequestMembers): string {
    return key(m.string('ServiceNamespace'), m.string('ResourceId'), m.string('ScalableDimension'));
  }

  private page<T>(m: RequestMembers, all: T[], max: number) {
    const size = pageSize(
      m.optNumber('MaxResults'),
      { default: max, max },
      (msg) => m.invalid(msg),
      'MaxResults',
    );
    return pageOf(
      all,
      m.optString('NextToken'),
      size,
      () => new AwsServiceError('InvalidNextTokenException', 'Invalid token'),
    );
  }

  private taggable(arn: string): string {
    if (![...this.targets.values()].some((t) => t.ScalableTargetARN === arn)) {
      throw new AwsServiceError('ResourceNotFoundException', `Resource not found: ${arn}`);
    }
    return arn;
  }

  /** An upsert: a new target needs both bounds; an existing one keeps what the call leaves out. */
  private register(m: RequestMembers): unknown {
    const namespace = m.string('ServiceNamespace');
    const resourceId = m.string('ResourceId');
    const dimension = m.string('ScalableDimension');
    if (namespace === 'ecs' && !/^service\/[^/]+\/[^/]+$/.test(resourceId)) {
      throw m.invalid(`Unsupported resource ID for ECS: ${resourceId}. Use service/<cluster>/<service>.`);
    }
    if (namespace === 'ecs' && dimension !== 'ecs:service:DesiredCount') {
      throw m.invalid(`Unsupported scalable dimension for ECS: ${dimension}`);
    }
    const min = m.optNumber('MinCapacity');
    const max = m.optNumber('MaxCapacity');
    const k = key(namespace, resourceId, dimension);
    const existing = this.targets.get(k);
    if (!existing && (min === undefined || max === undefined)) {
      throw m.invalid('Minimum and maximum capacity are required when registering a new scalable target.');
    }
    const nextMin = min ?? existing!.MinCapacity;
    const nextMax = max ?? existing!.MaxCapacity;
    if (nextMin < 0 || nextMax < 0) throw m.invalid('Capacity cannot be negative.');
    if (nextMin > nextMax) throw m.invalid('Minimum capacity cannot be greater than maximum capacity');
    const suspended = m.optRecord<boolean>('SuspendedState');
    const target: ScalableTarget = existing ?? {
      ServiceNamespace: namespace,
      ResourceId: resourceId,
      ScalableDimension: dimension,
      MinCapacity: nextMin,
      MaxCapacity: nextMax,
      RoleARN:
        m.optString('RoleARN') ??
        `arn:aws:iam::${this.ctx.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      CreationTime: this.ctx.now(),
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
      ScalableTargetARN: this.ctx.arn('application-autoscaling', `scalable-target/${this.ctx.id(36)}`),
    };
    target.MinCapacity = nextMin;
    target.MaxCapacity = nextMax;
    if (suspended) Object.assign(target.SuspendedState, suspended);
    if (!existing) {
      this.targets.set(k, target);
      const tags = m.optRecord<string>('Tags');
      if (tags) this.tags.set(target.ScalableTargetARN, { ...tags });
    }
    const current = this.options.capacityOf?.(target);
    if (current !== undefined && (current < nextMin || current > nextMax)) {
      this.options.onCapacity?.(target, Math.min(nextMax, Math.max(nextMin, current)));
    }
    return { ScalableTargetARN: target.ScalableTargetARN };
  }

  /**
   * An upsert. The schedule is `at(…)`, `rate(…)` or a six-field `cron(…)`, the time zone an IANA name
   * (ValidationException otherwise, as AWS answers); what an update leaves out stays as it was.
   */
  private putScheduledAction(m: RequestMembers): void {
    const name = m.string('ScheduledActionName');
    const namespace = m.string('ServiceNamespace');
    const resourceId = m.string('ResourceId');
    const dimension = m.string('ScalableDimension');
    const k = `${key(namespace, resourceId, dimension)}|${name}`;
    if (!/^[^|:/]{1,256}$/.test(name)) throw m.invalid(`Invalid scheduled action name: ${name}`);
    if (!this.targets.has(key(namespace, resourceId, dimension))) {
      throw new AwsServiceError(
        'ObjectNotFoundException',
        `No scalable target registered for service namespace: ${namespace}, resource ID: ${resourceId}, scalable dimension: ${dimension}`,
      );
    }
    const existing = this.scheduledActions.get(k);
    const schedule = m.optString('Schedule') ?? existing?.Schedule;
    if (schedule === undefined) throw m.invalid('Schedule is required when creating a scheduled action.');
    if (!validScheduleExpression(schedule)) throw m.invalid(`Invalid schedule expression: ${schedule}`);
    const timezone = m.optString('Timezone') ?? existing?.Timezone;
    if (timezone !== undefined && !validTimeZone(timezone)) throw m.invalid(`Invalid timezone: ${timezone}`);
    const targetAction = m.optRecord<number>('ScalableTargetAction') ?? existing?.ScalableTargetAction;
    const min = targetAction?.MinCapacity;
    const max = targetAction?.MaxCapacity;
    if ((min !== undefined && min < 0) || (max !== undefined && max < 0))
      throw m.invalid('Capacity cannot be negative.');
    if (min !== undefined && max !== undefined && min > max)
      throw m.invalid('Minimum capacity cannot be greater than maximum capacity');
    const startTime = m.optNumber('StartTime');
    const endTime = m.optNumber('EndTime');
    this.scheduledActions.set(k, {
      ScheduledActionName: name,
      ScheduledActionARN:
        existing?.ScheduledActionARN ??
        this.ctx.arn(
          'autoscaling',
          `scheduledAction:${uuidOf(this.ctx.id(32))}:resource/${namespace}/${resourceId}:scheduledActionName/${name}`,
        ),
      ServiceNamespace: namespace,
      Schedule: schedule,
      ...(timezone !== undefined ? { Timezone: timezone } : {}),
      ResourceId: resourceId,
      ScalableDimension: dimension,
      ...(startTime !== undefined ? { StartTime: new Date(startTime * 1000) } : {}),
      ...(endTime !== undefined ? { EndTime: new Date(endTime * 1000) } : {}),
      ...(targetAction ? { ScalableTargetAction: { ...targetAction } } : {}),
      CreationTime: existing?.CreationTime ?? this.ctx.now(),
    });
  }

  private putPolicy(m: RequestMembers): { PolicyARN: string; Alarms: Alarm[] } {
    const name = m.string('PolicyName');
    const namespace = m.string('ServiceNamespace');
    const resourceId = m.string('ResourceId');
    const dimension = m.string('ScalableDimension');
    const type = m.optString('PolicyType') ?? 'StepScaling';
    if (!POLICY_TYPES.includes(type)) throw m.invalid(`Unsupported policy type: ${type}`);
    if (!this.targets.has(key(namespace, resourceId, dimension))) {
      throw new AwsServiceError(
        'ObjectNotFoundException',
        `No scalable target registered for service namespace: ${namespace}, resource ID: ${resourceId}, scalable dimension: ${dimension}`,
      );
    }
    const step = m.optRecord('StepScalingPolicyConfiguration');
    const tracking = m.optRecord('TargetTrackingScalingPolicyConfiguration');
    const predictive = m.optRecord('PredictiveScalingPolicyConfiguration');
    if (type === 'StepScaling' && !step) {
      throw m.invalid('StepScalingPolicyConfiguration is required for a policy of type StepScaling');
    }
    if (type === 'TargetTrackingScaling' && (!tracking || typeof tracking.TargetValue !== 'number')) {
      throw m.invalid(
        'TargetTrackingScalingPolicyConfiguration with a TargetValue is required for a policy of type TargetTrackingScaling',
      );
    }
    const k = `${key(namespace, resourceId, dimension)}|${name}`;
    const existing = this.policies.get(k);
    const uuid = this.ctx.id(32);
    const alarmsFor = (): Alarm[] =>
      ['AlarmHigh', 'AlarmLow'].map((which) => {
        const alarmName = `TargetTracking-${resourceId}-${which}-${uuidOf(this.ctx.id(32))}`;
        return { AlarmName: alarmName, AlarmARN: this.ctx.arn('cloudwatch', `alarm:${alarmName}`) };
      });
    const policy: ScalingPolicy = {
      PolicyARN:
        existing?.PolicyARN ??
        this.ctx.arn(
          'autoscaling',
          `scalingPolicy:${uuidOf(uuid)}:resource/${namespace}/${resourceId}:policyName/${name}`,
        ),
      PolicyName: name,
      ServiceNamespace: namespace,
      ResourceId: resourceId,
      ScalableDimension: dimension,
      PolicyType: type,
      StepScalingPolicyConfiguration: copyOf(step),
      TargetTrackingScalingPolicyConfiguration: copyOf(tracking),
      PredictiveScalingPolicyConfiguration: copyOf(predictive),
      // Target tracking owns two CloudWatch alarms, kept across updates; step policies own none.
      Alarms:
        type === 'TargetTrackingScaling' ? (existing?.Alarms.length ? existing.Alarms : alarmsFor()) : [],
      CreationTime: existing?.CreationTime ?? this.ctx.now(),
    };
    this.policies.set(k, policy);
    return { PolicyARN: policy.PolicyARN, Alarms: policy.Alarms };
  }
}

function key(namespace: string, resourceId: string, dimension: string): string {
  return `${namespace}|${resourceId}|${dimension}`;
}

function uuidOf(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Application Auto Scaling's three schedule forms (cron has six fields: minutes … year). */
