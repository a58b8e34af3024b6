// destroy's input checks, made before any AWS call (bad input changes nothing). In a module of their
// own, with no AWS client: destroy-instance runs them in its first stage, before it loads the engine.
import { ConfigurationError } from '../errors.js';
import type { SitePlan } from '../plan/site-plan.js';
import { checkPreviewLink } from './destroy-target.js';

/** Purge needs both inputs, and a confirm must name this site. */
export function checkPurgeInputs(link: string, purgeData: boolean, confirm: string | undefined): void {
  if (confirm !== undefined && confirm !== link)
    throw new ConfigurationError(
      `confirm is "${confirm}" but the site being destroyed is ${link}: confirm must be exactly the preview_link. Nothing was changed`,
    );
  if (purgeData && confirm === undefined)
    throw new ConfigurationError(
      `purge-data: true removes ${link}'s databases, DB user, DB secret, moodledata and logs for good; ` +
        `set confirm: ${link} as well to say so. Nothing was changed`,
    );
}

/** The site's name, the purge's two inputs, and the settings (when given) being the site's own. */
export function checkDestroyInputs(options: {
  previewLink: string;
  purgeData: boolean;
  confirm?: string | undefined;
  plan?: SitePlan | undefined;
}): void {
  const link = options.previewLink;
  checkPreviewLink(link);
  checkPurgeInputs(link, options.purgeData, options.confirm);
  if (options.plan && options.plan.site !== link)
    throw new ConfigurationError(
      `the settings file is for site ${options.plan.site}, not ${link}: give the settings of the site being destroyed, or none`,
    );
}
