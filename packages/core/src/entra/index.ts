// Public surface of the Entra ID redirect URI automation (entra-redirect, `mdl-preview entra`).
export * from './redirect-uri.js';
export {
  GraphAccessError,
  GraphClient,
  type GraphApplication,
  type GraphClientOptions,
} from './graph-client.js';
export {
  acquireGraphToken,
  checkEndpoint,
  graphScope,
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_GRAPH_URL,
  ENTRA_OIDC_AUDIENCE,
  type GraphSignIn,
} from './graph-token.js';
export * from './redirects.js';
