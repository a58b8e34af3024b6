// The site's DB secret: its password generated once by Secrets Manager, stored as {"password": …},
// never rotated by a redeploy and never printed (letters and digits only, so it needs no quoting
// anywhere). Data: a destroy keeps it unless it purges, and a purge leaves it restorable for a week.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ResourceExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../errors.js';
import { tagRecord } from '../deploy/normalise.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { KEEP_NOTE, ownedBy, type DestroyEnv, type Removal } from '../destroy/types.js';
import { checkOwned } from './ownership.js';
import type { SiteResource } from './types.js';
import { planDbSecret } from './db-secret.plan.js';

const KIND = 'secret';

async function inspect(env: DeployEnv): Promise<Inspection> {
  const spec = env.plan.resources.dbSecret.spec;
  const base = { id: 'dbSecret' as const, name: spec.name };
  try {
    const found = await env.clients.secrets.send(new DescribeSecretCommand({ SecretId: spec.name }));
    if (found.DeletedDate) {
      // A purge scheduled it for deletion; a new password would not match a restored database.
      throw new ConfigurationError(
        `secret ${spec.name} is scheduled for deletion (the site was purged on ${found.DeletedDate.toISOString().slice(0, 10)}): ` +
          `restore it with \`aws secretsmanager restore-secret --secret-id ${spec.name}\` to deploy the site again with its old password, or wait until it is gone`,
      );
    }
    checkOwned(env, {
      id: 'dbSecret',
      kind: KIND,
      name: spec.name,
      arn: found.ARN,
      tags: tagRecord(found.Tags),
    });
    return { ...base, action: 'none', changes: [], arn: found.ARN };
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  return {
    ...base,
    action: 'create',
    changes: [`create with a generated ${spec.passwordLength}-character password`],
    apply: async () => {
      const random = await env.clients.secrets.send(
        new GetRandomPasswordCommand({
          PasswordLength: spec.passwordLength,
          ExcludePunctuation: true,
          IncludeSpace: false,
        }),
      );
      const password = random.RandomPassword ?? '';
      env.log.mask(password);
      try {
        const created = await env.clients.secrets.send(
          new CreateSecretCommand({
            Name: spec.name,
            Description: spec.description,
            SecretString: JSON.stringify({ password }),
            Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
        return created.ARN;
      } catch (err) {
        // Another run created it first: keep its password, never overwrite one.
        if (!(err instanceof ResourceExistsException)) throw err;
        const found = await env.clients.secrets.send(new DescribeSecretCommand({ SecretId: spec.name }));
        return found.ARN;
      }
    },
  };
}

/** The site's DB password (masked in the log before it is returned). */
export async function readDbPassword(env: DeployEnv): Promise<string> {
  const spec = env.plan.resources.dbSecret.spec;
  const out = await env.clients.secrets.send(
    new GetSecretValueCommand({ SecretId: env.refs.get('dbSecret') ?? spec.name }),
  );
  const password = (JSON.parse(out.SecretString ?? '{}') as { password?: string }).password;
  if (!password) throw new Error(`secret ${spec.name} has no "password" key`);
  env.log.mask(password);
  return password;
}

/**
 * Days Secrets Manager keeps a purged DB secret restorable: the minimum. The databases it opened are
 * gone by then, and until the window ends the name is taken — a site deployed again under the same
 * preview_link within it needs `aws secretsmanager restore-secret` first (its user is then created
 * anew with the restored password).
 */
export const SECRET_RECOVERY_DAYS = 7;

export interface SecretFindings {
  rows: Removal[];
  /** The site's own DB secret is absent or scheduled for deletion. */
  siteSecretGone: boolean;
}

export async function readDbSecrets(env: DestroyEnv): Promise<SecretFindings> {
  const { clients, target } = env;
  let siteSecretGone = false;
  const rows = await Promise.all(
    target.data.secrets.map(async (name): Promise<Removal> => {
      const base = { resource: 'DB secret', name, data: true, step: 'data records' as const };
      let found;
      try {
        found = await clients.secrets.send(new DescribeSecretCommand({ SecretId: name }));
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      if (!found || found.DeletedDate) {
        if (name === target.names.dbSecretName) siteSecretGone = true;
        return {
          ...base,
          plan: 'gone',
          ...(found?.DeletedDate
            ? { note: `scheduled for deletion on ${found.DeletedDate.toISOString().slice(0, 10)}` }
            : {}),
        };
      }
      if (!ownedBy(tagRecord(found.Tags), target.link))
        return { ...base, plan: 'not-ours', note: 'not tagged as this site’s' };
      if (!env.purge) return { ...base, plan: 'keep', note: KEEP_NOTE };
      return {
        ...base,
        plan: 'remove',
        note: `deleted with a ${SECRET_RECOVERY_DAYS}-day recovery window`,
        apply: async () => {
          try {
            await clients.secrets.send(
              new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: SECRET_RECOVERY_DAYS }),
            );
            return 'removed';
          } catch (err) {
            // Already scheduled for deletion (InvalidRequest) or gone: a previous run got here.
            if (err instanceof InvalidRequestException || err instanceof ResourceNotFoundException)
              return 'already gone';
            throw err;
          }
        },
      };
    }),
  );
  return { rows, siteSecretGone };
}

export const dbSecret = {
  id: 'dbSecret',
  kind: KIND,
  plan: planDbSecret,
  inspect,
  removals: async (env) => (await readDbSecrets(env)).rows,
  tag: async (clients, arn, tags) => {
    await clients.secrets.send(
      new TagResourceCommand({
        SecretId: arn,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  },
} satisfies SiteResource<'dbSecret'>;
