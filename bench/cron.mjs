// bench/cron: one cron tick over many sites (default 500) on the stateful AWS fake, with simulated API
// latency and ECS's token-bucket rate limits, each site's cron a real `sleep` of the run length
// (default 2 s) run by an exec agent behind ExecuteCommand. Two ways side by side, in one run:
//   - run-cron-fanout's engine (runCronTick): one process, batched ListTasks/DescribeTasks, paced
//     ExecuteCommand, N sessions at once; in this process, and as the action's committed bundle started
//     the way the Actions runner starts it (its peak memory is then the action's own process alone);
//   - one process per site, N at a time, as the GNU parallel setup does (`aws ecs list-tasks` then
//     `aws ecs execute-command` per site) — here each process is Node with the suite's own exec client,
//     which starts faster than the AWS CLI (Python) plus session-manager-plugin it stands for, so this
//     column is a lower bound of the old setup's cost.
// The floor a tick cannot beat is the largest of: (sites − burst) ÷ ExecuteCommand's sustained rate,
// sites × run length ÷ concurrency, and (read calls − burst) ÷ the read bucket's rate. The wall time is
// reported as a ratio to it (goal ≤ 1.2), with the API calls, throttles and peak memory.
//
// Rate limits default to the Amazon ECS API Reference, "Request throttling for the Amazon ECS API",
// throttling quotas table: ExecuteCommand is a "cluster resource modify" action (burst 100, refill
// 40/s); DescribeTasks and ListTasks are "cluster resource read" actions (burst 100, refill 20/s).
//
// Run: `npm run bench:cron`. Knobs (environment): BENCH_CRON_SITES (500), BENCH_CRON_RUN_MS (2000),
// BENCH_CRON_CONCURRENCY (16,128 — a comma list), BENCH_CRON_LATENCY_MS (20), BENCH_CRON_EXEC_BURST
// (100), BENCH_CRON_EXEC_RATE (40), BENCH_CRON_READ_BURST (100), BENCH_CRON_READ_RATE (20),
// BENCH_CRON_PER_PROCESS (1; 0 skips that column), BENCH_CRON_BUNDLE (1; 0 skips the bundle's row),
// BENCH_COMPARE_ACTIONS (another checkout's actions/ directory: its bundle measured beside ours). It
// writes nothing and prints markdown.
import { fork, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { WebSocketServer } from 'ws';
import {
  CreateServiceCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { createAwsFake, ECS_RATE_LIMITS } from '@moodle-preview/aws-fake';
import {
  createAwsClients,
  destroyAwsClients,
  mapWithConcurrency,
  registerCron,
  runCommand,
  runCronTick,
  SiteRegistry,
} from '@moodle-preview/core';
import { parse } from 'yaml';
import { playAgent } from './lib/exec-agent.mjs';
import { runnerNode } from './lib/runner-node.mjs';

const self = import.meta.filename;
const CLUSTER = 'moodle_cluster';
const num = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got "${v}"`);
  return n;
};
const SITES = num('BENCH_CRON_SITES', 500);
const RUN_MS = num('BENCH_CRON_RUN_MS', 2000);
const LATENCY_MS = num('BENCH_CRON_LATENCY_MS', 20);
const CONCURRENCIES = (process.env.BENCH_CRON_CONCURRENCY ?? '16,128').split(',').map(Number);
const PER_PROCESS = num('BENCH_CRON_PER_PROCESS', 1) > 0;
const BUNDLE = num('BENCH_CRON_BUNDLE', 1) > 0;
// Another commit's actions/ directory (its committed bundles), measured beside ours the same way.
const COMPARE_ACTIONS = process.env.BENCH_COMPARE_ACTIONS;
const repo = path.resolve(import.meta.dirname, '..');
const [modify, read] = ECS_RATE_LIMITS;
const BUCKETS = [
  {
    ...modify,
    burst: num('BENCH_CRON_EXEC_BURST', modify.burst),
    refillPerSecond: num('BENCH_CRON_EXEC_RATE', modify.refillPerSecond),
  },
  {
    ...read,
    burst: num('BENCH_CRON_READ_BURST', read.burst),
    refillPerSecond: num('BENCH_CRON_READ_RATE', read.refillPerSecond),
  },
];
const siteName = (i) => `site${String(i).padStart(4, '0')}`;
const command = `sleep ${RUN_MS / 1000}`;

// ---------------------------------------------------------------------------------------------------
// The world (child process): the AWS fake with every site's service and registry entry, and the exec
// agent that runs each session's command. Kept out of the measured process, so its memory and the
// client's are apart (they share the machine's two cores, as they would not on AWS).
// ---------------------------------------------------------------------------------------------------

async function worldMain() {
  const fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  fake.ecs.seedCluster(CLUSTER);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => {
    ws.once('message', (raw, isBinary) => {
      let open = {};
      try {
        if (!isBinary) open = JSON.parse(String(raw));
      } catch {
        // refused below
      }
      const session = fake.ecs.execSessions.get(String(open.TokenValue ?? ''));
      if (!session) return ws.close(4003, 'invalid token');
      playAgent(ws, `cmd:${session.command}`, Buffer.alloc(0));
    });
  });
  fake.ecs.execEndpoint = `ws://127.0.0.1:${wss.address().port}`;

  const clients = createAwsClients({ region: fake.server.region });
  const registry = new SiteRegistry(clients.ssm);
  const ecs = new ECSClient({ region: fake.server.region });
  await mapWithConcurrency(
    Array.from({ length: SITES }, (_, i) => siteName(i)),
    16,
    async (link) => {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `mdl_ecs_task_def-${link}`,
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '512',
          memory: '1024',
          containerDefinitions: [{ name: link, image: 'moodle:latest', essential: true }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: `mdl-${link}`,
          taskDefinition: `mdl_ecs_task_def-${link}`,
          desiredCount: 1,
          launchType: 'FARGATE',
          enableExecuteCommand: true,
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
        }),
      );
      await registerCron(registry, {
        previewLink: link,
        cluster: CLUSTER,
        service: `mdl-${link}`,
        container: link,
        command,
        timeoutSeconds: Math.ceil(RUN_MS / 1000) + 60,
        enabled: true,
        actor: 'bench',
      });
    },
  );
  fake.ecs.settle();
  ecs.destroy();
  destroyAwsClients(clients);
  fake.server.setLatency(LATENCY_MS);

  process.on('message', (m) => {
    if (m.type === 'reset') {
      fake.server.setRateLimits(BUCKETS);
      fake.server.resetCalls();
      process.send({ type: 'reset' });
    } else if (m.type === 'report') {
      const calls = fake.server.calls;
      const ecsCalls = calls.filter((c) => c.service === 'ecs');
      process.send({
        type: 'report',
        ecs: ecsCalls.length,
        executeCommand: ecsCalls.filter((c) => c.action === 'ExecuteCommand').length,
        reads: ecsCalls.filter((c) => c.action === 'ListTasks' || c.action === 'DescribeTasks').length,
        throttled: calls.filter((c) => c.throttled).length,
        all: calls.length,
        buckets: fake.server.rateLimitReport(),
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', env: fake.env() });
}

// ---------------------------------------------------------------------------------------------------
// One site in its own process: what GNU parallel ran per site, with the suite's client standing in
// for the AWS CLI and the plugin. Prints one JSON line: exit code and this process's peak RSS.
// ---------------------------------------------------------------------------------------------------

async function oneSiteMain(link) {
  const clients = createAwsClients({ region: process.env.AWS_REGION });
  let exitCode = null;
  try {
    const listed = await clients.ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: `mdl-${link}`, desiredStatus: 'RUNNING' }),
    );
    const task = listed.taskArns?.[0];
    if (task) {
      const r = await runCommand({
        clients,
        cluster: CLUSTER,
        task,
        container: link,
        command,
        timeoutMs: RUN_MS + 60_000,
      });
      exitCode = r.exitCode;
    }
  } finally {
    destroyAwsClients(clients);
  }
  process.stdout.write(`${JSON.stringify({ exitCode, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

// ---------------------------------------------------------------------------------------------------
// The measuring side.
// ---------------------------------------------------------------------------------------------------

function ask(world, type) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m.type !== type) return;
      world.off('message', on);
      resolve(m);
    };
    world.on('message', on);
    world.send({ type });
  });
}

/** The floor of one tick, and which term sets it. */
function floorOf(concurrency) {
  const [exec, reads] = BUCKETS;
  const minReads = 2 * Math.ceil(SITES / 100);
  const terms = {
    'ExecuteCommand rate': Math.max(0, SITES - exec.burst) / exec.refillPerSecond,
    'runs ÷ concurrency': (SITES * RUN_MS) / 1000 / concurrency,
    'read rate': Math.max(0, minReads - reads.burst) / reads.refillPerSecond,
  };
  const [by, seconds] = Object.entries(terms).sort((a, b) => b[1] - a[1])[0];
  return { seconds, by };
}

async function measureFanout(concurrency, env) {
  Object.assign(process.env, env);
  const clients = createAwsClients({ region: env.AWS_REGION });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const r = await runCronTick({ clients, concurrency, logGroup: '/moodle-preview/cron' });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  destroyAwsClients(clients);
  return {
    seconds,
    succeeded: r.succeeded,
    failed: r.failed,
    memory: `${(peak / 1e6).toFixed(0)} MB (one process)`,
    pacing: r.pacing,
  };
}

/** VmHWM (peak resident set) of a running process, in bytes; 0 once it has gone. */
async function peakRss(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * run-cron-fanout's committed bundle, started as the Actions runner starts it (the runner's Node 24, the
 * action's defaults and INPUT_* variables, file commands in a temporary directory), against the world.
 * Its peak memory is read from /proc (VmHWM, sampled every 20 ms until it exits): the action's own
 * process, with only what the action loads — the figure a runner pays for N sessions at once.
 */
async function measureBundle(concurrency, env, actionsDir = path.join(repo, 'actions')) {
  const actionDir = path.join(actionsDir, 'run-cron-fanout');
  const meta = parse(await readFile(path.join(actionDir, 'action.yml'), 'utf8'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-cron-bundle-'));
  const platform = path.join(dir, 'platform.yml');
  const fixture = await readFile(path.join(repo, 'test/fixtures/platform.yml'), 'utf8');
  await writeFile(
    platform,
    fixture
      .replace(/^region: .*$/m, `region: ${env.AWS_REGION}`)
      .replace(/^cluster: .*$/m, `cluster: ${CLUSTER}`),
  );
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'].map((k) => [
      k,
      path.join(dir, k.toLowerCase()),
    ]),
  );
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));
  const inputs = Object.fromEntries(
    Object.entries(meta.inputs ?? {})
      .filter(([, spec]) => spec.default !== undefined)
      .map(([name, spec]) => [name, String(spec.default)]),
  );
  Object.assign(inputs, {
    platform,
    concurrency: String(concurrency),
    joblog: path.join(dir, 'joblog.jsonl'),
  });
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: repo,
    GITHUB_REPOSITORY: 'example-org/moodle-build',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...files,
    ...env,
  };
  for (const [name, value] of Object.entries(inputs))
    childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;

  const t0 = performance.now();
  const child = spawn(runnerNode(), [path.join(actionDir, meta.runs.main)], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d) => (stderr += d));
  let peak = 0;
  const sampler = setInterval(async () => (peak = Math.max(peak, await peakRss(child.pid))), 20);
  const code = await new Promise((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const outputs = Object.fromEntries(
    [...(await readFile(files.GITHUB_OUTPUT, 'utf8')).matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)].map(
      (m) => [m[1], m[3]],
    ),
  );
  await rm(dir, { recursive: true, force: true });
  if (code !== 0) console.error(`run-cron-fanout bundle exited ${code}: ${stderr.slice(-500)}`);
  return {
    seconds,
    succeeded: Number(outputs.succeeded ?? 0),
    failed: Number(outputs.failed ?? 0),
    memory: `${(peak / 1e6).toFixed(0)} MB (VmHWM)`,
  };
}

function runOneSite(link, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [self, '--one-site', link], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      try {
        resolve({ code, ...JSON.parse(out.trim().split('\n').pop()) });
      } catch {
        resolve({ code, exitCode: null, maxRssKb: 0 });
      }
    });
  });
}

async function measurePerProcess(concurrency, env) {
  const links = Array.from({ length: SITES }, (_, i) => siteName(i));
  const t0 = performance.now();
  const results = await mapWithConcurrency(links, concurrency, (link) => runOneSite(link, env));
  const seconds = (performance.now() - t0) / 1000;
  const rss = results.map((r) => r.maxRssKb).sort((a, b) => a - b);
  const medianKb = rss[rss.length >> 1];
  return {
    seconds,
    succeeded: results.filter((r) => r.exitCode === 0).length,
    failed: results.filter((r) => r.exitCode !== 0).length,
    memory: `${((medianKb * 1024 * concurrency) / 1e6).toFixed(0)} MB (${concurrency} × ${((medianKb * 1024) / 1e6).toFixed(0)} MB median)`,
  };
}

async function main() {
  const t0 = performance.now();
  const world = fork(self, ['--world'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((resolve, reject) => {
    world.once('message', resolve);
    world.once('exit', (code) => reject(new Error(`the world process exited with ${code}`)));
  });
  const env = ready.env;
  const setupSeconds = (performance.now() - t0) / 1000;

  const rows = [];
  for (const concurrency of CONCURRENCIES) {
    const floor = floorOf(concurrency);
    const approaches = [['run-cron-fanout (one process)', measureFanout]];
    if (BUNDLE) approaches.push(['run-cron-fanout bundle (as the runner starts it)', measureBundle]);
    if (BUNDLE && COMPARE_ACTIONS)
      approaches.push([
        `run-cron-fanout bundle of ${COMPARE_ACTIONS}`,
        (c, e) => measureBundle(c, e, path.resolve(COMPARE_ACTIONS)),
      ]);
    if (PER_PROCESS) approaches.push(['one process per site', measurePerProcess]);
    for (const [name, measure] of approaches) {
      await ask(world, 'reset');
      const m = await measure(concurrency, env);
      const calls = await ask(world, 'report');
      rows.push({ name, concurrency, floor, ...m, calls });
      console.error(
        `${name}, concurrency ${concurrency}: ${m.seconds.toFixed(1)} s, ${m.succeeded}/${SITES} succeeded`,
      );
    }
  }
  world.disconnect();

  const out = [];
  out.push(`### One cron tick over ${SITES} sites, ${RUN_MS / 1000} s runs, ${LATENCY_MS} ms API latency`);
  out.push('');
  out.push(
    `Rate limits: ExecuteCommand burst ${BUCKETS[0].burst}, ${BUCKETS[0].refillPerSecond}/s; ` +
      `ListTasks/DescribeTasks burst ${BUCKETS[1].burst}, ${BUCKETS[1].refillPerSecond}/s.`,
  );
  out.push('');
  out.push(
    '| approach | concurrency | wall | floor (set by) | wall ÷ floor | succeeded | ECS calls (ExecuteCommand / reads) | throttled | peak memory |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    out.push(
      `| ${r.name} | ${r.concurrency} | ${r.seconds.toFixed(1)} s | ${r.floor.seconds.toFixed(1)} s (${r.floor.by}) | ` +
        `${(r.seconds / r.floor.seconds).toFixed(2)} | ${r.succeeded}/${SITES} | ` +
        `${r.calls.ecs} (${r.calls.executeCommand} / ${r.calls.reads}) | ${r.calls.throttled} | ${r.memory} |`,
    );
  }
  out.push('');
  for (const r of rows.filter((x) => x.pacing))
    out.push(
      `Pacing at concurrency ${r.concurrency}: ${r.pacing.taken} ExecuteCommand attempts, ${r.pacing.throttled} throttled, ` +
        `lowest rate ${r.pacing.lowestRatePerSecond.toFixed(0)}/s, ${(r.pacing.waitedMs / 1000).toFixed(1)} s waited in all.`,
    );
  out.push('');
  out.push(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ` +
      `world setup ${setupSeconds.toFixed(1)} s; benchmark ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
  );
  console.log(out.join('\n'));
  const failed = rows.filter((r) => r.succeeded !== SITES);
  if (failed.length) {
    console.error(
      `not every site succeeded in: ${failed.map((r) => `${r.name} @${r.concurrency}`).join(', ')}`,
    );
    process.exitCode = 1;
  }
}

if (process.argv.includes('--world')) await worldMain();
else if (process.argv.includes('--one-site'))
  await oneSiteMain(process.argv[process.argv.indexOf('--one-site') + 1]);
else await main();
