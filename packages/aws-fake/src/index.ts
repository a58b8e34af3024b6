// @moodle-preview/aws-fake: a stateful fake of the AWS services the suite calls, below the SDK.
// `createAwsFake()` builds the loopback server with every service registered and wired together.
import { AwsFakeServer, type AwsFakeOptions } from './server.js';
import { AutoscalingFake } from './services/application-autoscaling.js';
import { Ec2Fake } from './services/ec2.js';
import { EcsFake } from './services/ecs.js';
import { KmsFake } from './services/kms.js';
import { S3Fake } from './services/s3.js';
import { CostExplorerFake } from './services/cost-explorer.js';
import { Elbv2Fake, type Elbv2Limits } from './services/elbv2.js';
import { LogsFake } from './services/logs.js';
import { SecretsFake } from './services/secretsmanager.js';
import { SchedulerFake } from './services/scheduler.js';
import { SsmFake } from './services/ssm.js';
import { StsFake } from './services/sts.js';

export * from './errors.js';
export * from './types.js';
export { AwsFakeServer, type AwsFakeOptions } from './server.js';
export * from './rate-limit.js';
export * from './services/application-autoscaling.js';
export * from './services/ec2.js';
export * from './services/ecs.js';
export * from './services/kms.js';
export * from './services/s3.js';
export * from './services/cost-explorer.js';
export * from './services/elbv2.js';
export * from './services/logs.js';
export * from './services/secretsmanager.js';
export * from './services/scheduler.js';
export * from './services/ssm.js';
export * from './services/sts.js';

export interface CreateAwsFakeOptions extends AwsFakeOptions {
  /** Create ECS clusters the first time a call names them (default true). */
  autoCreateClusters?: boolean;
  /** ELBv2 quotas, lowered by tests that reach a full ALB cheaply. */
  elbv2Limits?: Partial<Elbv2Limits>;
}

export interface AwsFake {
  server: AwsFakeServer;
  ecs: EcsFake;
  autoscaling: AutoscalingFake;
  logs: LogsFake;
  ssm: SsmFake;
  secrets: SecretsFake;
  sts: StsFake;
  elbv2: Elbv2Fake;
  kms: KmsFake;
  /** S3 has its own loopback listener (REST-XML); its calls go to `server.calls` too. */
  s3: S3Fake;
  ec2: Ec2Fake;
  /** Cost Explorer: the costs a test seeds, grouped as AWS groups them. */
  ce: CostExplorerFake;
  /** EventBridge Scheduler: schedule groups and schedules; `fire` runs one's target as its role. */
  scheduler: SchedulerFake;
  /** Start the loopback server; answers its endpoint. */
  listen(): Promise<string>;
  close(): Promise<void>;
  /** The environment that points SDK clients (and child processes) at the fake. */
  env(): Record<string, string>;
  /** Every live resource, by kind (`ecs:service`, `logs:log-group`, …), names sorted. */
  inventory(): Record<string, string[]>;
}

/** Every service the suite calls, registered on one server; call `listen()` before use. */
export function createAwsFake(options: CreateAwsFakeOptions = {}): AwsFake {
  const server = new AwsFakeServer(options);
  const ctx = server.ctx;
  const logs = new LogsFake(ctx);
  // ECS writes task output to the logs fake and refuses to start tasks whose log group is missing.
  const ecs = new EcsFake(ctx, { logs, autoCreateClusters: options.autoCreateClusters });
  // Auto scaling moves an ECS service's desired count, as the real one does when bounds exclude it.
  const autoscaling = new AutoscalingFake(ctx, {
    capacityOf: (target) => {
      if (target.ServiceNamespace !== 'ecs') return undefined;
      const [, cluster, name] = target.ResourceId.split('/');
      const service = ecs.service(cluster ?? '', name ?? '');
      return service?.status === 'ACTIVE' ? service.desiredCount : undefined;
    },
    onCapacity: (target, capacity) => {
      if (target.ServiceNamespace === 'ecs') ecs.scaleService(target.ResourceId, capacity);
    },
  });
  const ssm = new SsmFake(ctx);
  const secrets = new SecretsFake(ctx);
  const sts = new StsFake(ctx);
  const elbv2 = new Elbv2Fake(ctx, options.elbv2Limits);
  for (const service of [ecs, autoscaling, logs, ssm, secrets, sts, elbv2]) server.register(service);
  const kms = new KmsFake(ctx);
  server.register(kms);
  const s3 = new S3Fake(ctx, server.calls);
  const ec2 = new Ec2Fake(ctx);
  server.register(ec2);
  const ce = new CostExplorerFake();
  server.register(ce);
  const scheduler = new SchedulerFake(ctx);
  scheduler.invokeAs = (principal, signingName, action, params) =>
    server.invokeAs(principal, signingName, action, params);
  server.register(scheduler);
  return {
    server,
    ecs,
    autoscaling,
    logs,
    ssm,
    secrets,
    sts,
    elbv2,
    kms,
    s3,
    ec2,
    ce,
    scheduler,
    listen: async () => {
      await s3.listen();
      return server.listen();
    },
    close: async () => {
      await s3.close();
      await server.close();
    },
    env: () => ({ ...server.env(), ...s3.env() }),
    inventory: () => server.inventory(),
  };
}
