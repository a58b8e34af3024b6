// Fake SSM Parameter Store (JSON 1.1, `AmazonSSM`): parameters with versions, SecureString values that
// read back encrypted unless decryption is asked for, hierarchies read by path, and tags.
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { authz, requestTags, resourceTags, tagMap } from '../authorization.js';
import { RequestMembers, pageOf, pageSize, toWire, unknownOperation } from './json-protocol.js';
import { callerArn } from './sts.js';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

export interface ParameterVersion {
  Version: number;
  Value: string;
  LastModifiedDate: Date;
}

export interface StoredParameter {
  Name: string;
  Type: ParameterType;
  Value: string;
  Version: number;
  LastModifiedDate: Date;
  LastModifiedUser: string;
  ARN: string;
  DataType: string;
  Tier: 'Standard';
  KeyId?: string;
  Description?: string;
  AllowedPattern?: string;
  /** Earlier versions, oldest first (AWS keeps the last 100). */
  history: ParameterVersion[];
}

export interface SsmTag {
  Key: string;
  Value: string;
}

const MUTATING = new Set([
  'PutParameter',
  'DeleteParameter',
  'DeleteParameters',
  'AddTagsToResource',
  'RemoveTagsFromResource',
  'TerminateSession',
]);

const TYPES: readonly string[] = ['String', 'StringList', 'SecureString'];
const NAME = /^[a-zA-Z0-9_.\-/]+$/;
const MAX_VALUE = 4096;

export class SsmFake implements ServiceHandler {
  readonly signingName = 'ssm';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'AmazonSSM';

  /** Parameters by name. */
  readonly parameters = new Map<string, StoredParameter>();
  /** Tags of parameters, by name. */
  readonly tags = new Map<string, SsmTag[]>();

  /** Session Manager sessions ended with TerminateSession, in call order. */
  readonly terminatedSessions: string[] = [];
  /** Told about each TerminateSession (a test's agent server ends the session's socket). */
  onTerminateSession: ((sessionId: string) => void) | undefined;

  constructor(private readonly ctx: FakeContext) {}

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  inventory(): ResourceRecord[] {
    return [...this.parameters.keys()].map((name) => ({
      kind: 'ssm:parameter',
      name,
      tags: tagMap(this.tags.get(name)),
    }));
  }

  /** What IAM authorises: each parameter's ARN (`parameter/<name without its leading slash>`) with its tags. */
  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const str = (k: string) => (typeof params[k] === 'string' ? params[k] : undefined);
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`ssm:${action}`, resource, ...contexts);
    const parameter = (ref: string) => {
      const name = this.nameOf(ref);
      return own(this.arnOf(name), resourceTags(tagMap(this.tags.get(name))));
    };
    const tags = tagMap(params.Tags);
    switch (action) {
      case 'PutParameter': {
        const a = parameter(str('Name') ?? '');
        return [
          { ...a, context: { ...a.context, ...requestTags(tags) } },
          // Tags on a create are authorised as AddTagsToResource too.
          ...(Object.keys(tags).length
            ? [authz('ssm:AddTagsToResource', a.resource, requestTags(tags))]
            : []),
        ];
      }
      case 'GetParameter':
      case 'DeleteParameter':
        return [parameter(str('Name') ?? '')];
      case 'GetParameters':
      case 'DeleteParameters':
        return ((params.Names as string[] | undefined) ?? []).map(parameter);
      case 'GetParametersByPath':
        return [own(this.arnOf(str('Path') ?? ''))];
      case 'AddTagsToResource':
      case 'RemoveTagsFromResource':
      case 'ListTagsForResource': {
        const a = parameter(str('ResourceId') ?? '');
        const keys =
          action === 'RemoveTagsFromResource'
            ? { 'aws:TagKeys': (params.TagKeys as string[] | undefined) ?? [] }
            : requestTags(tags);
        return [{ ...a, context: { ...a.context, ...keys } }];
      }
      case 'TerminateSession':
        return [own(this.ctx.arn('ssm', `session/${str('SessionId') ?? ''}`))];
      default:
        throw new Error(`no authorisation modelled for ssm:${action}`);
    }
  }

  /** A parameter's current value (for assertions), undefined when absent. */
  value(name: string): string | undefined {
    return this.parameters.get(name)?.Value;
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    const m = new RequestMembers(params, 'ValidationException');
    switch (action) {
      case 'PutParameter':
        return this.put(m);
      case 'TerminateSession': {
        const sessionId = m.string('SessionId');
        this.terminatedSessions.push(sessionId);
        this.onTerminateSession?.(sessionId);
        return { SessionId: sessionId };
      }
      case 'GetParameter': {
        const { parameter, selector } = this.lookup(m.string('Name'));
        return toWire({ Parameter: this.shown(parameter, m.bool('WithDecryption'), selector) });
      }
      case 'GetParameters': {
        const names = m.list<string>('Names');
        if (names.length === 0 || names.length > 10) {
          throw m.invalid(
            `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`,
          );
        }
        const found: unknown[] = [];
        const invalid: string[] = [];
        for (const name of names) {
          try {
            const { parameter, selector } = this.lookup(name);
            found.push(this.shown(parameter, m.bool('WithDecryption'), selector));
          } catch (err) {
            if (!(err instanceof AwsServiceError)) throw err;
            invalid.push(name);
          }
        }
        return toWire({ Parameters: found, InvalidParameters: invalid });
      }
      case 'GetParametersByPath':
        return toWire(this.byPath(m));
      case 'DeleteParameter': {
        const name = this.nameOf(m.string('Name'));
        if (!this.parameters.delete(name)) throw this.notFound(name);
        this.tags.delete(name);
        return {};
      }
      case 'DeleteParameters': {
        const names = m.list<string>('Names');
        if (names.length === 0 || names.length > 10) {
          throw m.invalid(
            `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`,
          );
        }
        const deleted: string[] = [];
        const invalid: string[] = [];
        for (const ref of names) {
          const name = this.nameOf(ref);
          if (this.parameters.delete(name)) {
            this.tags.delete(name);
            deleted.push(ref);
          } else invalid.push(ref);
        }
        return { DeletedParameters: deleted, InvalidParameters: invalid };
      }
      case 'AddTagsToResource': {
        const name = this.taggable(m);
        const tags = m.list<SsmTag>('Tags');
        const merged = (this.tags.get(name) ?? []).filter((t) => !tags.some((n) => n.Key === t.Key));
        merged.push(...tags.map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') })));
        if (merged.length > 50)
          throw new AwsServiceError('TooManyTagsError', 'The Targets parameter includes too many tags.');
        this.tags.set(name, merged);
        return {};
      }
      case 'RemoveTagsFromResource': {
        const name = this.taggable(m);
        const keys = m.list<string>('TagKeys');
        this.tags.set(
          name,
          (this.tags.get(name) ?? []).filter((t) => !keys.includes(t.Key)),
        );
        return {};
      }
      case 'ListTagsForResource':
        return { TagList: (this.tags.get(this.taggable(m)) ?? []).map((t) => ({ ...t })) };
      default:
        throw unknownOperation('ssm', action);
    }
  }

  private arnOf(name: string): string {
    return this.ctx.arn('ssm', `parameter/${name.replace(/^\//, '')}`);
  }

  /** A name from a name or an ARN (`arn:aws:ssm:…:parameter/a/b` names `/a/b`). */
  private nameOf(ref: string): string {
    const match = /^arn:aws:ssm:[^:]*:[^:]*:parameter\/(.+)$/.exec(ref);
    if (!match) return ref;
    const bare = match[1]!;
    return this.parameters.has(bare) ? bare : `/${bare}`;
  }

  private notFound(name: string): AwsServiceError {
    return new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
  }

  /** A parameter by name or ARN, with an optional `:version` selector. */
  private lookup(ref: string): { parameter: StoredParameter; selector?: string; version?: ParameterVersion } {
    // Names cannot hold a colon, so the first one after the name (or after an ARN's `parameter/`)
    // starts the selector.
    const nameStart = ref.startsWith('arn:') ? ref.indexOf(':parameter/') + ':parameter/'.length : 0;
    const at = ref.indexOf(':', nameStart);
    const base = at < 0 ? ref : ref.slice(0, at);
    const selector = at < 0 ? undefined : ref.slice(at);
    const parameter = this.parameters.get(this.nameOf(base));
    if (!parameter) throw this.notFound(ref);
    if (selector === undefined) return { parameter };
    const wanted = Number(selector.slice(1));
    if (!Number.isInteger(wanted)) {
      throw new AwsServiceError(
        'ParameterVersionNotFound',
        `Systems Manager could not find label ${selector.slice(1)} for parameter ${base}.`,
      );
    }
    if (wanted === parameter.Version) return { parameter, selector };
    const old = parameter.history.find((h) => h.Version === wanted);
    if (!old) {
      throw new AwsServiceError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${wanted} of ${base}.`,
      );
    }
    return { parameter: { ...parameter, ...old }, selector };
  }

  /** The parameter as Get* answers it; a SecureString stays ciphertext unless decryption is asked for. */
  private shown(p: StoredParameter, decrypt: boolean, selector?: string): Record<string, unknown> {
    const value =
      p.Type === 'SecureString' && !decrypt
        ? `AQICAH${Buffer.from(`${p.KeyId ?? 'alias/aws/ssm'}|${p.Version}|${p.Name}`).toString('base64')}`
        : p.Value;
    return {
      Name: p.Name,
      Type: p.Type,
      Value: value,
      Version: p.Version,
      Selector: selector,
      LastModifiedDate: p.LastModifiedDate,
      ARN: p.ARN,
      DataType: p.DataType,
    };
  }

  private put(m: RequestMembers): unknown {
    const name = this.nameOf(m.string('Name'));
    if (!NAME.test(name) || name.length > 2048) {
      throw m.invalid(
        'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_',
      );
    }
    if (name.includes('/') && !name.startsWith('/'))
      throw m.invalid('Parameter name must be a fully qualified name.');
    if (/^\/?(aws|ssm)/i.test(name)) throw m.invalid(`No access to reserved parameter name: ${name}.`);
    if (name.split('/').filter(Boolean).length > 15) {
      throw new AwsServiceError(
        'HierarchyLevelLimitExceededException',
        'A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names.',
      );
    }
    const value = m.optString('Value');
    if (value === undefined || value === '') {
      throw m.invalid(
        "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    // Advanced parameters hold 8 KB; Intelligent-Tiering picks Advanced when the value needs it.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html
    const tier = m.optString('Tier');
    const maxValue = tier === 'Advanced' || tier === 'Intelligent-Tiering' ? 2 * MAX_VALUE : MAX_VALUE;
    if (value.length > maxValue) {
      throw m.invalid(
        'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.',
      );
    }
    const type = m.optString('Type');
    if (type !== undefined && !TYPES.includes(type)) {
      throw m.invalid(
        `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
      );
    }
    const overwrite = m.bool('Overwrite');
    const tags = m.optList<SsmTag>('Tags');
    if (overwrite && tags?.length) {
      throw m.invalid(
        "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
      );
    }
    const pattern = m.optString('AllowedPattern');
    const existing = this.parameters.get(name);
    const effectivePattern = pattern ?? existing?.AllowedPattern;
    if (effectivePattern !== undefined && !new RegExp(effectivePattern).test(value)) {
      throw new AwsServiceError(
        'ParameterPatternMismatchException',
        `Parameter value, ${value}, failed to satisfy constraint specified by allowed pattern ${effectivePattern}`,
      );
    }
    const now = this.ctx.now();
    if (existing) {
      if (!overwrite) {
        throw new AwsServiceError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      }
      if (type !== undefined && type !== existing.Type) {
        throw new AwsServiceError(
          'HierarchyTypeMismatchException',
          `The parameter type can't be changed from ${existing.Type} to ${type}. Create a new parameter instead.`,
        );
      }
      existing.history.push({
        Version: existing.Version,
        Value: existing.Value,
        LastModifiedDate: existing.LastModifiedDate,
      });
      if (existing.history.length > 99) existing.history.shift();
      existing.Value = value;
      existing.Version++;
      existing.LastModifiedDate = now;
      existing.LastModifiedUser = callerArn(this.ctx);
      existing.Description = m.optString('Description') ?? existing.Description;
      existing.AllowedPattern = effectivePattern;
      existing.KeyId = m.optString('KeyId') ?? existing.KeyId;
      return { Version: existing.Version, Tier: 'Standard' };
    }
    if (type === undefined) throw m.invalid('A parameter type is required when you create a parameter.');
    if (tags && tags.length > 50)
      throw new AwsServiceError('TooManyTagsError', 'The Targets parameter includes too many tags.');
    this.parameters.set(name, {
      Name: name,
      Type: type as ParameterType,
      Value: value,
      Version: 1,
      LastModifiedDate: now,
      LastModifiedUser: callerArn(this.ctx),
      ARN: this.arnOf(name),
      DataType: m.optString('DataType') ?? 'text',
      Tier: 'Standard',
      KeyId: type === 'SecureString' ? (m.optString('KeyId') ?? 'alias/aws/ssm') : undefined,
      Description: m.optString('Description'),
      AllowedPattern: pattern,
      history: [],
    });
    if (tags?.length)
      this.tags.set(
        name,
        tags.map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') })),
      );
    return { Version: 1, Tier: 'Standard' };
  }

  private byPath(m: RequestMembers): unknown {
    const path = m.string('Path');
    if (!path.startsWith('/')) {
      throw m.invalid(
        'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".',
      );
    }
    const base = path.endsWith('/') ? path : `${path}/`;
    const recursive = m.bool('Recursive');
    const filters = m.optList<{ Key?: string; Option?: string; Values?: string[] }>('ParameterFilters') ?? [];
    for (const f of filters) {
      if (f.Key !== 'Type' && f.Key !== 'KeyId' && !f.Key?.startsWith('tag:')) {
        throw new AwsServiceError('InvalidFilterKey', `The following filter key is not valid: ${f.Key}.`);
      }
    }
    const max = pageSize(
      m.optNumber('MaxResults'),
      { default: 10, max: 10 },
      (msg) => m.invalid(msg),
      'MaxResults',
    );
    const all = [...this.parameters.values()]
      .filter((p) => p.Name.startsWith(base) && (recursive || !p.Name.slice(base.length).includes('/')))
      .filter((p) =>
        filters.every((f) => {
          const values = f.Values ?? [];
          if (f.Key === 'Type') return values.includes(p.Type);
          if (f.Key === 'KeyId') return p.KeyId !== undefined && values.includes(p.KeyId);
          const tag = this.tags.get(p.Name)?.find((t) => t.Key === f.Key!.slice(4));
          return tag !== undefined && (values.length === 0 || values.includes(tag.Value));
        }),
      )
      .sort((a, b) => a.Name.localeCompare(b.Name));
    const page = pageOf(
      all,
      m.optString('NextToken'),
      max,
      () => new AwsServiceError('InvalidNextToken', "The specified token isn't valid."),
    );
    return {
      Parameters: page.items.map((p) => this.shown(p, m.bool('WithDecryption'))),
      NextToken: page.nextToken,
    };
  }

  private taggable(m: RequestMembers): string {
    const type = m.string('ResourceType');
    if (type !== 'Parameter')
      throw new AwsServiceError('InvalidResourceType', "The resource type isn't valid.");
    const name = this.nameOf(m.string('ResourceId'));
    if (!this.parameters.has(name))
      throw new AwsServiceError(
        'InvalidResourceId',
        "The resource ID isn't valid. Verify that you entered the correct ID and try again.",
      );
    return name;
  }
}
