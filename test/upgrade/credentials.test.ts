// Credentials that outlive the role session: during a long upgrade the provider exchanges a fresh
// OIDC token (through the runner protocol's getIDToken (core's github/runner.ts) against a local token endpoint) for new role
// credentials at STS (the fake's AssumeRoleWithWebIdentity, with sessions shortened to ~1 s), and
// every call the SDK signs uses credentials that have not expired.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { runner as core } from '@moodle-preview/core';
import {
  ConfigurationError,
  memoryLogger,
  parseRelease,
  refreshingWebIdentityCredentials,
  upgradeSite,
  type MoodleTaskClients,
} from '@moodle-preview/core';
import { useMariaDb } from '../servers/mariadb.js';
import { startOidcServer, type OidcServer } from './oidc-server.js';
import { IMAGE, createUpgradeWorld, type UpgradeWorld } from './world.js';

const mariadb = useMariaDb();
let world: UpgradeWorld | undefined;
let oidc: OidcServer;
const ROLE = 'arn:aws:iam::123456789012:role/moodle-preview-upgrade';

beforeAll(async () => {
  oidc = await startOidcServer();
  Object.assign(process.env, oidc.env());
});
afterAll(async () => oidc.close());
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('refreshing role credentials', () => {
  it('refreshes through a fresh OIDC token before they expire, during a long wait', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    // Each session lives 1.2 s; the provider renews 0.5 s before the end.
    w.fake.sts.expirationFor = () => new Date(Date.now() + 1200);
    w.behaviour = { kind: 'succeed', lines: 20, stepMs: 150 };
    const refreshes: string[] = [];
    const provider = refreshingWebIdentityCredentials({
      roleArn: ROLE,
      sessionName: 'upgrade-db-test',
      durationSeconds: 3600,
      refreshBeforeMs: 500,
      idToken: () => core.getIDToken('sts.amazonaws.com'),
      region: w.fake.server.region,
      onRefresh: (i) => refreshes.push(i.accessKeyId),
    });
    // Which access key signed each call, and when (read from the signed request).
    const signed: { at: number; key: string }[] = [];
    const config = {
      region: w.fake.server.region,
      credentials: provider,
      retryStrategy: new ConfiguredRetryStrategy(3, () => 5),
    };
    const clients: MoodleTaskClients = {
      region: w.fake.server.region,
      ecs: new ECSClient(config),
      logs: new CloudWatchLogsClient(config),
      ssm: new SSMClient(config),
      secrets: new SecretsManagerClient(config),
    };
    type Stack = { addRelativeTo(mw: unknown, options: unknown): void };
    const record = (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
      const auth = String(
        (args as { request: { headers: Record<string, string> } }).request.headers.authorization ?? '',
      );
      signed.push({ at: Date.now(), key: /Credential=([^/]+)\//.exec(auth)?.[1] ?? '' });
      return next(args);
    };
    for (const c of [clients.ecs, clients.logs, clients.ssm, clients.secrets])
      (c.middlewareStack as unknown as Stack).addRelativeTo(record, {
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
        name: 'recordSigningKey',
      });
    try {
      const r = await upgradeSite({
        clients,
        platform: w.platform,
        previewLink: w.link,
        target: { release: parseRelease('4.2.3'), image: IMAGE('moodle-full-4.2.3-8.1') },
        images: [],
        allowUnstable: false,
        checkPending: false,
        maintenance: false,
        purgeCaches: false,
        dbAccess: 'direct',
        maxWaitMs: 15_000,
        pollMs: 40,
        log: memoryLogger(),
      });
      expect(r.exitCode).toBe(0);
      expect(r.to?.release).toBe('4.2.3 (Build: 20231009)');
    } finally {
      for (const c of [clients.ecs, clients.logs, clients.ssm, clients.secrets]) c.destroy();
    }
    const sessions = w.fake.sts.webIdentitySessions;
    // A 3-second task with 1.2-second sessions: renewed several times, each with a new OIDC token.
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sessions.map((s) => s.token)).size).toBe(sessions.length);
    expect(oidc.requests.length).toBeGreaterThanOrEqual(sessions.length);
    expect(oidc.requests.every((a) => a === 'sts.amazonaws.com')).toBe(true);
    expect(sessions.every((s) => s.roleArn === ROLE && s.durationSeconds === 3600)).toBe(true);
    expect(refreshes).toEqual(sessions.map((s) => s.accessKeyId));
    // Every call was signed with a session's key that was still valid when it was sent.
    expect(signed.length).toBeGreaterThan(20);
    for (const call of signed) {
      const session = sessions.find((s) => s.accessKeyId === call.key);
      expect(session).toBeDefined();
      expect(session!.expiration.getTime()).toBeGreaterThan(call.at);
    }
    expect(new Set(signed.map((c) => c.key)).size).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('refuses a role that is not a role ARN before any call', () => {
    expect(() =>
      refreshingWebIdentityCredentials({
        roleArn: 'moodle-preview-upgrade',
        sessionName: 's',
        durationSeconds: 3600,
        idToken: async () => 'x',
        region: 'eu-west-2',
      }),
    ).toThrow(ConfigurationError);
  });
});
