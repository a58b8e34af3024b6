// Tasks in the ECS fake: placement (Fargate, awsvpc, load balancers), one-off tasks and their hook,
// ExecuteCommand sessions, stopping, and each task's steps through its lifecycle.
import { AwsServiceError } from '../../errors.js';
import { RequestMembers, copyOf, pageOf, pageSize } from '../json-protocol.js';
import { text } from '../../params.js';
import type {
  CapacityProviderStrategyItem,
  Cluster,
  ContainerDefinition,
  EcsTag,
  LoadBalancer,
  NetworkConfiguration,
  Service,
  Task,
  TaskDefinition,
  TaskOverride,
  TaskRun,
} from './types.js';
import { EcsTaskDefinitions } from './task-definitions.js';
import { EXEC_AGENT, FARGATE_PLATFORM } from './store.js';

export class EcsTasks extends EcsTaskDefinitions {
  protected resolveLaunch(
    m: RequestMembers,
    cluster: Cluster,
  ): { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] } {
    const launchType = m.optString('launchType');
    const strategy = m.optList<CapacityProviderStrategyItem>('capacityProviderStrategy');
    if (launchType !== undefined && strategy !== undefined) {
      throw this.invalid(
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
      );
    }
    if (strategy !== undefined) return { capacityProviderStrategy: copyOf(strategy) };
    if (launchType !== undefined) return { launchType };
    if (cluster.defaultCapacityProviderStrategy.length) {
      return { capacityProviderStrategy: copyOf(cluster.defaultCapacityProviderStrategy) };
    }
    // AWS's default without a strategy is EC2, and this cluster has no container instances.
    return { launchType: 'EC2' };
  }

  protected isFargate(launch: {
    launchType?: string;
    capacityProviderStrategy?: CapacityProviderStrategyItem[];
  }): boolean {
    return (
      launch.launchType === 'FARGATE' ||
      (launch.capacityProviderStrategy ?? []).some((p) => p.capacityProvider.startsWith('FARGATE'))
    );
  }

  protected checkPlacement(
    td: TaskDefinition,
    launch: { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] },
    network: NetworkConfiguration | undefined,
  ): void {
    if (this.isFargate(launch) && !td.compatibilities.includes('FARGATE')) {
      throw this.invalid('Task definition does not support launch_type FARGATE.');
    }
    if (td.networkMode === 'awsvpc') {
      if (!network?.awsvpcConfiguration) {
        throw this.invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
      }
      if (!network.awsvpcConfiguration.subnets?.length) throw this.invalid('subnets can not be empty.');
    } else if (network) {
      throw this.invalid(
        'Network Configuration is not valid for the given networkMode of this task definition.',
      );
    }
  }

  protected checkLoadBalancers(td: TaskDefinition, loadBalancers: LoadBalancer[]): void {
    for (const lb of loadBalancers) {
      if (!lb.targetGroupArn && !lb.loadBalancerName)
        throw this.invalid('Target group ARN must be provided.');
      const container = td.containerDefinitions.find((c) => c.name === lb.containerName);
      if (!container) {
        throw this.invalid(`The container ${lb.containerName} does not exist in the task definition.`);
      }
      if (!container.portMappings?.some((p) => p.containerPort === lb.containerPort)) {
        throw this.invalid(
          `The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`,
        );
      }
    }
  }

  protected listTasks(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const family = m.optString('family');
    const serviceName = m.optString('serviceName');
    const startedBy = m.optString('startedBy');
    if (startedBy !== undefined && (family !== undefined || serviceName !== undefined)) {
      throw this.invalid('startedBy must be the only filter when it is given.');
    }
    const desired = m.optString('desiredStatus') ?? 'RUNNING';
    if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired))
      throw this.invalid(`Invalid desiredStatus: ${desired}`);
    const launchType = m.optString('launchType');
    const max = pageSize(m.optNumber('maxResults'), { default: 100, max: 100 }, (msg) => this.invalid(msg));
    const all = [...this.tasks.values()]
      .filter(
        (t) =>
          t.clusterArn === cluster.clusterArn &&
          // As documented, PENDING is accepted and lists nothing: ECS never sets that desired status.
          t.desiredStatus === desired &&
          (serviceName === undefined || t.group === `service:${serviceName}`) &&
          (family === undefined || this.taskDefinitions.get(t.taskDefinitionArn)?.family === family) &&
          (startedBy === undefined || t.startedBy === startedBy) &&
          (launchType === undefined || t.launchType === launchType),
      )
      .map((t) => t.taskArn);
    const page = pageOf(all, m.optString('nextToken'), max, () => this.invalid('Invalid nextToken.'));
    return { taskArns: page.items, nextToken: page.nextToken };
  }

  protected describeTasks(m: RequestMembers): unknown {
    const { found, failures } = this.describeEach(
      m,
      { member: 'tasks', noun: 'Tasks', max: 100, path: 'task' },
      (cluster, ref) => this.taskIn(cluster, ref),
      (task) => task.taskArn,
    );
    return { tasks: found, failures };
  }

  protected runTask(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const td = this.taskDefinitionOf(m.string('taskDefinition'), () =>
      this.invalid('TaskDefinition not found.'),
    );
    if (td.status !== 'ACTIVE') throw this.client('TaskDefinition is inactive');
    const count = m.optNumber('count') ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10)
      throw this.invalid('count must be between 1 and 10.');
    const launch = this.resolveLaunch(m, cluster);
    const network = m.raw<NetworkConfiguration>('networkConfiguration');
    this.checkPlacement(td, launch, network);
    const startedBy = m.optString('startedBy');
    if (startedBy !== undefined && startedBy.length > 36)
      throw this.invalid('startedBy cannot be longer than 36 characters.');
    const overrides = copyOf(m.raw<Partial<TaskOverride>>('overrides') ?? {});
    const containerOverrides = overrides.containerOverrides ?? [];
    for (const o of containerOverrides) {
      if (!td.containerDefinitions.some((c) => c.name === o.name)) {
        throw this.invalid(
          `Override for container named ${o.name} is not a container in the TaskDefinition.`,
        );
      }
    }
    const taskOverride: TaskOverride = {
      ...overrides,
      containerOverrides,
      inferenceAcceleratorOverrides: [],
    };
    const tags = this.validTags(m.optList<EcsTag>('tags'));
    if (!this.isFargate(launch)) {
      // No container instances ever join the fake's clusters.
      return {
        tasks: [],
        failures: Array.from({ length: count }, () => ({
          reason: 'No Container Instances were found in your cluster.',
        })),
      };
    }
    const tasks: Task[] = [];
    for (let i = 0; i < count; i++) {
      const task = this.placeTask(cluster, td, {
        group: m.optString('group') ?? `family:${td.family}`,
        startedBy,
        launch,
        network,
        overrides: taskOverride,
        enableExecuteCommand: m.bool('enableExecuteCommand'),
        tags:
          m.optString('propagateTags') === 'TASK_DEFINITION'
            ? [...this.tagsOf(td.taskDefinitionArn), ...tags]
            : tags,
        run: { fails: false, hooked: false },
      });
      tasks.push(task);
      this.startOneOff(task, td, taskOverride);
    }
    return { tasks, failures: [] };
  }

  /** Hand a one-off task to the `onRunTask` hook; its answer stops the task and fills the log stream. */
  protected startOneOff(task: Task, td: TaskDefinition, overrides: TaskOverride): void {
    const run = this.runs.get(task.taskArn)!;
    const hook = this.onRunTask;
    if (!hook || run.initError) {
      run.fails = !run.initError && this.taskFails(task, td);
      return;
    }
    run.hooked = true;
    const snapshot = structuredClone(task);
    // After this answer is sent: a hook that resolves at once must not change the RunTask response.
    void Promise.resolve()
      .then(() => hook(snapshot, structuredClone(td), structuredClone(overrides)))
      .then(
        (outcome) => {
          if (task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED') return;
          const now = this.ctx.now();
          this.markStarted(task, td, now);
          const target = this.logTarget(td, task, overrides.containerOverrides?.[0]?.name);
          if (target && this.logs) this.logs.append(target.group, target.stream, outcome.logLines);
          this.stop(
            task,
            now,
            'EssentialContainerExited',
            'Essential container in task exited',
            outcome.exitCode,
          );
        },
        (err: unknown) => {
          if (task.lastStatus === 'STOPPED') return;
          // A hook error may carry the exact reason ECS gives (`CannotPullContainerError: …`).
          const given = (err as { stoppedReason?: unknown }).stoppedReason;
          this.stop(
            task,
            this.ctx.now(),
            'TaskFailedToStart',
            typeof given === 'string' ? given : `CannotStartContainerError: ${(err as Error).message}`,
          );
        },
      );
  }

  /** ECS ExecuteCommand: the checks and messages AWS answers with, then a session on `execEndpoint`. */
  protected executeCommand(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const task = this.taskIn(cluster, m.string('task'));
    const command = m.string('command');
    if (!m.bool('interactive')) throw this.invalid('Interactive is the only mode supported currently.');
    if (!task) throw this.invalid('The referenced task was not found.');
    const name = m.optString('container');
    if (name === undefined && task.containers.length > 1)
      throw this.invalid('Container name is required when the task has more than one container.');
    const container = name === undefined ? task.containers[0] : task.containers.find((c) => c.name === name);
    if (!container) throw this.invalid(`The container ${name} does not exist in the task.`);
    const agent = container.managedAgents?.find((a) => a.name === EXEC_AGENT);
    if (task.lastStatus !== 'RUNNING' || !task.enableExecuteCommand || agent?.lastStatus !== 'RUNNING')
      throw this.invalid(
        "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running. " +
          'Wait and try again or run a new task with execute command enabled and try again.',
      );
    if (this.execNotConnected > 0) {
      this.execNotConnected--;
      throw new AwsServiceError(
        'TargetNotConnectedException',
        'The execute command failed due to an internal error. Try again later.',
      );
    }
    if (!this.execEndpoint)
      throw new AwsServiceError('ServerException', 'No exec endpoint is configured on the fake.', 500);
    const sessionId = `ecs-execute-command-${this.ctx.id(17)}`;
    const tokenValue = `token-${this.ctx.id(32)}`;
    this.execSessions.set(tokenValue, {
      sessionId,
      tokenValue,
      taskArn: task.taskArn,
      container: container.name,
      command,
      targetId: `ecs:${cluster.clusterName}_${task.taskArn.split('/').pop()}_${container.runtimeId ?? ''}`,
    });
    return {
      clusterArn: cluster.clusterArn,
      containerArn: container.containerArn,
      containerName: container.name,
      interactive: true,
      taskArn: task.taskArn,
      session: {
        sessionId,
        streamUrl: `${this.execEndpoint}/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=1`,
        tokenValue,
      },
    };
  }

  protected stopTask(m: RequestMembers): Task {
    const cluster = this.cluster(m);
    const task = this.taskIn(cluster, m.string('task'));
    if (!task) throw this.invalid('The referenced task was not found.');
    if (task.desiredStatus !== 'STOPPED') {
      this.requestStop(task, 'UserInitiated', m.optString('reason') ?? 'Task stopped by user');
    }
    return task;
  }

  protected placeTask(
    cluster: Cluster,
    td: TaskDefinition,
    how: {
      group: string;
      startedBy?: string;
      launch: { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] };
      network?: NetworkConfiguration;
      overrides: TaskOverride;
      enableExecuteCommand: boolean;
      tags: EcsTag[];
      run: TaskRun;
    },
  ): Task {
    const id = this.ctx.id(32);
    const arn = this.ctx.arn('ecs', `task/${cluster.clusterName}/${id}`);
    const n = ++this.addresses;
    const address = `10.0.${(n >> 8) & 255}.${n & 255}`;
    const eni = this.uuid();
    const subnet = how.network?.awsvpcConfiguration?.subnets?.[0];
    const task: Task = {
      taskArn: arn,
      clusterArn: cluster.clusterArn,
      taskDefinitionArn: td.taskDefinitionArn,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      launchType: how.launch.launchType,
      capacityProviderName: how.launch.capacityProviderStrategy?.[0]?.capacityProvider,
      cpu: td.cpu,
      memory: td.memory,
      createdAt: this.ctx.now(),
      group: how.group,
      startedBy: how.startedBy,
      version: 1,
      containers: td.containerDefinitions.map((c) => ({
        containerArn: this.ctx.arn('ecs', `container/${cluster.clusterName}/${id}/${this.uuid()}`),
        taskArn: arn,
        name: c.name,
        image: c.image,
        lastStatus: 'PENDING',
        networkInterfaces:
          td.networkMode === 'awsvpc' ? [{ attachmentId: eni, privateIpv4Address: address }] : [],
        healthStatus: 'UNKNOWN',
        managedAgents: how.enableExecuteCommand ? [{ name: EXEC_AGENT, lastStatus: 'PENDING' }] : undefined,
        cpu: text(c.cpu ?? 0),
      })),
      overrides: how.overrides,
      attachments:
        td.networkMode === 'awsvpc'
          ? [
              {
                id: eni,
                type: 'ElasticNetworkInterface',
                status: 'PRECREATED',
                details: [
                  ...(subnet ? [{ name: 'subnetId', value: subnet }] : []),
                  { name: 'networkInterfaceId', value: `eni-${this.ctx.id(17)}` },
                  { name: 'privateIPv4Address', value: address },
                ],
              },
            ]
          : [],
      availabilityZone: `${this.ctx.region}a`,
      platformVersion: this.isFargate(how.launch) ? FARGATE_PLATFORM : undefined,
      platformFamily: 'Linux',
      enableExecuteCommand: how.enableExecuteCommand,
      healthStatus: 'UNKNOWN',
      ephemeralStorage: { sizeInGiB: 20 },
    };
    this.tasks.set(arn, task);
    this.runs.set(arn, { ...how.run, initError: this.logProblem(td) });
    if (how.run.deploymentId) {
      const list = this.deploymentTasks.get(how.run.deploymentId) ?? [];
      list.push(task);
      this.deploymentTasks.set(how.run.deploymentId, list);
    }
    this.setTags(arn, how.tags);
    this.changes++;
    return task;
  }

  /** The awslogs stream of a task's first container that logs there. */
  /** Where a container's output goes: the named one's (the one a one-off task's override ran), else the first that logs. */
  protected logTarget(
    td: TaskDefinition,
    task: Task,
    containerName?: string,
  ): { group: string; stream: string } | undefined {
    const logs = (c: ContainerDefinition) => c.logConfiguration?.logDriver === 'awslogs';
    const container =
      containerName === undefined
        ? td.containerDefinitions.find(logs)
        : td.containerDefinitions.find((c) => c.name === containerName && logs(c));
    const options = container?.logConfiguration?.options ?? {};
    const group = options['awslogs-group'];
    if (!container || !group) return undefined;
    const prefix = options['awslogs-stream-prefix'];
    const id = task.taskArn.split('/').pop()!;
    return { group, stream: prefix ? `${prefix}/${container.name}/${id}` : id };
  }

  /** Why the awslogs driver would refuse to start this task's containers, if it would. */
  protected logProblem(td: TaskDefinition): string | undefined {
    if (!this.logs) return undefined;
    for (const c of td.containerDefinitions) {
      const options =
        c.logConfiguration?.logDriver === 'awslogs' ? (c.logConfiguration.options ?? {}) : undefined;
      const group = options?.['awslogs-group'];
      if (!group || this.logs.groups.has(group) || options['awslogs-create-group'] === 'true') continue;
      return (
        'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ' +
        'failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1'
      );
    }
    return undefined;
  }

  protected markStarted(task: Task, td: TaskDefinition, now: Date): void {
    task.lastStatus = 'RUNNING';
    task.pullStartedAt ??= now;
    task.pullStoppedAt ??= now;
    task.startedAt ??= now;
    task.connectivity = 'CONNECTED';
    task.connectivityAt ??= now;
    for (const a of task.attachments) a.status = 'ATTACHED';
    task.containers.forEach((c, i) => {
      c.runtimeId ??= `${task.taskArn.split('/').pop()}-${1000000000 + this.addresses * 7 + i}`;
      c.lastStatus = 'RUNNING';
      for (const agent of c.managedAgents ?? []) {
        agent.lastStatus = 'RUNNING';
        agent.lastStartedAt = now;
      }
    });
    if (this.logs) {
      for (const c of td.containerDefinitions) {
        const options = c.logConfiguration?.logDriver === 'awslogs' ? c.logConfiguration.options : undefined;
        const group = options?.['awslogs-group'];
        if (!group) continue;
        if (!this.logs.groups.has(group)) this.logs.seedGroup(group);
        const id = task.taskArn.split('/').pop()!;
        const prefix = options['awslogs-stream-prefix'];
        this.logs.ensureStream(group, prefix ? `${prefix}/${c.name}/${id}` : id);
      }
    }
    task.version++;
    this.changes++;
  }

  protected requestStop(task: Task, code: string, reason: string): void {
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = this.ctx.now();
    task.version++;
    this.runs.get(task.taskArn)!.stop = { code, reason };
    this.changes++;
  }

  protected stop(task: Task, now: Date, code: string, reason: string, exitCode?: number): void {
    const started = task.startedAt !== undefined;
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppingAt ??= now;
    task.stoppedAt = now;
    task.executionStoppedAt = now;
    task.stopCode = code;
    task.stoppedReason = reason;
    task.connectivity = 'DISCONNECTED';
    for (const a of task.attachments) a.status = 'DELETED';
    task.containers.forEach((c, i) => {
      c.lastStatus = 'STOPPED';
      // Only the essential (first) container carries the reported exit code; a container that never
      // started has none.
      if (started) c.exitCode = i === 0 && exitCode !== undefined ? exitCode : (c.exitCode ?? 0);
      if (!started && code === 'TaskFailedToStart') c.reason = reason;
      for (const agent of c.managedAgents ?? []) agent.lastStatus = 'STOPPED';
    });
    task.version++;
    this.changes++;
    const run = this.runs.get(task.taskArn);
    if (run?.serviceArn && (code === 'EssentialContainerExited' || code === 'TaskFailedToStart')) {
      const service = this.services.get(run.serviceArn);
      const deployment = service?.deployments.find((d) => d.id === run.deploymentId);
      if (deployment) deployment.failedTasks++;
      if (service) this.steady.delete(service.serviceArn);
    }
  }

  protected advanceTask(task: Task, now: Date): void {
    if (task.lastStatus === 'STOPPED') return;
    const run = this.runs.get(task.taskArn)!;
    if (task.desiredStatus === 'STOPPED') {
      const why = run.stop ?? { code: 'UserInitiated', reason: 'Task stopped by user' };
      if (task.lastStatus === 'RUNNING') {
        task.lastStatus = 'STOPPING';
        task.version++;
        this.changes++;
      } else if (
        task.lastStatus === 'STOPPING' &&
        now.getTime() - (task.stoppingAt ?? now).getTime() < this.stopMs
      ) {
        // Still stopping: the container has until its stop timeout to exit.
      } else {
        // SIGTERM from the agent: the process exits 143 unless it handles the signal.
        this.stop(task, now, why.code, why.reason, task.startedAt ? 143 : undefined);
      }
      return;
    }
    if (task.lastStatus === 'PROVISIONING') {
      task.lastStatus = 'PENDING';
      task.pullStartedAt = now;
      for (const a of task.attachments) a.status = 'ATTACHED';
      task.version++;
      this.changes++;
    } else if (task.lastStatus === 'PENDING' && !run.hooked) {
      task.pullStoppedAt = now;
      const td = this.taskDefinitions.get(task.taskDefinitionArn)!;
      if (run.initError) this.stop(task, now, 'TaskFailedToStart', run.initError);
      else if (run.fails) {
        this.markStarted(task, td, now);
        this.stop(task, now, 'EssentialContainerExited', 'Essential container in task exited', 1);
      } else this.markStarted(task, td, now);
    } else if (task.lastStatus === 'PENDING' && run.hooked) {
      // A one-off task waiting for its hook looks like any running task meanwhile.
      this.markStarted(task, this.taskDefinitions.get(task.taskDefinitionArn)!, now);
    }
  }

  protected propagatedTags(service: Service, td: TaskDefinition): EcsTag[] {
    const tags =
      service.propagateTags === 'SERVICE'
        ? this.tagsOf(service.serviceArn)
        : service.propagateTags === 'TASK_DEFINITION'
          ? this.tagsOf(td.taskDefinitionArn)
          : [];
    if (service.enableECSManagedTags) {
      tags.push(
        { key: 'aws:ecs:serviceName', value: service.serviceName },
        { key: 'aws:ecs:clusterName', value: this.clusterNameOf(service.clusterArn) },
      );
    }
    return tags;
  }
}
