// Each action's index.js is its first stage: inputs, files and the credential check with STS alone;
// the engine and the other SDK clients are chunks loaded after that call (docs/architecture.md,
// "Start-up"). A first-stage import that reaches a module using another client pulls that whole
// client into index.js (the bundler cannot drop an SDK package's modules): this reads the committed
// bundles and names the clients each index.js carries.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/** Every SDK client package defines `class <Service>ServiceException`; the list of them in a file. */
const clientsIn = (text: string) =>
  [...new Set([...text.matchAll(/\bclass (\w+)ServiceException\b/g)].map((m) => m[1]!))].sort();

/** STS and the clients of its default credential chain (SSO, SSO OIDC, sign-in), nothing else. */
const CREDENTIAL_CHECK = ['SSO', 'SSOOIDC', 'STS', 'Signin'];

const FIRST_STAGE: Record<string, string[]> = {
  'deploy-instance': CREDENTIAL_CHECK,
  'destroy-instance': CREDENTIAL_CHECK,
  'ec2-runner': CREDENTIAL_CHECK,
  'register-cron': CREDENTIAL_CHECK,
  'run-cron-fanout': CREDENTIAL_CHECK,
  'upgrade-db': CREDENTIAL_CHECK,
  // Its first request is the sign-in to Entra ID; the registry's SSM client is a chunk.
  'entra-redirect': [],
  'restore-db': [],
  'validate-settings': [],
};

const bundle = (action: string, file = 'index.js') =>
  readFileSync(join('actions', action, 'dist', file), 'utf8');

describe("each action's first stage", () => {
  it('names every action', () => {
    const actions = readdirSync('actions', { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(Object.keys(FIRST_STAGE).sort()).toEqual(actions);
  });

  it.each(Object.entries(FIRST_STAGE))('%s: index.js carries no SDK client but %j', (action, want) => {
    expect(clientsIn(bundle(action))).toEqual(want);
  });

  it('leaves the engines their clients, in chunks of their own', () => {
    const chunks = (action: string) =>
      readdirSync(join('actions', action, 'dist'))
        .filter((f) => f.endsWith('.js') && f !== 'index.js')
        .flatMap((f) => clientsIn(bundle(action, f)));
    expect(chunks('deploy-instance')).toEqual(expect.arrayContaining(['ECS', 'ElasticLoadBalancingV2']));
    expect(chunks('run-cron-fanout')).toEqual(expect.arrayContaining(['CloudWatchLogs', 'ECS', 'SSM']));
    expect(chunks('ec2-runner')).toEqual(expect.arrayContaining(['EC2', 'SSM']));
    // The registry's SSM client, with the credential chain's clients it brings; nothing else.
    expect(chunks('entra-redirect').sort()).toEqual([...CREDENTIAL_CHECK, 'SSM'].sort());
  });
});
