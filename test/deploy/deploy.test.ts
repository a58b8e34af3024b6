// deploy-instance's engine against the stateful AWS fake (SDK retry and waiters running) and a real
// MariaDB: first deploy, no-op redeploy, updates, dry-run, and refusals that change nothing.
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { AwsServiceError } from '@moodle-preview/aws-fake';
import {
  ConfigurationError,
  createAwsClients,
  DeploymentFailedError,
  destroyAwsClients,
  pauseCron,
  preferredRulePriority,
  SiteRegistry,
} from '@moodle-preview/core';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import {
  createWorld,
  EXAMPLE_SETTINGS,
  expectOneSite,
  LISTENER_ARN,
  minimalSettings,
  type World,
} from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const changedIds = (r: { inspections: { id: string; action: string }[] }) =>
  r.inspections
    .filter((i) => i.action !== 'none')
    .map((i) => i.id)
    .sort();

describe('deploy-instance engine', () => {
  it('creates each resource once, then a redeploy reads and changes nothing', async () => {
    world = await createWorld(mariadb());
    const first = await world.deploy();
    expect(first.changed).toBe(true);
    expect(
      first.inspections
        .filter((i) => i.action === 'create')
        .map((i) => i.id)
        .sort(),
    ).toEqual(
      [
        'cronRegistration',
        'databases',
        'dbSecret',
        'dbUser',
        'listenerRule',
        'logGroup',
        'moodledata',
        'scalingPolicy',
        'scalingTarget',
        'service',
        'siteRegistration',
        'targetGroup',
        'taskDefinition',
      ].sort(),
    );
    expect(first.deploymentId).toMatch(/^ecs-svc\//);
    expectOneSite(world);
    // The real databases exist, made by the SQL task's script with the mysql client.
    const conn = await adminConnection(mariadb());
    const [dbs] = await conn.query(
      "SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('moodle_42_demo','mim_42_demo') ORDER BY 1",
    );
    await conn.end();
    expect((dbs as { n: string }[]).map((r) => r.n)).toEqual(['mim_42_demo', 'moodle_42_demo']);
    // The moodledata folder and the cron log folder were made by the one-off task.
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${world.efsRoot}/4-demo-2026-11`)).toBe(true);
    expect(existsSync(`${world.efsRoot}/cron_logs`)).toBe(true);
    // The password was generated into Secrets Manager and never logged.
    const password = JSON.parse(world.fake.secrets.current('moodle-preview/sites/4-demo/db')!)
      .password as string;
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(first.log.join('\n')).not.toContain(password);

    world.fake.server.resetCalls();
    const second = await world.deploy();
    expect(changedIds(second)).toEqual([]);
    expect(second.changed).toBe(false);
    expect(world.fake.server.count({ mutating: false })).toBeGreaterThan(0);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(second.arns.service).toBe(first.arns.service);
    expect(second.arns.taskDefinition).toBe(first.arns.taskDefinition);
    expect(JSON.parse(world.fake.secrets.current('moodle-preview/sites/4-demo/db')!).password).toBe(password);
  });

  it('updates exactly what a settings change moves, keeping the desired count auto scaling set', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    world.fake.autoscaling.scale('service/moodle_cluster/mdl-4-demo', 3);
    world.fake.server.resetCalls();
    const changed = await world.deploy(EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072'));
    // More memory costs more: the registry entry's recorded estimate moves with it.
    expect(changedIds(changed)).toEqual(['service', 'siteRegistration', 'taskDefinition']);
    expect(changed.inspections.find((i) => i.id === 'siteRegistration')!.changes).toEqual([
      'estimate: 41.48 USD → 45.21 USD a month',
    ]);
    expect(changed.inspections.find((i) => i.id === 'taskDefinition')!.changes).toEqual([
      'memory: "2048" → "3072"',
    ]);
    expect(changed.arns.taskDefinition).toMatch(/mdl_ecs_task_def-4-demo:2$/);
    expect(world.fake.server.count({ action: 'RegisterTaskDefinition' })).toBe(1);
    const updates = world.fake.server.calls.filter((c) => c.action === 'UpdateService' && !c.throttled);
    expect(updates).toHaveLength(1);
    expect(world.fake.ecs.service('moodle_cluster', 'mdl-4-demo')!.desiredCount).toBe(3);
    expect(changed.deploymentId).toBeDefined();
    expectOneSiteRevisions(world, 2);
  });

  it('a dry run reads, reports and changes nothing', async () => {
    world = await createWorld(mariadb());
    const dry = await world.deploy(EXAMPLE_SETTINGS, { dryRun: true });
    expect(dry.changed).toBe(true);
    // Only what needs no call to make: redis (shared), and the schedule and sleep page of a site
    // awake always.
    expect(dry.inspections.filter((i) => i.action === 'none').map((i) => i.id)).toEqual([
      'redis',
      'scheduledActions',
      'sleepPage',
    ]);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(world.fake.server.count()).toBeGreaterThan(0);
    expect(world.fake.inventory()['ecs:service']).toBeUndefined();
  });

  it('fails with the events and stopped-task reasons when the circuit breaker rolls back', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    const broken = EXAMPLE_SETTINGS.replace(
      'site_folder: moodle',
      'site_folder: moodle\npreview_docker_img: registry.example/fail-image:{{php_version}}',
    );
    const error = await world.deploy(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentFailedError);
    const message = (error as Error).message;
    expect(message).toMatch(/failed and the service rolled back to mdl_ecs_task_def-4-demo:1/);
    expect(message).toMatch(/stopped tasks:\n.*Essential container in task exited/);
  });

  it('records the repository and branch deployed from; a deploy without one keeps it', async () => {
    world = await createWorld(mariadb());
    const source = { repository: 'example-org/moodle-build', branch: 'feature-x' };
    const entry = () =>
      JSON.parse(world!.fake.ssm.parameters.get('/moodle-preview/sites/4-demo')!.Value) as {
        deployedFrom?: unknown;
      };
    await world.deploy(EXAMPLE_SETTINGS, { source });
    expect(entry().deployedFrom).toEqual(source);
    const byHand = await world.deploy();
    expect(changedIds(byHand)).toEqual([]);
    expect(entry().deployedFrom).toEqual(source);
    const moved = await world.deploy(EXAMPLE_SETTINGS, { source: { ...source, branch: 'feature-y' } });
    expect(moved.inspections.find((i) => i.id === 'siteRegistration')?.changes).toEqual([
      'deployed from: example-org/moodle-build@feature-x → example-org/moodle-build@feature-y',
    ]);
    expect(entry().deployedFrom).toEqual({ ...source, branch: 'feature-y' });
  });

  it("reports the estimate the last deploy recorded, not this run's; a new or destroyed site has none", async () => {
    world = await createWorld(mariadb());
    const first = await world.deploy();
    expect(first.previousEstimate).toBeUndefined();
    const recorded = { monthly: 41.48, currency: 'USD' };
    const dry = await world.deploy(EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072'), {
      dryRun: true,
    });
    expect(dry.previousEstimate).toEqual(recorded);
    const same = await world.deploy();
    expect(same.changed).toBe(false);
    expect(same.previousEstimate).toEqual(recorded);
    const moved = await world.deploy(EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072'));
    expect(moved.previousEstimate).toEqual(recorded);
    expect((await world.deploy()).previousEstimate).toEqual({ monthly: 45.21, currency: 'USD' });
    // A destroyed site's entry keeps its last estimate, but nothing runs any more to compare with.
    const parameter = world.fake.ssm.parameters.get('/moodle-preview/sites/4-demo')!;
    parameter.Value = JSON.stringify({ ...JSON.parse(parameter.Value), destroyedAt: '2026-12-01T00:00:00Z' });
    expect((await world.deploy(EXAMPLE_SETTINGS, { dryRun: true })).previousEstimate).toBeUndefined();
  });

  it('waits for the deployment it started only when told to, and names none when it started none', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    world.fake.server.resetCalls();
    const unwaited = await world.deploy(EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072'), {
      wait: false,
    });
    expect(unwaited.deploymentId).toMatch(/^ecs-svc\//);
    expect(unwaited.log.join('\n')).not.toContain('Waiting for deployment');
    const calls = world.fake.server.calls.filter((c) => !c.throttled).map((c) => c.action);
    expect(calls.slice(calls.indexOf('UpdateService'))).not.toContain('DescribeServices');
    const bigger = EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 4096');
    const waited = await world.deploy(bigger);
    expect(waited.log.join('\n')).toContain(`Waiting for deployment ${waited.deploymentId}`);
    // A change that leaves the service alone (cron off: the registry entry only) starts no
    // deployment: there is none to name or wait for.
    const cronOff = await world.deploy(bigger.replace('cron: true', 'cron: false'));
    expect(changedIds(cronOff)).toEqual(['cronRegistration', 'siteRegistration']);
    expect(cronOff.deploymentId).toBeUndefined();
    expect(cronOff.log.join('\n')).not.toContain('Waiting for deployment');
  });

  it('keeps a cron pause through a redeploy: only resume clears it', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    const clients = createAwsClients({ region: 'eu-west-2' });
    try {
      const registry = new SiteRegistry(clients.ssm);
      await pauseCron(registry, '4-demo', { reason: 'upgrade to 4.5.3 under way', by: 'upgrade-db (run 9)' });
      // The entry is rewritten (its estimate moves with the memory), and the pause is kept in it.
      const again = await world.deploy(EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072'));
      expect(changedIds(again)).toEqual(['service', 'siteRegistration', 'taskDefinition']);
      const after = await registry.get('4-demo');
      expect(after?.cron?.paused).toMatchObject({ by: 'upgrade-db (run 9)' });
    } finally {
      destroyAwsClients(clients);
    }
  });

  it('switches cron off by removing the entry, and back on', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    const off = await world.deploy(EXAMPLE_SETTINGS.replace('cron: true', 'cron: false'));
    expect(changedIds(off)).toEqual(['cronRegistration', 'siteRegistration']);
    const entry = JSON.parse(world.fake.ssm.value('/moodle-preview/sites/4-demo')!);
    expect(entry.cron).toBeUndefined();
    const on = await world.deploy();
    expect(changedIds(on)).toEqual(['cronRegistration', 'siteRegistration']);
    expect(JSON.parse(world.fake.ssm.value('/moodle-preview/sites/4-demo')!).cron).toMatchObject({
      enabled: true,
      command: '/data/runcron.sh',
      service: 'mdl-4-demo',
      container: '4-demo',
      updatedBy: 'test',
    });
  });
});

/** One service, target group, rule…; the site's task definition with `revisions` revisions. */
function expectOneSiteRevisions(w: World, revisions: number): void {
  const inv = w.fake.inventory();
  expect(inv['ecs:task-definition']?.filter((t) => t.startsWith('mdl_ecs_task_def-4-demo:'))).toHaveLength(
    revisions,
  );
  expect(inv['ecs:service']).toEqual(['moodle_cluster/mdl-4-demo']);
  expect(inv['elbv2:rule']).toHaveLength(1);
  expect(inv['elbv2:target-group']).toEqual(['mdl-4-demo']);
}

describe('interrupted deploys', () => {
  it('are finished by the next run, after any single mutating call, with no duplicates', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    const total = world.fake.server.count({ mutating: true });
    await world.close();
    expect(total).toBeGreaterThan(10);
    for (let k = 1; k < total; k++) {
      world = await createWorld(mariadb());
      world.fake.server.interruptAfterMutations(k);
      await expect(world.deploy()).rejects.toThrow(/FakeInterrupted|interrupted/);
      world.fake.server.interruptAfterMutations(undefined);
      const rerun = await world.deploy();
      expect(rerun.changed).toBe(true);
      expectOneSite(world);
      world.fake.server.resetCalls();
      const settled = await world.deploy();
      expect([k, changedIds(settled)]).toEqual([k, []]);
      expect(world.fake.server.count({ mutating: true })).toBe(0);
      await world.close();
      world = undefined;
    }
  });
});

describe('throttling', () => {
  it('converges with a third of all calls throttled, through the SDK retry alone', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    const baseline = mutatingCounts(world);
    await world.close();

    world = await createWorld(mariadb());
    world.fake.server.setThrottle(1 / 3, 7);
    const result = await world.deploy();
    expect(result.changed).toBe(true);
    const throttled = world.fake.server.count({ throttled: true });
    expect(throttled).toBeGreaterThan(10);
    // Every throttled answer was retried by the SDK: the successful mutating calls are exactly those
    // of an unthrottled deploy, and each call the fake saw is either one of those or a retry.
    expect(mutatingCounts(world)).toEqual(baseline);
    expect(
      world.fake.server.calls.filter(
        (c) => c.throttled && c.error !== 'ThrottlingException' && c.error !== 'Throttling',
      ),
    ).toEqual([]);
    world.fake.server.setThrottle(0);
    expectOneSite(world);
  });
});

function mutatingCounts(w: World): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of w.fake.server.calls)
    if (c.mutating && !c.throttled && !c.error)
      counts[`${c.service}:${c.action}`] = (counts[`${c.service}:${c.action}`] ?? 0) + 1;
  return counts;
}

describe('refusals change nothing', () => {
  it('refuses data another live site uses, and takes it over only when told', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-a'));
    world.fake.server.resetCalls();
    const stealing = minimalSettings('site-b', 'preview_db_name: mdl_site_a\n');
    const error = await world.deploy(stealing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /database mdl_site_a \(used by site site-a\).*takeover: site-a/s,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    const moodledata = await world
      .deploy(minimalSettings('site-c', 'moodledata_folder: site-a\n'))
      .catch((e: unknown) => e);
    expect((moodledata as Error).message).toMatch(/moodledata site-a \(used by site site-a\)/);
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    const taken = await world.deploy(stealing, { takeover: 'site-a' });
    expect(taken.changed).toBe(true);
    const a = JSON.parse(world.fake.ssm.value('/moodle-preview/sites/site-a')!);
    expect(a.retired).toEqual([
      {
        kind: 'database',
        name: 'mdl_site_a',
        since: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
        reason: 'taken over by site-b',
      },
    ]);
    // Now site-b owns it: its next deploy passes the guard without takeover.
    const again = await world.deploy(stealing);
    expect(again.changed).toBe(false);
  });

  it('finishes a takeover whose recording failed, though nothing else is left to change', async () => {
    world = await createWorld(mariadb());
    const w = world;
    await w.deploy(minimalSettings('site-a'));
    const stealing = minimalSettings('site-b', 'preview_db_name: mdl_site_a\n');
    // Every resource of site-b is made; writing site-a's entry (the takeover's record, last) fails.
    w.fake.server.beforeHandle = (_service, action, params) => {
      if (action === 'PutParameter' && params.Name === '/moodle-preview/sites/site-a')
        throw new AwsServiceError('ValidationException', 'injected: the run stops here', 400);
    };
    const failed = await w.deploy(stealing, { takeover: 'site-a' }).catch((e: unknown) => e);
    w.fake.server.beforeHandle = undefined;
    expect((failed as Error).message).toMatch(/injected/);
    expect(JSON.parse(w.fake.ssm.value('/moodle-preview/sites/site-a')!).retired ?? []).toEqual([]);
    // The next run finds nothing of site-b to change, and still records the takeover.
    w.fake.server.resetCalls();
    const resumed = await w.deploy(stealing, { takeover: 'site-a' });
    expect(changedIds(resumed)).toEqual([]);
    expect(resumed.changed).toBe(true);
    expect(mutatingCounts(w)).toEqual({ 'ssm:PutParameter': 1 });
    expect(JSON.parse(w.fake.ssm.value('/moodle-preview/sites/site-a')!).retired).toEqual([
      expect.objectContaining({ kind: 'database', name: 'mdl_site_a', reason: 'taken over by site-b' }),
    ]);
  });

  it('records the data a site stops using as retired, and never drops it', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    const refreshed = await world.deploy(
      EXAMPLE_SETTINGS.replace('preview_db_name: moodle_42_demo', 'preview_db_name: moodle_45_demo').replace(
        'moodledata_folder: 4-demo-2026-11',
        'moodledata_folder: 4-demo-2027-01',
      ),
    );
    expect(changedIds(refreshed)).toEqual([
      'databases',
      'dbUser',
      'moodledata',
      'service',
      'siteRegistration',
      'taskDefinition',
    ]);
    const entry = JSON.parse(world.fake.ssm.value('/moodle-preview/sites/4-demo')!);
    expect(entry.retired.map((r: { kind: string; name: string }) => `${r.kind} ${r.name}`)).toEqual([
      'database moodle_42_demo',
      'moodledata 4-demo-2026-11',
    ]);
    const conn = await adminConnection(mariadb());
    const [dbs] = await conn.query(
      "SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('moodle_42_demo','moodle_45_demo')",
    );
    await conn.end();
    expect((dbs as { n: number }[])[0]!.n).toBe(2);
  });

  it('starts no change after one has failed, and never tries what waited on it', async () => {
    world = await createWorld(mariadb());
    // The target group is refused at its first call (not retryable), while the log group and the DB
    // secret, which depend on nothing, are under way: those finish, nothing else starts. What waits
    // on the target group (the rule, the service) cannot run anyway; the task definition and the
    // databases wait only on the log group and the secret, which end after the refusal came back.
    world.fake.server.beforeHandle = (_service, action) => {
      if (action === 'CreateTargetGroup')
        throw new AwsServiceError('ValidationError', 'seeded: target group refused', 400);
    };
    const error = await world.deploy().catch((e: unknown) => e);
    expect((error as Error).message).toContain('seeded: target group refused');
    const tried = world.fake.server.calls.filter((c) => c.mutating).map((c) => c.action);
    expect(tried).toContain('CreateLogGroup');
    expect(tried).toContain('CreateSecret');
    for (const later of ['RegisterTaskDefinition', 'RunTask', 'CreateRule', 'CreateService'])
      expect([later, tried.includes(later)]).toEqual([later, false]);
    expect(readdirSync(world.efsRoot)).toEqual([]);
    // The next run, without the fault, finishes the site.
    world.fake.server.beforeHandle = undefined;
    await world.deploy();
    expectOneSite(world);
    expect(readdirSync(world.efsRoot).length).toBeGreaterThan(0);
  });

  it('refuses a full platform before any change', async () => {
    world = await createWorld(mariadb());
    const small = world.platformText.replace(
      '  https_listener_arns:',
      '  rules_per_load_balancer: 2\n  https_listener_arns:',
    );
    await world.deploy(minimalSettings('one'), { platformText: small });
    await world.deploy(minimalSettings('two'), { platformText: small });
    world.fake.server.resetCalls();
    const error = await world
      .deploy(minimalSettings('three'), { platformText: small })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /no load balancer has room for another rule \(limit 2 each; app\/mdl-fargate-app\/\S+: 2\).*alb\.https_listener_arns/,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it('refuses to touch a resource of the same name that the suite does not own', async () => {
    world = await createWorld(mariadb());
    const { ElasticLoadBalancingV2Client, CreateTargetGroupCommand } =
      await import('@aws-sdk/client-elastic-load-balancing-v2');
    const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-2' });
    await elb.send(
      new CreateTargetGroupCommand({
        Name: 'mdl-4-demo',
        Protocol: 'HTTP',
        Port: 80,
        VpcId: 'vpc-00738557910dc1bee',
        TargetType: 'ip',
      }),
    );
    elb.destroy();
    world.fake.server.resetCalls();
    const error = await world.deploy().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /target group mdl-4-demo already exists and is not tagged by moodle-preview-actions.*mdl-preview adopt/,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it("refuses a same-named resource the suite tagged for another site, another tool's, or one with only this site's tag", async () => {
    world = await createWorld(mariadb());
    const { ElasticLoadBalancingV2Client, CreateTargetGroupCommand } =
      await import('@aws-sdk/client-elastic-load-balancing-v2');
    const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-2' });
    const make = (name: string, tags: Record<string, string>) =>
      elb.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: 'vpc-00738557910dc1bee',
          TargetType: 'ip',
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    // The suite's own tags, but for another site (a rename, or a hand-copied tag): not this site's.
    await make('mdl-4-demo', {
      'moodle-preview:managed-by': 'moodle-preview-actions',
      'moodle-preview:site': 'another-site',
    });
    // Another tool's, with no site tag at all.
    await make('mdl-other-tool', { 'moodle-preview:managed-by': 'terraform' });
    // This site's tag without the suite's (copied by hand onto another tool's resource): not ours either.
    await make('mdl-copied', { 'moodle-preview:site': 'copied' });
    elb.destroy();
    world.fake.server.resetCalls();
    const error = await world.deploy().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^target group mdl-4-demo already exists and is managed by moodle-preview-actions for site another-site; the suite only changes what it owns/,
    );
    const other = await world.deploy(minimalSettings('other-tool')).catch((e: unknown) => e);
    expect((other as Error).message).toMatch(
      /^target group mdl-other-tool already exists and is managed by terraform for site \?;/,
    );
    const copied = await world.deploy(minimalSettings('copied')).catch((e: unknown) => e);
    expect((copied as Error).message).toMatch(
      /^target group mdl-copied already exists and is not tagged by moodle-preview-actions;/,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it('with direct DB access, leaves an existing database alone and a redeploy still changes nothing', async () => {
    world = await createWorld(mariadb());
    const conn = await adminConnection(mariadb());
    await conn.query('CREATE DATABASE IF NOT EXISTS legacy_latin1 CHARACTER SET latin1');
    await conn.end();
    const settings = minimalSettings('direct-site', 'preview_db_name: legacy_latin1\n');
    const first = await world.deploy(settings, { db: 'direct' });
    expect(first.inspections.find((i) => i.id === 'databases')!.action).not.toBe('none');
    world.fake.server.resetCalls();
    const again = await world.deploy(settings, { db: 'direct' });
    expect(changedIds(again)).toEqual([]);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(again.log.join('\n')).toMatch(/warning: .*legacy_latin1/);
  });

  it('refuses to deploy over a DB secret that a purge scheduled for deletion', async () => {
    world = await createWorld(mariadb());
    await world.deploy();
    const { SecretsManagerClient, DeleteSecretCommand } = await import('@aws-sdk/client-secrets-manager');
    const sm = new SecretsManagerClient({ region: 'eu-west-2' });
    await sm.send(
      new DeleteSecretCommand({ SecretId: 'moodle-preview/sites/4-demo/db', RecoveryWindowInDays: 7 }),
    );
    sm.destroy();
    world.fake.server.resetCalls();
    const error = await world.deploy().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /scheduled for deletion .*restore-secret --secret-id moodle-preview\/sites\/4-demo\/db/,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it('refuses without AWS credentials, before any call', async () => {
    world = await createWorld(mariadb());
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
    process.env.AWS_CONFIG_FILE = '/nonexistent';
    try {
      const error = await world.deploy().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(
        /no AWS credentials: run aws-actions\/configure-aws-credentials/,
      );
      expect(world.fake.server.count()).toBe(0);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});

describe('listener rule priorities', () => {
  it('takes the next free priority when a concurrent deploy wins the preferred one', async () => {
    world = await createWorld(mariadb());
    const w = world;
    const preferred = preferredRulePriority('4-demo');
    let raced = false;
    w.fake.server.beforeHandle = (service, action) => {
      if (service !== 'elasticloadbalancing' || action !== 'CreateRule' || raced) return;
      raced = true; // another site's deploy takes our priority just before our CreateRule lands
      w.fake.elbv2.handle(
        'CreateRule',
        {
          ListenerArn: LISTENER_ARN,
          Priority: String(preferred),
          Conditions: [
            { Field: 'host-header', HostHeaderConfig: { Values: ['other.preview-moodle.example.ac.uk'] } },
          ],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        },
        w.fake.server.ctx,
      );
    };
    const result = await w.deploy();
    expect(raced).toBe(true);
    expect(result.log.join('\n')).toContain(`rule priority ${preferred} was taken meanwhile`);
    const priorities = w.fake.elbv2
      .rules(LISTENER_ARN)
      .filter((r) => !r.IsDefault)
      .map((r) => Number(r.Priority))
      .sort((a, b) => a - b);
    expect(priorities).toEqual([preferred, preferred + 1]);
  });
});
