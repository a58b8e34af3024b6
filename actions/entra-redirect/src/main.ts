// entra-redirect: sign in to Graph (GitHub OIDC token, or a secret) → add, remove, list or reconcile
// the site's redirect URI on each app registration → outputs and a step summary per app. Only list
// and reconcile read the site registry: its AWS client is a chunk (./registry.ts) the others never load.
import { runner as core } from '@moodle-preview/core';
import {
  acquireGraphToken,
  actionLogger,
  booleanInput,
  changeSiteRedirect,
  choiceInput,
  ConfigurationError,
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_GRAPH_URL,
  DNS_LABEL,
  ENTRA_OIDC_AUDIENCE,
  findPlatformFile,
  GraphClient,
  listInput,
  listRedirects,
  loadPlatformFile,
  loadSite,
  optionalInput,
  planSite,
  reconcileRedirects,
  redirectResultRows,
  runAction,
  SettingsError,
  siteRedirectUri,
  type AppRedirectResult,
  type Platform,
} from '@moodle-preview/core';

export const INPUTS = {
  mode: 'mode',
  tenantId: 'tenant-id',
  clientId: 'client-id',
  applicationIds: 'application-ids',
  uri: 'uri',
  previewLink: 'preview-link',
  settings: 'settings',
  platform: 'platform',
  clientSecret: 'client-secret',
  authorityHost: 'authority-host',
  graphUrl: 'graph-url',
  dryRun: 'dry-run',
} as const;

export const OUTPUTS = { uri: 'uri', changed: 'changed', result: 'result' } as const;

export const MODES = ['add', 'remove', 'list', 'reconcile'] as const;
export type Mode = (typeof MODES)[number];

export interface Inputs {
  mode: Mode;
  tenantId: string;
  clientId: string;
  applicationIds: string[];
  uri: string | undefined;
  previewLink: string | undefined;
  settings: string;
  platform: string | undefined;
  clientSecret: string | undefined;
  authorityHost: string;
  graphUrl: string;
  dryRun: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requiredInput(name: string): string {
  const v = optionalInput(name);
  if (!v) throw new ConfigurationError(`input ${name} is required`);
  return v;
}

export function getInputs(): Inputs {
  // Masked before anything else can log it.
  const clientSecret = optionalInput(INPUTS.clientSecret);
  if (clientSecret) core.setSecret(clientSecret);
  const inputs: Inputs = {
    mode: choiceInput(INPUTS.mode, MODES, 'add'),
    tenantId: requiredInput(INPUTS.tenantId),
    clientId: requiredInput(INPUTS.clientId),
    applicationIds: listInput(INPUTS.applicationIds),
    uri: optionalInput(INPUTS.uri),
    previewLink: optionalInput(INPUTS.previewLink),
    settings: optionalInput(INPUTS.settings) ?? 'settings.yml',
    platform: optionalInput(INPUTS.platform),
    clientSecret,
    authorityHost: optionalInput(INPUTS.authorityHost) ?? DEFAULT_AUTHORITY_HOST,
    graphUrl: optionalInput(INPUTS.graphUrl) ?? DEFAULT_GRAPH_URL,
    dryRun: booleanInput(INPUTS.dryRun, false),
  };
  if (!inputs.applicationIds.length)
    throw new ConfigurationError(`input ${INPUTS.applicationIds} is required`);
  for (const id of [inputs.clientId, ...inputs.applicationIds])
    if (!GUID.test(id))
      throw new ConfigurationError(`"${id}" is not an Application (client) ID: expected a GUID`);
  return inputs;
}

async function platformOf(inputs: Inputs): Promise<Platform> {
  const loaded = await loadPlatformFile(findPlatformFile(inputs.settings, inputs.platform));
  if (!loaded.value) throw new SettingsError(loaded.problems);
  return loaded.value;
}

async function siteUri(inputs: Inputs): Promise<string> {
  if (inputs.uri) return inputs.uri;
  // A deleted branch has no settings.yml left: the link and the platform's domain make the URI.
  if (inputs.previewLink) {
    if (!DNS_LABEL.test(inputs.previewLink)) {
      throw new ConfigurationError(
        `input preview-link must be a DNS label (a-z, 0-9, -), got "${inputs.previewLink}"`,
      );
    }
    return siteRedirectUri(`https://${inputs.previewLink}.${(await platformOf(inputs)).domain}`);
  }
  const { site, platform } = await loadSite(
    inputs.settings,
    findPlatformFile(inputs.settings, inputs.platform),
  );
  return siteRedirectUri(planSite(site, platform).url);
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    const log = actionLogger();
    // Everything the mode needs from files is read, and the URI checked, before signing in.
    const uri = inputs.mode === 'add' || inputs.mode === 'remove' ? await siteUri(inputs) : undefined;
    const platform = uri ? undefined : await platformOf(inputs);

    // OIDC when the job may have a token (permissions: id-token: write), else the secret.
    const oidcAvailable = Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL);
    const accessToken = await acquireGraphToken({
      tenantId: inputs.tenantId,
      clientId: inputs.clientId,
      authorityHost: inputs.authorityHost,
      graphUrl: inputs.graphUrl,
      ...(oidcAvailable ? { oidcToken: () => core.getIDToken(ENTRA_OIDC_AUDIENCE) } : {}),
      clientSecret: inputs.clientSecret,
      log,
    });
    const graph = new GraphClient({ baseUrl: inputs.graphUrl, accessToken, clientId: inputs.clientId, log });
    const common = { graph, appIds: inputs.applicationIds, dryRun: inputs.dryRun, log };

    if (uri) {
      core.setOutput(OUTPUTS.uri, uri);
      const mode = inputs.mode as 'add' | 'remove';
      return report(inputs, await changeSiteRedirect({ ...common, uri, mode }), `${mode} ${uri}`);
    }
    // The site registry is read only here: its SSM client is a chunk the other modes never load.
    const sites = await (await import('./registry.js')).registeredSites(platform!.region);
    if (inputs.mode === 'reconcile') {
      const results = await reconcileRedirects({ ...common, sites, domain: platform!.domain });
      return report(inputs, results, `reconcile with ${sites.length} registered site(s)`);
    }
    const listing = await listRedirects({
      graph,
      appIds: inputs.applicationIds,
      domain: platform!.domain,
      sites,
    });
    core.setOutput(OUTPUTS.changed, 'false');
    core.setOutput(OUTPUTS.result, JSON.stringify(listing));
    for (const app of listing) {
      core.info(`${app.displayName} (${app.appId}): ${app.count} URI(s), ${app.placesLeft} place(s) left`);
      for (const s of app.sites) core.info(`  ${s.uri}  site ${s.site}`);
      for (const s of app.orphans) core.info(`  ${s.uri}  site ${s.site} is no longer registered`);
    }
    await core.summary
      .addHeading('Entra ID redirect URIs', 3)
      .addTable([
        ['app', 'sites', 'no longer registered', 'other URIs', 'count', 'places left'].map((data) => ({
          data,
          header: true,
        })),
        ...listing.map((a) => [
          `${a.displayName} (${a.appId})`,
          a.sites.map((s) => s.site).join(' ') || '—',
          a.orphans.map((s) => s.site).join(' ') || '—',
          String(a.others.length),
          String(a.count),
          String(a.placesLeft),
        ]),
      ])
      .write();
  });
}

async function report(inputs: Inputs, results: AppRedirectResult[], what: string): Promise<void> {
  const changed = results.some((r) => r.added.length || r.removed.length);
  core.setOutput(OUTPUTS.changed, String(changed));
  core.setOutput(
    OUTPUTS.result,
    JSON.stringify(
      results.map(({ appId, added, removed, count, placesLeft }) => ({
        appId,
        added,
        removed,
        count,
        placesLeft,
      })),
    ),
  );
  for (const r of results)
    core.info(
      `${r.displayName} (${r.appId}): added ${r.added.length}, removed ${r.removed.length}, ` +
        `already so ${r.alreadyPresent.length + r.alreadyAbsent.length}; ${r.count} URI(s), ${r.placesLeft} place(s) left`,
    );
  await core.summary
    .addHeading(`${inputs.dryRun ? 'Dry run: ' : ''}Entra ID redirect URIs — ${what}`, 3)
    .addTable([
      ['app', 'added', 'removed', 'already so', 'count', 'places left'].map((data) => ({
        data,
        header: true,
      })),
      ...redirectResultRows(results),
    ])
    .write();
}
