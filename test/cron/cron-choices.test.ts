// The fan-out's choices on their own: which of a service's tasks a site's cron runs in (newest
// deployment, then newest task; only RUNNING tasks whose exec agent is RUNNING in the site's own
// container), when a tick fails the job, how shards and concurrency are read. The ticks on the fake
// are in fanout.test.ts and loop-shard.test.ts.
import { describe, expect, it } from '@jest/globals';
import type { Task } from '@aws-sdk/client-ecs';
import {
  asleepReason,
  ConfigurationError,
  parseFailOn,
  parseShard,
  tickFailed,
  type CronEntry,
} from '@moodle-preview/core';
import { mapWithConcurrency, pickCronTask } from '../../packages/core/src/cron/fanout.js';
import { OFFICE_HOURS } from '../fleet/schedules.js';

const cron: CronEntry = {
  enabled: true,
  cluster: 'moodle_cluster',
  service: 'mdl-a',
  container: 'a',
  command: 'php admin/cli/cron.php',
  timeoutSeconds: 600,
  updatedBy: 'test',
  updatedAt: '2026-12-01T00:00:00Z',
};

function task(
  id: string,
  over: {
    revision?: number;
    startedMin?: number;
    status?: string;
    agent?: string;
    container?: string;
    service?: string;
  } = {},
): Task {
  return {
    taskArn: `arn:aws:ecs:eu-west-2:123456789012:task/moodle_cluster/${id}`,
    group: `service:${over.service ?? 'mdl-a'}`,
    lastStatus: over.status ?? 'RUNNING',
    taskDefinitionArn: `arn:aws:ecs:eu-west-2:123456789012:task-definition/mdl_ecs_task_def-a:${over.revision ?? 1}`,
    startedAt:
      over.startedMin === undefined ? undefined : new Date(Date.UTC(2026, 11, 1, 0, over.startedMin)),
    containers: [
      {
        name: over.container ?? 'a',
        managedAgents: [{ name: 'ExecuteCommandAgent', lastStatus: over.agent ?? 'RUNNING' }],
      },
    ],
  };
}
const picked = (tasks: Task[]) => pickCronTask(tasks, cron).task?.taskArn?.split('/').pop();

describe('the task a site’s cron runs in', () => {
  it('the newest deployment wins over a newer task of an older one', () => {
    expect(
      picked([task('old', { revision: 7, startedMin: 50 }), task('new', { revision: 8, startedMin: 10 })]),
    ).toBe('new');
    expect(
      picked([task('new', { revision: 8, startedMin: 10 }), task('old', { revision: 7, startedMin: 50 })]),
    ).toBe('new');
  });

  it('revisions compare as numbers (10 after 9)', () => {
    expect(picked([task('r9', { revision: 9 }), task('r10', { revision: 10 })])).toBe('r10');
  });

  it('within one revision, the task started last', () => {
    expect(
      picked([task('early', { revision: 3, startedMin: 1 }), task('late', { revision: 3, startedMin: 30 })]),
    ).toBe('late');
    expect(
      picked([task('late', { revision: 3, startedMin: 30 }), task('early', { revision: 3, startedMin: 1 })]),
    ).toBe('late');
    // A task without a start time yet counts as the oldest.
    expect(picked([task('unknown', { revision: 3 }), task('started', { revision: 3, startedMin: 1 })])).toBe(
      'started',
    );
  });

  it("never another service's task, a task not RUNNING, or one whose agent is not ready in the site's container", () => {
    const r = pickCronTask(
      [
        task('other', { service: 'mdl-b', revision: 99 }),
        task('pending', { revision: 9, status: 'PENDING' }),
        task('agent', { revision: 9, agent: 'STOPPED' }),
        task('sidecar', { revision: 9, container: 'sidecar' }),
      ],
      cron,
    );
    expect(r.task).toBeUndefined();
    expect(r.skip).toBe(
      'no task ready for exec: pending PENDING, exec agent RUNNING; agent RUNNING, exec agent STOPPED; sidecar RUNNING, exec agent absent',
    );
    expect(picked([task('pending', { revision: 9, status: 'PENDING' }), task('ok', { revision: 1 })])).toBe(
      'ok',
    );
  });

  it('a service without tasks is skipped saying why it may be', () => {
    expect(pickCronTask([task('other', { service: 'mdl-b' })], cron)).toEqual({
      skip: 'no running task of service mdl-a (missing, scaled to 0 or still starting)',
    });
  });
});

describe('a sleeping site', () => {
  it('is asleep by its schedule outside its hours, with when it wakes; awake inside them or always', () => {
    // Saturday noon, and Friday 20:00 (the end is the start of the sleep).
    expect(asleepReason(OFFICE_HOURS, new Date('2026-12-05T12:00:00Z'))).toBe(
      'asleep until Mon 07:00 Europe/London (awake Mon-Fri 07:00-20:00 Europe/London)',
    );
    expect(asleepReason(OFFICE_HOURS, new Date('2026-12-04T20:00:00Z'))).toMatch(/^asleep until Mon 07:00/);
    expect(asleepReason(OFFICE_HOURS, new Date('2026-12-04T19:59:00Z'))).toBeUndefined();
    expect(asleepReason({ kind: 'always' }, new Date('2026-12-05T12:00:00Z'))).toBeUndefined();
  });

  it('without tasks is skipped as asleep, not as a fault; woken by hand its task runs cron', () => {
    const asleep = 'asleep until Mon 07:00 Europe/London (awake Mon-Fri 07:00-20:00 Europe/London)';
    expect(pickCronTask([task('other', { service: 'mdl-b' })], cron, asleep)).toEqual({ skip: asleep });
    expect(pickCronTask([task('woken')], cron, asleep).task?.taskArn).toMatch(/\/woken$/);
    // Tasks that are not ready yet are reported as such, asleep or not.
    expect(pickCronTask([task('booting', { status: 'PENDING' })], cron, asleep).skip).toMatch(
      /^no task ready for exec: booting PENDING/,
    );
  });
});

describe('when a tick fails the job', () => {
  it.each([
    ['any', { failed: 1, succeeded: 99 }, true],
    ['any', { failed: 0, succeeded: 5 }, false],
    ['10%', { failed: 1, succeeded: 9 }, false], // exactly 10 %: not above it
    ['10%', { failed: 2, succeeded: 9 }, true],
    ['0', { failed: 1, succeeded: 1000 }, true],
    ['0', { failed: 0, succeeded: 0 }, false], // nothing ran: skips alone never fail it
    ['100', { failed: 5, succeeded: 0 }, false],
    ['12.5%', { failed: 1, succeeded: 7 }, false],
  ])('fail-on %s with %j: %s', (failOn, result, fails) => {
    expect(tickFailed(result, parseFailOn(failOn))).toBe(fails);
  });

  it.each([' any ', '0', '100', '100%', '12.5%', ' 7 '])('reads fail-on %j', (text) => {
    expect(() => parseFailOn(text)).not.toThrow();
  });

  it.each(['', 'all', '100.5', '101%', '-1', '10%%', '%', '1e2'])('refuses fail-on %j', (text) => {
    expect(() => parseFailOn(text)).toThrow(
      new ConfigurationError(`fail-on must be "any" or a percentage such as 10%, got "${text}"`),
    );
  });
});

describe('shards and concurrency', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['1000/1000', { index: 1000, count: 1000 }],
    ['3/7', { index: 3, count: 7 }],
  ])('reads shard %s', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });

  it.each(['0/3', '4/3', '1/0', '1/1001', '1', 'a/b', '1/2/3', '-1/3'])('refuses shard %j', (text) => {
    expect(() => parseShard(text)).toThrow(
      new ConfigurationError(`shard must be i/n with 1 ≤ i ≤ n (e.g. 2/3), got "${text}"`),
    );
  });

  it('runs at most `limit` at once, keeps the order of the results, and copes with more room than work', async () => {
    let inFlight = 0;
    let most = 0;
    const work = async (n: number) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (7 - n) * 2));
      inFlight--;
      return n * 10;
    };
    expect(await mapWithConcurrency([1, 2, 3, 4, 5, 6], 2, work)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(most).toBe(2);
    most = 0;
    expect(await mapWithConcurrency([1, 2], 16, work)).toEqual([10, 20]);
    expect(most).toBe(2);
    expect(await mapWithConcurrency([], 4, work)).toEqual([]);
    most = 0;
    expect(await mapWithConcurrency([1, 2, 3], 0, work)).toEqual([10, 20, 30]);
    expect(most).toBe(1);
  });
});
