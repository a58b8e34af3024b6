// mdl-preview sites: every site in the registry with its ECS service state, in one table. Services are
// described 10 at a time (the DescribeServices maximum), task definitions once per distinct revision.
import { parseArgs } from 'node:util';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import {
  asleepReason,
  awakeAt,
  lastCronRun,
  mapWithConcurrency,
  money,
  type SiteRegistryEntry,
  createAwsClients,
  destroyAwsClients,
  SiteRegistry,
  type AwakeSchedule,
  type AwsClients,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { costBySite, costExplorerClient, lastDays } from './cost.js';
import { formatTable, sitePlatform } from './site-platform.js';

const DESCRIBE_SERVICES_MAX = 10;
/** Where run-cron-fanout records each site's runs (its log-group input's default). */
const DEFAULT_CRON_LOG_GROUP = '/moodle-preview/cron';

/** What a schedule means at `at`, in a few words for the table. */
function awakeText(s: AwakeSchedule | undefined, at: Date): string | null {
  if (!s) return null;
  if (s.kind === 'always') return 'always';
  const state = awakeAt(s, at);
  return `${state.awake ? 'awake' : 'asleep'} until ${state.until}`;
}

export interface SiteRow {
  previewLink: string;
  /** ACTIVE, DRAINING, INACTIVE, or MISSING when ECS does not know the service. */
  state: string;
  running: number | null;
  desired: number | null;
  /** `family:revision` of the service's task definition. */
  taskDefinition: string | null;
  image: string | null;
  url: string;
  cron: boolean;
  /** `always`, `awake until …` or `asleep until …` by the site's schedule; null when not recorded. */
  awake: string | null;
  /** The expiry day (YYYY-MM-DD), `pinned`, or null when the site does not expire. */
  expires: string | null;
  /** The plan's monthly Fargate estimate at the last deploy (`8.02 USD`); null when not recorded. */
  estimate: string | null;
}

/** The fleet page's extra columns: cron's last run, and the actual cost when asked for. */
export interface FleetRow extends SiteRow {
  health: string;
  lastCron: string | null;
  actual: string | null;
}

/** In a few words: `ok 1/1`, `starting 0/1`, `asleep`, `stopped 0/0`, `missing`. */
function health(r: SiteRow, e: SiteRegistryEntry, now: Date): string {
  if (r.state === 'MISSING') return e.destroyedAt ? `destroyed ${e.destroyedAt.slice(0, 10)}` : 'missing';
  if (r.state !== 'ACTIVE') return r.state.toLowerCase();
  if (r.desired === 0) return e.awake && asleepReason(e.awake, now) ? 'asleep' : 'stopped 0/0';
  return `${r.running === r.desired ? 'ok' : 'starting'} ${r.running}/${r.desired}`;
}

const cell = (text: string | null) => (text ?? '-').replace(/\|/g, '\\|');

/** `mdl-preview sites --markdown`: one table of the whole fleet, as fleet-report.yml writes it. */
export function fleetMarkdown(rows: FleetRow[], at: Date, costDays: number | undefined): string {
  const head = ['site', 'health', 'awake', 'expires', 'cron (last run)', 'image', 'estimate a month'];
  if (costDays) head.push(`actual (${costDays} days)`);
  const lines = [
    `### Preview fleet — ${rows.length} site(s), ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => {
      const cells = [
        `[${r.previewLink}](${r.url})`,
        r.health,
        r.awake,
        r.expires,
        r.cron ? (r.lastCron ?? 'no run yet') : 'off',
        r.image?.split('/').pop() ?? null,
        r.estimate,
        ...(costDays ? [r.actual] : []),
      ];
      return `| ${cells.map(cell).join(' | ')} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

export async function sites(
  args: string[],
  io: CliIO,
  make = createAwsClients,
  makeCe = costExplorerClient,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      'cost-days': { type: 'string' },
      'cron-log-group': { type: 'string', default: DEFAULT_CRON_LOG_GROUP },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('sites takes no arguments');
  const costDays = values['cost-days'] !== undefined ? Number(values['cost-days']) : undefined;
  if (
    costDays !== undefined &&
    (!values.markdown || !Number.isInteger(costDays) || costDays < 1 || costDays > 365)
  )
    throw new UsageError('--cost-days takes a whole number of days from 1 to 365, with --markdown');
  const { region } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    const entries = await new SiteRegistry(clients.ssm).list();
    // Each entry names its own cluster (a site may predate a platform move), so batch per cluster.
    const services = new Map<string, Service>();
    const byCluster = new Map<string, string[]>();
    for (const e of entries) byCluster.set(e.cluster, [...(byCluster.get(e.cluster) ?? []), e.service]);
    for (const [cluster, names] of byCluster) {
      for (let i = 0; i < names.length; i += DESCRIBE_SERVICES_MAX) {
        const out = await clients.ecs.send(
          new DescribeServicesCommand({ cluster, services: names.slice(i, i + DESCRIBE_SERVICES_MAX) }),
        );
        for (const s of out.services ?? []) services.set(`${cluster}/${s.serviceName}`, s);
      }
    }
    const images = new Map<string, string | null>();
    const arns = [
      ...new Set([...services.values()].map((s) => s.taskDefinition).filter(Boolean)),
    ] as string[];
    await Promise.all(
      arns.map(async (arn) => {
        try {
          const out = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
          images.set(arn, out.taskDefinition?.containerDefinitions?.[0]?.image ?? null);
        } catch {
          // A deregistered revision still names the service's tasks; the table just lacks its image.
          images.set(arn, null);
        }
      }),
    );
    const now = (io.now ?? (() => new Date()))();
    const rows: SiteRow[] = entries.map((e) => {
      const s = services.get(`${e.cluster}/${e.service}`);
      return {
        previewLink: e.previewLink,
        state: s?.status ?? 'MISSING',
        running: s?.runningCount ?? null,
        desired: s?.desiredCount ?? null,
        taskDefinition: s?.taskDefinition?.split('/').pop() ?? null,
        image: s?.taskDefinition ? (images.get(s.taskDefinition) ?? null) : null,
        url: e.url,
        cron: e.cron?.enabled ?? false,
        awake: awakeText(e.awake, now),
        expires: e.pinned ? 'pinned' : (e.expiresOn ?? null),
        estimate: e.estimate ? money(e.estimate.monthly, e.estimate.currency) : null,
      };
    });
    if (values.markdown) {
      const group = values['cron-log-group'];
      const runs = await mapWithConcurrency(entries, 8, (e) =>
        e.cron?.enabled ? lastCronRun(clients.logs, group, e.previewLink) : Promise.resolve(undefined),
      );
      let spent: Awaited<ReturnType<typeof costBySite>> | undefined;
      if (costDays) {
        const ce = makeCe();
        try {
          const { start, end } = lastDays(now, costDays);
          spent = await costBySite(ce, start, end);
        } finally {
          ce.destroy();
        }
      }
      const fleet: FleetRow[] = rows.map((r, i) => {
        const run = runs[i];
        return {
          ...r,
          health: health(r, entries[i]!, now),
          lastCron: run ? `${run.status} ${run.start.slice(0, 16).replace('T', ' ')}` : null,
          actual: spent ? money(spent.bySite.get(r.previewLink) ?? 0, spent.currency) : null,
        };
      });
      io.stdout(fleetMarkdown(fleet, now, costDays));
      return EXIT.ok;
    }
    if (values.json) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(
      formatTable([
        ['SITE', 'STATE', 'TASKS', 'TASK DEFINITION', 'IMAGE', 'URL', 'CRON', 'AWAKE', 'EXPIRES'],
        ...rows.map((r) => [
          r.previewLink,
          r.state,
          r.running === null ? '-' : `${r.running}/${r.desired}`,
          r.taskDefinition ?? '-',
          r.image ?? '-',
          r.url,
          r.cron ? 'yes' : 'no',
          r.awake ?? '-',
          r.expires ?? '-',
        ]),
      ]),
    );
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
