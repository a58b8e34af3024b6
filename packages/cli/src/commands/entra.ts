// mdl-preview entra list: which sites' redirect URIs are on each Entra ID app registration, and which
// URIs belong to sites no longer in the registry (candidates for `entra-redirect` mode reconcile).
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  acquireGraphToken,
  createAwsClients,
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_GRAPH_URL,
  destroyAwsClients,
  findPlatformFile,
  GraphClient,
  lineLogger,
  listRedirects,
  loadPlatformFile,
  SettingsError,
  SiteRegistry,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

/** A Graph token from the environment, e.g. `az account get-access-token --resource-type ms-graph`. */
export const GRAPH_TOKEN_ENV = 'MDL_PREVIEW_GRAPH_TOKEN';
/** A client secret of --client-id, when there is no token in the environment. */
export const CLIENT_SECRET_ENV = 'ENTRA_CLIENT_SECRET';

export async function entra(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      app: { type: 'string', multiple: true, default: [] },
      tenant: { type: 'string' },
      'client-id': { type: 'string' },
      platform: { type: 'string' },
      'authority-host': { type: 'string', default: DEFAULT_AUTHORITY_HOST },
      'graph-url': { type: 'string', default: DEFAULT_GRAPH_URL },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.join(' ') !== 'list') throw new UsageError('entra has one subcommand: list');
  if (!values.app.length) throw new UsageError('entra list needs --app APPLICATION_ID (one or more)');
  const log = lineLogger((l) => io.stderr(`${l}\n`));

  let accessToken = io.env[GRAPH_TOKEN_ENV];
  if (accessToken) log.mask(accessToken);
  else {
    if (!values.tenant || !values['client-id'] || !io.env[CLIENT_SECRET_ENV])
      throw new UsageError(
        `set ${GRAPH_TOKEN_ENV} (az account get-access-token --resource-type ms-graph --query accessToken -o tsv), ` +
          `or pass --tenant and --client-id with ${CLIENT_SECRET_ENV} set`,
      );
    accessToken = await acquireGraphToken({
      tenantId: values.tenant,
      clientId: values['client-id'],
      authorityHost: values['authority-host'],
      graphUrl: values['graph-url'],
      clientSecret: io.env[CLIENT_SECRET_ENV],
      log,
    });
  }
  const platformFile = findPlatformFile(path.resolve('settings.yml'), values.platform, io.env);
  const platform = await loadPlatformFile(platformFile);
  if (!platform.value) throw new SettingsError(platform.problems);

  const clients = createAwsClients({ region: platform.value.region });
  try {
    const sites = await new SiteRegistry(clients.ssm).list();
    const graph = new GraphClient({
      baseUrl: values['graph-url'],
      accessToken,
      clientId: values['client-id'] ?? 'the signed-in identity',
      log,
    });
    const listing = await listRedirects({ graph, appIds: values.app, domain: platform.value.domain, sites });
    if (values.json) {
      io.stdout(`${JSON.stringify(listing, null, 2)}\n`);
      return EXIT.ok;
    }
    for (const app of listing) {
      io.stdout(
        `${app.displayName} (${app.appId}): ${app.count} redirect URI(s), ${app.placesLeft} place(s) left, ` +
          `${app.others.length} not the suite's\n`,
      );
      for (const s of app.sites) io.stdout(`  site         ${s.site.padEnd(24)} ${s.uri}\n`);
      for (const s of app.orphans) io.stdout(`  unregistered ${s.site.padEnd(24)} ${s.uri}\n`);
    }
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
