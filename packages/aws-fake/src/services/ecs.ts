// Fake ECS (JSON 1.1, `AmazonEC2ContainerServiceV20141113`): task definitions, Fargate services with
// rolling deployments and the circuit breaker, service and one-off tasks. Time is simulated: the world
// moves one step for each `stepMs` of the fake's clock that has passed when ECS is next called (the
// clock moves a second per request unless a test freezes it, and by what a test advances it), so a
// poller sees what time has done, not how often it asked.
import type { AuthorizationRequest, ResourceRecord, ServiceHandler } from '../types.js';
import { authz, passRoles, requestTags, resourceTags, tagMap } from '../authorization.js';
import { RequestMembers, toWire, unknownOperation } from './json-protocol.js';
import type { EcsTag } from './ecs/types.js';
import { EcsServices } from './ecs/services.js';
import { MUTATING } from './ecs/store.js';

export * from './ecs/types.js';

/** The ECS fake: the store and its parts (services/ecs/), answering as a ServiceHandler. */
export class EcsFake extends EcsServices implements ServiceHandler {
  readonly signingName = 'ecs';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'AmazonEC2ContainerServiceV20141113';

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const str = (k: string) => (typeof params[k] === 'string' ? params[k] : undefined);
    const clusterName = this.clusterNameOf(str('cluster') ?? 'default');
    const clusterArn = this.ctx.arn('ecs', `cluster/${clusterName}`);
    const inCluster = { 'ecs:cluster': clusterArn };
    const tagsOn = (arn: string) => resourceTags(tagMap(this.tags.get(arn)));
    const serviceArn = (ref: string) =>
      ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `service/${clusterName}/${ref}`);
    const taskArn = (ref: string) =>
      ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `task/${clusterName}/${ref}`);
    const taskDefinitionArn = (ref: string) => {
      const td = this.findTaskDefinition(ref);
      if (td) return td.taskDefinitionArn;
      const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf(':task-definition/') + 17) : ref;
      return this.ctx.arn('ecs', `task-definition/${short.includes(':') ? short : `${short}:1`}`);
    };
    const newTags = tagMap(params.tags);
    // Tags on a create are authorised as ecs:TagResource too, with the create named in ecs:CreateAction.
    const tagWhileCreating = (arn: string) =>
      Object.keys(newTags).length
        ? [authz('ecs:TagResource', arn, requestTags(newTags), { 'ecs:CreateAction': action })]
        : [];
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`ecs:${action}`, resource, ...contexts);
    switch (action) {
      case 'RegisterTaskDefinition': {
        const family = str('family') ?? '';
        const arn = this.ctx.arn(
          'ecs',
          `task-definition/${family}:${(this.latestRevision(family) ?? 0) + 1}`,
        );
        return [
          own(arn, requestTags(newTags)),
          ...tagWhileCreating(arn),
          ...passRoles([str('taskRoleArn'), str('executionRoleArn')], 'ecs-tasks.amazonaws.com'),
        ];
      }
      case 'DescribeTaskDefinition':
      case 'ListTaskDefinitions':
      case 'DeregisterTaskDefinition':
      case 'DeleteTaskDefinitions':
      case 'ListTasks':
      case 'ListServices':
        return [own('*', action === 'ListTasks' || action === 'ListServices' ? inCluster : {})];
      case 'CreateService': {
        const arn = serviceArn(str('serviceName') ?? '');
        return [own(arn, inCluster, requestTags(newTags)), ...tagWhileCreating(arn)];
      }
      case 'UpdateService':
      case 'DeleteService': {
        const arn = serviceArn(str('service') ?? '');
        return [own(arn, inCluster, tagsOn(arn))];
      }
      case 'DescribeServices':
        return ((params.services as string[] | undefined) ?? []).map((ref) => {
          const arn = serviceArn(ref);
          return own(arn, inCluster, tagsOn(arn));
        });
      case 'DescribeTasks':
        return ((params.tasks as string[] | undefined) ?? []).map((ref) => {
          const arn = taskArn(ref);
          return own(arn, inCluster, tagsOn(arn));
        });
      case 'StopTask': {
        const arn = taskArn(str('task') ?? '');
        return [own(arn, inCluster, tagsOn(arn))];
      }
      case 'RunTask': {
        const td = this.findTaskDefinition(str('taskDefinition') ?? '');
        const overrides = (params.overrides ?? {}) as { taskRoleArn?: string; executionRoleArn?: string };
        return [
          own(taskDefinitionArn(str('taskDefinition') ?? ''), inCluster, requestTags(newTags)),
          // The new task's id is not known before the call.
          ...tagWhileCreating(this.ctx.arn('ecs', `task/${clusterName}/new`)),
          ...passRoles(
            [overrides.taskRoleArn ?? td?.taskRoleArn, overrides.executionRoleArn ?? td?.executionRoleArn],
            'ecs-tasks.amazonaws.com',
          ),
        ];
      }
      case 'ExecuteCommand': {
        const arn = taskArn(str('task') ?? '');
        const container: Record<string, string> = str('container')
          ? { 'ecs:container-name': str('container')! }
          : {};
        return [own(clusterArn, inCluster, container), own(arn, inCluster, container, tagsOn(arn))];
      }
      case 'DescribeClusters':
        return ((params.clusters as string[] | undefined) ?? ['default']).map((c) =>
          own(this.ctx.arn('ecs', `cluster/${this.clusterNameOf(c)}`)),
        );
      case 'TagResource':
      case 'UntagResource':
      case 'ListTagsForResource': {
        const arn = str('resourceArn') ?? '';
        const keys: Record<string, string[]> =
          action === 'UntagResource' ? { 'aws:TagKeys': (params.tagKeys as string[]) ?? [] } : {};
        return [own(arn, tagsOn(arn), requestTags(newTags), keys)];
      }
      default:
        throw new Error(`no authorisation modelled for ecs:${action}`);
    }
  }

  inventory(): ResourceRecord[] {
    return [
      ...[...this.clusters.entries()].map(([name, c]) => ({
        kind: 'ecs:cluster',
        name,
        tags: tagMap(this.tagsOf(c.clusterArn)),
      })),
      ...[...this.taskDefinitions.values()]
        .filter((td) => td.status === 'ACTIVE')
        .map((td) => ({
          kind: 'ecs:task-definition',
          name: `${td.family}:${td.revision}`,
          tags: tagMap(this.tagsOf(td.taskDefinitionArn)),
        })),
      ...[...this.services.values()]
        .filter((s) => s.status !== 'INACTIVE')
        .map((s) => ({
          kind: 'ecs:service',
          name: `${this.clusterNameOf(s.clusterArn)}/${s.serviceName}`,
          tags: tagMap(this.tagsOf(s.serviceArn)),
        })),
    ];
  }

  /** Advance the simulated world by one step: tasks move through their lifecycle, services converge. */
  step(): void {
    this.steps++;
    const now = this.ctx.now();
    for (const task of this.tasks.values()) this.advanceTask(task, now);
    for (const service of this.services.values()) this.advanceService(service, now);
  }

  /**
   * Take the steps the clock has moved since the last call. Once a step changes nothing the world
   * waits for a call that changes it, so a long jump of the clock costs no more than settling.
   */
  protected catchUp(): void {
    const now = this.ctx.now().getTime();
    this.steppedTo ??= now;
    while (now - this.steppedTo >= this.stepMs) {
      this.steppedTo += this.stepMs;
      const before = this.changes;
      this.step();
      if (this.changes === before) {
        this.steppedTo = now - ((now - this.steppedTo) % this.stepMs);
        break;
      }
    }
  }

  /** Step until nothing changes (or `limit` steps): every deployment finished, failed or stuck. */
  settle(limit = 200): number {
    for (let n = 1; n <= limit; n++) {
      const before = this.changes;
      this.step();
      if (this.changes === before) return n;
    }
    return limit;
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    this.catchUp();
    const m = new RequestMembers(params, 'InvalidParameterException');
    switch (action) {
      case 'RegisterTaskDefinition':
        return toWire(this.registerTaskDefinition(m));
      case 'DescribeTaskDefinition': {
        const td = this.taskDefinitionOf(m.string('taskDefinition'), () =>
          this.client('Unable to describe task definition.'),
        );
        const withTags = m.optList<string>('include')?.includes('TAGS');
        return toWire({ taskDefinition: td, tags: withTags ? this.tagsOf(td.taskDefinitionArn) : undefined });
      }
      case 'ListTaskDefinitions':
        return this.listTaskDefinitions(m);
      case 'DeregisterTaskDefinition': {
        const ref = m.string('taskDefinition');
        if (!ref.includes(':')) throw this.client('Invalid revision number. Number: ' + ref);
        const td = this.taskDefinitionOf(ref, () =>
          this.client('The specified task definition does not exist.'),
        );
        if (td.status === 'ACTIVE') {
          td.status = 'INACTIVE';
          td.deregisteredAt = this.ctx.now();
        }
        return toWire({ taskDefinition: td });
      }
      case 'DeleteTaskDefinitions':
        return toWire(this.deleteTaskDefinitions(m));
      case 'CreateService':
        return toWire({ service: this.createService(m) });
      case 'UpdateService':
        return toWire({ service: this.updateService(m) });
      case 'DescribeServices':
        return toWire(this.describeServices(m));
      case 'ListServices':
        return this.listServices(m);
      case 'DeleteService':
        return toWire({ service: this.deleteService(m) });
      case 'TagResource': {
        const arn = this.taggable(m.string('resourceArn'));
        const tags = this.validTags(m.list<EcsTag>('tags'));
        const current = this.tagsOf(arn).filter((t) => !tags.some((n) => n.key === t.key));
        this.setTags(arn, [...current, ...tags]);
        return {};
      }
      case 'UntagResource': {
        const arn = this.taggable(m.string('resourceArn'));
        const keys = m.list<string>('tagKeys');
        this.setTags(
          arn,
          this.tagsOf(arn).filter((t) => !keys.includes(t.key)),
        );
        return {};
      }
      case 'ListTagsForResource':
        return { tags: this.tagsOf(this.taggable(m.string('resourceArn'))) };
      case 'ListTasks':
        return this.listTasks(m);
      case 'DescribeTasks':
        return toWire(this.describeTasks(m));
      case 'RunTask':
        return toWire(this.runTask(m));
      case 'StopTask':
        return toWire({ task: this.stopTask(m) });
      case 'DescribeClusters':
        return toWire(this.describeClusters(m));
      case 'ExecuteCommand':
        return this.executeCommand(m);
      default:
        throw unknownOperation('ecs', action);
    }
  }

  protected describeClusters(m: RequestMembers): unknown {
    const names = m.optList<string>('clusters') ?? ['default'];
    const withTags = m.optList<string>('include')?.includes('TAGS');
    const clusters: unknown[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of names) {
      const cluster = this.clusters.get(this.clusterNameOf(ref));
      if (!cluster) {
        failures.push({
          arn: ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `cluster/${ref}`),
          reason: 'MISSING',
        });
        continue;
      }
      const tasks = [...this.tasks.values()].filter((t) => t.clusterArn === cluster.clusterArn);
      clusters.push({
        ...cluster,
        registeredContainerInstancesCount: 0,
        runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
        pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING')
          .length,
        activeServicesCount: [...this.services.values()].filter(
          (s) => s.clusterArn === cluster.clusterArn && s.status === 'ACTIVE',
        ).length,
        statistics: [],
        tags: withTags ? this.tagsOf(cluster.clusterArn) : undefined,
      });
    }
    return { clusters, failures };
  }
}
