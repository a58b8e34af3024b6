// mdl-preview cron: `run` is one tick of the run-cron-fanout engine from a terminal (the joblog as a
// table, exit 3 when fail-on is exceeded); `list` is register-cron's listing of every cron entry;
// `pause` and `resume` hold cron off a site (upgrade-db does it during an upgrade).
import { parseArgs } from 'node:util';
import {
  checkPreviewLink,
  createAwsClients,
  describePause,
  destroyAwsClients,
  joblogText,
  pauseCron,
  resumeCron,
  listCron,
  parseFailOn,
  planCronTick,
  runCronTick,
  SiteRegistry,
  tickFailed,
  type AwsClients,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { formatTable, sitePlatform } from './site-platform.js';

const DEFAULT_LOG_GROUP = '/moodle-preview/cron';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number of at least 1`);
  return n;
}

export async function cron(args: string[], io: CliIO, make = createAwsClients): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'run') return cronRun(rest, io, make);
  if (sub === 'list') return cronList(rest, io, make);
  if (sub === 'pause' || sub === 'resume') return cronPause(sub, rest, io, make);
  throw new UsageError(`cron needs "run", "list", "pause" or "resume"${sub ? `, not "${sub}"` : ''}`);
}

/**
 * `cron pause SITE --reason TEXT` and `cron resume SITE`: the pause upgrade-db sets during an
 * upgrade, by hand (a site under repair). A pause already there is kept; resume clears any pause.
 */
async function cronPause(
  sub: 'pause' | 'resume',
  args: string[],
  io: CliIO,
  make: typeof createAwsClients,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { platform: { type: 'string' }, reason: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(`cron ${sub} takes one site (its preview_link)`);
  const link = positionals[0]!;
  checkPreviewLink(link);
  const reason = values.reason?.trim();
  if (sub === 'pause' && !reason)
    throw new UsageError('cron pause needs --reason TEXT: it is shown where cron is skipped');
  if (sub === 'resume' && values.reason !== undefined) throw new UsageError('cron resume takes no --reason');
  const { region } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    const registry = new SiteRegistry(clients.ssm);
    const by = `${io.env.GITHUB_ACTOR || io.env.USER || 'someone'} (by hand)`;
    const r =
      sub === 'pause'
        ? await pauseCron(registry, link, { reason: reason!, by })
        : await resumeCron(registry, link);
    if (r.result === 'absent') {
      io.stderr(`error: ${link} has no cron entry in the site registry; nothing runs cron there\n`);
      return EXIT.invalid;
    }
    const what = r.paused ? `: ${describePause(r.paused)}` : '';
    io.stdout(`${link}: ${r.result}${what}\n`);
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}

async function cronRun(args: string[], io: CliIO, make: typeof createAwsClients): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      concurrency: { type: 'string' },
      sites: { type: 'string' },
      site: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      'exec-rate': { type: 'string' },
      'exec-burst': { type: 'string' },
      timeout: { type: 'string' },
      'fail-on': { type: 'string', default: 'any' },
      'log-group': { type: 'string', default: DEFAULT_LOG_GROUP },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('cron run takes no arguments (use --site X or --sites a,b)');
  const failOn = parseFailOn(values['fail-on']);
  const concurrency = positiveInteger('concurrency', values.concurrency, 16);
  const timeout = values.timeout === undefined ? undefined : positiveInteger('timeout', values.timeout, 0);
  const sites = [...(values.sites?.split(',') ?? []), ...(values.site ?? [])]
    .map((s) => s.trim())
    .filter(Boolean);
  const execRate = positiveNumber('exec-rate', values['exec-rate']);
  const execBurst =
    values['exec-burst'] === undefined ? undefined : positiveInteger('exec-burst', values['exec-burst'], 1);
  const { region, tags, logRetentionDays } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    if (sites.length) {
      // A site named on the command line must have a cron entry: say so before anything runs.
      const entries = await new SiteRegistry(clients.ssm).list();
      const missing = sites.filter((s) => !entries.some((e) => e.previewLink === s && e.cron));
      if (missing.length) {
        io.stderr(
          `error: no cron entry in the site registry for ${missing.join(', ')} ` +
            '(see `mdl-preview cron list`; register-cron adds one)\n',
        );
        return EXIT.invalid;
      }
    }
    if (values['dry-run']) return await cronDryRun(clients, sites, timeout, values.json, io);
    const result = await runCronTick({
      clients,
      concurrency,
      maxTimeoutSeconds: timeout,
      logGroup: values['log-group'] || undefined,
      logRetentionDays,
      tags,
      sites: sites.length ? sites : undefined,
      execRate: { ratePerSecond: execRate, burst: execBurst },
    });
    if (values.json) io.stdout(joblogText(result.lines));
    else {
      io.stdout(
        formatTable([
          ['SITE', 'RESULT', 'EXIT', 'TASK', 'SECONDS', 'LAST OUTPUT / REASON'],
          ...result.lines.map((l) => [
            l.site,
            l.status,
            l.exitCode === null ? '-' : String(l.exitCode),
            l.task ?? '-',
            (l.durationMs / 1000).toFixed(1),
            l.reason ?? l.tail.at(-1) ?? '',
          ]),
        ]),
      );
      io.stdout(
        `${result.succeeded} succeeded, ${result.failed} failed, ${result.skipped} skipped in ` +
          `${(result.durationMs / 1000).toFixed(1)} s\n`,
      );
    }
    if (tickFailed(result, failOn)) {
      io.stderr(`error: cron failed on ${result.failed} site(s) (fail-on: ${values['fail-on']})\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number above 0`);
  return n;
}

/** What a tick would do: each site's task, command and timeout, or why it would be skipped. */
async function cronDryRun(
  clients: AwsClients,
  sites: readonly string[],
  timeout: number | undefined,
  json: boolean,
  io: CliIO,
): Promise<number> {
  const plan = await planCronTick({
    clients,
    maxTimeoutSeconds: timeout,
    sites: sites.length ? sites : undefined,
  });
  if (json) io.stdout(plan.lines.map((l) => JSON.stringify(l)).join('\n') + (plan.lines.length ? '\n' : ''));
  else {
    io.stdout(
      formatTable([
        ['SITE', 'WOULD', 'TASK', 'CONTAINER', 'TIMEOUT', 'COMMAND / REASON'],
        ...plan.lines.map((l) => [
          l.site,
          l.task ? 'run' : 'skip',
          l.task ?? '-',
          l.container,
          `${l.timeoutSeconds}s`,
          l.task ? l.command : (l.skip ?? ''),
        ]),
      ]),
    );
    io.stdout(
      `dry run: ${plan.lines.filter((l) => l.task).length} would run, ` +
        `${plan.lines.filter((l) => !l.task).length} would be skipped ` +
        `(${plan.discoveryCalls} ListTasks/DescribeTasks call(s); nothing was run)\n`,
    );
  }
  return EXIT.ok;
}

async function cronList(args: string[], io: CliIO, make: typeof createAwsClients): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      'log-group': { type: 'string', default: DEFAULT_LOG_GROUP },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('cron list takes no arguments');
  const { region } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    const listing = await listCron(new SiteRegistry(clients.ssm), clients, values['log-group'] || undefined);
    if (values.json) io.stdout(`${JSON.stringify(listing, null, 2)}\n`);
    else
      io.stdout(
        formatTable([
          ['SITE', 'ENABLED', 'SERVICE', 'STATE', 'RUNNING', 'COMMAND', 'TIMEOUT', 'LAST RUN', 'PAUSED'],
          ...listing.map((l) => [
            l.previewLink,
            l.cron.enabled ? 'yes' : 'no',
            l.cron.service,
            l.serviceStatus,
            String(l.runningCount),
            l.cron.command,
            `${l.cron.timeoutSeconds}s`,
            l.lastRun ?? '-',
            l.cron.paused ? describePause(l.cron.paused) : '-',
          ]),
        ]),
      );
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
