// The names a lease is found by and the order launches are tried in, on their own: which lease ids are
// taken, which labels a stop looks for, which parameter names are an instance's, which ARN an instance
// signs with, whose tags win, and spot before on-demand.
import { describe, expect, it } from '@jest/globals';
import {
  checkLeaseId,
  ConfigurationError,
  instanceArn,
  jitParameterInstance,
  jitParameterName,
  launchOptions,
  leaseLabel,
  leaseLabelsUpTo,
  leaseTags,
  RUNNER_TAGS,
  toLeaseInstance,
} from '@moodle-preview/core';
import { thrown } from '../harness/failure.js';

describe('lease ids', () => {
  it.each([
    [
      { runId: '1', runAttempt: '1' },
      { runId: '1', runAttempt: 1, name: 'main' },
    ],
    [
      { runId: '9'.repeat(20), runAttempt: 999, name: 'db-2' },
      { runId: '9'.repeat(20), runAttempt: 999, name: 'db-2' },
    ],
    [
      { runId: '5', runAttempt: '3', name: 'a' },
      { runId: '5', runAttempt: 3, name: 'a' },
    ],
    [
      { runId: '5', runAttempt: '3', name: `a${'b'.repeat(18)}c` },
      { runId: '5', runAttempt: 3, name: `a${'b'.repeat(18)}c` },
    ],
  ])('takes %j', (input, id) => {
    expect(checkLeaseId(input)).toEqual(id);
  });

  it.each([
    [{ runId: '', runAttempt: '1' }, 'the workflow run id must be digits (GITHUB_RUN_ID), got ""'],
    [
      { runId: '1'.repeat(21), runAttempt: '1' },
      `the workflow run id must be digits (GITHUB_RUN_ID), got "${'1'.repeat(21)}"`,
    ],
    [{ runId: '12a', runAttempt: '1' }, 'the workflow run id must be digits (GITHUB_RUN_ID), got "12a"'],
    [{ runId: '1', runAttempt: '0' }, 'the run attempt must be 1 to 999 (GITHUB_RUN_ATTEMPT), got "0"'],
    [{ runId: '1', runAttempt: '1000' }, 'the run attempt must be 1 to 999 (GITHUB_RUN_ATTEMPT), got "1000"'],
    [{ runId: '1', runAttempt: '1.5' }, 'the run attempt must be 1 to 999 (GITHUB_RUN_ATTEMPT), got "1.5"'],
    [
      { runId: '1', runAttempt: '1', name: '-a' },
      'lease must be 1-20 of a-z, 0-9 and -, starting and ending with a letter or digit, got "-a"',
    ],
    [
      { runId: '1', runAttempt: '1', name: 'a-' },
      'lease must be 1-20 of a-z, 0-9 and -, starting and ending with a letter or digit, got "a-"',
    ],
    [
      { runId: '1', runAttempt: '1', name: 'A' },
      'lease must be 1-20 of a-z, 0-9 and -, starting and ending with a letter or digit, got "A"',
    ],
    [
      { runId: '1', runAttempt: '1', name: 'a'.repeat(21) },
      `lease must be 1-20 of a-z, 0-9 and -, starting and ending with a letter or digit, got "${'a'.repeat(21)}"`,
    ],
    [
      { runId: '1', runAttempt: '1', name: '' },
      'lease must be 1-20 of a-z, 0-9 and -, starting and ending with a letter or digit, got ""',
    ],
  ])('refuses %j', (input, message) => {
    const err = thrown(() => checkLeaseId(input));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(message);
  });

  it('labels this attempt and every earlier one, oldest first', () => {
    const id = { runId: '42', runAttempt: 3, name: 'main' };
    expect(leaseLabel(id)).toBe('mdl-ec2-42-3-main');
    expect(leaseLabelsUpTo(id)).toEqual(['mdl-ec2-42-1-main', 'mdl-ec2-42-2-main', 'mdl-ec2-42-3-main']);
    expect(leaseLabelsUpTo({ ...id, runAttempt: 1 })).toEqual(['mdl-ec2-42-1-main']);
  });
});

describe('JIT config parameters', () => {
  it("are an instance's only when named by its id under the runners' path", () => {
    expect(jitParameterName('i-0123456789abcdef0')).toBe('/moodle-preview/runners/i-0123456789abcdef0');
    expect(jitParameterInstance('/moodle-preview/runners/i-0123456789abcdef0')).toBe('i-0123456789abcdef0');
    expect(jitParameterInstance('/moodle-preview/runners/i-01234567')).toBe('i-01234567');
    for (const name of [
      '/moodle-preview/runners/i-0123456',
      '/moodle-preview/runners/i-0123456789abcdef01',
      '/moodle-preview/runners/i-0123456789ABCDEF0',
      '/moodle-preview/runners/mdl-ec2-1-1-main',
      '/moodle-preview/runners/i-0123456789abcdef0/x',
      // Something else's parameter that merely ends like an instance id (the reaper leaves it alone).
      '/moodle-preview/runners/old-i-0123456789abcdef0',
      '/other/runners/i-0123456789abcdef0',
      'x/moodle-preview/runners/i-0123456789abcdef0',
    ])
      expect(jitParameterInstance(name)).toBeUndefined();
  });

  it.each([
    ['eu-west-2', 'arn:aws:ec2:eu-west-2:123456789012:instance/i-1'],
    ['cn-north-1', 'arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-1'],
    ['us-gov-west-1', 'arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-1'],
    ['us-east-1', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1'],
  ])('an instance in %s signs as %s', (region, arn) => {
    expect(instanceArn(region, '123456789012', 'i-1')).toBe(arn);
  });
});

describe('lease tags', () => {
  it("the suite's own tags win over the user's, which are kept otherwise", () => {
    const tags = leaseTags({
      label: 'mdl-ec2-42-1-main',
      lease: { runId: '42', runAttempt: 1, name: 'main' },
      repository: 'example-org/moodle-build',
      startedAt: new Date('2026-12-01T10:00:00Z'),
      expiresAt: new Date('2026-12-01T20:00:00Z'),
      extra: {
        Name: 'mine',
        'moodle-preview:managed-by': 'someone',
        [RUNNER_TAGS.expiresAt]: '2099-01-01',
        team: 'vle',
      },
    });
    expect(tags).toEqual({
      team: 'vle',
      Name: 'mdl-ec2-42-1-main',
      'moodle-preview:managed-by': 'moodle-preview-actions',
      'moodle-preview:component': 'ec2-runner',
      'moodle-preview:repository': 'example-org/moodle-build',
      'moodle-preview:runner-label': 'mdl-ec2-42-1-main',
      'moodle-preview:lease': 'main',
      'moodle-preview:workflow-run': '42',
      'moodle-preview:run-attempt': '1',
      'moodle-preview:started-at': '2026-12-01T10:00:00.000Z',
      'moodle-preview:expires-at': '2026-12-01T20:00:00.000Z',
    });
  });

  it('an instance read back: spot or not, dates that do not parse are no dates', () => {
    const i = toLeaseInstance({
      InstanceId: 'i-1',
      State: { Name: 'running' },
      InstanceLifecycle: 'spot',
      Tags: [
        { Key: RUNNER_TAGS.expiresAt, Value: 'tomorrow' },
        { Key: RUNNER_TAGS.startedAt, Value: '2026-12-01T10:00:00.000Z' },
        { Key: RUNNER_TAGS.label, Value: 'mdl-ec2-1-1-main' },
      ],
    });
    expect(i).toMatchObject({
      instanceId: 'i-1',
      state: 'running',
      market: 'spot',
      label: 'mdl-ec2-1-1-main',
      expiresAt: undefined,
      startedAt: new Date('2026-12-01T10:00:00.000Z'),
    });
    expect(toLeaseInstance({ InstanceId: 'i-2', InstanceLifecycle: 'scheduled' })).toMatchObject({
      market: 'on-demand',
      state: 'unknown',
      expiresAt: undefined,
    });
  });
});

describe('launch options', () => {
  const pairs = (market: Parameters<typeof launchOptions>[0]) =>
    launchOptions(market, ['m7i.xlarge', 'm6i.xlarge'], ['subnet-a', 'subnet-b']).map(
      (o) => `${o.market} ${o.instanceType} ${o.subnetId}`,
    );

  it('spot-then-on-demand: every spot option first, types in order, each in every subnet', () => {
    expect(pairs('spot-then-on-demand')).toEqual([
      'spot m7i.xlarge subnet-a',
      'spot m7i.xlarge subnet-b',
      'spot m6i.xlarge subnet-a',
      'spot m6i.xlarge subnet-b',
      'on-demand m7i.xlarge subnet-a',
      'on-demand m7i.xlarge subnet-b',
      'on-demand m6i.xlarge subnet-a',
      'on-demand m6i.xlarge subnet-b',
    ]);
  });

  it('one market is that market only', () => {
    expect(pairs('spot').every((p) => p.startsWith('spot '))).toBe(true);
    expect(pairs('spot')).toHaveLength(4);
    expect(pairs('on-demand').every((p) => p.startsWith('on-demand '))).toBe(true);
    expect(pairs('on-demand')).toHaveLength(4);
  });
});
