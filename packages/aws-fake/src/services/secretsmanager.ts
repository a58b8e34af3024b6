// Fake Secrets Manager (JSON 1.1, `secretsmanager`): secrets with ARN suffixes, versions and staging
// labels, idempotent client tokens, scheduled or forced deletion, tags, and GetRandomPassword.
import { randomInt } from 'node:crypto';
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { authz, requestTags, resourceTags, tagMap } from '../authorization.js';
import { RequestMembers, alphanumeric, pageOf, pageSize, toWire, unknownOperation } from './json-protocol.js';
import { text } from '../params.js';

export interface SecretVersion {
  VersionId: string;
  SecretString?: string;
  /** Base64, as the JSON protocol carries blobs. */
  SecretBinary?: string;
  CreatedDate: Date;
  VersionStages: string[];
}

export interface SecretTag {
  Key: string;
  Value: string;
}

export interface Secret {
  ARN: string;
  Name: string;
  Description?: string;
  KmsKeyId?: string;
  CreatedDate: Date;
  LastChangedDate: Date;
  LastAccessedDate?: Date;
  /** When the secret will be deleted, while it is scheduled for deletion. */
  DeletedDate?: Date;
  Tags: SecretTag[];
  /** Versions that still carry a staging label, newest last. */
  versions: SecretVersion[];
}

const MUTATING = new Set([
  'CreateSecret',
  'PutSecretValue',
  'DeleteSecret',
  'RestoreSecret',
  'TagResource',
  'UntagResource',
]);

const NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/;
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const DAY = 24 * 60 * 60 * 1000;

export class SecretsFake implements ServiceHandler {
  readonly signingName = 'secretsmanager';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'secretsmanager';

  /** Secrets by name, those scheduled for deletion included. */
  readonly secrets = new Map<string, Secret>();

  constructor(private readonly ctx: FakeContext) {}

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  inventory(): ResourceRecord[] {
    return [...this.secrets.values()]
      .filter((s) => !s.DeletedDate)
      .map((s) => ({ kind: 'secretsmanager:secret', name: s.Name, tags: tagMap(s.Tags) }));
  }

  /** The AWSCURRENT string of a secret (for assertions). */
  current(name: string): string | undefined {
    return this.secrets.get(name)?.versions.find((v) => v.VersionStages.includes('AWSCURRENT'))?.SecretString;
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    const m = new RequestMembers(params, 'InvalidParameterException');
    switch (action) {
      case 'CreateSecret':
        return this.create(m);
      case 'DescribeSecret': {
        const s = this.secret(m.string('SecretId'));
        return toWire({
          ARN: s.ARN,
          Name: s.Name,
          Description: s.Description,
          KmsKeyId: s.KmsKeyId,
          RotationEnabled: false,
          LastChangedDate: s.LastChangedDate,
          LastAccessedDate: s.LastAccessedDate,
          DeletedDate: s.DeletedDate,
          Tags: s.Tags,
          VersionIdsToStages: stagesOf(s),
          CreatedDate: s.CreatedDate,
        });
      }
      case 'GetSecretValue':
        return toWire(this.getValue(m));
      case 'PutSecretValue': {
        const s = this.live(this.secret(m.string('SecretId')));
        const version = this.addVersion(s, m);
        return {
          ARN: s.ARN,
          Name: s.Name,
          VersionId: version.VersionId,
          VersionStages: [...version.VersionStages],
        };
      }
      case 'GetRandomPassword':
        return { RandomPassword: this.password(m) };
      case 'DeleteSecret':
        return toWire(this.delete(m));
      case 'RestoreSecret': {
        const s = this.secret(m.string('SecretId'));
        s.DeletedDate = undefined;
        return { ARN: s.ARN, Name: s.Name };
      }
      case 'TagResource': {
        const s = this.live(this.secret(m.string('SecretId')));
        const tags = m
          .list<SecretTag>('Tags')
          .map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') }));
        s.Tags = [...s.Tags.filter((t) => !tags.some((n) => n.Key === t.Key)), ...tags];
        if (s.Tags.length > 50)
          throw new AwsServiceError('LimitExceededException', 'A secret can have at most 50 tags.');
        return {};
      }
      case 'UntagResource': {
        const s = this.live(this.secret(m.string('SecretId')));
        const keys = m.list<string>('TagKeys');
        s.Tags = s.Tags.filter((t) => !keys.includes(t.Key));
        return {};
      }
      case 'ListSecrets':
        return toWire(this.list(m));
      default:
        throw unknownOperation('secretsmanager', action);
    }
  }

  /**
   * What IAM authorises: the secret's ARN with its tags; a secret that does not exist (yet) as its
   * name with a placeholder suffix (Secrets Manager adds six random characters to every ARN).
   */
  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const ref = text(params.SecretId ?? params.Name ?? '');
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`secretsmanager:${action}`, resource, ...contexts);
    let secret: Secret | undefined;
    try {
      secret = this.secret(ref);
    } catch {
      secret = undefined;
    }
    const arn =
      secret?.ARN ?? (ref.startsWith('arn:') ? ref : this.ctx.arn('secretsmanager', `secret:${ref}-000000`));
    const onSecret = resourceTags(tagMap(secret?.Tags));
    const tags = tagMap(params.Tags);
    switch (action) {
      case 'GetRandomPassword':
      case 'ListSecrets':
        return [own('*')];
      case 'CreateSecret':
        return [
          own(arn, requestTags(tags)),
          // Tags on a create are authorised as TagResource too.
          ...(Object.keys(tags).length ? [authz('secretsmanager:TagResource', arn, requestTags(tags))] : []),
        ];
      case 'TagResource':
        return [own(arn, onSecret, requestTags(tags))];
      case 'UntagResource':
        return [own(arn, onSecret, { 'aws:TagKeys': (params.TagKeys as string[] | undefined) ?? [] })];
      case 'DescribeSecret':
      case 'GetSecretValue':
      case 'PutSecretValue':
      case 'DeleteSecret':
      case 'RestoreSecret':
        return [own(arn, onSecret)];
      default:
        throw new Error(`no authorisation modelled for secretsmanager:${action}`);
    }
  }

  private notFound(): AwsServiceError {
    return new AwsServiceError(
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  }

  /** A secret by name, full ARN, or ARN without its random suffix. */
  private secret(id: string): Secret {
    if (!id.startsWith('arn:')) {
      const s = this.secrets.get(id);
      if (!s) throw this.notFound();
      return s;
    }
    for (const s of this.secrets.values()) if (s.ARN === id || s.ARN.slice(0, -7) === id) return s;
    throw this.notFound();
  }

  private live(s: Secret): Secret {
    if (s.DeletedDate) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return s;
  }

  private create(m: RequestMembers): unknown {
    const name = m.string('Name');
    if (!NAME.test(name)) {
      throw m.invalid(
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    }
    const existing = this.secrets.get(name);
    const token = m.optString('ClientRequestToken');
    if (existing?.DeletedDate) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    if (existing) {
      // A retried create (same token, same value) is answered as the first one was.
      const same = existing.versions.find((v) => v.VersionId === token);
      if (
        same &&
        same.SecretString === m.optString('SecretString') &&
        same.SecretBinary === m.optString('SecretBinary')
      ) {
        return { ARN: existing.ARN, Name: existing.Name, VersionId: same.VersionId };
      }
      throw new AwsServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const tags = (m.optList<SecretTag>('Tags') ?? []).map((t) => ({
      Key: String(t.Key),
      Value: String(t.Value ?? ''),
    }));
    if (tags.length > 50)
      throw new AwsServiceError('LimitExceededException', 'A secret can have at most 50 tags.');
    const now = this.ctx.now();
    const secret: Secret = {
      ARN: this.ctx.arn('secretsmanager', `secret:${name}-${alphanumeric(this.ctx.id(32), 6)}`),
      Name: name,
      Description: m.optString('Description'),
      KmsKeyId: m.optString('KmsKeyId'),
      CreatedDate: now,
      LastChangedDate: now,
      Tags: tags,
      versions: [],
    };
    const hasValue = m.optString('SecretString') !== undefined || m.optString('SecretBinary') !== undefined;
    const version = hasValue ? this.addVersion(secret, m) : undefined;
    this.secrets.set(name, secret);
    return { ARN: secret.ARN, Name: secret.Name, VersionId: version?.VersionId };
  }

  /** A new version labelled AWSCURRENT (unless other stages are asked for); the old current becomes AWSPREVIOUS. */
  private addVersion(s: Secret, m: RequestMembers): SecretVersion {
    const secretString = m.optString('SecretString');
    const secretBinary = m.optString('SecretBinary');
    if (secretString === undefined && secretBinary === undefined) {
      throw m.invalid('You must provide either SecretString or SecretBinary.');
    }
    if (secretString !== undefined && secretBinary !== undefined) {
      throw m.invalid("You can't specify both SecretString and SecretBinary.");
    }
    const token = m.optString('ClientRequestToken') ?? this.uuid();
    if (token.length < 32 || token.length > 64) {
      throw m.invalid('ClientRequestToken must be between 32 and 64 characters long.');
    }
    const same = s.versions.find((v) => v.VersionId === token);
    if (same) {
      if (same.SecretString === secretString && same.SecretBinary === secretBinary) return same;
      throw new AwsServiceError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    const stages = m.optList<string>('VersionStages') ?? ['AWSCURRENT'];
    const now = this.ctx.now();
    if (stages.includes('AWSCURRENT')) {
      for (const v of s.versions) v.VersionStages = v.VersionStages.filter((st) => st !== 'AWSPREVIOUS');
      for (const v of s.versions) {
        if (v.VersionStages.includes('AWSCURRENT')) {
          v.VersionStages = [...v.VersionStages.filter((st) => st !== 'AWSCURRENT'), 'AWSPREVIOUS'];
        }
      }
    }
    for (const v of s.versions)
      v.VersionStages = v.VersionStages.filter(
        (st) => st === 'AWSPREVIOUS' || st === 'AWSCURRENT' || !stages.includes(st),
      );
    const version: SecretVersion = {
      VersionId: token,
      SecretString: secretString,
      SecretBinary: secretBinary,
      CreatedDate: now,
      VersionStages: [...stages],
    };
    // Versions left without a label are deprecated: AWS stops listing them.
    s.versions = [...s.versions.filter((v) => v.VersionStages.length > 0), version];
    s.LastChangedDate = now;
    return version;
  }

  private getValue(m: RequestMembers): unknown {
    const s = this.live(this.secret(m.string('SecretId')));
    const versionId = m.optString('VersionId');
    const stage = m.optString('VersionStage') ?? (versionId === undefined ? 'AWSCURRENT' : undefined);
    const version = s.versions.find(
      (v) =>
        (versionId === undefined || v.VersionId === versionId) &&
        (stage === undefined || v.VersionStages.includes(stage)),
    );
    if (!version) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        versionId !== undefined
          ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`
          : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      );
    }
    // AWS records access by day.
    const now = this.ctx.now();
    s.LastAccessedDate = new Date(Math.floor(now.getTime() / DAY) * DAY);
    return {
      ARN: s.ARN,
      Name: s.Name,
      VersionId: version.VersionId,
      SecretString: version.SecretString,
      SecretBinary: version.SecretBinary,
      VersionStages: version.VersionStages,
      CreatedDate: version.CreatedDate,
    };
  }

  private delete(m: RequestMembers): unknown {
    const s = this.secret(m.string('SecretId'));
    const force = m.bool('ForceDeleteWithoutRecovery');
    const window = m.optNumber('RecoveryWindowInDays');
    if (force && window !== undefined) {
      throw m.invalid("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    if (window !== undefined && (window < 7 || window > 30)) {
      throw m.invalid('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    const now = this.ctx.now();
    if (force) {
      this.secrets.delete(s.Name);
      return { ARN: s.ARN, Name: s.Name, DeletionDate: now };
    }
    if (s.DeletedDate) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was already scheduled for deletion.",
      );
    }
    s.DeletedDate = new Date(now.getTime() + (window ?? 30) * DAY);
    return { ARN: s.ARN, Name: s.Name, DeletionDate: s.DeletedDate };
  }

  private password(m: RequestMembers): string {
    const length = m.optNumber('PasswordLength') ?? 32;
    if (!Number.isInteger(length) || length < 1 || length > 4096) {
      throw m.invalid('PasswordLength must be between 1 and 4096.');
    }
    const exclude = new Set(m.optString('ExcludeCharacters') ?? '');
    const classes = [
      m.bool('ExcludeLowercase') ? '' : 'abcdefghijklmnopqrstuvwxyz',
      m.bool('ExcludeUppercase') ? '' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      m.bool('ExcludeNumbers') ? '' : '0123456789',
      m.bool('ExcludePunctuation') ? '' : PUNCTUATION,
      m.bool('IncludeSpace') ? ' ' : '',
    ]
      .map((chars) => [...chars].filter((c) => !exclude.has(c)).join(''))
      .filter((chars) => chars.length > 0);
    if (classes.length === 0)
      throw m.invalid('The password would be empty: every character class is excluded.');
    const requireEach = m.optBool('RequireEachIncludedType') ?? true;
    if (requireEach && length < classes.length) {
      throw m.invalid('PasswordLength is too short to include a character of each included type.');
    }
    const pool = classes.join('');
    const chars = Array.from({ length }, () => pool[randomInt(pool.length)]!);
    if (requireEach) {
      // Put one character of each class at distinct random places.
      const places = [...Array(length).keys()];
      for (const cls of classes) {
        const at = places.splice(randomInt(places.length), 1)[0]!;
        chars[at] = cls[randomInt(cls.length)]!;
      }
    }
    return chars.join('');
  }

  private list(m: RequestMembers): unknown {
    const includeDeleted = m.bool('IncludePlannedDeletion');
    const filters = m.optList<{ Key?: string; Values?: string[] }>('Filters') ?? [];
    const keys = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'];
    for (const f of filters) {
      if (!f.Key || !keys.includes(f.Key)) throw m.invalid(`Invalid filter key: ${f.Key}`);
    }
    const max = pageSize(
      m.optNumber('MaxResults'),
      { default: 100, max: 100 },
      (msg) => m.invalid(msg),
      'MaxResults',
    );
    const fields = (s: Secret, key: string): string[] => {
      switch (key) {
        case 'name':
          return [s.Name];
        case 'description':
          return s.Description === undefined ? [] : [s.Description];
        case 'tag-key':
          return s.Tags.map((t) => t.Key);
        case 'tag-value':
          return s.Tags.map((t) => t.Value);
        case 'primary-region':
          return [this.ctx.region];
        case 'owning-service':
          return [];
        default:
          return [
            s.Name,
            ...(s.Description === undefined ? [] : [s.Description]),
            ...s.Tags.flatMap((t) => [t.Key, t.Value]),
          ];
      }
    };
    // Values match by prefix; a leading `!` negates one.
    const matches = (s: Secret, f: { Key?: string; Values?: string[] }) => {
      const values = fields(s, f.Key!);
      const wanted = (f.Values ?? []).filter((v) => !v.startsWith('!'));
      const unwanted = (f.Values ?? []).filter((v) => v.startsWith('!')).map((v) => v.slice(1));
      return (
        (wanted.length === 0 || wanted.some((w) => values.some((v) => v.startsWith(w)))) &&
        unwanted.every((u) => !values.some((v) => v.startsWith(u)))
      );
    };
    const sortBy = m.optString('SortBy') ?? 'created-date';
    const sortKey = (s: Secret): string | number =>
      sortBy === 'name'
        ? s.Name
        : sortBy === 'last-changed-date'
          ? s.LastChangedDate.getTime()
          : sortBy === 'last-accessed-date'
            ? (s.LastAccessedDate?.getTime() ?? 0)
            : s.CreatedDate.getTime();
    const all = [...this.secrets.values()]
      .filter((s) => (includeDeleted || !s.DeletedDate) && filters.every((f) => matches(s, f)))
      .sort((a, b) => {
        const [x, y] = [sortKey(a), sortKey(b)];
        return x < y ? -1 : x > y ? 1 : a.Name.localeCompare(b.Name);
      });
    if ((m.optString('SortOrder') ?? 'desc') === 'desc') all.reverse();
    const page = pageOf(
      all,
      m.optString('NextToken'),
      max,
      () => new AwsServiceError('InvalidNextTokenException', 'The nextToken value is invalid.'),
    );
    return {
      SecretList: page.items.map((s) => ({
        ARN: s.ARN,
        Name: s.Name,
        Description: s.Description,
        KmsKeyId: s.KmsKeyId,
        LastChangedDate: s.LastChangedDate,
        LastAccessedDate: s.LastAccessedDate,
        DeletedDate: s.DeletedDate,
        Tags: s.Tags,
        SecretVersionsToStages: stagesOf(s),
        CreatedDate: s.CreatedDate,
      })),
      NextToken: page.nextToken,
    };
  }

  private uuid(): string {
    const h = this.ctx.id(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

function stagesOf(s: Secret): Record<string, string[]> {
  return Object.fromEntries(s.versions.map((v) => [v.VersionId, [...v.VersionStages]]));
}
