// A local stand-in for the Actions runtime's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL):
// getIDToken (core's github/runner.ts, as @actions/core's does) GETs `<url>&audience=…` with the request token as a bearer, and reads
// `{"value": <jwt>}`. Each answer is a new token, so a test sees every refresh.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OidcServer {
  url: string;
  requestToken: string;
  /** Audiences asked for, one per token handed out. */
  requests: string[];
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startOidcServer(): Promise<OidcServer> {
  const requests: string[] = [];
  const requestToken = 'runtime-request-token';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Bearer ${requestToken}`) {
      res.writeHead(401).end('{"message":"bad request token"}');
      return;
    }
    const audience = url.searchParams.get('audience') ?? '';
    requests.push(audience);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: `eyJ.fake-oidc-token-${requests.length}.sig` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/token?api-version=2.0`;
  return {
    url,
    requestToken,
    requests,
    env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
