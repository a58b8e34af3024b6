// One cron tick across every registered site: one paged read of the registry and of the cluster's
// tasks, then each enabled site's command through the native exec client, a few at a time.
import { DescribeTasksCommand, ListTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import {
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import { ConfigurationError } from '../errors.js';
import type { CronShard, FailOn } from './inputs.js';
import { asleepReason } from '../fleet/awake-schedule.js';
import { SUITE_NAME, TAG_MANAGED_BY } from '../naming.js';
import type { Logger } from '../logger.js';
import { ExecTimeoutError, runCommand, type RunCommandResult } from '../exec/run-command.js';
import type { DataChannelTuning } from '../exec/data-channel.js';
import { SiteRegistry, describePause, type CronEntry } from '../registry/site-registry.js';
import { paceExecuteCommand, Pacer, type PacerOptions, type PacerStats } from './pacer.js';

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
  /** Loop mode: the tick (1-based) that started or skipped this run. */
  tick?: number;
}

export interface CronTickResult {
  lines: CronJoblogLine[];
  succeeded: number;
  failed: number;
  skipped: number;
  durationMs: number;
  /** ListTasks and DescribeTasks calls spent finding the tasks (grows with tasks/100, not sites). */
  discoveryCalls: number;
  /** ExecuteCommand pacing: attempts sent, throttles seen, time spent waiting; absent when off. */
  pacing?: PacerStats;
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
  /** When the group is created: its retention (the platform's `logs.retention_days`; default 30). */
  logRetentionDays?: number;
  /** When the group is created: the platform's tags, beside the suite's own. */
  tags?: Readonly<Record<string, string>>;
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
  /** Only the sites of this shard (stable hash of the preview link). */
  shard?: CronShard;
  /**
   * Pace ExecuteCommand to stay inside ECS's rate limit (default 40/s, burst 90, cut by 30 % on each
   * throttle and grown back); `false` sends as fast as the concurrency allows.
   */
  execRate?: PacerOptions | false;
}

/** Skip reason for a site whose run from an earlier tick is still queued or going. */
export const STILL_RUNNING = 'previous run still running';

function checkShard(shard: CronShard): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || !Number.isInteger(index) || index < 1 || index > count)
    throw new ConfigurationError(`shard must be i/n with 1 ≤ i ≤ n, got ${index}/${count}`);
}

/**
 * The shard (1-based) a site belongs to among `count`: the first 32 bits of the SHA-256 of its preview
 * link mod count. It depends on the link alone, so adding or removing a site moves no other site.
 */
export function shardOf(previewLink: string, count: number): number {
  return (createHash('sha256').update(previewLink).digest().readUInt32BE(0) % count) + 1;
}

/** Limits the runs in flight across ticks; waiters are served first come, first served. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** What ticks of one loop share: the sites queued or running, and the concurrency slots. */
interface CronRunState {
  busy: Set<string>;
  slots: Slots;
  tick?: number;
}

interface CronTarget {
  site: string;
  cron: CronEntry;
  /** Why the site's schedule has it asleep now (`asleep until Mon 07:00 Europe/London`), if it does. */
  asleep?: string;
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
export function pickCronTask(
  tasks: readonly Task[],
  cron: CronEntry,
  asleep?: string,
): { task?: Task; skip?: string } {
  const ofService = tasks.filter((t) => t.group === `service:${cron.service}`);
  // A site its schedule has asleep has no tasks, and that is no fault; woken by hand, it has some.
  if (!ofService.length && asleep) return { skip: asleep };
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
    private readonly group: { retentionInDays?: number; tags?: Readonly<Record<string, string>> } = {},
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
    // Created as the suite's (its IAM policy allows no other create; the suite's tag wins over a
    // platform tag of the same key) with the platform's tags, and kept for the platform's retention.
    this.groupReady ??= this.ignoreExisting(
      this.logs.send(
        new CreateLogGroupCommand({
          logGroupName: this.logGroup,
          tags: { ...this.group.tags, [TAG_MANAGED_BY]: SUITE_NAME },
        }),
      ),
    )
      .then(() =>
        this.logs.send(
          new PutRetentionPolicyCommand({
            logGroupName: this.logGroup,
            retentionInDays: this.group.retentionInDays ?? CRON_LOG_RETENTION_DAYS,
          }),
        ),
      )
      .then(() => undefined);
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

/** How long cron's run log keeps each site's runs without a platform's `logs.retention_days`. */
export const CRON_LOG_RETENTION_DAYS = 30;

function checkConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigurationError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
}

function summarize(
  lines: CronJoblogLine[],
  durationMs: number,
  discoveryCalls: number,
  pacer: Pacer | undefined,
): CronTickResult {
  return {
    ...(pacer ? { pacing: { ...pacer.stats } } : {}),
    lines,
    succeeded: lines.filter((l) => l.status === 'succeeded').length,
    failed: lines.filter((l) => l.status === 'failed').length,
    skipped: lines.filter((l) => l.status === 'skipped').length,
    durationMs,
    discoveryCalls,
  };
}

/** One tick: find, pick, run, report. Never throws for one site's trouble; that is its result. */
export async function runCronTick(options: CronFanoutOptions): Promise<CronTickResult> {
  const started = Date.now();
  const concurrency = options.concurrency ?? 16;
  checkConcurrency(concurrency);
  if (options.shard) checkShard(options.shard);
  const pacer = options.execRate === false ? undefined : new Pacer(options.execRate);
  const unpace = pacer ? paceExecuteCommand(options.clients.ecs, pacer) : () => undefined;
  try {
    const tick = await startTick(options, { busy: new Set(), slots: new Slots(concurrency) });
    return summarize(await Promise.all(tick.lines), Date.now() - started, tick.discoveryCalls, pacer);
  } finally {
    unpace();
  }
}

/**
 * Finds and picks, then queues every site's run (or its skip) and returns once all are queued — the
 * runs themselves go on in `lines`. A site found in `state.busy` is skipped as still running.
 */
async function findTargets(
  options: CronFanoutOptions,
  busy: ReadonlySet<string>,
): Promise<{ targets: CronTarget[]; discoveryCalls: number }> {
  const registry = options.registry ?? new SiteRegistry(options.clients.ssm);
  const only = options.sites ? new Set(options.sites) : undefined;
  const shard = options.shard;
  const entries = (await registry.list()).filter(
    (e) =>
      e.cron &&
      (!only || only.has(e.previewLink)) &&
      (!shard || shardOf(e.previewLink, shard.count) === shard.index),
  );
  const at = (options.now ?? (() => new Date()))();
  const targets: CronTarget[] = entries.map((e) => ({
    site: e.previewLink,
    cron: e.cron!,
    ...(e.awake ? { asleep: asleepReason(e.awake, at) } : {}),
  }));

  let discoveryCalls = 0;
  const byCluster = new Map<string, Task[]>();
  const runnable = targets.filter((t) => t.cron.enabled && !t.cron.paused);
  for (const cluster of new Set(runnable.map((t) => t.cron.cluster))) {
    const found = await runningTasks(options.clients.ecs, cluster);
    discoveryCalls += found.calls;
    byCluster.set(cluster, found.tasks);
  }
  for (const t of targets) {
    if (!t.cron.enabled) t.skip = 'cron is disabled in the registry entry';
    else if (t.cron.paused) t.skip = `cron is paused: ${describePause(t.cron.paused)}`;
    else if (busy.has(t.site)) t.skip = STILL_RUNNING;
    else Object.assign(t, pickCronTask(byCluster.get(t.cron.cluster) ?? [], t.cron, t.asleep));
  }
  return { targets, discoveryCalls };
}

/** What a dry run shows for one site: where its command would run, or why it would be skipped. */
export interface CronPlanLine {
  site: string;
  cluster: string;
  service: string;
  container: string;
  command: string;
  timeoutSeconds: number;
  /** The task id it would run in. */
  task?: string;
  skip?: string;
}

/**
 * A dry run of one tick: the same registry read, task discovery and task choice as a real tick, and
 * nothing else — no ExecuteCommand, no log write.
 */
export async function planCronTick(
  options: Omit<CronFanoutOptions, 'concurrency' | 'execRate' | 'onResult' | 'logGroup'>,
): Promise<{ lines: CronPlanLine[]; discoveryCalls: number }> {
  if (options.shard) checkShard(options.shard);
  const { targets, discoveryCalls } = await findTargets(options, new Set());
  const lines = targets.map((t) => ({
    site: t.site,
    cluster: t.cron.cluster,
    service: t.cron.service,
    container: t.cron.container,
    command: t.cron.command,
    timeoutSeconds: Math.min(t.cron.timeoutSeconds, options.maxTimeoutSeconds ?? Infinity),
    ...(t.task ? { task: taskId(t.task) } : { skip: t.skip }),
  }));
  return { lines, discoveryCalls };
}

async function startTick(
  options: CronFanoutOptions,
  state: CronRunState,
): Promise<{ lines: Promise<CronJoblogLine>[]; discoveryCalls: number }> {
  const now = options.now ?? (() => new Date());
  const tailLines = options.tailLines ?? 5;
  const { targets, discoveryCalls } = await findTargets(options, state.busy);
  options.log?.info(
    `cron${state.tick ? ` tick ${state.tick}` : ''}: ${targets.length} site(s), ` +
      `${targets.filter((t) => t.task).length} to run, ${discoveryCalls} ListTasks/DescribeTasks call(s)`,
  );

  const runLog =
    options.logGroup && options.clients.logs
      ? new CronRunLog(options.clients.logs, options.logGroup, {
          ...(options.logRetentionDays !== undefined ? { retentionInDays: options.logRetentionDays } : {}),
          ...(options.tags ? { tags: options.tags } : {}),
        })
      : undefined;
  const tick = state.tick;
  // Marked busy synchronously here, so a later tick sees every run this one queued.
  for (const t of targets) if (t.task) state.busy.add(t.site);
  const lines = targets.map(async (t) => {
    let run: { line: CronJoblogLine; output: string };
    if (!t.task) run = await runSite(t, options, now, tailLines);
    else {
      await state.slots.acquire();
      try {
        run = await runSite(t, options, now, tailLines);
      } finally {
        state.slots.release();
        state.busy.delete(t.site);
      }
      // Written after the slot is given back: the next site's session need not wait for the log.
      if (runLog) await writeRunLog(runLog, run, options.log);
    }
    const line = run.line;
    if (tick !== undefined) line.tick = tick;
    options.onResult?.(line);
    return line;
  });
  return { lines, discoveryCalls };
}

/** Loop mode: the clock and the wait between ticks (tests pass a fake). */
export interface CronClock {
  /** Epoch ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface CronLoopOptions extends CronFanoutOptions {
  /** Keep starting ticks until this much time has passed since the first (0: one tick). */
  durationSeconds?: number;
  /** Time from the start of one tick to the start of the next (default 120). */
  intervalSeconds?: number;
  clock?: CronClock;
}

export interface CronLoopResult extends CronTickResult {
  ticks: number;
}

const realClock: CronClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Ticks every `intervalSeconds` until `durationSeconds` is used up, then waits for the runs still
 * going. A tick does not wait for the previous tick's runs: a slow site is skipped (STILL_RUNNING)
 * while the others go on; concurrency is shared by all ticks. The lines of every tick, in order.
 */
export async function runCronLoop(options: CronLoopOptions): Promise<CronLoopResult> {
  const clock = options.clock ?? realClock;
  const duration = options.durationSeconds ?? 0;
  const interval = options.intervalSeconds ?? 120;
  const concurrency = options.concurrency ?? 16;
  checkConcurrency(concurrency);
  if (options.shard) checkShard(options.shard);
  if (!Number.isFinite(duration) || duration < 0)
    throw new ConfigurationError(`duration-seconds must be 0 or more, got ${duration}`);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new ConfigurationError(`interval-seconds must be more than 0, got ${interval}`);
  const pacer = options.execRate === false ? undefined : new Pacer(options.execRate);
  const unpace = pacer ? paceExecuteCommand(options.clients.ecs, pacer) : () => undefined;
  try {
    return await loopTicks(options, clock, duration, interval, concurrency, pacer);
  } finally {
    unpace();
  }
}

async function loopTicks(
  options: CronLoopOptions,
  clock: CronClock,
  duration: number,
  interval: number,
  concurrency: number,
  pacer: Pacer | undefined,
): Promise<CronLoopResult> {
  const started = clock.now();
  const deadline = started + duration * 1000;
  const state: CronRunState = { busy: new Set(), slots: new Slots(concurrency) };
  const pending: Promise<CronJoblogLine>[][] = [];
  let discoveryCalls = 0;
  let ticks = 0;
  for (let tick = 1; ; tick++) {
    ticks = tick;
    const tickStart = clock.now();
    state.tick = tick;
    try {
      const queued = await startTick(options, state);
      pending.push(queued.lines);
      discoveryCalls += queued.discoveryCalls;
    } catch (err) {
      // The first tick's trouble (no registry, no permission) ends the job; a later one's (a
      // throttled read) costs that tick only, while the runs already going finish.
      if (tick === 1) throw err;
      options.log?.warning(`cron tick ${tick} could not start: ${(err as Error).message}`);
    }
    const next = tickStart + interval * 1000;
    if (duration <= 0 || next >= deadline) break;
    const wait = next - clock.now();
    if (wait > 0) await clock.sleep(wait);
  }
  const lines = (await Promise.all(pending.map((p) => Promise.all(p)))).flat();
  return { ...summarize(lines, clock.now() - started, discoveryCalls, pacer), ticks };
}

async function writeRunLog(
  runLog: CronRunLog,
  run: { line: CronJoblogLine; output: string },
  log: Logger | undefined,
): Promise<void> {
  try {
    await runLog.write(run.line, run.output);
  } catch (err) {
    // The run happened; a log write that failed must not turn it into a failure.
    log?.warning(
      `cron: could not write ${run.line.site}'s run to ${runLog.logGroup}: ${(err as Error).message}`,
    );
  }
}

async function runSite(
  t: CronTarget,
  options: CronFanoutOptions,
  now: () => Date,
  tailLines: number,
): Promise<{ line: CronJoblogLine; output: string }> {
  const base = { site: t.site, cluster: t.cron.cluster, service: t.cron.service };
  const start = now();
  if (!t.task) {
    const line: CronJoblogLine = {
      ...base,
      status: 'skipped',
      start: start.toISOString(),
      durationMs: 0,
      exitCode: null,
      bytes: 0,
      tail: [],
      reason: t.skip,
    };
    return { line, output: '' };
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
  return { line, output };
}

/** The joblog file's text: one JSON object per line. */
export const joblogText = (lines: readonly CronJoblogLine[]): string =>
  lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');
