// The site registry: one JSON entry per site in SSM Parameter Store (/moodle-preview/sites/<link>).
// deploy/destroy write it; cron, doctor, the conflict guard, refresh and purge read it.
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  paginateGetParametersByPath,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { awakeScheduleSchema } from '../fleet/awake-schedule.js';
import { SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';

export const REGISTRY_PREFIX = '/moodle-preview/sites';

const retiredSchema = z.object({
  kind: z.enum(['database', 'moodledata', 'db-user', 'db-secret']),
  name: z.string(),
  /** ISO date the data stopped being used. */
  since: z.string(),
  reason: z.string(),
});

const cronSchema = z.object({
  enabled: z.boolean(),
  cluster: z.string(),
  service: z.string(),
  container: z.string(),
  command: z.string(),
  timeoutSeconds: z.number(),
  logPath: z.string().optional(),
  /**
   * Set while cron must not run on the site (an upgrade has it in maintenance, or by hand): the
   * fan-out skips it with the reason. `by` says who may clear it (upgrade-db clears only its own).
   */
  paused: z.object({ reason: z.string(), since: z.string(), by: z.string() }).optional(),
  updatedBy: z.string().optional(),
  updatedAt: z.string().optional(),
});

export const registryEntrySchema = z.looseObject({
  schemaVersion: z.literal(1),
  previewLink: z.string(),
  url: z.string(),
  cluster: z.string(),
  service: z.string(),
  taskFamily: z.string(),
  container: z.string(),
  databases: z.object({ moodle: z.string(), mim: z.string().optional() }),
  dbUser: z.string(),
  dbHost: z.string(),
  moodledataFolder: z.string(),
  logGroup: z.string(),
  cron: cronSchema.optional(),
  /** When the site is awake (its settings' schedule) and its task bounds awake: cron and doctor read them. */
  awake: awakeScheduleSchema.optional(),
  capacity: z.object({ min: z.number(), max: z.number() }).optional(),
  /** The day deploy-instance first made the site (a lifetime counts from it). */
  firstDeployedOn: z.string().optional(),
  /** The day the expiry sweep destroys the site, YYYY-MM-DD; absent: it does not expire. */
  expiresOn: z.string().optional(),
  /** Never expires (the settings say pinned: true). */
  pinned: z.boolean().optional(),
  /** The plan's monthly Fargate estimate at the last deploy: `mdl-preview cost` shows it beside the bill. */
  estimate: z.object({ monthly: z.number(), currency: z.string() }).optional(),
  retired: z.array(retiredSchema).default([]),
  managedBy: z.string().default(SUITE_NAME),
  /** The repository and branch whose settings.yml deploy-instance last deployed (absent: by hand). */
  deployedFrom: z.object({ repository: z.string(), branch: z.string() }).optional(),
  /** Set by destroy-instance when it removed the site but kept its data (retired): ISO date. */
  destroyedAt: z.string().optional(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

export type SiteRegistryEntry = z.output<typeof registryEntrySchema>;

/** How a cron pause reads in a skip, a listing or doctor: `<reason> (since <time>, by <who>)`. */
export const describePause = (p: { reason: string; since: string; by: string }): string =>
  `${p.reason} (since ${p.since}, by ${p.by})`;
export type CronEntry = z.output<typeof cronSchema>;
export type RetiredData = z.output<typeof retiredSchema>;

/** Fields that say who wrote an entry when: they never make an entry "different". */
const STAMPS = new Set(['updatedAt', 'updatedBy']);

function withoutStamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutStamps);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => !STAMPS.has(k) && v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, withoutStamps(v)]),
    );
  }
  return value;
}

/** True when two entries say the same thing (timestamps and authorship aside). */
export function sameEntry(a: SiteRegistryEntry | undefined, b: SiteRegistryEntry | undefined): boolean {
  return JSON.stringify(withoutStamps(a)) === JSON.stringify(withoutStamps(b));
}

export class SiteRegistry {
  /**
   * `tags`: the platform's tags (cost centre …), put on an entry's parameter when it is created,
   * beside the suite's own (which win on a clash, as on every other resource).
   */
  constructor(
    private readonly ssm: SSMClient,
    private readonly prefix = REGISTRY_PREFIX,
    private readonly tags: Readonly<Record<string, string>> = {},
  ) {}

  parameterName(previewLink: string): string {
    return `${this.prefix}/${previewLink}`;
  }

  async get(previewLink: string): Promise<SiteRegistryEntry | undefined> {
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: this.parameterName(previewLink) }));
      return this.parse(out.Parameter?.Value, this.parameterName(previewLink));
    } catch (err) {
      if (err instanceof ParameterNotFound) return undefined;
      throw err;
    }
  }

  /** Every entry, through the paged GetParametersByPath. */
  async list(): Promise<SiteRegistryEntry[]> {
    const entries: SiteRegistryEntry[] = [];
    for await (const page of paginateGetParametersByPath(
      { client: this.ssm },
      { Path: this.prefix, Recursive: false },
    )) {
      for (const p of page.Parameters ?? []) {
        const entry = this.parse(p.Value, p.Name ?? '?');
        if (entry) entries.push(entry);
      }
    }
    return entries.sort((a, b) => a.previewLink.localeCompare(b.previewLink));
  }

  /** Write an entry (creating the parameter with ownership tags the first time). */
  async put(entry: SiteRegistryEntry, exists: boolean): Promise<void> {
    const name = this.parameterName(entry.previewLink);
    await this.ssm.send(
      new PutParameterCommand({
        Name: name,
        Type: 'String',
        Value: JSON.stringify(entry),
        Overwrite: exists,
        ...(exists
          ? {}
          : {
              Tags: Object.entries({
                ...this.tags,
                [TAG_SITE]: entry.previewLink,
                [TAG_MANAGED_BY]: SUITE_NAME,
              }).map(([Key, Value]) => ({ Key, Value })),
            }),
      }),
    );
  }

  async delete(previewLink: string): Promise<boolean> {
    try {
      await this.ssm.send(new DeleteParameterCommand({ Name: this.parameterName(previewLink) }));
      return true;
    } catch (err) {
      if (err instanceof ParameterNotFound) return false;
      throw err;
    }
  }

  private parse(value: string | undefined, name: string): SiteRegistryEntry | undefined {
    if (!value) return undefined;
    let data: unknown;
    try {
      data = JSON.parse(value);
    } catch {
      throw new Error(`site registry entry ${name} is not JSON; fix or delete the parameter`);
    }
    const parsed = registryEntrySchema.safeParse(data);
    if (!parsed.success) {
      throw new Error(
        `site registry entry ${name} does not match the registry schema: ${parsed.error.issues[0]?.message}`,
      );
    }
    return parsed.data;
  }
}
