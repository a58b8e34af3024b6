// The site's DB password: generated once by Secrets Manager, stored as {"password": …}, never
// rotated by a redeploy and never printed. Letters and digits only, so it needs no quoting anywhere.
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../../errors.js';
import { tagRecord } from '../normalise.js';
import type { DeployEnv, Inspection } from '../types.js';
import { checkOwned } from './ownership.js';

export async function inspectDbSecret(env: DeployEnv): Promise<Inspection> {
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
      kind: 'secret',
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
