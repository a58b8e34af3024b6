// mdl-preview sites: every site in the registry with its ECS service state, in one table. Services are
// described 10 at a time (the DescribeServices maximum), task definitions once per distinct revision.
import { parseArgs } from 'node:util';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import {
  awakeAt,
  createAwsClients,
  destroyAwsClients,
  SiteRegistry,
  type AwakeSchedule,
  type AwsClients,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { formatTable, sitePlatform } from './site-platform.js';

const DESCRIBE_SERVICES_MAX = 10;

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
}

export async function sites(args: string[], io: CliIO, make = createAwsClients): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { platform: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('sites takes no arguments');
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
      };
    });
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
