// Services in the ECS fake: create, update, describe, delete, rolling deployments with the circuit
// breaker and its rollback, scaling by Application Auto Scaling, and each service's steps.
import { RequestMembers, copyOf, pageOf, pageSize } from '../json-protocol.js';
import { callerArn } from '../sts.js';
import type {
  Deployment,
  DeploymentConfiguration,
  EcsTag,
  LoadBalancer,
  NetworkConfiguration,
  Service,
  Task,
  TaskDefinition,
} from './types.js';
import { EcsTasks } from './tasks.js';
import { FARGATE_PLATFORM, NAME } from './store.js';

export class EcsServices extends EcsTasks {
  /** Set a service's desired count as Application Auto Scaling does (no deployment, no event). */
  scaleService(resourceId: string, desiredCount: number): void {
    const [, cluster, name] = resourceId.split('/');
    const service = cluster && name ? this.service(cluster, name) : undefined;
    if (!service || service.status !== 'ACTIVE') return;
    service.desiredCount = desiredCount;
    service.deployments[0]!.desiredCount = desiredCount;
    this.touch(service);
  }

  protected newDeployment(service: Service, td: TaskDefinition, reason = ''): Deployment {
    const now = this.ctx.now();
    return {
      id: this.deploymentId(),
      status: 'PRIMARY',
      taskDefinition: td.taskDefinitionArn,
      desiredCount: service.desiredCount,
      pendingCount: 0,
      runningCount: 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      launchType: service.launchType,
      capacityProviderStrategy: copyOf(service.capacityProviderStrategy),
      platformVersion: this.isFargate(service) ? FARGATE_PLATFORM : undefined,
      platformFamily: 'Linux',
      networkConfiguration: copyOf(service.networkConfiguration),
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: reason || 'ECS deployment in progress.',
    };
  }

  protected deploymentConfiguration(
    given: Partial<DeploymentConfiguration> | undefined,
    base?: DeploymentConfiguration,
  ): DeploymentConfiguration {
    const merged = {
      ...(base ?? { maximumPercent: 200, minimumHealthyPercent: 100 }),
      ...copyOf(given ?? {}),
    };
    return {
      ...merged,
      maximumPercent: merged.maximumPercent ?? 200,
      minimumHealthyPercent: merged.minimumHealthyPercent ?? 100,
      deploymentCircuitBreaker: {
        enable: Boolean(merged.deploymentCircuitBreaker?.enable),
        rollback: Boolean(merged.deploymentCircuitBreaker?.rollback),
      },
    };
  }

  protected createService(m: RequestMembers): Service {
    const cluster = this.cluster(m);
    const name = m.string('serviceName');
    if (!NAME.test(name))
      throw this.invalid('Service names can contain up to 255 letters, numbers, hyphens and underscores.');
    const existing = this.service(cluster.clusterName, name);
    if (existing?.status === 'ACTIVE') throw this.invalid('Creation of service was not idempotent.');
    if (existing?.status === 'DRAINING')
      throw this.invalid('Unable to Start a service that is still Draining.');
    const td = this.usableTaskDefinition(m.string('taskDefinition'));
    const desiredCount = m.optNumber('desiredCount');
    if (desiredCount === undefined)
      throw this.invalid('desiredCount is required for services with the REPLICA scheduling strategy.');
    if (desiredCount < 0) throw this.invalid('desiredCount cannot be negative.');
    const launch = this.resolveLaunch(m, cluster);
    const network = m.raw<NetworkConfiguration>('networkConfiguration');
    this.checkPlacement(td, launch, network);
    const loadBalancers = copyOf(m.optList<LoadBalancer>('loadBalancers') ?? []);
    this.checkLoadBalancers(td, loadBalancers);
    const grace = m.optNumber('healthCheckGracePeriodSeconds');
    if (grace !== undefined && loadBalancers.length === 0) {
      throw this.invalid(
        'Health check grace period is only valid for services configured to use load balancers',
      );
    }
    const tags = this.validTags(m.optList<EcsTag>('tags'));
    const arn = this.ctx.arn('ecs', `service/${cluster.clusterName}/${name}`);
    const service: Service = {
      serviceArn: arn,
      serviceName: name,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      ...launch,
      platformVersion: this.isFargate(launch) ? (m.optString('platformVersion') ?? 'LATEST') : undefined,
      platformFamily: 'Linux',
      taskDefinition: td.taskDefinitionArn,
      deploymentConfiguration: this.deploymentConfiguration(m.raw('deploymentConfiguration')),
      deployments: [],
      roleArn: loadBalancers.length
        ? `arn:aws:iam::${this.ctx.accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`
        : undefined,
      events: [],
      createdAt: this.ctx.now(),
      createdBy: callerArn(this.ctx),
      loadBalancers,
      serviceRegistries: copyOf(m.optList('serviceRegistries') ?? []),
      networkConfiguration: copyOf(network),
      healthCheckGracePeriodSeconds: grace ?? (loadBalancers.length ? 0 : undefined),
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      enableECSManagedTags: m.bool('enableECSManagedTags'),
      propagateTags: m.optString('propagateTags') ?? 'NONE',
      enableExecuteCommand: m.bool('enableExecuteCommand'),
      placementConstraints: copyOf(m.optList('placementConstraints') ?? []),
      placementStrategy: copyOf(m.optList('placementStrategy') ?? []),
    };
    service.deployments = [this.newDeployment(service, td)];
    // A name reused after deletion is a new service: forget the old one's history.
    this.lastCompleted.delete(arn);
    this.steady.delete(arn);
    this.services.set(arn, service);
    this.setTags(arn, tags);
    this.changes++;
    return service;
  }

  protected updateService(m: RequestMembers): Service {
    const cluster = this.cluster(m);
    const service = this.activeService(cluster, m.string('service'));
    const primary = service.deployments[0]!;
    let td = this.taskDefinitionOf(primary.taskDefinition, () => this.invalid('TaskDefinition not found.'));
    let redeploy = m.bool('forceNewDeployment');
    const tdRef = m.optString('taskDefinition');
    if (tdRef !== undefined) {
      const next = this.usableTaskDefinition(tdRef);
      if (next.taskDefinitionArn !== primary.taskDefinition) redeploy = true;
      td = next;
    }
    if (m.optString('launchType') !== undefined || m.optList('capacityProviderStrategy') !== undefined) {
      const launch = this.resolveLaunch(m, cluster);
      service.launchType = launch.launchType;
      service.capacityProviderStrategy = launch.capacityProviderStrategy;
      redeploy = true;
    }
    const network = m.raw<NetworkConfiguration>('networkConfiguration');
    const loadBalancers = m.optList<LoadBalancer>('loadBalancers');
    this.checkPlacement(td, service, network ?? service.networkConfiguration);
    this.checkLoadBalancers(td, loadBalancers ?? service.loadBalancers);
    if (network !== undefined && JSON.stringify(network) !== JSON.stringify(service.networkConfiguration)) {
      service.networkConfiguration = copyOf(network);
      redeploy = true;
    }
    if (
      loadBalancers !== undefined &&
      JSON.stringify(loadBalancers) !== JSON.stringify(service.loadBalancers)
    ) {
      service.loadBalancers = copyOf(loadBalancers);
      redeploy = true;
    }
    const platformVersion = m.optString('platformVersion');
    if (platformVersion !== undefined && platformVersion !== service.platformVersion) {
      service.platformVersion = platformVersion;
      redeploy = true;
    }
    const grace = m.optNumber('healthCheckGracePeriodSeconds');
    if (grace !== undefined) {
      if (service.loadBalancers.length === 0) {
        throw this.invalid(
          'Health check grace period is only valid for services configured to use load balancers',
        );
      }
      service.healthCheckGracePeriodSeconds = grace;
    }
    const config = m.raw<Partial<DeploymentConfiguration>>('deploymentConfiguration');
    if (config !== undefined)
      service.deploymentConfiguration = this.deploymentConfiguration(config, service.deploymentConfiguration);
    const exec = m.optBool('enableExecuteCommand');
    if (exec !== undefined) service.enableExecuteCommand = exec;
    const managedTags = m.optBool('enableECSManagedTags');
    if (managedTags !== undefined) service.enableECSManagedTags = managedTags;
    const propagate = m.optString('propagateTags');
    if (propagate !== undefined) service.propagateTags = propagate;
    const registries = m.optList('serviceRegistries');
    if (registries !== undefined) service.serviceRegistries = copyOf(registries);
    // The desired count changes only when given: auto scaling may own it.
    const desired = m.optNumber('desiredCount');
    if (desired !== undefined) {
      if (desired < 0) throw this.invalid('desiredCount cannot be negative.');
      service.desiredCount = desired;
      primary.desiredCount = desired;
    }
    if (redeploy) {
      primary.status = 'ACTIVE';
      primary.updatedAt = this.ctx.now();
      service.taskDefinition = td.taskDefinitionArn;
      service.deployments.unshift(this.newDeployment(service, td));
    }
    this.touch(service);
    return service;
  }

  protected describeServices(m: RequestMembers): unknown {
    const { found, failures } = this.describeEach(
      m,
      { member: 'services', noun: 'Services', max: 10, path: 'service' },
      (cluster, ref) => this.serviceIn(cluster, ref),
      (service) => service.serviceArn,
    );
    return { services: found, failures };
  }

  protected listServices(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const max = pageSize(m.optNumber('maxResults'), { default: 10, max: 100 }, (msg) => this.invalid(msg));
    const launchType = m.optString('launchType');
    const all = [...this.services.values()]
      .filter(
        (s) =>
          s.clusterArn === cluster.clusterArn &&
          s.status !== 'INACTIVE' &&
          (launchType === undefined || s.launchType === launchType),
      )
      .map((s) => s.serviceArn);
    const page = pageOf(all, m.optString('nextToken'), max, () => this.invalid('Invalid nextToken.'));
    return { serviceArns: page.items, nextToken: page.nextToken };
  }

  protected deleteService(m: RequestMembers): Service {
    const cluster = this.cluster(m);
    const service = this.activeService(cluster, m.string('service'));
    if (service.desiredCount > 0 && !m.bool('force')) {
      throw this.invalid('The service cannot be stopped while it is scaled above 0.');
    }
    service.desiredCount = 0;
    for (const d of service.deployments) d.desiredCount = 0;
    service.status = 'DRAINING';
    this.touch(service);
    return service;
  }

  protected advanceService(service: Service, now: Date): void {
    if (service.status === 'INACTIVE') return;
    const tasksOf = (d: Deployment) => this.deploymentTasks.get(d.id) ?? [];
    const live = (d: Deployment) => tasksOf(d).filter((t) => t.desiredStatus === 'RUNNING');
    const alive = (d: Deployment) => tasksOf(d).filter((t) => t.lastStatus !== 'STOPPED');
    const running = (d: Deployment) =>
      tasksOf(d).filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
    const stopAll = (tasks: Task[], by: Deployment | undefined) => {
      if (tasks.length === 0) return;
      const reason = by ? `Scaling activity initiated by (deployment ${by.id})` : 'Service is being deleted';
      for (const t of tasks) this.requestStop(t, 'ServiceSchedulerInitiated', reason);
      const started = tasks.filter((t) => t.lastStatus === 'RUNNING');
      if (started.length)
        this.event(service, `has stopped ${started.length} running tasks: ${this.taskList(started)}.`);
    };

    if (service.status === 'DRAINING') {
      for (const d of service.deployments) stopAll(live(d), undefined);
      if (service.deployments.every((d) => alive(d).length === 0)) {
        service.status = 'INACTIVE';
        this.changes++;
      }
      this.count(service, tasksOf);
      return;
    }

    // The circuit breaker first (or AWS's warning when it is off): a failed deployment starts no more
    // tasks, and a rollback becomes the primary deployment at once.
    const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
    const current = service.deployments[0]!;
    if (
      current.rolloutState === 'IN_PROGRESS' &&
      current.failedTasks >= this.failureThreshold(current.desiredCount)
    ) {
      if (breaker.enable) {
        current.rolloutState = 'FAILED';
        current.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
        current.updatedAt = now;
        this.event(service, `(deployment ${current.id}) deployment failed: tasks failed to start.`);
        stopAll(live(current), current);
        const target = this.lastCompleted.get(service.serviceArn);
        if (breaker.rollback && target) {
          const td = this.taskDefinitions.get(target.taskDefinition)!;
          current.status = 'ACTIVE';
          service.taskDefinition = td.taskDefinitionArn;
          const rollback = this.newDeployment(
            service,
            td,
            `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`,
          );
          service.deployments.unshift(rollback);
          this.event(service, `rolling back to deployment ${target.id}.`);
        }
        this.changes++;
      } else if (!this.announced.has(`${current.id}:failing`)) {
        this.announced.add(`${current.id}:failing`);
        this.event(
          service,
          'is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
        );
      }
    }

    const [primary, ...older] = service.deployments as [Deployment, ...Deployment[]];
    // Start what the primary deployment lacks, or stop what it has too many of.
    if (primary.rolloutState !== 'FAILED') {
      const placed = live(primary);
      const missing = primary.desiredCount - placed.length;
      if (missing > 0) {
        if (!this.isFargate(service)) {
          if (!this.announced.has(`${primary.id}:placement`)) {
            this.announced.add(`${primary.id}:placement`);
            this.event(
              service,
              'was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster.',
            );
          }
        } else {
          const td = this.taskDefinitions.get(primary.taskDefinition)!;
          const cluster = this.clusters.get(this.clusterNameOf(service.clusterArn))!;
          const started: Task[] = [];
          for (let i = 0; i < missing; i++) {
            const task = this.placeTask(cluster, td, {
              group: `service:${service.serviceName}`,
              startedBy: primary.id,
              launch: service,
              network: service.networkConfiguration,
              overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] },
              enableExecuteCommand: service.enableExecuteCommand,
              tags: this.propagatedTags(service, td),
              run: { serviceArn: service.serviceArn, deploymentId: primary.id, fails: false, hooked: false },
            });
            this.runs.get(task.taskArn)!.fails = this.taskFails(task, td);
            started.push(task);
          }
          this.event(service, `has started ${started.length} tasks: ${this.taskList(started)}.`);
        }
      } else if (missing < 0) {
        stopAll(placed.slice(0, -missing), primary);
      }
    }

    // Once the primary deployment is healthy, the older ones drain and then disappear.
    if (running(primary).length >= primary.desiredCount) {
      for (const d of older) stopAll(live(d), primary);
      const remaining = older.filter((d) => alive(d).length > 0);
      if (remaining.length !== older.length) {
        service.deployments = [primary, ...remaining];
        this.changes++;
      }
    }

    this.count(service, tasksOf);

    // Completion and steady state.
    const steadyNow =
      service.deployments.length === 1 &&
      primary.rolloutState !== 'FAILED' &&
      running(primary).length === primary.desiredCount &&
      alive(primary).length === primary.desiredCount;
    if (steadyNow && primary.rolloutState === 'IN_PROGRESS') {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = now;
      this.lastCompleted.set(service.serviceArn, primary);
      this.event(service, `(deployment ${primary.id}) deployment completed.`);
      this.changes++;
    }
    if (steadyNow && !this.steady.has(service.serviceArn)) {
      this.steady.add(service.serviceArn);
      this.event(service, 'has reached a steady state.');
      this.changes++;
    }
  }

  protected count(service: Service, tasksOf: (d: Deployment) => Task[]): void {
    let running = 0;
    let pending = 0;
    for (const d of service.deployments) {
      const tasks = tasksOf(d);
      d.runningCount = tasks.filter((t) => t.lastStatus === 'RUNNING').length;
      d.pendingCount = tasks.filter(
        (t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING',
      ).length;
      running += d.runningCount;
      pending += d.pendingCount;
    }
    service.runningCount = running;
    service.pendingCount = pending;
  }
}
