// A small Microsoft Graph client for one job: read an application's web redirect URIs and write them
// back, over the global fetch, honouring throttling and turning refusals into errors that say what to fix.
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The parts of an application registration the suite reads. */
export interface GraphApplication {
  /** Object id. */
  id: string;
  appId: string;
  displayName: string;
  redirectUris: string[];
}

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com/v1.0 (a sovereign cloud's or a test server's otherwise). */
  baseUrl: string;
  accessToken: string;
  /** The automation's own app, named in messages about missing permissions. */
  clientId: string;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Throttled answers retried before giving up. */
  maxRetries?: number;
  /** Longest wait for one Retry-After, so a bad header cannot hold the job for hours. */
  maxRetryAfterSeconds?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Graph refused the request for a reason the user fixes (permission, ownership, wrong appId). */
export class GraphAccessError extends ConfigurationError {
  override name = 'GraphAccessError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class GraphClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;
  private readonly maxRetryAfter: number;

  constructor(private readonly options: GraphClientOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.maxRetries = options.maxRetries ?? 5;
    this.maxRetryAfter = options.maxRetryAfterSeconds ?? 120;
  }

  async getApplication(appId: string): Promise<GraphApplication> {
    const body = (await this.request('GET', appId, undefined)) as {
      id?: string;
      appId?: string;
      displayName?: string;
      web?: { redirectUris?: string[] };
    };
    return {
      id: body.id ?? '',
      appId: body.appId ?? appId,
      displayName: body.displayName ?? appId,
      redirectUris: body.web?.redirectUris ?? [],
    };
  }

  /** PATCH only web.redirectUris: the other web settings (logout URL, implicit grant) stay as they are. */
  async setRedirectUris(appId: string, redirectUris: readonly string[]): Promise<void> {
    await this.request('PATCH', appId, { web: { redirectUris } });
  }

  private async request(method: 'GET' | 'PATCH', appId: string, body: unknown): Promise<unknown> {
    const path = `/applications(appId='${encodeURIComponent(appId)}')`;
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}${method === 'GET' ? '?$select=id,appId,displayName,web' : ''}`;
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.accessToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // Throttling: wait what Retry-After says, a bounded number of times.
      // https://learn.microsoft.com/en-us/graph/throttling
      if ((res.status === 429 || res.status === 503) && attempt < this.maxRetries) {
        await res.arrayBuffer();
        const seconds = retryAfterSeconds(res.headers.get('retry-after')) ?? 2 ** attempt;
        const wait = Math.min(seconds, this.maxRetryAfter);
        this.options.log.info(`Graph answered ${res.status} to ${method} ${path}; retrying in ${wait}s`);
        await this.sleep(wait * 1000);
        continue;
      }
      const text = await res.text();
      if (res.ok) return text ? (JSON.parse(text) as unknown) : undefined;
      throw this.refusal(res.status, method, appId, text);
    }
  }

  private refusal(status: number, method: string, appId: string, text: string): Error {
    let detail = '';
    try {
      const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      const parts = [e?.code, e?.message].filter(Boolean);
      if (parts.length > 0) detail = ` (${parts.join(': ')})`;
    } catch {
      detail = '';
    }
    const who = this.options.clientId;
    if (status === 401 || status === 403)
      return new GraphAccessError(
        `Graph refused ${method} on application ${appId} with ${status}${detail}: grant the automation's app ${who} ` +
          `the Microsoft Graph application permission Application.ReadWrite.OwnedBy (with admin consent) ` +
          `and make it an owner of application ${appId}`,
        status,
      );
    if (status === 404)
      return new GraphAccessError(
        `application ${appId} was not found${detail}: the appId is wrong (give the Application (client) ID, ` +
          `not the object ID) or ${who} cannot see it (with Application.ReadWrite.OwnedBy it sees only the apps it owns)`,
        status,
      );
    return new Error(`Graph answered ${status} to ${method} on application ${appId}${detail}`);
  }
}

/** Retry-After in seconds: a number of seconds or an HTTP date. */
function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return n;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
