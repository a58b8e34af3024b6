// The sign-in redirect URIs the suite puts on Entra ID app registrations: a site's URI, the checks
// Entra would otherwise make after the fact, and which URIs on an app the suite owns.
import { ConfigurationError } from '../errors.js';
import { DNS_LABEL } from '../naming.js';

// Limits of an app registration that signs in work or school accounts:
// https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
export const MAX_REDIRECT_URIS = 256;
export const MAX_REDIRECT_URI_LENGTH = 256;
/** Where Moodle's OpenID Connect plugin (auth_oidc) receives the sign-in response. */
export const OIDC_REDIRECT_PATH = '/auth/oidc/';

/** The redirect URI of the site served at `siteUrl` (https://<link>.<domain>). */
export function siteRedirectUri(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}${OIDC_REDIRECT_PATH}`;
}

/** Throws a ConfigurationError saying what to change when Entra would refuse `uri`. */
export function checkRedirectUri(uri: string): string {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new ConfigurationError(`redirect URI "${uri}" is not a URL; expected https://<host>/<path>`);
  }
  if (parsed.protocol !== 'https:')
    throw new ConfigurationError(`redirect URI "${uri}" must use https (Entra refuses others for web apps)`);
  if (uri.includes('#')) throw new ConfigurationError(`redirect URI "${uri}" must not have a #fragment`);
  if (uri.length > MAX_REDIRECT_URI_LENGTH)
    throw new ConfigurationError(
      `redirect URI "${uri}" is ${uri.length} characters long; Entra allows at most ${MAX_REDIRECT_URI_LENGTH}`,
    );
  return uri;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The preview_link of a URI the suite owns (`https://<link>.<domain>/auth/oidc/`), else undefined:
 * every other URI on an app belongs to someone else and is never touched.
 */
export function suiteRedirectSite(uri: string, domain: string): string | undefined {
  const m = new RegExp(
    `^https://([^./]+)\\.${escapeRegExp(domain.toLowerCase())}${OIDC_REDIRECT_PATH}$`,
  ).exec(uri);
  return m && DNS_LABEL.test(m[1]!) ? m[1] : undefined;
}
