// mdl-preview cron: `run` is one tick of the run-cron-fanout engine from a terminal (the joblog as a
// table, exit 3 when fail-on is exceeded); `list` is register-cron's listing of every cron entry.
import { parseArgs } from 'node:util';
import {
  createAwsClients,
  destroyAwsClients,
  joblogText,
  listCron,
  parseFailOn,
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
  throw new UsageError(`cron needs "run" or "list"${sub ? `, not "${sub}"` : ''}`);
}

async function cronRun(args: string[], io: CliIO, make: typeof createAwsClients): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      concurrency: { type: 'string' },
      sites: { type: 'string' },
      timeout: { type: 'string' },
      'fail-on': { type: 'string', default: 'any' },
      'log-group': { type: 'string', default: DEFAULT_LOG_GROUP },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('cron run takes no arguments (use --sites a,b)');
  const failOn = parseFailOn(values['fail-on']!);
  const concurrency = positiveInteger('concurrency', values.concurrency, 16);
  const timeout = values.timeout === undefined ? undefined : positiveInteger('timeout', values.timeout, 0);
  const sites = values.sites
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const { region } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    const result = await runCronTick({
      clients,
      concurrency,
      maxTimeoutSeconds: timeout,
      logGroup: values['log-group'] || undefined,
      sites: sites?.length ? sites : undefined,
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
          ['SITE', 'ENABLED', 'SERVICE', 'STATE', 'RUNNING', 'COMMAND', 'TIMEOUT', 'LAST RUN'],
          ...listing.map((l) => [
            l.previewLink,
            l.cron.enabled ? 'yes' : 'no',
            l.cron.service,
            l.serviceStatus,
            String(l.runningCount),
            l.cron.command,
            `${l.cron.timeoutSeconds}s`,
            l.lastRun ?? '-',
          ]),
        ]),
      );
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
