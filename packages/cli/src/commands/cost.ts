// mdl-preview cost [--days 30]: what each site actually cost over the last days, from Cost Explorer
// (GetCostAndUsage grouped by the moodle-preview:site cost allocation tag, which the suite puts on
// every resource), beside the plan's Fargate estimate for the same days. Cost Explorer has one
// endpoint, in us-east-1, whatever the platform's region; the tag must be activated in the Billing
// console (Cost allocation tags) before it groups anything.
import { parseArgs } from 'node:util';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import {
  awsClientConfig,
  createAwsClients,
  destroyAwsClients,
  money,
  SiteRegistry,
  TAG_SITE,
  type SiteRegistryEntry,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { formatTable, sitePlatform } from './site-platform.js';

const DAY = 86_400_000;
/** Average days in a month (365.25 / 12), to bring a monthly estimate to the same days. */
const DAYS_PER_MONTH = 365.25 / 12;

export interface CostRow {
  site: string;
  /** What Cost Explorer says was spent in the period, every service; 0 when nothing was. */
  actual: number;
  /** The plan's Fargate estimate for the same number of days; null when the registry has none. */
  estimate: number | null;
  /** The estimate a month. */
  monthlyEstimate: number | null;
  currency: string;
  /** live, destroyed, or not in the registry (a cost tagged with a name the registry no longer has). */
  state: 'live' | 'destroyed' | 'unknown';
}

export interface CostReport {
  start: string;
  end: string;
  days: number;
  rows: CostRow[];
  /** Spent on resources without the tag (or before it was activated): not anyone's site. */
  untagged: number;
  currency: string;
}

/** Sums UnblendedCost per value of the site tag over [start, end), through every result page. */
export async function costBySite(
  ce: Pick<CostExplorerClient, 'send'>,
  start: string,
  end: string,
): Promise<{ bySite: Map<string, number>; untagged: number; currency: string }> {
  const bySite = new Map<string, number>();
  let untagged = 0;
  let currency = 'USD';
  let token: string | undefined;
  do {
    const out = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: start, End: end },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost'],
        GroupBy: [{ Type: 'TAG', Key: TAG_SITE }],
        ...(token ? { NextPageToken: token } : {}),
      }),
    );
    for (const period of out.ResultsByTime ?? [])
      for (const g of period.Groups ?? []) {
        const amount = Number(g.Metrics?.UnblendedCost?.Amount ?? 0);
        currency = g.Metrics?.UnblendedCost?.Unit ?? currency;
        // Tag groups are keyed `<tag>$<value>`; an empty value is what carries no tag.
        const site = (g.Keys?.[0] ?? '').slice(TAG_SITE.length + 1);
        if (site) bySite.set(site, (bySite.get(site) ?? 0) + amount);
        else untagged += amount;
      }
    token = out.NextPageToken;
  } while (token);
  return { bySite, untagged, currency };
}

export function costReport(
  entries: readonly SiteRegistryEntry[],
  spent: { bySite: Map<string, number>; untagged: number; currency: string },
  period: { start: string; end: string; days: number },
): CostReport {
  const rows: CostRow[] = entries.map((e) => ({
    site: e.previewLink,
    actual: round(spent.bySite.get(e.previewLink) ?? 0),
    estimate: e.estimate ? round((e.estimate.monthly * period.days) / DAYS_PER_MONTH) : null,
    monthlyEstimate: e.estimate?.monthly ?? null,
    currency: e.estimate?.currency ?? spent.currency,
    state: e.destroyedAt ? 'destroyed' : 'live',
  }));
  for (const [site, amount] of spent.bySite)
    if (!entries.some((e) => e.previewLink === site))
      rows.push({
        site,
        actual: round(amount),
        estimate: null,
        monthlyEstimate: null,
        currency: spent.currency,
        state: 'unknown',
      });
  rows.sort((a, b) => b.actual - a.actual || a.site.localeCompare(b.site));
  return { ...period, rows, untagged: round(spent.untagged), currency: spent.currency };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A Cost Explorer client on its one endpoint (us-east-1), with the suite's retry settings. */
export const costExplorerClient = () => new CostExplorerClient(awsClientConfig({ region: 'us-east-1' }));

/** The last `days` whole days before `now` as Cost Explorer's [Start, End) (End exclusive: today). */
export function lastDays(now: Date, days: number): { start: string; end: string } {
  const end = now.toISOString().slice(0, 10);
  return { start: new Date(Date.parse(`${end}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10), end };
}

export async function cost(
  args: string[],
  io: CliIO,
  make = createAwsClients,
  makeCe = costExplorerClient,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      days: { type: 'string', default: '30' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('cost takes no positional arguments');
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 365)
    throw new UsageError('--days must be a whole number of days from 1 to 365');
  const { region } = await sitePlatform(values.platform, io);
  const clients = make({ region });
  const ce = makeCe();
  try {
    const { start, end } = lastDays((io.now ?? (() => new Date()))(), days);
    const entries = await new SiteRegistry(clients.ssm).list();
    const report = costReport(entries, await costBySite(ce, start, end), { start, end, days });
    if (values.json) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT.ok;
    }
    const m = (n: number | null, c: string) => (n === null ? '-' : money(n, c));
    io.stdout(
      `Cost from ${start} to ${end} (${days} days), Cost Explorer grouped by ${TAG_SITE}:\n` +
        formatTable([
          ['SITE', 'STATE', 'ACTUAL', 'ESTIMATE (FARGATE)', 'ESTIMATE A MONTH'],
          ...report.rows.map((r) => [
            r.site,
            r.state,
            money(r.actual, report.currency),
            m(r.estimate, r.currency),
            m(r.monthlyEstimate, r.currency),
          ]),
        ]) +
        `untagged (no ${TAG_SITE}, or before the tag was activated): ${money(report.untagged, report.currency)}\n`,
    );
    return EXIT.ok;
  } finally {
    ce.destroy();
    destroyAwsClients(clients);
  }
}
