// A task's awslogs stream read forward (GetLogEvents with nextForwardToken), and read to its end once
// the task has stopped. The awslogs driver sends a container's output in batches (every 5 s by
// default: moby's daemon/logger/awslogs, `batchPublishFrequency`) and CloudWatch ingests them
// asynchronously, so a task's last lines can become readable seconds after DescribeTasks shows it
// STOPPED. The container's exit code says whether the task succeeded; its log says what it did, and is
// read until the line that ends it appears (or, for output without such a line, until the stream has
// been quiet for a flush interval), within a bounded grace.
import {
  GetLogEventsCommand,
  ResourceNotFoundException,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';

/** Reads a log stream forward from a token, page by page; the stream may not exist yet. */
export class LogFollower {
  private token: string | undefined;
  readonly lines: string[] = [];

  constructor(
    private readonly logs: CloudWatchLogsClient,
    readonly group: string,
    readonly stream: string,
    private readonly onLine: (line: string) => void = () => {},
  ) {}

  /** Reads everything new; answers how many events it got. */
  async poll(): Promise<number> {
    let got = 0;
    for (;;) {
      let page;
      try {
        page = await this.logs.send(
          new GetLogEventsCommand({
            logGroupName: this.group,
            logStreamName: this.stream,
            startFromHead: true,
            ...(this.token ? { nextToken: this.token } : {}),
          }),
        );
      } catch (err) {
        // The awslogs driver creates the stream when the container starts.
        if (err instanceof ResourceNotFoundException) return got;
        throw err;
      }
      const events = page.events ?? [];
      for (const e of events) {
        for (const line of (e.message ?? '').replace(/\r?\n$/, '').split(/\r?\n/)) {
          this.lines.push(line);
          this.onLine(line);
        }
      }
      got += events.length;
      // GetLogEvents answers the same forward token at the end of the stream.
      const next = page.nextForwardToken;
      const end = !next || next === this.token || events.length === 0;
      this.token = next ?? this.token;
      if (end) return got;
    }
  }
}

/** The awslogs driver's default flush interval: a stream quiet this long has sent what it had. */
export const LOG_QUIET_MS = 5000;
/** How long after a task stopped its log is waited for, at most. */
export const LOG_GRACE_MS = 30_000;

export interface LogEndOptions {
  /** The line that ends the task's output (its exit marker). Without one, a quiet stream is its end. */
  endLine?: (line: string) => boolean;
  /** Longest wait after the stop (default LOG_GRACE_MS). */
  graceMs?: number;
  /** Without `endLine`: the stream is complete once no line came for this long (default LOG_QUIET_MS). */
  quietMs?: number;
  /** Between two reads (default a second). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface LogEnd {
  /** The end line was read (or, without one, the stream went quiet) within the grace. */
  complete: boolean;
  /** How long the reading took, in ms. */
  waitedMs: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Reads a stopped task's stream until its output is complete or the grace is over. */
export async function readToEnd(follower: LogFollower, o: LogEndOptions = {}): Promise<LogEnd> {
  const sleep = o.sleep ?? defaultSleep;
  const now = o.now ?? Date.now;
  const grace = o.graceMs ?? LOG_GRACE_MS;
  const quiet = o.quietMs ?? LOG_QUIET_MS;
  const pollMs = o.pollMs ?? 1000;
  const started = now();
  let lastNew = started;
  let checked = 0; // lines already searched for the end line
  await follower.poll();
  for (;;) {
    if (o.endLine) {
      if (follower.lines.slice(checked).some(o.endLine)) return { complete: true, waitedMs: now() - started };
      checked = follower.lines.length;
    } else if (now() - lastNew >= quiet) {
      return { complete: true, waitedMs: now() - started };
    }
    const left = grace - (now() - started);
    if (left <= 0) return { complete: false, waitedMs: now() - started };
    await sleep(Math.min(pollMs, left));
    if ((await follower.poll()) > 0) lastNew = now();
  }
}
