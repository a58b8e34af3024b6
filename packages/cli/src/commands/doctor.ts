// mdl-preview doctor: is a site healthy, and if not, why. Independent checks, each printed pass/fail
// with its evidence; one failing (or throwing) never stops the others. Exit 0 all pass, 3 any fails.
import { parseArgs } from 'node:util';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  createAwsClients,
  describeError,
  asleepReason,
  describeAwake,
  describePause,
  destroyAwsClients,
  listSiteTasks,
  runCommand,
  shellQuote,
  siteNames,
  SiteRegistry,
  type AwsClients,
  type SiteRegistryEntry,
  type SiteTask,
  DEFAULT_CRON_LOG_GROUP,
  lastCronRun,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { sitePlatform } from './site-platform.js';

/** `unknown`: the check could not be made (a tool missing in the image…); it does not fail the site. */
export type CheckStatus = 'pass' | 'fail' | 'unknown';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  evidence: string;
}

export interface DoctorDeps {
  make: typeof createAwsClients;
  /** GET the site's URL; injectable so tests point it at a local server. */
  fetchUrl: (url: string, timeoutMs: number) => Promise<{ status: number }>;
  urlTimeoutMs: number;
  execTimeoutMs: number;
  /** Variables exported before the in-container checks; tests use it to put stub tools on PATH. */
  execEnv?: Record<string, string>;
  /** Where run-cron-fanout records each site's runs (its `log-group` input). */
  cronLogGroup?: string;
  now?: () => Date;
}

const defaultDeps: DoctorDeps = {
  make: createAwsClients,
  // Redirects are not followed: Moodle answers / with a 303 to the login page, which is healthy.
  fetchUrl: async (url, timeoutMs) => {
    const r = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await r.body?.cancel();
    return { status: r.status };
  },
  urlTimeoutMs: 10_000,
  execTimeoutMs: 60_000,
};

/** Exit status our remote scripts use for "the image lacks the tool" (as sh does for command not found). */
const MISSING_TOOL = 127;

// SCAN (through --scan), never KEYS: KEYS blocks the Redis every site shares. `head` stops the scan
// after a few keys. The prefix is the container's own MOODLE_REDIS_PREFIX, i.e. what Moodle uses.
export const REDIS_SCRIPT = [
  'command -v redis-cli >/dev/null 2>&1 || { echo "redis-cli is not in the image"; exit 127; }',
  '[ -n "$MOODLE_REDIS_HOST" ] || { echo "MOODLE_REDIS_HOST is not set in the container"; exit 127; }',
  'echo "prefix=$MOODLE_REDIS_PREFIX"',
  `redis-cli -h "$MOODLE_REDIS_HOST" -p "\${MOODLE_REDIS_PORT:-6379}" --scan --pattern "\${MOODLE_REDIS_PREFIX}*" --count 100 2>&1 | head -n 5`,
].join('\n');

// php is in every Moodle image; mysqli with the container's own settings is what Moodle itself does.
export const DB_SCRIPT = [
  'command -v php >/dev/null 2>&1 || { echo "php is not in the image"; exit 127; }',
  `php -r '$m = @mysqli_connect(getenv("MOODLE_DB_HOST"), getenv("MOODLE_DB_USER"), getenv("MOODLE_DB_PASSWORD"), getenv("MOODLE_DB_NAME"), (int) getenv("MOODLE_DB_PORT")); if (!$m) { echo "cannot connect: ", mysqli_connect_error(), "\\n"; exit(1); } echo "connected to ", getenv("MOODLE_DB_NAME"), " on ", mysqli_get_server_info($m), "\\n";'`,
].join('\n');

async function check(name: string, run: () => Promise<Omit<CheckResult, 'name'>>): Promise<CheckResult> {
  try {
    return { name, ...(await run()) };
  } catch (err) {
    return { name, status: 'fail', evidence: `${(err as Error).name}: ${describeError(err)}` };
  }
}

/** What the checks learn of the site as they go, read by the checks after them. */
interface Diagnosis {
  link: string;
  clients: AwsClients;
  deps: DoctorDeps;
  names: ReturnType<typeof siteNames>;
  entry?: SiteRegistryEntry;
  /** Why the site's schedule has it asleep now, if it has. */
  asleep?: string;
  cluster: string;
  serviceName: string;
  container: string;
  desired?: number;
  execTask?: SiteTask;
}

/** A site its schedule has asleep has no tasks and no targets: an empty failure is "asleep", unknown. */
const unlessAsleep = (
  d: Diagnosis,
  r: Omit<CheckResult, 'name'>,
  empty: boolean,
): Omit<CheckResult, 'name'> =>
  d.asleep && empty && r.status === 'fail'
    ? { status: 'unknown', evidence: `${d.asleep}: ${r.evidence}` }
    : r;

async function serviceCheck(d: Diagnosis): Promise<Omit<CheckResult, 'name'>> {
  const out = await d.clients.ecs.send(
    new DescribeServicesCommand({ cluster: d.cluster, services: [d.serviceName] }),
  );
  const s = out.services?.[0];
  if (!s) return { status: 'fail', evidence: `service ${d.serviceName} not found in ${d.cluster}` };
  d.desired = s.desiredCount;
  const newest = [...(s.deployments ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  )[0];
  const evidence =
    `${s.status}, ${s.runningCount}/${s.desiredCount} running, newest deployment ` +
    `${newest?.rolloutState ?? 'unknown'} (${newest?.taskDefinition?.split('/').pop() ?? '?'})`;
  const ok =
    s.status === 'ACTIVE' &&
    newest?.rolloutState === 'COMPLETED' &&
    s.runningCount === s.desiredCount &&
    (s.desiredCount ?? 0) > 0;
  return unlessAsleep(d, { status: ok ? 'pass' : 'fail', evidence }, s.desiredCount === 0);
}

async function targetsCheck(d: Diagnosis): Promise<Omit<CheckResult, 'name'>> {
  const name = d.names.targetGroupName;
  const groups = await d.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
  const arn = groups.TargetGroups?.[0]?.TargetGroupArn;
  if (!arn) return { status: 'fail', evidence: `target group ${name} not found` };
  const health = await d.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
  const rows = health.TargetHealthDescriptions ?? [];
  const states = rows.map(
    (r) =>
      `${r.Target?.Id}:${r.Target?.Port} ${r.TargetHealth?.State}` +
      `${r.TargetHealth?.Reason ? ` (${r.TargetHealth.Reason})` : ''}`,
  );
  const ok = rows.length > 0 && rows.every((r) => r.TargetHealth?.State === 'healthy');
  const evidence = rows.length ? `${name}: ${states.join(', ')}` : `${name}: no targets`;
  return unlessAsleep(d, { status: ok ? 'pass' : 'fail', evidence }, rows.length === 0);
}

async function execAgentCheck(d: Diagnosis): Promise<Omit<CheckResult, 'name'>> {
  const tasks = await listSiteTasks(d.clients.ecs, d.cluster, d.link);
  d.execTask = tasks.find((t) => t.lastStatus === 'RUNNING' && t.execAgent === 'RUNNING');
  const seen = tasks.map((t) => `${t.taskId} ${t.lastStatus}/${t.execAgent}`).join(', ') || 'no running task';
  return d.execTask
    ? { status: 'pass', evidence: `task ${d.execTask.taskId}: ExecuteCommandAgent RUNNING` }
    : unlessAsleep(d, { status: 'fail', evidence: seen }, tasks.length === 0);
}

/** Runs `script` in the site's container (on the task the exec check found) and judges its output. */
async function inContainer(
  d: Diagnosis,
  script: string,
  judge: (output: string) => Omit<CheckResult, 'name'>,
): Promise<Omit<CheckResult, 'name'>> {
  if (!d.execTask) return { status: 'unknown', evidence: 'no task with a running exec agent' };
  const env = Object.entries(d.deps.execEnv ?? {})
    .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
    .join('');
  const r = await runCommand({
    clients: d.clients,
    cluster: d.cluster,
    task: d.execTask.taskId,
    container: d.container,
    command: `${env}${script}`,
    timeoutMs: d.deps.execTimeoutMs,
  });
  const output = r.output.trim();
  if (r.exitCode === MISSING_TOOL) return { status: 'unknown', evidence: `could not check: ${output}` };
  if (r.exitCode !== 0) return { status: 'fail', evidence: `exit ${r.exitCode}: ${output}` };
  return judge(output);
}

function redisJudgement(output: string): Omit<CheckResult, 'name'> {
  const [first = '', ...keys] = output.split('\n');
  const prefix = first.replace(/^prefix=/, '');
  const real = keys.filter((k) => k && k.startsWith(prefix));
  if (real.length)
    return {
      status: 'pass',
      evidence: `prefix ${prefix}: ${real.join(', ')}${real.length >= 5 ? ', …' : ''}`,
    };
  const said = keys.join(' ').trim();
  return { status: 'fail', evidence: `no key with prefix ${prefix}${said ? `: ${said}` : ''}` };
}

async function cronCheck(d: Diagnosis, cronLogGroup: string): Promise<Omit<CheckResult, 'name'>> {
  const cron = d.entry?.cron;
  if (!cron) return { status: 'unknown', evidence: 'cron is not registered for this site' };
  // Paused on purpose (an upgrade under way, or by hand): not a failure, and said first.
  if (cron.paused) return { status: 'unknown', evidence: `paused: ${describePause(cron.paused)}` };
  // run-cron-fanout writes each run's joblog line to the site's stream in the cron log group.
  const last = await lastCronRun(d.clients.logs, cronLogGroup, d.link);
  if (!last)
    return {
      status: 'unknown',
      evidence: `${cron.enabled ? 'enabled' : 'disabled'}; no run recorded in ${cronLogGroup} yet`,
    };
  return {
    status: last.exitCode === 0 ? 'pass' : 'fail',
    evidence: `last run ${last.start}, exit ${last.exitCode ?? `none (${last.reason ?? last.status})`}, ${Math.round(last.durationMs / 1000)} s`,
  };
}

export async function diagnoseSite(
  link: string,
  cluster: string,
  clients: AwsClients,
  deps: DoctorDeps,
): Promise<CheckResult[]> {
  const names = siteNames(link);
  const results: CheckResult[] = [];
  let entry: SiteRegistryEntry | undefined;
  results.push(
    await check('registry entry', async () => {
      entry = await new SiteRegistry(clients.ssm).get(link);
      return entry
        ? { status: 'pass', evidence: `${names.registryParameter}: ${entry.url}, service ${entry.service}` }
        : { status: 'fail', evidence: `no parameter ${names.registryParameter} (deployed by this suite?)` };
    }),
  );
  const e = entry;
  const asleep = e?.awake ? asleepReason(e.awake, (deps.now ?? (() => new Date()))()) : undefined;
  if (e?.awake)
    results.push({
      name: 'schedule',
      status: 'pass',
      evidence: asleep ?? `awake now (${describeAwake(e.awake)})`,
    });
  // Without an entry the other checks still run, on the names the plan derives from the link.
  const d: Diagnosis = {
    link,
    clients,
    deps,
    names,
    ...(e ? { entry: e } : {}),
    ...(asleep ? { asleep } : {}),
    cluster: e?.cluster ?? cluster,
    serviceName: e?.service ?? names.serviceName,
    container: e?.container ?? names.containerName,
  };
  results.push(await check('service', () => serviceCheck(d)));
  results.push(await check('targets', () => targetsCheck(d)));
  results.push(
    await check('url', async () => {
      if (!e) return { status: 'unknown', evidence: 'no registry entry to take the URL from' };
      if (asleep && d.desired === 0) return { status: 'unknown', evidence: `${asleep}: not asked` };
      const r = await deps.fetchUrl(e.url, deps.urlTimeoutMs);
      return { status: r.status < 400 ? 'pass' : 'fail', evidence: `GET ${e.url} → HTTP ${r.status}` };
    }),
  );
  results.push(await check('exec agent', () => execAgentCheck(d)));
  results.push(await check('redis keys', () => inContainer(d, REDIS_SCRIPT, redisJudgement)));
  results.push(
    await check('database', () =>
      inContainer(d, DB_SCRIPT, (output) => ({
        status: /^connected to /m.test(output) ? 'pass' : 'fail',
        evidence: output || 'no output',
      })),
    ),
  );
  results.push(await check('cron', () => cronCheck(d, deps.cronLogGroup ?? DEFAULT_CRON_LOG_GROUP)));
  return results;
}

export async function doctor(args: string[], io: CliIO, deps: Partial<DoctorDeps> = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      json: { type: 'boolean', default: false },
      'cron-log-group': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('doctor needs exactly one preview_link');
  const full = {
    ...defaultDeps,
    ...(values['cron-log-group'] ? { cronLogGroup: values['cron-log-group'] } : {}),
    ...deps,
  };
  const { region, cluster } = await sitePlatform(values.platform, io);
  const clients = full.make({ region });
  try {
    const results = await diagnoseSite(positionals[0]!, cluster, clients, full);
    if (values.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
    else {
      const width = Math.max(...results.map((r) => r.name.length));
      const mark = { pass: 'PASS', fail: 'FAIL', unknown: '  ? ' } as const;
      for (const r of results) io.stdout(`${mark[r.status]}  ${r.name.padEnd(width)}  ${r.evidence}\n`);
    }
    return results.some((r) => r.status === 'fail') ? EXIT.failed : EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
