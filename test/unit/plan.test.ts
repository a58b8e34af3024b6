// The plan: golden output of the example site, exactly which resources each settings key moves,
// dependency order, purity and ownership tags.
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import {
  applyOrder,
  checkPlatformText,
  checkSiteText,
  diffPlans,
  planSite,
  resolveSite,
  siteSchema,
  TAG_MANAGED_BY,
  TAG_SITE,
  type ResourceId,
  type SitePlan,
} from '@moodle-preview/core';
import { stringify } from 'yaml';

const SETTINGS = 'workflows-examples/sites/4-demo/settings.yml';
const PLATFORM = 'workflows-examples/platform.yml';
const GOLDEN = 'test/golden/plan-4-demo.json';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  return { code, stdout, stderr };
}

const platformText = await readFile(PLATFORM, 'utf8');
// The example as the validator reads it (YAML's 8.0 stays "8.0"), defaults applied.
const baseSettings = { ...checkSiteText(SETTINGS, await readFile(SETTINGS, 'utf8')).value } as Record<
  string,
  unknown
>;

function planOf(settings: Record<string, unknown>, platformYaml = platformText): SitePlan {
  const site = checkSiteText('settings.yml', stringify(settings));
  const platform = checkPlatformText('platform.yml', platformYaml);
  expect([...site.problems, ...platform.problems]).toEqual([]);
  const resolved = resolveSite(site.value!, platform.value!, site.source);
  expect(resolved.problems).toEqual([]);
  return planSite(resolved.site!, platform.value!);
}

const basePlan = planOf(baseSettings);
const ALL = Object.keys(basePlan.resources) as ResourceId[];
const except = (...ids: ResourceId[]) => ALL.filter((id) => !ids.includes(id));

describe('mdl-preview plan', () => {
  it('--json equals the committed golden file', async () => {
    const { code, stdout, stderr } = await cli(['plan', SETTINGS, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    if (process.env.UPDATE_GOLDEN) await writeFile(GOLDEN, stdout);
    expect(stdout).toBe(await readFile(GOLDEN, 'utf8'));
    expect(JSON.parse(stdout)).toEqual(basePlan);
  });

  it('prints every resource for people, finding platform.yml by itself', async () => {
    const { code, stdout } = await cli(['plan', SETTINGS]);
    expect(code).toBe(0);
    for (const label of [
      'site registry',
      'cron',
      'db secret',
      'databases',
      'db user',
      'moodledata',
      'redis',
      'log group',
      'task definition',
      'target group',
      'listener rule',
      'service',
      'scaling target',
      'scaling policy',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${label} +\\S`, 'm'));
    }
    expect(stdout).toContain('host 4-demo.preview-moodle.example.ac.uk → target group mdl-4-demo');
  });

  it('refuses a second settings file and unknown options with a usage error', async () => {
    expect((await cli(['plan', SETTINGS, SETTINGS])).code).toBe(2);
    expect((await cli(['plan', SETTINGS, '--frobnicate'])).code).toBe(2);
    expect((await cli(['deploy'])).stderr).toMatch(/unknown command "deploy"/);
  });
});

// Each settings key changed in turn, and exactly the resources that must follow it.
const KEY_CHANGES: [key: string, value: unknown, changed: ResourceId[], also?: Record<string, unknown>][] = [
  ['preview_link', 'demo-x', except('databases', 'moodledata')],
  ['site_folder', 'moodle2', ['taskDefinition']],
  ['php_version', '8.1', ['taskDefinition']],
  ['preview_docker_img', 'registry.example/moodle:php{{php_version}}', ['taskDefinition']],
  ['auto_scaling_full_img', false, ['taskDefinition', 'service']],
  ['preview_db_host', 'other-db.example.internal', ['databases', 'taskDefinition', 'siteRegistration']],
  ['preview_db_host_read_replica', false, ['taskDefinition']],
  ['preview_db_port', 3307, ['databases', 'taskDefinition']],
  ['preview_db_name', 'moodle_43_demo', ['databases', 'dbUser', 'taskDefinition', 'siteRegistration']],
  ['preview_db_user', 'demo_user', ['dbUser', 'taskDefinition', 'siteRegistration']],
  ['mim_db_name', undefined, ['databases', 'dbUser', 'taskDefinition', 'siteRegistration']],
  ['redis_host', 'redis.example.internal', ['redis', 'taskDefinition']],
  ['redis_port', 6380, ['redis', 'taskDefinition']],
  ['redis_prefix', 'demo4_', ['redis', 'taskDefinition']],
  ['moodledata_folder', '4-demo-2027-01', ['moodledata', 'taskDefinition', 'siteRegistration']],
  ['cron', false, ['cronRegistration']],
  ['cpu', 512, ['taskDefinition']],
  ['memory', 3072, ['taskDefinition']],
  ['auto_scaling_min', 2, ['service', 'scalingTarget', 'siteRegistration']],
  ['auto_scaling_max', 6, ['scalingTarget', 'siteRegistration']],
  ['auto_scaling_cpu_target', 70, ['scalingPolicy']],
  // The rule's sleep page names the hours; its schedules switch the rule at them.
  ['awake', 'Mon-Fri 07:00-20:00', ['listenerRule', 'scheduledActions', 'siteRegistration', 'sleepPage']],
  ['pinned', false, ['siteRegistration']],
  // The example is pinned, and a pinned site takes no expires (a problem): this row also unpins it.
  ['expires', '2027-06-30', ['siteRegistration'], { pinned: false }],
];

describe('each settings key moves exactly its resources', () => {
  it('the table covers every key of the schema', () => {
    expect(KEY_CHANGES.map(([k]) => k).sort()).toEqual(Object.keys(siteSchema.shape).sort());
  });

  it.each(KEY_CHANGES)('%s → %p changes %p', (key, value, expected, also = {}) => {
    const settings = { ...baseSettings, ...also };
    if (value === undefined) delete settings[key];
    else {
      expect(settings[key]).not.toEqual(value); // the row must really change something
      settings[key] = value;
    }
    const changed = diffPlans(basePlan, planOf(settings)).map((c) => c.resource);
    expect(changed.sort()).toEqual([...expected].sort());
  });

  it('a platform value moves the resources that use it', () => {
    const moved = (from: string, to: string) => {
      expect(platformText).toContain(from);
      return diffPlans(basePlan, planOf(baseSettings, platformText.replace(from, to)))
        .map((c) => c.resource)
        .sort();
    };
    expect(moved('domain: preview-moodle.example.ac.uk', 'domain: preview.example.org')).toEqual(
      ['listenerRule', 'siteRegistration', 'taskDefinition'].sort(),
    );
    expect(moved('retention_days: 30', 'retention_days: 90')).toEqual(['logGroup']);
    expect(moved('cluster: moodle_cluster', 'cluster: other_cluster')).toEqual(
      [
        'cronRegistration',
        'scalingPolicy',
        'scalingTarget',
        'scheduledActions',
        'service',
        'siteRegistration',
      ].sort(),
    );
  });

  it("puts a site without awake on the platform's schedule, in the platform's time zone", () => {
    const { awake: _always, ...withoutAwake } = baseSettings;
    const plan = planOf(withoutAwake);
    expect(plan.resources.scheduledActions.spec.awake).toBe('Mon-Fri 07:00-20:00 Europe/London');
    expect(plan.resources.scheduledActions.spec.actions.map((a) => [a.name, a.schedule, a.timezone])).toEqual(
      [
        ['mdl-4-demo-wake', 'cron(0 7 ? * MON,TUE,WED,THU,FRI *)', 'Europe/London'],
        ['mdl-4-demo-sleep', 'cron(0 20 ? * MON,TUE,WED,THU,FRI *)', 'Europe/London'],
      ],
    );
    // Asleep the estimate counts 65 of 168 hours a week.
    expect(plan.estimate.awakeHours).toBe(282.6);
    expect(plan.estimate.monthly).toBeLessThan(basePlan.estimate.monthly / 2);
    // The wake action brings the site's own bounds back; a change of them moves it.
    expect(plan.resources.scheduledActions.spec.actions[0]).toMatchObject({ minCapacity: 1, maxCapacity: 4 });
    const changed = diffPlans(plan, planOf({ ...withoutAwake, auto_scaling_min: 2 })).map((c) => c.resource);
    expect(changed.sort()).toEqual(['scalingTarget', 'scheduledActions', 'service', 'siteRegistration']);
    const moved = planOf(
      withoutAwake,
      platformText.replace('timezone: Europe/London', 'timezone: Europe/Dublin'),
    );
    expect(
      diffPlans(plan, moved)
        .map((c) => c.resource)
        .sort(),
    ).toEqual(['listenerRule', 'scheduledActions', 'siteRegistration', 'sleepPage']);
  });

  it('switches the rule to a sleep page at the same times as the scaling, only with a platform sleep page', () => {
    const { awake: _always, ...withoutAwake } = baseSettings;
    const plan = planOf(withoutAwake);
    const page = plan.resources.sleepPage.spec;
    expect(page).toMatchObject({
      group: 'moodle-preview',
      roleArn: 'arn:aws:iam::123456789012:role/moodle-preview-sleep-page',
      groupTags: { 'moodle-preview:managed-by': 'moodle-preview-actions' },
    });
    expect(page.schedules).toEqual(
      plan.resources.scheduledActions.spec.actions.map((a) => ({
        name: a.name,
        expression: a.schedule,
        timezone: a.timezone,
        shows: a.minCapacity === 0 ? 'page' : 'site',
      })),
    );
    const body = plan.resources.listenerRule.spec.sleepPage?.messageBody ?? '';
    expect(body).toContain('<b>4-demo</b> is awake Mon-Fri 07:00-20:00 Europe/London');
    expect(body).toContain(
      'To wake it now: run the wake-sleep workflow for 4-demo, or: mdl-preview wake 4-demo',
    );
    // Awake always: no schedules and no page; no sleep_page in the platform: neither either.
    expect(planOf(baseSettings).resources.sleepPage.spec.schedules).toEqual([]);
    expect(planOf(baseSettings).resources.listenerRule.spec.sleepPage).toBeUndefined();
    const noPage = planOf(withoutAwake, platformText.replace(/ {2}sleep_page:\n.*\n/, ''));
    expect(noPage.resources.scheduledActions.spec.actions).toHaveLength(2);
    expect(noPage.resources.sleepPage.spec).toEqual({ groupTags: page.groupTags, schedules: [] });
    expect(noPage.resources.listenerRule.spec.sleepPage).toBeUndefined();
  });

  it("gives a site its expires, else the platform's lifetime, and a pinned site neither", () => {
    const entry = (settings: Record<string, unknown>) =>
      planOf(settings).resources.siteRegistration.spec.entry.expiry;
    expect(entry(baseSettings)).toEqual({ pinned: true });
    expect(entry({ ...baseSettings, pinned: false })).toEqual({ pinned: false, lifetimeDays: 90 });
    expect(entry({ ...baseSettings, pinned: false, expires: '2027-06-30' })).toEqual({
      pinned: false,
      expires: '2027-06-30',
    });
    const noLifetime = platformText.replace('  lifetime_days: 90\n', '');
    expect(
      planOf({ ...baseSettings, pinned: false }, noLifetime).resources.siteRegistration.spec.entry.expiry,
    ).toEqual({
      pinned: false,
    });
  });

  it('refuses a date that is not one, and expires on a pinned site', () => {
    const problems = (settings: Record<string, unknown>) => {
      const site = checkSiteText('settings.yml', stringify(settings));
      if (site.problems.length)
        return site.problems.map((p) => `${p.key}: ${p.message.split('. Allowed:')[0]}`);
      const platform = checkPlatformText('platform.yml', platformText);
      return resolveSite(site.value!, platform.value!, site.source).problems.map(
        (p) => `${p.key}: ${p.message}`,
      );
    };
    expect(problems({ ...baseSettings, pinned: false, expires: '2027-02-30' })).toEqual([
      'expires: must be a date written YYYY-MM-DD, e.g. 2027-01-31; got string "2027-02-30"',
    ]);
    expect(problems({ ...baseSettings, expires: '2027-06-30' })).toEqual([
      'expires: is set on a pinned site, which never expires: remove one of the two',
    ]);
  });

  it('refuses an awake schedule it cannot keep, and a time zone AWS does not know, at their lines', () => {
    const text = stringify({ ...baseSettings, awake: 'Mon-Fri 20:00-07:00' });
    const site = checkSiteText('settings.yml', text);
    const awakeLine = text.split('\n').findIndex((l) => l.startsWith('awake:')) + 1;
    expect(site.problems.map((p) => [p.key, p.line, p.message.split('. Allowed:')[0]])).toEqual([
      [
        'awake',
        awakeLine,
        'must wake before it sleeps on the same day (20:00 is not before 07:00); a window over midnight is not supported',
      ],
    ]);
    const platform = checkPlatformText('platform.yml', platformText.replace('Europe/London', 'Europe/Londn'));
    const zoneLine = platformText.split('\n').findIndex((l) => l.includes('timezone: Europe/London')) + 1;
    expect(platform.problems.map((p) => [p.key, p.line, p.message.split('. Allowed:')[0]])).toEqual([
      ['schedule.timezone', zoneLine, 'must be an IANA time zone such as Europe/London'],
    ]);
  });
});

describe('plan invariants', () => {
  it('is pure: the same input gives an equal plan, and inputs are not mutated', () => {
    const site = checkSiteText('s.yml', stringify(baseSettings));
    const platform = checkPlatformText('p.yml', platformText);
    const resolved = resolveSite(site.value!, platform.value!, site.source).site!;
    const frozen = structuredClone(resolved);
    const a = planSite(resolved, platform.value!);
    const b = planSite(resolved, platform.value!);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(resolved).toEqual(frozen);
  });

  it('orders every resource after what it depends on', () => {
    const order = applyOrder(basePlan);
    expect([...order].sort()).toEqual([...ALL].sort());
    for (const id of ALL) {
      for (const dep of basePlan.resources[id].dependsOn)
        expect(order.indexOf(dep)).toBeLessThan(order.indexOf(id));
    }
  });

  it('rejects a dependency cycle', () => {
    const cyclic = structuredClone(basePlan);
    cyclic.resources.logGroup.dependsOn = ['service'];
    expect(() => applyOrder(cyclic)).toThrow(/dependency cycle/);
  });

  it('tags every taggable resource with the site and the suite, and platform tags cannot override them', () => {
    const hostile = platformText.replace(
      'cost-centre: digital-education',
      `cost-centre: x\n  "${TAG_SITE}": other-site`,
    );
    const plan = planOf(baseSettings, hostile);
    const tagged = [
      plan.resources.dbSecret.spec.tags,
      plan.resources.logGroup.spec.tags,
      plan.resources.taskDefinition.spec.tags,
      plan.resources.targetGroup.spec.tags,
      plan.resources.listenerRule.spec.tags,
      plan.resources.service.spec.tags,
    ];
    for (const tags of tagged) {
      expect(tags[TAG_SITE]).toBe('4-demo');
      expect(tags[TAG_MANAGED_BY]).toBe('moodle-preview-actions');
      expect(tags['cost-centre']).toBe('x');
    }
  });

  it('hands the DB password to the container only by reference', () => {
    const text = JSON.stringify(basePlan);
    expect(text).not.toMatch(/password"\s*:\s*"/i);
    expect(basePlan.resources.taskDefinition.spec.containerDefinitions[0]!.secrets).toEqual([
      {
        name: 'MOODLE_DB_PASSWORD',
        valueFrom: { secret: 'moodle-preview/sites/4-demo/db', jsonKey: 'password' },
      },
    ]);
  });

  it('derives defaults from preview_link when the settings leave them out', () => {
    const plan = planOf({ preview_link: 'ab-1', php_version: '8.1' });
    expect(plan.resources.databases.spec.databases).toEqual([
      { role: 'moodle', name: 'mdl_ab_1', characterSet: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
    ]);
    expect(plan.resources.dbUser.spec.name).toBe('mdl_ab_1');
    expect(plan.resources.redis.spec.prefix).toBe('mdl_ab-1');
    expect(plan.resources.moodledata.spec.containerPath).toBe('/moodle_data_root/ab-1');
    expect(plan.resources.taskDefinition.spec.cpu).toBe('512');
    expect(plan.resources.taskDefinition.spec.memory).toBe('1024');
    expect(plan.resources.scalingTarget.spec).toMatchObject({ minCapacity: 1, maxCapacity: 4 });
    expect(plan.resources.scalingPolicy.spec.targetValue).toBe(85);
    expect(plan.resources.cronRegistration.spec.enabled).toBe(false);
    expect(plan.resources.taskDefinition.spec.containerDefinitions[0]!.image).toBe(
      '123456789012.dkr.ecr.eu-west-2.amazonaws.com/vle-repo:moodle-ecs-docker-8.1',
    );
  });
});
