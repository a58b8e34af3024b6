// Every resource the suite creates carries the suite's tags and the platform's (a cost centre), and
// every log group keeps the platform's retention: the fake's whole inventory, with tags, after a life
// of deploys, a cron run log, a purge-less destroy (what it keeps) and a redeploy.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  createAwsClients,
  CronRunLog,
  destroyAwsClients,
  type CronJoblogLine,
  SUITE_NAME,
  TAG_MANAGED_BY,
} from '@moodle-preview/core';
import type { ResourceRecord } from '@moodle-preview/aws-fake';
import { useMariaDb } from '../servers/mariadb.js';
import { destroy } from '../destroy/world.js';
import { createWorld, minimalSettings, type World } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PLATFORM_TAGS = { 'cost-centre': 'digital-education', project: 'previews' };
/** What the platform (the tests' seeding) made: not the suite's to tag. */
const SEEDED = new Set([
  'ecs:cluster moodle_cluster',
  'secretsmanager:secret moodle-preview/rds-admin',
  'elbv2:load-balancer mdl-fargate-app',
]);
/** AWS has no tags on these (the Service Authorization Reference lists no tag condition keys for them). */
const UNTAGGABLE = new Set(['application-autoscaling:scaling-policy']);

/** Resources the suite made that lack a required tag, or log groups without the platform's retention. */
function problems(resources: ResourceRecord[], retention: number): string[] {
  return resources.flatMap((r) => {
    const id = `${r.kind} ${r.name}`;
    if (SEEDED.has(id) || r.kind === 'elbv2:listener' || UNTAGGABLE.has(r.kind)) return [];
    const want = { ...PLATFORM_TAGS, [TAG_MANAGED_BY]: SUITE_NAME };
    const missing = Object.entries(want)
      .filter(([k, v]) => r.tags?.[k] !== v)
      .map(([k]) => k);
    return [
      ...(missing.length ? [`${id}: no ${missing.join(', ')}`] : []),
      ...(r.kind === 'logs:log-group' && r.retentionInDays !== retention
        ? [`${id}: retention ${r.retentionInDays ?? 'forever'}`]
        : []),
    ];
  });
}

describe('tags and retention of everything the suite creates', () => {
  it('holds for every resource after deploys, a cron run log, a destroy and a redeploy', async () => {
    world = await createWorld(mariadb());
    world.platformText = world.platformText
      .replace(/retention_days: 30/, 'retention_days: 14')
      .replace(
        /tags:\n {2}cost-centre: digital-education/,
        'tags:\n  cost-centre: digital-education\n  project: previews',
      );
    expect(world.platformText).toContain('project: previews');

    await world.deploy(minimalSettings('life-a'));
    await world.deploy(minimalSettings('life-b'));
    // The shared cron run log, as run-cron-fanout creates it with the platform's tags and retention.
    const clients = createAwsClients({ region: world.fake.server.region });
    try {
      const runLog = new CronRunLog(clients.logs, '/moodle-preview/cron', {
        retentionInDays: 14,
        tags: PLATFORM_TAGS,
      });
      const line: CronJoblogLine = {
        site: 'life-a',
        cluster: 'moodle_cluster',
        service: 'mdl-life-a',
        status: 'succeeded',
        start: new Date().toISOString(),
        durationMs: 5,
        exitCode: 0,
        bytes: 2,
        tail: ['ok'],
      };
      await runLog.write(line, 'ok');
    } finally {
      destroyAwsClients(clients);
    }
    await destroy(world, 'life-b');
    await world.deploy(minimalSettings('life-b'));

    const resources = world.fake.server.resources();
    const kinds = new Set(resources.map((r) => r.kind));
    // The inventory covers every kind a deploy makes (a missing kind would pass the check unseen).
    for (const kind of [
      'ecs:service',
      'ecs:task-definition',
      'elbv2:target-group',
      'elbv2:rule',
      'logs:log-group',
      'secretsmanager:secret',
      'ssm:parameter',
      'application-autoscaling:scalable-target',
    ])
      expect(kinds).toContain(kind);
    expect(resources.filter((r) => r.kind === 'logs:log-group').map((r) => r.name)).toEqual([
      '/moodle-preview/cron',
      '/moodle-preview/sites/life-a',
      '/moodle-preview/sites/life-b',
    ]);
    expect(problems(resources, 14)).toEqual([]);
    // Tasks are gone by now; each one-off task (SQL, moodledata) was started with both tags.
    const runTasks = world.fake.server.calls.filter((c) => c.action === 'RunTask' && !c.throttled);
    expect(runTasks.length).toBeGreaterThanOrEqual(4);
    for (const call of runTasks)
      expect(call.authorizations?.find((a) => a.action === 'ecs:RunTask')?.context).toMatchObject({
        'aws:RequestTag/cost-centre': 'digital-education',
        'aws:RequestTag/project': 'previews',
        [`aws:RequestTag/${TAG_MANAGED_BY}`]: SUITE_NAME,
      });
  });
});
