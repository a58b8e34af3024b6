// mdl-preview logs: a site's container log lines from its CloudWatch log group (the registry names it),
// paged FilterLogEvents from --since; --follow keeps polling until SIGINT.
import { parseArgs } from 'node:util';
import { FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import {
  ConfigurationError,
  createAwsClients,
  destroyAwsClients,
  SiteRegistry,
  type AwsClients,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { sitePlatform } from './site-platform.js';

export interface LogsFollow {
  /** Wait between polls; resolves early (or rejects never) — tests make it immediate. */
  sleep(ms: number): Promise<void>;
  /** True once following should end (SIGINT by default). */
  stopped(): boolean;
  pollMs: number;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `2h`, `30s`, `1d`, or an ISO date → epoch ms. */
export function parseSince(value: string, now = Date.now()): number {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNITS[relative[2]!]!;
  const absolute = Date.parse(value);
  if (!Number.isNaN(absolute)) return absolute;
  throw new UsageError(`--since must be like 10m, 2h, 1d or an ISO date, not "${value}"`);
}

function processFollow(): LogsFollow {
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  return {
    pollMs: 2000,
    stopped: () => stop,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref()),
  };
}

export async function logs(
  args: string[],
  io: CliIO,
  make = createAwsClients,
  follow: () => LogsFollow = processFollow,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      since: { type: 'string', default: '10m' },
      follow: { type: 'boolean', short: 'f', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('logs needs exactly one preview_link');
  const link = positionals[0]!;
  let startTime = parseSince(values.since);
  const { region } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    const entry = await new SiteRegistry(clients.ssm).get(link);
    if (!entry)
      throw new ConfigurationError(
        `site ${link} is not in the registry (list the sites with mdl-preview sites)`,
      );
    // FilterLogEvents ends a query without a token, so following re-asks from the last timestamp and
    // drops the events at that timestamp it already printed (by event id).
    let seenAtStart = new Set<string>();
    const poll = async () => {
      let nextToken: string | undefined;
      const fresh: FilteredLogEvent[] = [];
      do {
        const page = await clients.logs.send(
          new FilterLogEventsCommand({ logGroupName: entry.logGroup, startTime, nextToken }),
        );
        fresh.push(...(page.events ?? []).filter((e) => !seenAtStart.has(e.eventId ?? '')));
        nextToken = page.nextToken;
      } while (nextToken);
      for (const e of fresh) {
        const task = e.logStreamName?.split('/').pop() ?? '';
        io.stdout(`${new Date(e.timestamp ?? 0).toISOString()} ${task} ${e.message ?? ''}\n`);
      }
      const last = fresh.at(-1)?.timestamp;
      if (last !== undefined) {
        if (last !== startTime) seenAtStart = new Set();
        startTime = last;
        for (const e of fresh) if (e.timestamp === last) seenAtStart.add(e.eventId ?? '');
      }
    };
    await poll();
    if (!values.follow) return EXIT.ok;
    const control = follow();
    while (!control.stopped()) {
      await control.sleep(control.pollMs);
      if (control.stopped()) break;
      await poll();
    }
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
