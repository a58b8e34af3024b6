// A local HTTP server playing the three endpoints entra-redirect talks to: GitHub's OIDC token request
// (ACTIONS_ID_TOKEN_REQUEST_URL), Entra ID's token endpoint and Microsoft Graph's applications — with
// state per app, stale reads after writes, throttling, refusal switches and a record of every request.
import { createServer, type ServerResponse } from 'node:http';
import { readBody } from './http-frame.js';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface GraphRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** Parsed form (token endpoint) or JSON (Graph) body. */
  body: unknown;
  status: number;
}

interface App {
  id: string;
  appId: string;
  displayName: string;
  web: { redirectUris: string[]; logoutUrl: string | null; implicitGrantSettings: Record<string, boolean> };
  /** What stale reads return, and how many are left. */
  stale?: { redirectUris: string[]; reads: number };
}

export interface GraphServer {
  url: string;
  /** Authority host (token endpoint at <url>/<tenant>/oauth2/v2.0/token). */
  authorityHost: string;
  graphUrl: string;
  /** For ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN. */
  oidcRequestUrl: string;
  oidcRequestToken: string;
  /** The GitHub OIDC token this server hands out and accepts as a client assertion. */
  oidcToken: string;
  clientSecret: string;
  tenantId: string;
  clientId: string;
  requests: GraphRequest[];
  /** Access tokens issued so far. */
  issued: string[];
  addApp(appId: string, redirectUris?: string[], displayName?: string): void;
  redirectUris(appId: string): string[];
  /** The next `reads` GETs of an app after each PATCH show what was there before it. */
  staleReads: number;
  /** The next `count` Graph requests get 429 with Retry-After `seconds`. */
  throttle(count: number, seconds: number): void;
  /** Every Graph request answers this status (401, 403, 404) until set to undefined. */
  refuse: number | undefined;
  patches(): GraphRequest[];
  close(): Promise<void>;
}

const fakeJwt = (sub: string) =>
  [
    { alg: 'RS256', typ: 'JWT' },
    { sub, aud: 'api://AzureADTokenExchange', iss: 'https://token.actions.githubusercontent.com' },
  ]
    .map((p) => Buffer.from(JSON.stringify(p)).toString('base64url'))
    .join('.') + `.sig-${randomUUID()}`;

export async function startGraphServer(
  options: { subject?: string; tenantId?: string; clientId?: string } = {},
): Promise<GraphServer> {
  const apps = new Map<string, App>();
  const requests: GraphRequest[] = [];
  const issued: string[] = [];
  let throttled = { count: 0, seconds: 0 };
  const oidcToken = fakeJwt(options.subject ?? 'repo:example-org/moodle-build:environment:entra');
  const tenantId = options.tenantId ?? '11111111-2222-3333-4444-555555555555';
  const clientId = options.clientId ?? 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
  const clientSecret = `secret-${randomUUID()}`;
  const oidcRequestToken = `runtime-${randomUUID()}`;

  const send = (res: ServerResponse, record: GraphRequest, status: number, body?: unknown, headers = {}) => {
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const graphError = (code: string, message: string) => ({ error: { code, message } });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const raw = await readBody(req);
      const record: GraphRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        authorization: req.headers.authorization,
        body: undefined,
        status: 0,
      };
      requests.push(record);

      if (url.pathname === '/oidc') {
        if (req.headers.authorization !== `Bearer ${oidcRequestToken}`) return send(res, record, 401, {});
        record.body = { audience: url.searchParams.get('audience') };
        return send(res, record, 200, { value: oidcToken });
      }

      const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
      if (token && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(raw));
        record.body = form;
        const assertionOk =
          form.client_assertion_type === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
          form.client_assertion === oidcToken;
        const secretOk = form.client_secret === clientSecret;
        if (token[1] !== tenantId)
          return send(res, record, 400, {
            error: 'invalid_request',
            error_description: `AADSTS90002: Tenant '${token[1]}' not found.\r\nTrace ID: x`,
          });
        if (form.grant_type !== 'client_credentials' || form.client_id !== clientId)
          return send(res, record, 400, {
            error: 'unauthorized_client',
            error_description: 'AADSTS700016: Application not found.',
          });
        if (form.client_assertion !== undefined && !assertionOk)
          return send(res, record, 400, {
            error: 'invalid_client',
            error_description:
              'AADSTS70021: No matching federated identity record found for presented assertion.\r\nTrace ID: x',
          });
        if (!assertionOk && !secretOk)
          return send(res, record, 401, {
            error: 'invalid_client',
            error_description: 'AADSTS7000215: Invalid client secret provided.',
          });
        const accessToken = `graph-at-${randomUUID()}`;
        issued.push(accessToken);
        return send(res, record, 200, { token_type: 'Bearer', expires_in: 3599, access_token: accessToken });
      }

      const app = /^\/v1\.0\/applications\(appId='([^']+)'\)$/.exec(decodeURIComponent(url.pathname));
      if (app) {
        if (raw) record.body = JSON.parse(raw) as unknown;
        if (throttled.count > 0) {
          throttled.count--;
          return send(res, record, 429, graphError('TooManyRequests', 'throttled'), {
            'retry-after': String(throttled.seconds),
          });
        }
        const bearer = req.headers.authorization?.replace(/^Bearer /, '');
        if (!bearer || !issued.includes(bearer))
          return send(
            res,
            record,
            401,
            graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'),
          );
        if (fake.refuse === 401)
          return send(
            res,
            record,
            401,
            graphError('InvalidAuthenticationToken', 'Access token validation failure.'),
          );
        if (fake.refuse === 403)
          return send(
            res,
            record,
            403,
            graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
          );
        const found = apps.get(app[1]!);
        if (!found || fake.refuse === 404)
          return send(
            res,
            record,
            404,
            graphError('Request_ResourceNotFound', `Resource '${app[1]}' does not exist.`),
          );
        if (req.method === 'GET') {
          const stale = found.stale && found.stale.reads > 0 ? found.stale : undefined;
          if (stale) stale.reads--;
          const web = { ...found.web, redirectUris: [...(stale?.redirectUris ?? found.web.redirectUris)] };
          return send(res, record, 200, {
            id: found.id,
            appId: found.appId,
            displayName: found.displayName,
            web,
          });
        }
        if (req.method === 'PATCH') {
          const body = record.body as { web?: { redirectUris?: unknown } } | undefined;
          const keys = Object.keys(body ?? {});
          const webKeys = Object.keys(body?.web ?? {});
          const uris = body?.web?.redirectUris;
          // Only web.redirectUris may change: anything else in the body is a bug in the client.
          if (keys.join() !== 'web' || webKeys.join() !== 'redirectUris' || !Array.isArray(uris))
            return send(res, record, 400, graphError('Request_BadRequest', `unexpected PATCH body ${raw}`));
          if (uris.length > 256)
            return send(res, record, 400, graphError('Request_BadRequest', 'more than 256 redirect URIs'));
          found.stale = { redirectUris: [...found.web.redirectUris], reads: fake.staleReads };
          found.web.redirectUris = uris as string[];
          return send(res, record, 204);
        }
      }
      send(res, record, 404, graphError('NotFound', `no route ${req.method} ${url.pathname}`));
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: GraphServer = {
    url: base,
    authorityHost: base,
    graphUrl: `${base}/v1.0`,
    oidcRequestUrl: `${base}/oidc?runtime=1`,
    oidcRequestToken,
    oidcToken,
    clientSecret,
    tenantId,
    clientId,
    requests,
    issued,
    staleReads: 0,
    refuse: undefined,
    addApp(appId, redirectUris = [], displayName = `app ${appId.slice(0, 8)}`) {
      apps.set(appId, {
        id: randomUUID(),
        appId,
        displayName,
        web: {
          redirectUris: [...redirectUris],
          logoutUrl: null,
          implicitGrantSettings: { enableIdTokenIssuance: true },
        },
      });
    },
    redirectUris: (appId) => [...(apps.get(appId)?.web.redirectUris ?? [])],
    throttle(count, seconds) {
      throttled = { count, seconds };
    },
    patches: () => requests.filter((r) => r.method === 'PATCH'),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return fake;
}
