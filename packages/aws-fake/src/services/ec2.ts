// A stateful fake of the EC2 calls the ec2-runner makes, over EC2's own query protocol ("ec2"):
// instances launched, tagged, described with filters and paging, terminated (idempotently) and their
// console output; capacity errors injected per instance type, subnet and market.
//
// Wire format (https://smithy.io/2.0/aws/protocols/aws-ec2-query-protocol.html): requests are the
// query protocol's form with capitalised, flattened keys (`InstanceId.1`, `TagSpecification.1.Tag.1.Key`);
// answers have no `<XResult>` wrapper, members carry their lowerCamel `xmlName` (`instancesSet`,
// `tagSet`), list items are `<item>`, and errors are `<Response><Errors><Error>…`.
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { authz, passRoles, requestTags, resourceTags, tagMap } from '../authorization.js';
import { text } from '../params.js';

export interface Ec2Tag {
  Key: string;
  Value: string;
}

export type Ec2StateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

const STATE_CODES: Record<Ec2StateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** One launched instance, with what RunInstances asked for (tests assert on it). */
export interface Ec2Instance {
  InstanceId: string;
  ImageId: string;
  InstanceType: string;
  SubnetId: string;
  SecurityGroupIds: string[];
  State: Ec2StateName;
  LaunchTime: Date;
  Tags: Ec2Tag[];
  /** Base64 as sent. */
  UserData: string | undefined;
  /** `spot` or `on-demand`. */
  Market: 'spot' | 'on-demand';
  SpotOptions: Record<string, unknown> | undefined;
  MetadataOptions: Record<string, unknown> | undefined;
  BlockDeviceMappings: Record<string, unknown>[];
  InstanceInitiatedShutdownBehavior: string | undefined;
  IamInstanceProfile: Record<string, unknown> | undefined;
  ClientToken: string | undefined;
  /** The RunInstances parameters but the token, to tell a retry from a reuse of the token. */
  request: string;
  ReservationId: string;
  /** Console output the test lets the instance print (raw text; sent base64 as EC2 does). */
  consoleOutput: string;
}

/** A launch that fails with a capacity error; an unset field matches anything. */
export interface CapacityFailure {
  instanceType?: string;
  subnetId?: string;
  market?: 'spot' | 'on-demand';
  /** Default InsufficientInstanceCapacity. */
  code?: string;
  /** Fail this many matching launches, then let them through (default: always). */
  times?: number;
}

const MUTATING = new Set(['RunInstances', 'TerminateInstances', 'CreateTags']);

const CAPACITY_MESSAGES: Record<string, string> = {
  InsufficientInstanceCapacity:
    'We currently do not have sufficient capacity in the Availability Zone you requested. Our system will be working on provisioning additional capacity.',
  InsufficientCapacityOnHost: 'There is not enough capacity on the host.',
  SpotMaxPriceTooLow:
    'Your Spot request price is lower than the minimum required Spot request fulfillment price.',
  MaxSpotInstanceCountExceeded: 'Max spot instance count exceeded',
  InsufficientFreeAddressesInSubnet:
    'There are not enough free addresses in subnet to satisfy the requested number of instances.',
  Unsupported:
    'The requested configuration is currently not supported. Please check the documentation for supported configurations.',
};

const invalid = (code: string, message: string) => new AwsServiceError(code, message, 400);

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]);
const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export class Ec2Fake implements ServiceHandler {
  readonly signingName = 'ec2';
  readonly protocol = 'ec2' as const;
  /**
   * EC2 throttles with its own code, a 503 (the EC2 Developer Guide, "Request throttling for the
   * Amazon EC2 API": "you get the RequestLimitExceeded error code"); the SDK's retry knows it.
   */
  readonly throttling = { code: 'RequestLimitExceeded', status: 503 };
  readonly apiVersion = '2016-11-15';
  readonly xmlNamespace = 'http://ec2.amazonaws.com/doc/2016-11-15/';

  readonly instances = new Map<string, Ec2Instance>();
  /** Every RunInstances attempt in order, failed ones too: type, subnet, market and the answer. */
  readonly launches: { instanceType: string; subnetId: string; market: string; error?: string }[] = [];
  private readonly failures: CapacityFailure[] = [];
  /**
   * AMIs DescribeImages knows besides the default: every well-formed `ami-…` id is an available
   * x86_64 image with root device /dev/xvda unless registered here (or listed as missing).
   */
  readonly images = new Map<string, { architecture: string; rootDeviceName: string }>();
  readonly missingImages = new Set<string>();

  constructor(private readonly ctx: FakeContext) {}

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  inventory(): ResourceRecord[] {
    return [...this.instances.values()]
      .filter((i) => i.State !== 'terminated')
      .map((i) => ({ kind: 'ec2:instance', name: i.InstanceId, tags: tagMap(i.Tags) }));
  }

  /** Make matching launches fail with a capacity error (InsufficientInstanceCapacity by default). */
  failLaunches(rule: CapacityFailure): void {
    this.failures.push({ ...rule });
  }

  /** What GetConsoleOutput answers for the instance. */
  setConsoleOutput(instanceId: string, text: string): void {
    this.get(instanceId).consoleOutput = text;
  }

  /** Move an instance to a state, as its own shutdown (or a person) would. */
  setState(instanceId: string, state: Ec2StateName): void {
    this.get(instanceId).State = state;
  }

  /** Instances by tag value, in launch order. */
  tagged(key: string, value?: string): Ec2Instance[] {
    return [...this.instances.values()].filter((i) =>
      i.Tags.some((t) => t.Key === key && (value === undefined || t.Value === value)),
    );
  }

  private get(instanceId: string): Ec2Instance {
    const i = this.instances.get(instanceId);
    if (!i) throw invalid('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    return i;
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    switch (action) {
      case 'RunInstances':
        return this.run(params);
      case 'DescribeInstances':
        return this.describe(params);
      case 'DescribeImages': {
        const ids = asList(params.ImageId).map(String);
        for (const id of ids)
          if (!/^ami-[0-9a-f]+$/.test(id))
            throw invalid('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
        // An id asked for by name that does not exist is an error, not an empty answer.
        const missing = ids.filter((id) => this.missingImages.has(id));
        if (missing.length)
          throw invalid('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
        return {
          imagesSet: ids.map((id) => ({
            imageId: id,
            imageState: 'available',
            architecture: this.images.get(id)?.architecture ?? 'x86_64',
            rootDeviceName: this.images.get(id)?.rootDeviceName ?? '/dev/xvda',
            rootDeviceType: 'ebs',
          })),
        };
      }
      case 'TerminateInstances':
        return this.terminate(params);
      case 'CreateTags':
        return this.createTags(params);
      case 'GetConsoleOutput': {
        const instance = this.get(text(params.InstanceId ?? ''));
        return {
          instanceId: instance.InstanceId,
          timestamp: this.ctx.now(),
          output: instance.consoleOutput ? Buffer.from(instance.consoleOutput).toString('base64') : undefined,
        };
      }
      default:
        throw invalid('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  /**
   * What IAM authorises. RunInstances is authorised on each resource it creates or uses (the new
   * instance and volume, with the tags their TagSpecifications give them; the image, subnet, security
   * groups and network interface), ec2:CreateTags for those tags (ec2:CreateAction RunInstances), and
   * iam:PassRole for the instance profile's role, taken to have the profile's name
   * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ExamplePolicies_EC2.html#iam-example-runinstances).
   */
  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const arn = (resource: string) => this.ctx.arn('ec2', resource);
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`ec2:${action}`, resource, ...contexts);
    const instanceTags = (id: string) => resourceTags(tagMap(this.instances.get(id)?.Tags));
    switch (action) {
      case 'DescribeInstances':
      case 'DescribeImages':
        return [own('*')];
      case 'RunInstances': {
        const specTags = (type: string) =>
          tagMap(
            asList(params.TagSpecification)
              .map((spec) => asRecord(spec))
              .filter((spec) => spec?.ResourceType === type)
              .flatMap((spec) => asList(spec!.Tag)),
          );
        const created = [
          { resource: arn('instance/new'), tags: specTags('instance') },
          { resource: arn('volume/new'), tags: specTags('volume') },
        ];
        const profile = asRecord(params.IamInstanceProfile);
        const profileName =
          profile?.Name ??
          text(profile?.Arn ?? '')
            .split('/')
            .pop();
        return [
          ...created.map((c) => own(c.resource, requestTags(c.tags))),
          own(`arn:aws:ec2:${this.ctx.region}::image/${text(params.ImageId ?? '')}`),
          ...(params.SubnetId ? [own(arn(`subnet/${text(params.SubnetId)}`))] : []),
          ...asList(params.SecurityGroupId).map((g) => own(arn(`security-group/${String(g)}`))),
          own(arn('network-interface/new')),
          ...created
            .filter((c) => Object.keys(c.tags).length)
            .map((c) =>
              authz('ec2:CreateTags', c.resource, requestTags(c.tags), { 'ec2:CreateAction': action }),
            ),
          ...passRoles(
            profileName ? [`arn:aws:iam::${this.ctx.accountId}:role/${text(profileName)}`] : [],
            'ec2.amazonaws.com',
          ),
        ];
      }
      case 'TerminateInstances':
        return asList(params.InstanceId).map((id) =>
          own(arn(`instance/${String(id)}`), instanceTags(String(id))),
        );
      case 'GetConsoleOutput':
        return [
          own(arn(`instance/${text(params.InstanceId ?? '')}`), instanceTags(text(params.InstanceId ?? ''))),
        ];
      case 'CreateTags': {
        const tags = tagMap(asList(params.Tag));
        return asList(params.ResourceId).map((id) =>
          own(arn(`instance/${String(id)}`), instanceTags(String(id)), requestTags(tags)),
        );
      }
      default:
        throw new Error(`no authorisation modelled for ec2:${action}`);
    }
  }

  private run(p: Record<string, unknown>): unknown {
    const imageId = text(p.ImageId ?? '');
    const instanceType = text(p.InstanceType ?? '');
    const subnetId = text(p.SubnetId ?? '');
    if (!imageId) throw invalid('MissingParameter', 'The request must contain the parameter ImageId');
    if (!/^ami-[0-9a-f]+$/.test(imageId))
      throw invalid('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
    if (!instanceType)
      throw invalid('MissingParameter', 'The request must contain the parameter InstanceType');
    if (subnetId && !/^subnet-[0-9a-f]+$/.test(subnetId))
      throw invalid('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    if (p.MinCount !== '1' || p.MaxCount !== '1')
      throw invalid('InvalidParameterValue', 'the fake launches exactly one instance per call');
    const marketOptions = asRecord(p.InstanceMarketOptions);
    const market = marketOptions?.MarketType === 'spot' ? 'spot' : 'on-demand';
    const clientToken = p.ClientToken === undefined ? undefined : text(p.ClientToken);
    // Idempotency: the same client token answers the same reservation, launching nothing new.
    // https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html
    // The same token with other parameters is refused, not answered with the earlier launch.
    const request = JSON.stringify(
      Object.entries(p)
        .filter(([k]) => k !== 'ClientToken')
        .sort(),
    );
    if (clientToken) {
      const earlier = [...this.instances.values()].find((i) => i.ClientToken === clientToken);
      if (earlier && earlier.request !== request)
        throw invalid(
          'IdempotentParameterMismatch',
          `The client token ${clientToken} was used before with different parameters`,
        );
      if (earlier) return this.reservation(earlier.ReservationId);
    }
    const attempt: (typeof this.launches)[number] = { instanceType, subnetId, market };
    this.launches.push(attempt);
    const failure = this.failures.find(
      (f) =>
        (f.instanceType === undefined || f.instanceType === instanceType) &&
        (f.subnetId === undefined || f.subnetId === subnetId) &&
        (f.market === undefined || f.market === market) &&
        (f.times === undefined || f.times > 0),
    );
    if (failure) {
      if (failure.times !== undefined) failure.times--;
      const code = failure.code ?? 'InsufficientInstanceCapacity';
      attempt.error = code;
      // 400: answered as the caller's (Sender) error, so the SDK hands it over without retrying the same
      // pool eight times; the caller falls through to its next instance type, subnet or market.
      throw new AwsServiceError(code, CAPACITY_MESSAGES[code] ?? code, 400);
    }
    const tags: Ec2Tag[] = [];
    for (const spec of asList(p.TagSpecification)) {
      const s = asRecord(spec);
      if (s?.ResourceType !== 'instance') continue;
      for (const t of asList(s.Tag)) {
        const tag = asRecord(t);
        if (tag) tags.push({ Key: text(tag.Key), Value: text(tag.Value ?? '') });
      }
    }
    const reservationId = `r-${this.ctx.id(17)}`;
    const instance: Ec2Instance = {
      InstanceId: `i-${this.ctx.id(17)}`,
      ImageId: imageId,
      InstanceType: instanceType,
      SubnetId: subnetId,
      SecurityGroupIds: asList(p.SecurityGroupId).map(String),
      State: 'pending',
      LaunchTime: this.ctx.now(),
      Tags: tags,
      UserData: p.UserData === undefined ? undefined : text(p.UserData),
      Market: market,
      SpotOptions: asRecord(marketOptions?.SpotOptions),
      MetadataOptions: asRecord(p.MetadataOptions),
      BlockDeviceMappings: asList(p.BlockDeviceMapping).map((b) => asRecord(b) ?? {}),
      InstanceInitiatedShutdownBehavior:
        p.InstanceInitiatedShutdownBehavior === undefined
          ? undefined
          : text(p.InstanceInitiatedShutdownBehavior),
      IamInstanceProfile: asRecord(p.IamInstanceProfile),
      ClientToken: clientToken,
      request,
      ReservationId: reservationId,
      consoleOutput: '',
    };
    this.instances.set(instance.InstanceId, instance);
    return this.reservation(reservationId);
  }

  private reservation(reservationId: string): unknown {
    const instances = [...this.instances.values()].filter((i) => i.ReservationId === reservationId);
    return {
      reservationId,
      ownerId: this.ctx.accountId,
      groupSet: [],
      instancesSet: instances.map((i) => this.wire(i)),
    };
  }

  private wire(i: Ec2Instance): Record<string, unknown> {
    return {
      instanceId: i.InstanceId,
      imageId: i.ImageId,
      instanceState: { code: STATE_CODES[i.State], name: i.State },
      instanceType: i.InstanceType,
      launchTime: i.LaunchTime,
      placement: { availabilityZone: `${this.ctx.region}a` },
      subnetId: i.SubnetId || undefined,
      instanceLifecycle: i.Market === 'spot' ? 'spot' : undefined,
      tagSet: i.Tags.map((t) => ({ key: t.Key, value: t.Value })),
    };
  }

  /** Instances settle one step per describe: pending → running, shutting-down → terminated. */
  private settle(): void {
    for (const i of this.instances.values()) {
      if (i.State === 'pending') i.State = 'running';
      else if (i.State === 'shutting-down') i.State = 'terminated';
    }
  }

  private describe(p: Record<string, unknown>): unknown {
    this.settle();
    const ids = asList(p.InstanceId).map(String);
    for (const id of ids) this.get(id);
    let found = ids.length ? ids.map((id) => this.instances.get(id)!) : [...this.instances.values()];
    for (const f of asList(p.Filter)) {
      const filter = asRecord(f) ?? {};
      const name = text(filter.Name ?? '');
      const values = asList(filter.Value).map(String);
      found = found.filter((i) => matches(i, name, values));
    }
    const max = p.MaxResults === undefined ? undefined : Number(p.MaxResults);
    if (max !== undefined && (max < 5 || max > 1000))
      throw invalid(
        'InvalidParameterValue',
        `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    if (max !== undefined && ids.length)
      throw invalid(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    const start = p.NextToken === undefined ? 0 : Number(Buffer.from(text(p.NextToken), 'base64').toString());
    if (!Number.isInteger(start) || start < 0)
      throw invalid('InvalidParameterValue', 'Unable to parse pagination token');
    const page = max === undefined ? found.slice(start) : found.slice(start, start + max);
    const next = max !== undefined && start + max < found.length ? start + max : undefined;
    // One reservation per instance: the runner launches one instance per call.
    return {
      reservationSet: page.map((i) => ({
        reservationId: i.ReservationId,
        ownerId: this.ctx.accountId,
        groupSet: [],
        instancesSet: [this.wire(i)],
      })),
      nextToken: next === undefined ? undefined : Buffer.from(String(next)).toString('base64'),
    };
  }

  private terminate(p: Record<string, unknown>): unknown {
    const ids = asList(p.InstanceId).map(String);
    if (!ids.length) throw invalid('MissingParameter', 'The request must contain the parameter InstanceId');
    const instances = ids.map((id) => this.get(id));
    return {
      instancesSet: instances.map((i) => {
        const previous = i.State;
        if (previous !== 'terminated') i.State = 'shutting-down';
        return {
          instanceId: i.InstanceId,
          previousState: { code: STATE_CODES[previous], name: previous },
          currentState: { code: STATE_CODES[i.State], name: i.State },
        };
      }),
    };
  }

  private createTags(p: Record<string, unknown>): unknown {
    const ids = asList(p.ResourceId).map(String);
    const tags = asList(p.Tag).map((t) => asRecord(t) ?? {});
    if (!ids.length || !tags.length)
      throw invalid('MissingParameter', 'The request must contain ResourceId and Tag');
    const instances = ids.map((id) => this.get(id));
    for (const i of instances) {
      for (const t of tags) {
        const key = text(t.Key ?? '');
        const value = text(t.Value ?? '');
        const existing = i.Tags.find((x) => x.Key === key);
        if (existing) existing.Value = value;
        else i.Tags.push({ Key: key, Value: value });
      }
      if (i.Tags.length > 50)
        throw invalid('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.');
    }
    return { return: true };
  }
}

/** DescribeInstances filters the runner uses (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html). */
function matches(i: Ec2Instance, name: string, values: string[]): boolean {
  const glob = (v: string, pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(v);
  const any = (v: string | undefined) => v !== undefined && values.some((p) => glob(v, p));
  if (name.startsWith('tag:')) return any(i.Tags.find((t) => t.Key === name.slice(4))?.Value);
  switch (name) {
    case 'tag-key':
      return i.Tags.some((t) => any(t.Key));
    case 'instance-state-name':
      return any(i.State);
    case 'instance-id':
      return any(i.InstanceId);
    case 'instance-type':
      return any(i.InstanceType);
    case 'subnet-id':
      return any(i.SubnetId);
    default:
      throw invalid('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
}

/*
 * The ec2 protocol's documents. Result objects are written with their wire names already (the fake
 * answers in EC2's member names), so this only needs lists as `<item>`, dates as ISO 8601 and escaping.
 */
const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};
const escapeXml = (text: string) => text.replace(/[&<>"'\r]/g, (c) => escapes[c]!);

function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element('item', v)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(text(value))}</${name}>`;
}

/** `<ActionResponse xmlns=…><requestId>…</requestId>members…</ActionResponse>` */
export function ec2ResponseBody(
  action: string,
  result: unknown,
  namespace: string,
  requestId: string,
): string {
  const members =
    result && typeof result === 'object'
      ? Object.entries(result as Record<string, unknown>)
          .map(([k, v]) => element(k, v))
          .join('')
      : '';
  return `<${action}Response xmlns="${escapeXml(namespace)}"><requestId>${escapeXml(requestId)}</requestId>${members}</${action}Response>`;
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html#api-error-response */
export function ec2ErrorBody(e: AwsServiceError, requestId: string): string {
  return (
    `<Response><Errors><Error><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error></Errors>` +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}
