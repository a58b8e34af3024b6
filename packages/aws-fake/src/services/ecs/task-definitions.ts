// Task definitions in the ECS fake: register (validated as ECS does), list, deregister, delete.
import { RequestMembers, copyOf, pageOf, pageSize } from '../json-protocol.js';
import { callerArn } from '../sts.js';
import type { ContainerDefinition, EcsTag, TaskDefinition } from './types.js';
import { EcsStore, NAME } from './store.js';

export class EcsTaskDefinitions extends EcsStore {
  protected registerTaskDefinition(m: RequestMembers): { taskDefinition: TaskDefinition; tags: EcsTag[] } {
    const family = m.string('family');
    if (!NAME.test(family)) {
      throw this.client(
        'Family contains invalid characters: up to 255 letters, numbers, hyphens and underscores are allowed.',
      );
    }
    const containers = m.list<ContainerDefinition>('containerDefinitions');
    if (containers.length === 0)
      throw this.client('Task definition must contain at least one container definition.');
    const networkMode = m.optString('networkMode') ?? 'bridge';
    const requires = m.optList<string>('requiresCompatibilities');
    const cpu = m.raw<string | number>('cpu');
    const memory = m.raw<string | number>('memory');
    const names = new Set<string>();
    for (const c of containers) {
      if (!c.name) throw this.client('Container.name should not be null or empty.');
      if (!c.image) throw this.client('Container.image should not be null or empty.');
      if (names.has(c.name)) throw this.client(`Duplicate container name: ${c.name}.`);
      names.add(c.name);
    }
    if (!containers.some((c) => c.essential !== false)) {
      throw this.client('At least one essential container is required.');
    }
    if (requires?.includes('FARGATE')) {
      if (networkMode !== 'awsvpc') throw this.client("Fargate only supports network mode 'awsvpc'.");
      if (cpu === undefined) throw this.client("Fargate requires that 'cpu' be defined at the task level.");
      if (memory === undefined)
        throw this.client("Fargate requires that 'memory' be defined at the task level.");
    }
    const tags = this.validTags(m.optList<EcsTag>('tags'));
    const revision =
      Math.max(
        0,
        ...[...this.taskDefinitions.values()].filter((td) => td.family === family).map((td) => td.revision),
      ) + 1;
    const arn = this.ctx.arn('ecs', `task-definition/${family}:${revision}`);
    const registered = copyOf(m.members());
    delete registered.tags;
    const td: TaskDefinition = {
      ...registered,
      taskDefinitionArn: arn,
      containerDefinitions: containers.map((c) => filledContainer(copyOf(c), networkMode)),
      family,
      networkMode,
      cpu: cpu === undefined ? undefined : String(cpu),
      memory: memory === undefined ? undefined : String(memory),
      revision,
      volumes: copyOf(m.optList('volumes') ?? []),
      status: 'ACTIVE',
      requiresAttributes: [],
      placementConstraints: copyOf(m.optList('placementConstraints') ?? []),
      compatibilities: networkMode === 'awsvpc' ? ['EC2', 'FARGATE'] : ['EXTERNAL', 'EC2'],
      registeredAt: this.ctx.now(),
      registeredBy: callerArn(this.ctx),
    };
    td.requiresAttributes = requiredAttributes(td);
    this.taskDefinitions.set(arn, td);
    this.setTags(arn, tags);
    return { taskDefinition: td, tags };
  }

  protected listTaskDefinitions(m: RequestMembers): unknown {
    const family = m.optString('familyPrefix');
    const status = m.optString('status') ?? 'ACTIVE';
    if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status))
      throw this.invalid(`Invalid status: ${status}`);
    const sort = m.optString('sort') ?? 'ASC';
    const max = pageSize(m.optNumber('maxResults'), { default: 100, max: 100 }, (msg) => this.invalid(msg));
    // AWS matches familyPrefix against whole family names, despite its name.
    const all = [...this.taskDefinitions.values()]
      .filter((td) => td.status === status && (family === undefined || td.family === family))
      .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
      .map((td) => td.taskDefinitionArn);
    if (sort === 'DESC') all.reverse();
    const page = pageOf(all, m.optString('nextToken'), max, () => this.invalid('Invalid nextToken.'));
    return { taskDefinitionArns: page.items, nextToken: page.nextToken };
  }

  protected deleteTaskDefinitions(m: RequestMembers): unknown {
    const refs = m.list<string>('taskDefinitions');
    if (refs.length === 0 || refs.length > 10)
      throw this.invalid('taskDefinitions must hold between 1 and 10 entries.');
    const deleted: TaskDefinition[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of refs) {
      const td = ref.includes(':') ? this.findTaskDefinition(ref) : undefined;
      if (!td) failures.push({ arn: ref, reason: 'The specified task definition does not exist.' });
      else if (td.status === 'ACTIVE') {
        failures.push({
          arn: td.taskDefinitionArn,
          reason:
            'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        });
      } else {
        td.status = 'DELETE_IN_PROGRESS';
        td.deleteRequestedAt ??= this.ctx.now();
        deleted.push(td);
      }
    }
    return { taskDefinitions: deleted, failures };
  }

  protected usableTaskDefinition(ref: string): TaskDefinition {
    const td = this.taskDefinitionOf(ref, () => this.invalid('TaskDefinition not found.'));
    if (td.status !== 'ACTIVE') throw this.invalid('TaskDefinition is inactive');
    return td;
  }
}

/** A container definition with the defaults AWS writes into what DescribeTaskDefinition answers. */
export function filledContainer(c: ContainerDefinition, networkMode: string): ContainerDefinition {
  return {
    ...c,
    cpu: c.cpu ?? 0,
    portMappings: (c.portMappings ?? []).map((p) => ({
      ...p,
      // awsvpc and host networking publish the container port itself.
      hostPort:
        p.hostPort ?? (networkMode === 'awsvpc' || networkMode === 'host' ? p.containerPort : undefined),
      protocol: p.protocol ?? 'tcp',
    })),
    essential: c.essential ?? true,
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    systemControls: c.systemControls ?? [],
  };
}

/** The capability attributes AWS derives from a task definition (a representative subset). */
export function requiredAttributes(td: TaskDefinition): { name: string }[] {
  const names = new Set<string>();
  const containers = td.containerDefinitions;
  if (td.networkMode === 'awsvpc') {
    names.add('ecs.capability.task-eni');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.18');
  }
  if (td.taskRoleArn) names.add('com.amazonaws.ecs.capability.task-iam-role');
  if (containers.some((c) => c.logConfiguration?.logDriver === 'awslogs')) {
    names.add('com.amazonaws.ecs.capability.logging-driver.awslogs');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.19');
    if (td.executionRoleArn) names.add('ecs.capability.execution-role-awslogs');
  }
  if (td.executionRoleArn && containers.some((c) => /\.dkr\.ecr\./.test(c.image))) {
    names.add('ecs.capability.execution-role-ecr-pull');
  }
  for (const c of containers) {
    for (const s of (c.secrets as { valueFrom?: string }[] | undefined) ?? []) {
      names.add(
        s.valueFrom?.includes(':secretsmanager:')
          ? 'ecs.capability.secrets.asm.environment-variables'
          : 'ecs.capability.secrets.ssm.environment-variables',
      );
    }
    if (c.healthCheck) names.add('ecs.capability.container-health-check');
  }
  for (const v of td.volumes as { efsVolumeConfiguration?: { authorizationConfig?: { iam?: string } } }[]) {
    if (!v.efsVolumeConfiguration) continue;
    names.add('ecs.capability.efs');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.25');
    if (v.efsVolumeConfiguration.authorizationConfig?.iam === 'ENABLED') names.add('ecs.capability.efsAuth');
  }
  return [...names].map((name) => ({ name }));
}
