// Signing in to Microsoft Graph as the automation's app: the job's GitHub OIDC token exchanged at the
// tenant's token endpoint (workload identity federation, no stored secret), or a client secret.
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The audience Entra expects on a GitHub OIDC token it federates. */
export const ENTRA_OIDC_AUDIENCE = 'api://AzureADTokenExchange';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com/v1.0';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface GraphSignIn {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  graphUrl: string;
  /** Fetches the job's OIDC token for ENTRA_OIDC_AUDIENCE; absent when the job cannot have one. */
  oidcToken?: () => Promise<string>;
  clientSecret?: string;
  log: Logger;
}

/** Only https, except loopback (test servers): a token never crosses a network in the clear. */
export function checkEndpoint(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`${name} "${value}" is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new ConfigurationError(`${name} "${value}" must be an https URL`);
  return url;
}

/** The Graph scope for client credentials: the Graph host's `.default` (sovereign clouds differ). */
export const graphScope = (graphUrl: string) => `${new URL(graphUrl).origin}/.default`;

/** The `sub` claim of a JWT, to say which federated credential subject Entra did not find. */
function jwtSubject(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

/** A Graph access token, masked before it is returned. */
export async function acquireGraphToken(signIn: GraphSignIn): Promise<string> {
  const { tenantId, clientId, log } = signIn;
  if (!/^[A-Za-z0-9.-]+$/.test(tenantId))
    throw new ConfigurationError(`tenant-id "${tenantId}" must be a tenant GUID or domain name`);
  const authority = checkEndpoint('authority-host', signIn.authorityHost);
  checkEndpoint('graph-url', signIn.graphUrl);
  if (signIn.clientSecret) log.mask(signIn.clientSecret);

  const form = new URLSearchParams({
    client_id: clientId,
    scope: graphScope(signIn.graphUrl),
    grant_type: 'client_credentials',
  });
  let assertion: string | undefined;
  if (signIn.oidcToken) {
    try {
      assertion = await signIn.oidcToken();
    } catch (err) {
      throw new ConfigurationError(
        `could not get the job's GitHub OIDC token (${(err as Error).message}): give the job ` +
          '`permissions: id-token: write`, or pass client-secret',
      );
    }
    log.mask(assertion);
    form.set('client_assertion_type', JWT_BEARER);
    form.set('client_assertion', assertion);
  } else if (signIn.clientSecret) {
    form.set('client_secret', signIn.clientSecret);
  } else {
    throw new ConfigurationError(
      'no way to sign in to Entra ID: run in a job with `permissions: id-token: write` (federated credential) or pass client-secret',
    );
  }

  const endpoint = `${authority.origin}${authority.pathname.replace(/\/+$/, '')}/${tenantId}/oauth2/v2.0/token`;
  log.info(
    `signing in to tenant ${tenantId} as ${clientId} with ${assertion ? 'the GitHub OIDC token' : 'the client secret'}`,
  );
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (res.ok && body.access_token) {
    log.mask(body.access_token);
    return body.access_token;
  }
  // Entra's first line names the AADSTS code; the rest is trace ids.
  const why = (
    body.error_description ??
    body.error ??
    (res.ok ? 'the answer has no access_token' : `HTTP ${res.status}`)
  ).split(/\r?\n/)[0]!;
  if (why.startsWith('AADSTS70021') || why.startsWith('AADSTS700213')) {
    const subject = assertion ? jwtSubject(assertion) : undefined;
    throw new ConfigurationError(
      `Entra ID has no federated credential for this job (${why}): add one to app ${clientId} with issuer ` +
        `https://token.actions.githubusercontent.com, audience ${ENTRA_OIDC_AUDIENCE} and subject ` +
        `${subject ?? 'repo:<owner>/<repo>:environment:<name>'}`,
    );
  }
  if (res.status === 400 || res.status === 401)
    throw new ConfigurationError(
      `Entra ID refused to sign in ${clientId} in tenant ${tenantId}: ${why}; check tenant-id, client-id and the credential`,
    );
  throw new Error(`the token endpoint answered ${res.status}: ${why}`);
}
