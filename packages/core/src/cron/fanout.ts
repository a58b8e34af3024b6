// One cron tick across every registered site: one paged read of the registry and of the cluster's
// tasks, then each enabled site's command through the native exec client, a few at a time.
import { DescribeTasksCommand, ListTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ExecTimeoutError, runCommand, type RunCommandResult } from '../exec/run-command.js';
import type { DataChannelTuning } from '../exec/data-channel.js';
import { SiteRegistry, type CronEntry } from '../registry/site-registry.js';

const EXEC_AGENT = 'ExecuteCommandAgent';
/** ListTasks and DescribeTasks both stop at 100 per call. */
const TASK_BATCH = 100;
/** A CloudWatch Logs event may hold 256 KiB; keep well inside it with the envelope. */
const MAX_EVENT_BYTES = 200_000;

export type CronRunStatus = 'succeeded' | 'failed' | 'skipped';

/** One joblog line (JSONL): GNU parallel's joblog columns, plus what it never had. */
export interface CronJoblogLine {
  site: string;
  cluster: string;
  service: string;
  /** Task id the command ran in; absent when skipped before a task was chosen. */
  task?: string;
  status: CronRunStatus;
  /** ISO time the run started (or was skipped). */
  start: string;
  durationMs: number;
  /** The command's exit code; null when it never reported one (timeout, lost session, skipped). */
  exitCode: number | null;
  /** Bytes of output. */
  bytes: number;
  /** Last lines of the output. */
  tail: string[];
  /** Why a site was skipped or failed without an exit code. */
  reason?: string;
}

export interface CronTickResult {
  lines: CronJoblogLine[];
  succeeded: number;
  failed: number;
  skipped: number;
  durationMs: number;
  /** ListTasks and DescribeTasks calls spent finding the tasks (grows with tasks/100, not sites). */
  discoveryCalls: number;
}

export interface CronFanoutOptions {
  clients: { ecs: ECSClient; ssm: SSMClient; logs?: CloudWatchLogsClient };
  registry?: SiteRegistry;
  /** Sites run at the same time (default 16). */
  concurrency?: number;
  /** Upper bound on each site's own timeoutSeconds. */
  maxTimeoutSeconds?: number;
  /** Log group for one stream per site; absent: nothing goes to CloudWatch Logs. */
  logGroup?: string;
  /** Only these sites (preview links); absent: every registered site. */
  sites?: readonly string[];
  /** Output lines kept in the joblog (default 5). */
  tailLines?: number;
  log?: Logger;
  now?: () => Date;
  /** Passed to the exec client (tests shorten its resend tick). */
  execTuning?: Partial<DataChannelTuning>;
  /** Called as each site finishes, for progress. */
  onResult?: (line: CronJoblogLine) => void;
}

interface CronTarget {
  site: string;
  cron: CronEntry;
  task?: Task;
  skip?: string;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the results. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Every RUNNING task of a cluster, described: ⌈tasks/100⌉ ListTasks pages and as many DescribeTasks. */
async function runningTasks(ecs: ECSClient, cluster: string): Promise<{ tasks: Task[]; calls: number }> {
  let calls = 0;
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListTasksCommand({ cluster, desiredStatus: 'RUNNING', maxResults: TASK_BATCH, nextToken }),
    );
    calls++;
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += TASK_BATCH) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + TASK_BATCH) }));
    calls++;
    tasks.push(...(out.tasks ?? []));
  }
  return { tasks, calls };
}

const revisionOf = (task: Task) => Number(task.taskDefinitionArn?.split(':').pop() ?? 0) || 0;
const agentOf = (task: Task, container: string) =>
  task.containers?.find((c) => c.name === container)?.managedAgents?.find((a) => a.name === EXEC_AGENT)
    ?.lastStatus ?? 'absent';
const taskId = (task: Task) => task.taskArn?.split('/').pop() ?? '';

/**
 * The task a site's cron runs in: RUNNING with its exec agent RUNNING, from the newest deployment
 * (highest task definition revision), newest first — old tasks are the ones a rollout stops next.
 */
export function pickCronTask(tasks: readonly Task[], cron: CronEntry): { task?: Task; skip?: string } {
  const ofService = tasks.filter((t) => t.group === `service:${cron.service}`);
  if (!ofService.length)
    return { skip: `no running task of service ${cron.service} (missing, scaled to 0 or still starting)` };
  const ready = ofService
    .filter((t) => t.lastStatus === 'RUNNING' && agentOf(t, cron.container) === 'RUNNING')
    .sort(
      (a, b) =>
        revisionOf(b) - revisionOf(a) || (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0),
    );
  if (ready[0]) return { task: ready[0] };
  return {
    skip:
      'no task ready for exec: ' +
      ofService
        .map((t) => `${taskId(t)} ${t.lastStatus}, exec agent ${agentOf(t, cron.container)}`)
        .join('; '),
  };
}

/**
 * runCommand's preflight describes the task again; we described it a moment ago in a batch, so answer
 * that one call from the batch — otherwise DescribeTasks calls would grow with the number of sites.
 */
function describedTaskClient(ecs: ECSClient, task: Task): ECSClient {
  const send = (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    if (
      command instanceof DescribeTasksCommand &&
      command.input.tasks?.length === 1 &&
      (command.input.tasks[0] === task.taskArn || command.input.tasks[0] === taskId(task))
    )
      return Promise.resolve({ tasks: [task], failures: [], $metadata: {} });
    return (ecs.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  return { send, config: ecs.config } as unknown as ECSClient;
}

function tailOf(output: string, n: number): string[] {
  const lines = output.replace(/\n$/, '').split('\n');
  return output ? lines.slice(-n) : [];
}

/** `any`, or a percentage of the sites that ran (`10%` or `10`). */
export type FailOn = { kind: 'any' } | { kind: 'percent'; percent: number };

export function parseFailOn(text: string): FailOn {
  const v = text.trim();
  if (v === 'any') return { kind: 'any' };
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(v);
  if (m && Number(m[1]) >= 0 && Number(m[1]) <= 100) return { kind: 'percent', percent: Number(m[1]) };
  throw new ConfigurationError(`fail-on must be "any" or a percentage such as 10%, got "${text}"`);
}

/** True when the tick should fail the job: skipped sites never count, they are reported. */
export function tickFailed(result: Pick<CronTickResult, 'failed' | 'succeeded'>, failOn: FailOn): boolean {
  if (failOn.kind === 'any') return result.failed > 0;
  const ran = result.failed + result.succeeded;
  return ran > 0 && (result.failed / ran) * 100 > failOn.percent;
}

/** Writes a site's run to its own stream: one PutLogEvents, creating group and stream only when absent. */
export class CronRunLog {
  private groupReady: Promise<void> | undefined;

  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly logGroup: string,
  ) {}

  async write(line: CronJoblogLine, output: string): Promise<void> {
    const body = Buffer.from(output);
    const text = body.length > MAX_EVENT_BYTES ? `…${body.subarray(-MAX_EVENT_BYTES).toString()}` : output;
    const at = Date.parse(line.start);
    const events = [
      ...(text ? [{ timestamp: at, message: text }] : []),
      { timestamp: at + line.durationMs, message: JSON.stringify(line) },
    ];
    const put = () =>
      this.logs.send(
        new PutLogEventsCommand({ logGroupName: this.logGroup, logStreamName: line.site, logEvents: events }),
      );
    try {
      await put();
    } catch (err) {
      // The steady state is one call per site; streams (and the group) are made the first time only.
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
      await this.ensureGroup();
      await this.ignoreExisting(
        this.logs.send(new CreateLogStreamCommand({ logGroupName: this.logGroup, logStreamName: line.site })),
      );
      await put();
    }
  }

  private ensureGroup(): Promise<void> {
    this.groupReady ??= this.ignoreExisting(
      this.logs.send(new CreateLogGroupCommand({ logGroupName: this.logGroup })),
    );
    return this.groupReady;
  }

  private async ignoreExisting(call: Promise<unknown>): Promise<void> {
    try {
      await call;
    } catch (err) {
      if ((err as Error).name !== 'ResourceAlreadyExistsException') throw err;
    }
  }
}

/** One tick: find, pick, run, report. Never throws for one site's trouble; that is its result. */
export async function runCronTick(options: CronFanoutOptions): Promise<CronTickResult> {
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const registry = options.registry ?? new SiteRegistry(options.clients.ssm);
  const tailLines = options.tailLines ?? 5;
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigurationError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  const only = options.sites ? new Set(options.sites) : undefined;
  const entries = (await registry.list()).filter((e) => e.cron && (!only || only.has(e.previewLink)));
  const targets: CronTarget[] = entries.map((e) => ({ site: e.previewLink, cron: e.cron! }));

  let discoveryCalls = 0;
  const byCluster = new Map<string, Task[]>();
  for (const cluster of new Set(targets.filter((t) => t.cron.enabled).map((t) => t.cron.cluster))) {
    const found = await runningTasks(options.clients.ecs, cluster);
    discoveryCalls += found.calls;
    byCluster.set(cluster, found.tasks);
  }
  for (const t of targets) {
    if (!t.cron.enabled) t.skip = 'cron is disabled in the registry entry';
    else Object.assign(t, pickCronTask(byCluster.get(t.cron.cluster) ?? [], t.cron));
  }
  options.log?.info(
    `cron: ${targets.length} site(s), ${targets.filter((t) => t.task).length} to run, ` +
      `${discoveryCalls} ListTasks/DescribeTasks call(s)`,
  );

  const runLog =
    options.logGroup && options.clients.logs
      ? new CronRunLog(options.clients.logs, options.logGroup)
      : undefined;
  const lines = await mapWithConcurrency(targets, concurrency, async (t) => {
    const line = await runSite(t, options, now, tailLines, runLog);
    options.onResult?.(line);
    return line;
  });
  return {
    lines,
    succeeded: lines.filter((l) => l.status === 'succeeded').length,
    failed: lines.filter((l) => l.status === 'failed').length,
    skipped: lines.filter((l) => l.status === 'skipped').length,
    durationMs: Date.now() - started,
    discoveryCalls,
  };
}

async function runSite(
  t: CronTarget,
  options: CronFanoutOptions,
  now: () => Date,
  tailLines: number,
  runLog: CronRunLog | undefined,
): Promise<CronJoblogLine> {
  const base = { site: t.site, cluster: t.cron.cluster, service: t.cron.service };
  const start = now();
  if (!t.task) {
    return {
      ...base,
      status: 'skipped',
      start: start.toISOString(),
      durationMs: 0,
      exitCode: null,
      bytes: 0,
      tail: [],
      reason: t.skip,
    };
  }
  const timeoutSeconds = Math.min(t.cron.timeoutSeconds, options.maxTimeoutSeconds ?? Infinity);
  const t0 = Date.now();
  let result: RunCommandResult | undefined;
  let output = '';
  let reason: string | undefined;
  try {
    result = await runCommand({
      clients: { ecs: describedTaskClient(options.clients.ecs, t.task), ssm: options.clients.ssm },
      cluster: t.cron.cluster,
      task: t.task.taskArn!,
      container: t.cron.container,
      command: t.cron.command,
      timeoutMs: timeoutSeconds * 1000,
      log: options.log,
      tuning: options.execTuning,
    });
    output = result.output;
  } catch (err) {
    reason = (err as Error).message;
    if (err instanceof ExecTimeoutError) output = err.output;
  }
  const exitCode = result?.exitCode ?? null;
  const line: CronJoblogLine = {
    ...base,
    task: taskId(t.task),
    status: exitCode === 0 ? 'succeeded' : 'failed',
    start: start.toISOString(),
    durationMs: Date.now() - t0,
    exitCode,
    bytes: Buffer.byteLength(output),
    tail: tailOf(output, tailLines),
    ...(reason ? { reason } : {}),
  };
  if (runLog) {
    try {
      await runLog.write(line, output);
    } catch (err) {
      // The run happened; a log write that failed must not turn it into a failure.
      options.log?.warning(
        `cron: could not write ${t.site}'s run to ${runLog.logGroup}: ${(err as Error).message}`,
      );
    }
  }
  return line;
}

/** The joblog file's text: one JSON object per line. */
export const joblogText = (lines: readonly CronJoblogLine[]): string =>
  lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');
