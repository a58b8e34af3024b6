// `mdl-preview doctor` against the AWS fake, the test agent (which runs the in-container checks as local
// processes, with stub redis-cli and php on PATH) and a local HTTP server standing in for the site.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createAwsClients, SiteRegistry } from '@moodle-preview/core';
import { doctor, type DoctorDeps } from '../../packages/cli/src/commands/doctor.js';
import { createExecWorld, type ExecWorld } from './ecs-world.js';
import { registerSites, siteEntry } from './site-entries.js';
import { OFFICE_HOURS } from '../fleet/schedules.js';

let world: ExecWorld;
let platformFile: string;
let site: Server;
let siteStatus = 200;
let stubs: string;
let targetGroupArn: string;
const savedPath = process.env.PATH;
// What the site's task definition gives the container (site-plan.ts environment).
const containerEnv = {
  MOODLE_REDIS_HOST: 'redis.internal',
  MOODLE_REDIS_PREFIX: 'mdl_demo',
  MOODLE_DB_NAME: 'mdl_demo',
};

beforeAll(async () => {
  world = await createExecWorld({ link: 'demo' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
  platformFile = path.join(dir, 'platform.yml');
  writeFileSync(platformFile, readFileSync('workflows-examples/platform.yml', 'utf8'));
  site = createServer((_, res) => res.writeHead(siteStatus).end()).listen(0, '127.0.0.1');
  await new Promise((r) => site.once('listening', r));
  await registerSites(world.clients, [
    siteEntry('demo', {
      url: `http://127.0.0.1:${(site.address() as AddressInfo).port}/`,
      cron: {
        enabled: true,
        cluster: world.cluster,
        service: 'mdl-demo',
        container: 'demo',
        command: '/data/runcron.sh',
        timeoutSeconds: 600,
      },
    }),
  ]);
  // Stand-ins for the image's tools: the agent runs commands as local child processes.
  stubs = path.join(dir, 'bin');
  mkdirSync(stubs);
  writeFileSync(
    path.join(stubs, 'redis-cli'),
    '#!/bin/sh\n[ "$5" = "--scan" ] && [ "$7" = "mdl_demo*" ] || { echo "unexpected args: $*"; exit 2; }\n' +
      'for i in 1 2 3 4 5 6 7; do echo "mdl_demo_cache_$i"; done\n',
  );
  writeFileSync(
    path.join(stubs, 'php'),
    '#!/bin/sh\necho "connected to $MOODLE_DB_NAME on 10.11.6-MariaDB"\n',
  );
  chmodSync(path.join(stubs, 'redis-cli'), 0o755);
  chmodSync(path.join(stubs, 'php'), 0o755);
  // The site's target group behind a listener rule, so the ALB reports the targets' health.
  const lb = world.fake.elbv2.seedLoadBalancer({ name: 'moodle-alb' });
  const elbv2 = new ElasticLoadBalancingV2Client({ region: world.fake.server.region });
  const tg = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: 'mdl-demo',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-1',
      TargetType: 'ip',
    }),
  );
  targetGroupArn = tg.TargetGroups![0]!.TargetGroupArn!;
  await elbv2.send(
    new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: '10.0.0.5', Port: 80 }] }),
  );
  await elbv2.send(
    new CreateRuleCommand({
      ListenerArn: lb.listenerArns[0],
      Priority: 10,
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['demo.example.org'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }),
  );
  elbv2.destroy();
  world.fake.elbv2.setTargetHealth(targetGroupArn, '10.0.0.5', 80, 'healthy');
});
afterAll(async () => {
  site.close();
  await world.close();
});

async function run(deps: Partial<DoctorDeps> = {}) {
  let stdout = '';
  const code = await doctor(
    ['demo'],
    {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
      env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile },
    },
    { make: createAwsClients, urlTimeoutMs: 2000, ...deps },
  );
  return { code, lines: stdout.trim().split('\n') };
}

describe('mdl-preview doctor', () => {
  it('passes every check of a healthy site, with evidence', async () => {
    const r = await run({ execEnv: { ...containerEnv, PATH: `${stubs}:${savedPath}` } });
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^PASS {2}registry entry {2}\/moodle-preview\/sites\/demo: http:\/\/127\.0\.0\.1:\d+\/, service mdl-demo$/,
      ),
      expect.stringMatching(/^PASS {2}service +ACTIVE, 2\/2 running, newest deployment COMPLETED/),
      expect.stringMatching(/^PASS {2}targets +mdl-demo: 10\.0\.0\.5:80 healthy$/),
      expect.stringMatching(/^PASS {2}url +GET http:\/\/127\.0\.0\.1:\d+\/ → HTTP 200$/),
      expect.stringMatching(/^PASS {2}exec agent +task \w+: ExecuteCommandAgent RUNNING$/),
      expect.stringMatching(/^PASS {2}redis keys +prefix mdl_demo: mdl_demo_cache_1, .*mdl_demo_cache_5, …$/),
      expect.stringMatching(/^PASS {2}database +connected to mdl_demo on 10\.11\.6-MariaDB$/),
      expect.stringMatching(/^ {2}\? {3}cron +enabled; no run recorded in \/moodle-preview\/cron yet$/),
    ]);
    expect(r.code).toBe(0);
  });

  it('reports each failure independently and exits 3', async () => {
    siteStatus = 502;
    world.fake.elbv2.setTargetHealth(targetGroupArn, '10.0.0.5', 80, 'unhealthy');
    try {
      const r = await run({ execEnv: containerEnv });
      const byName = Object.fromEntries(r.lines.map((l) => [l.slice(6).split(/\s{2,}/)[0], l]));
      expect(byName['targets']).toMatch(/^FAIL .*10\.0\.0\.5:80 unhealthy \(Target\.FailedHealthChecks\)$/);
      expect(byName['url']).toMatch(/^FAIL .*HTTP 502$/);
      expect(byName['service']).toMatch(/^PASS/);
      expect(byName['exec agent']).toMatch(/^PASS/);
      // No stubs on PATH: the image "lacks" the tools, which is not a failure of the site.
      expect(byName['redis keys']).toMatch(/^ {2}\? .*could not check: redis-cli is not in the image$/);
      expect(r.code).toBe(3);
    } finally {
      siteStatus = 200;
      world.fake.elbv2.setTargetHealth(targetGroupArn, '10.0.0.5', 80, 'healthy');
    }
  });

  it('runs the other checks when the site is not registered, and a URL that does not answer fails', async () => {
    const r = await run({ fetchUrl: () => Promise.reject(new Error('timeout')) });
    expect(r.lines[2]).toMatch(/^PASS {2}targets/);
    expect(r.lines[3]).toMatch(/^FAIL {2}url +Error: timeout$/);
    expect(r.code).toBe(3);
  });

  it("says why a URL could not be fetched: the cause fetch wraps (a refused connection), not just 'fetch failed'", async () => {
    // A loopback port that was just free: nothing listens there, so Node's fetch fails with
    // ECONNREFUSED as its cause (port 1 would fail earlier: fetch refuses it as a "bad port").
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const r = await run({
      fetchUrl: async () => {
        const res = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
        return { status: res.status };
      },
    });
    expect(r.lines[3]).toMatch(
      /^FAIL {2}url +TypeError: fetch failed: connect ECONNREFUSED 127\.0\.0\.1:(\d+)$/,
    );
    expect(/:(\d+)$/.exec(r.lines[3]!)![1]).toBe(String(port));
  });

  it('reports a site its schedule has asleep as asleep, not as failing; in its hours the same site fails', async () => {
    const registry = new SiteRegistry(world.clients.ssm);
    const entry = (await registry.get('demo'))!;
    await registry.put({ ...entry, awake: OFFICE_HOURS }, true);
    // Asleep as the sleep action leaves it: no tasks, no targets.
    const ecs = new ECSClient({ region: world.fake.server.region });
    const elbv2 = new ElasticLoadBalancingV2Client({ region: world.fake.server.region });
    const scale = async (n: number) => {
      await ecs.send(
        new UpdateServiceCommand({ cluster: world.cluster, service: 'mdl-demo', desiredCount: n }),
      );
      world.fake.ecs.settle();
    };
    await scale(0);
    const target = { TargetGroupArn: targetGroupArn, Targets: [{ Id: '10.0.0.5', Port: 80 }] };
    await elbv2.send(new DeregisterTargetsCommand(target));
    let fetched = 0;
    try {
      const saturday = await run({
        now: () => new Date('2026-12-05T12:00:00Z'),
        fetchUrl: async () => (fetched++, { status: 503 }),
      });
      const byName = Object.fromEntries(saturday.lines.map((l) => [l.slice(6).split(/\s{2,}/)[0], l]));
      expect(byName['schedule']).toMatch(/^PASS {2}schedule +asleep until Mon 07:00 Europe\/London/);
      expect(byName['service']).toMatch(
        /^ {2}\? {3}service +asleep until Mon 07:00 .*: ACTIVE, 0\/0 running/,
      );
      expect(byName['targets']).toMatch(/^ {2}\? {3}targets +asleep until .*: mdl-demo: no targets$/);
      expect(byName['url']).toMatch(/^ {2}\? {3}url +asleep until .*: not asked$/);
      expect(byName['exec agent']).toMatch(/^ {2}\? {3}exec agent +asleep until .*: no running task$/);
      expect(fetched).toBe(0);
      expect(saturday.code).toBe(0);
      expect(saturday.lines.some((l) => l.startsWith('FAIL'))).toBe(false);

      // Monday noon: the schedule has it awake, so an empty service is a failure.
      const monday = await run({
        now: () => new Date('2026-12-07T12:00:00Z'),
        fetchUrl: async () => ({ status: 503 }),
      });
      const mondayBy = Object.fromEntries(monday.lines.map((l) => [l.slice(6).split(/\s{2,}/)[0], l]));
      expect(mondayBy['schedule']).toMatch(
        /^PASS {2}schedule +awake now \(Mon-Fri 07:00-20:00 Europe\/London\)$/,
      );
      expect(mondayBy['service']).toMatch(/^FAIL/);
      expect(mondayBy['url']).toMatch(/^FAIL .*HTTP 503$/);
      expect(monday.code).toBe(3);
    } finally {
      await registry.put(entry, true);
      await scale(2);
      await elbv2.send(new RegisterTargetsCommand(target));
      world.fake.elbv2.setTargetHealth(targetGroupArn, '10.0.0.5', 80, 'healthy');
      ecs.destroy();
      elbv2.destroy();
    }
  });
});
