// The fake's HTTP front on loopback. The SDK reaches it through its standard endpoint settings
// (AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>), signs and serialises as it would for AWS, and
// runs its own retry and waiters on the answers. Requests are routed by the SigV4 signing name in the
// Authorization header's credential scope (…/<date>/<region>/<service>/aws4_request).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError } from './errors.js';
import { parseQueryRequest, queryErrorBody, queryResponseBody } from './protocols/query.js';
import { ec2ErrorBody, ec2ResponseBody } from './services/ec2.js';
import { RateLimiter, type RateLimitBucket } from './rate-limit.js';
import type { CallRecord, FakeContext, ResourceRecord, ServiceHandler } from './types.js';

export interface AwsFakeOptions {
  region?: string;
  accountId?: string;
  /** Answer this fraction of calls (0..1) with the service's throttling error, chosen by a seeded PRNG. */
  throttleFraction?: number;
  throttleSeed?: number;
  /** Delay every answer by this many milliseconds (benchmarks simulate network latency with it). */
  latencyMs?: number;
  /** Token buckets (burst, refill per second) that throttle the calls of their actions. */
  rateLimits?: readonly RateLimitBucket[];
}

/** Mulberry32: a small seeded PRNG, so throttling is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class AwsFakeServer {
  readonly region: string;
  readonly accountId: string;
  readonly calls: CallRecord[] = [];
  private readonly handlers = new Map<string, ServiceHandler>();
  private server: Server | undefined;
  private clock = Date.parse('2026-01-01T00:00:00Z');
  private ids = 0;
  private random: () => number;
  private throttleFraction: number;
  private latencyMs: number;
  private mutationBudget: number | undefined;
  private rateLimiter: RateLimiter | undefined;

  readonly ctx: FakeContext;

  /**
   * Called before each call is handled (after throttling): tests use it to make something happen
   * "meanwhile", e.g. a concurrent deploy taking a rule priority just before this CreateRule.
   */
  beforeHandle: ((service: string, action: string, params: Record<string, unknown>) => void) | undefined;

  constructor(options: AwsFakeOptions = {}) {
    this.region = options.region ?? 'eu-west-2';
    this.accountId = options.accountId ?? '123456789012';
    this.throttleFraction = options.throttleFraction ?? 0;
    this.random = prng(options.throttleSeed ?? 1);
    this.latencyMs = options.latencyMs ?? 0;
    if (options.rateLimits) this.rateLimiter = new RateLimiter(options.rateLimits);
    this.ctx = {
      region: this.region,
      accountId: this.accountId,
      now: () => new Date(this.clock),
      id: (length = 32) => {
        this.ids++;
        // Deterministic but unique: a counter mixed into a hex string of the requested length.
        const hex = (this.ids * 2654435761).toString(16) + this.ids.toString(16).padStart(8, '0');
        return hex.padStart(length, '0').slice(-length);
      },
      arn: (service, resource) => `arn:aws:${service}:${this.region}:${this.accountId}:${resource}`,
    };
  }

  register(handler: ServiceHandler): this {
    this.handlers.set(handler.signingName, handler);
    return this;
  }

  handler<T extends ServiceHandler>(signingName: string): T {
    const h = this.handlers.get(signingName);
    if (!h) throw new Error(`no fake service ${signingName}`);
    return h as T;
  }

  /**
   * Every live resource of every registered service, by kind, names sorted: one `toEqual` shows that
   * a run left exactly the resources it should.
   */
  /** Every resource the fake holds, with its tags (and a log group's retention). */
  resources(): ResourceRecord[] {
    return [...this.handlers.values()]
      .flatMap((h) => h.inventory?.() ?? [])
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  }

  inventory(): Record<string, string[]> {
    const byKind: Record<string, string[]> = {};
    for (const handler of this.handlers.values()) {
      for (const { kind, name } of handler.inventory?.() ?? []) (byKind[kind] ??= []).push(name);
    }
    for (const names of Object.values(byKind)) names.sort();
    return Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Throttle a fraction of the calls from now on (0 turns it off). */
  setThrottle(fraction: number, seed = 1): void {
    this.throttleFraction = fraction;
    this.random = prng(seed);
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Apply token-bucket rate limits from now on, full buckets (an empty list lifts them). */
  setRateLimits(buckets: readonly RateLimitBucket[]): void {
    this.rateLimiter = buckets.length ? new RateLimiter(buckets) : undefined;
  }

  /** Calls let through and refused per rate-limit bucket. */
  rateLimitReport(): { name: string; taken: number; refused: number }[] {
    return this.rateLimiter?.report() ?? [];
  }

  /**
   * Let `n` more mutating calls through, then answer every call with `FakeInterrupted` — as if the
   * caller's process died right after its n-th change. `undefined` lifts the limit.
   */
  interruptAfterMutations(n: number | undefined): void {
    this.mutationBudget = n;
  }

  /**
   * Simulated time each request takes (default a second). 0 freezes the clock: only `tick` moves it,
   * and with it ECS's world.
   */
  msPerRequest = 1000;

  /** The simulated clock's time. */
  now(): Date {
    return this.ctx.now();
  }

  /** Advance the simulated clock. */
  tick(ms: number): void {
    this.clock += ms;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    // Node closes an idle keep-alive connection after 5 s by default; a client reusing it at that
    // moment gets ECONNRESET and the SDK sends the call again — a second attempt a test counting
    // attempts would see under load. AWS endpoints keep idle connections far longer; so does the fake.
    this.server.keepAliveTimeout = 120_000;
    this.server.headersTimeout = 125_000; // above keepAliveTimeout, below the 300 s requestTimeout
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.endpoint;
  }

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the fake is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Environment for a process (or an SDK client) to reach the fake through standard settings. */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Calls seen, optionally of one service and action. Throttled answers count too. */
  count(filter: { service?: string; action?: string; mutating?: boolean; throttled?: boolean } = {}): number {
    return this.calls.filter(
      (c) =>
        (filter.service === undefined || c.service === filter.service) &&
        (filter.action === undefined || c.action === filter.action) &&
        (filter.mutating === undefined || c.mutating === filter.mutating) &&
        (filter.throttled === undefined || c.throttled === filter.throttled),
    ).length;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
      String(req.headers.authorization ?? ''),
    );
    // STS's web identity and SAML exchanges are unsigned (the token is the credential), as in AWS.
    const unsignedSts = !scope && /(^|&)Action=AssumeRoleWith(WebIdentity|SAML)(&|$)/.test(body);
    const handler = scope ? this.handlers.get(scope[2]!) : unsignedSts ? this.handlers.get('sts') : undefined;
    if (!handler) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          __type: 'UnknownServiceException',
          message: `the fake has no service ${scope?.[2] ?? '(unsigned request)'}`,
        }),
      );
      return;
    }
    let action = '';
    let params: Record<string, unknown> = {};
    if (handler.protocol === 'json') {
      action =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } else if (handler.protocol === 'rest-json' && handler.route) {
      const url = new URL(req.url ?? '/', 'http://fake');
      const routed = handler.route(req.method ?? 'GET', url.pathname, url.searchParams);
      action = routed.action;
      params = { ...(body ? (JSON.parse(body) as Record<string, unknown>) : {}), ...routed.params };
    } else {
      ({ action, params } = parseQueryRequest(body));
    }
    this.clock += this.msPerRequest;
    const record = this.record(handler, action, params, scope?.[1]);
    try {
      if (this.mutationBudget !== undefined && this.mutationBudget <= 0) {
        throw new AwsServiceError(
          'FakeInterrupted',
          'the fake stopped answering: the caller was interrupted here',
          400,
        );
      }
      if (
        (this.throttleFraction > 0 && this.random() < this.throttleFraction) ||
        (this.rateLimiter && !this.rateLimiter.take(handler.signingName, action))
      ) {
        record.throttled = true;
        const { code, status } = handler.throttling ?? {
          code: handler.protocol === 'json' ? 'ThrottlingException' : 'Throttling',
          status: 400,
        };
        throw new AwsServiceError(code, 'Rate exceeded', status);
      }
      this.beforeHandle?.(handler.signingName, action, params);
      const result = handler.handle(action, params, this.ctx);
      if (record.mutating && this.mutationBudget !== undefined) this.mutationBudget--;
      this.reply(res, handler, action, result);
    } catch (err) {
      const e =
        err instanceof AwsServiceError
          ? err
          : new AwsServiceError('InternalFailure', `fake failure: ${(err as Error).message}`, 500);
      record.error = e.code;
      this.replyError(res, handler, e);
    }
  }

  private record(
    handler: ServiceHandler,
    action: string,
    params: Record<string, unknown>,
    principal: string | undefined,
  ): CallRecord {
    const record: CallRecord = {
      seq: this.calls.length + 1,
      service: handler.signingName,
      action,
      mutating: handler.isMutating(action),
      throttled: false,
      ...(principal ? { principal } : {}),
    };
    this.calls.push(record);
    record.authorizations = this.authorizations(handler, action, params);
    return record;
  }

  /**
   * A call AWS makes on someone's behalf (a schedule's target, as the schedule's role): recorded with
   * that principal and its authorisations like a signed call, handled by the service's fake; an error
   * is thrown as the AwsServiceError it is.
   */
  invokeAs(principal: string, signingName: string, action: string, params: Record<string, unknown>): unknown {
    const handler = this.handler(signingName);
    const record = this.record(handler, action, params, principal);
    try {
      return handler.handle(action, params, this.ctx);
    } catch (err) {
      record.error = err instanceof AwsServiceError ? err.code : 'InternalFailure';
      throw err;
    }
  }

  /** What IAM would authorise, every request carrying the global aws:RequestedRegion; undefined when
   * the service cannot say (an action it does not model, or a request too malformed to read). */
  private authorizations(
    handler: ServiceHandler,
    action: string,
    params: Record<string, unknown>,
  ): CallRecord['authorizations'] {
    if (!handler.authorize) return undefined;
    try {
      return handler
        .authorize(action, params, this.ctx)
        .map((a) => ({ ...a, context: { 'aws:RequestedRegion': this.region, ...a.context } }));
    } catch {
      return undefined;
    }
  }

  private reply(res: ServerResponse, handler: ServiceHandler, action: string, result: unknown): void {
    const requestId = this.ctx.id(32);
    if (handler.protocol === 'rest-json') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
      res.end(JSON.stringify(result ?? {}));
    } else if (handler.protocol === 'json') {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
      res.end(JSON.stringify(result ?? {}));
    } else {
      res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      const body = handler.protocol === 'ec2' ? ec2ResponseBody : queryResponseBody;
      res.end(body(action, result, handler.xmlNamespace ?? '', requestId));
    }
  }

  private replyError(res: ServerResponse, handler: ServiceHandler, e: AwsServiceError): void {
    const requestId = this.ctx.id(32);
    if (handler.protocol === 'rest-json') {
      // REST-JSON errors: the code in x-amzn-errortype, the message in the body (Message).
      res.writeHead(e.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': e.code,
        'x-amzn-requestid': requestId,
      });
      res.end(JSON.stringify({ Message: e.message }));
    } else if (handler.protocol === 'json') {
      res.writeHead(e.status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': e.code,
        'x-amzn-requestid': requestId,
      });
      res.end(JSON.stringify({ __type: e.code, message: e.message }));
    } else {
      res.writeHead(e.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(handler.protocol === 'ec2' ? ec2ErrorBody(e, requestId) : queryErrorBody(e, requestId));
    }
  }
}
