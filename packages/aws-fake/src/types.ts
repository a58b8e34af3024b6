// The contract between the fake's HTTP front (server.ts) and each fake service.

/**
 * `ec2` is the query protocol's EC2 variant (no result wrapper, `<item>` lists, `<Response><Errors>`);
 * `rest-json` routes by method and path (the handler's `route`), its members in the path, query and body.
 */
export type Protocol = 'json' | 'query' | 'ec2' | 'rest-json';

export interface FakeContext {
  region: string;
  accountId: string;
  /** The fake's clock (simulated; advanced by the fake, never by wall time). */
  now(): Date;
  /** A new unique id: hex of the given length. */
  id(length?: number): string;
  arn(service: string, resource: string): string;
}

export interface ServiceHandler {
  /** The SigV4 signing name, which routes a request here (`ecs`, `elasticloadbalancing`, …). */
  signingName: string;
  protocol: Protocol;
  /** For the JSON protocol: the X-Amz-Target prefix (`AmazonEC2ContainerServiceV20141113`). */
  targetPrefix?: string;
  /** For the query protocol: the API version and XML namespace of responses. */
  apiVersion?: string;
  xmlNamespace?: string;
  /**
   * How this service answers a throttled call, when not as its protocol usually does (JSON:
   * `ThrottlingException`, query: `Throttling`, both 400).
   */
  throttling?: { code: string; status: number };
  /** For the REST-JSON protocol: the action a method and path name, and the members the path and query carry. */
  route?(
    method: string,
    path: string,
    query: URLSearchParams,
  ): { action: string; params: Record<string, unknown> };
  /** True for calls that change state (the rest only read). */
  isMutating(action: string): boolean;
  /** Answer one call: a JSON-able result, or throw AwsServiceError. */
  handle(action: string, params: Record<string, unknown>, ctx: FakeContext): unknown;
  /**
   * What IAM would authorise for this call, read before it is handled (resource tags as they were):
   * the call's own action on its resources, and what it implies (tags on create, roles passed).
   */
  authorize?(action: string, params: Record<string, unknown>, ctx: FakeContext): AuthorizationRequest[];
  /** The live resources this service holds, for "exactly one of each" assertions. */
  inventory?(): ResourceRecord[];
}

/** One live resource: its kind (`ecs:service`, `logs:log-group`, …) and its name within that kind. */
export interface ResourceRecord {
  kind: string;
  name: string;
  /** The resource's tags, for services that tag it (an inventory of what carries which tags). */
  tags?: Record<string, string>;
  /** Log groups: their retention in days (undefined: kept forever). */
  retentionInDays?: number;
}

export interface CallRecord {
  seq: number;
  service: string;
  action: string;
  mutating: boolean;
  /** Answered with a throttling error instead of being handled. */
  throttled: boolean;
  /** The error code it answered with, if any (throttling included). */
  error?: string;
  /** Who signed the call: the access key id of its SigV4 credential scope (tests give each role its own). */
  principal?: string;
  /**
   * What AWS would authorise for this call, as IAM evaluates it: one entry per (IAM action, resource)
   * pair, including the implied ones (tags on create, iam:PassRole for roles handed over, ec2:CreateTags
   * for RunInstances' TagSpecifications). Filled for every call the fake understood, also refused ones.
   */
  authorizations?: AuthorizationRequest[];
}

/** One authorisation AWS makes for a call: the input of an IAM policy evaluation. */
export interface AuthorizationRequest {
  /** The IAM action, `<service prefix>:<Action>` (`ecs:CreateService`, `iam:PassRole`). */
  action: string;
  /** The resource ARN as the Service Authorization Reference defines it, or `*` when the action has none. */
  resource: string;
  /**
   * The request context keys this call carries: `aws:RequestTag/<k>`, `aws:TagKeys`,
   * `aws:ResourceTag/<k>` (the resource's tags before the call), service keys such as `ecs:cluster`,
   * `iam:PassedToService`, `ec2:CreateAction`.
   */
  context: Record<string, string | string[]>;
}
