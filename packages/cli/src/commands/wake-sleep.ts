// mdl-preview wake LINK [--for 2h] and sleep LINK: a site's tasks on or off now, by hand; its schedule
// goes on. A wake ends by itself (a one-time scheduled action), so nothing has to be remembered.
import { parseArgs } from 'node:util';
import {
  checkPreviewLink,
  createAwsClients,
  destroyAwsClients,
  memoryLogger,
  sleepSite,
  wakeSite,
  type AwsClients,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { sitePlatform } from './site-platform.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90m`, `2h`, `1d` (also `1h30m`) in milliseconds. */
export function parseDuration(text: string): number {
  const parts = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  if (!parts || !text.trim() || parts.slice(1).every((p) => p === undefined))
    throw new UsageError(`--for ${JSON.stringify(text)} is not a duration: write e.g. 30m, 2h, 1h30m or 1d`);
  const [d, h, m] = parts.slice(1).map((p) => Number(p ?? 0));
  return d! * UNITS.d! + h! * UNITS.h! + m! * UNITS.m!;
}

export async function wakeOrSleep(
  what: 'wake' | 'sleep',
  args: string[],
  io: CliIO,
  make = createAwsClients,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      ...(what === 'wake' ? { for: { type: 'string' as const } } : {}),
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(`${what} takes one site (its preview_link)`);
  const link = positionals[0]!;
  checkPreviewLink(link);
  const forText = (values as { for?: string }).for;
  const forMs = forText !== undefined ? parseDuration(forText) : undefined;
  const { region, sleepPageGroup } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    const o = {
      clients,
      previewLink: link,
      actor: `${io.env.GITHUB_ACTOR || io.env.USER || 'someone'} (by hand)`,
      log: memoryLogger(),
      ...(sleepPageGroup ? { sleepPageGroup } : {}),
      ...(io.now ? { now: io.now } : {}),
    };
    const r =
      what === 'wake'
        ? await wakeSite({ ...o, ...(forMs !== undefined ? { forMs } : {}) })
        : await sleepSite(o);
    if (values.json) io.stdout(`${JSON.stringify({ site: link, ...r }, null, 2)}\n`);
    else
      io.stdout(
        `${link}: ${what === 'wake' ? 'awake' : 'asleep'} (${r.bounds.min} to ${r.bounds.max} tasks); ${r.next}\n`,
      );
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
