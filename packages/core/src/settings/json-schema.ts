// JSON Schemas of settings.yml and the platform file, generated from the zod schemas so editors
// (yaml-language-server) complete and check the same rules the suite enforces.
import { z } from 'zod';
import { platformSchema } from './platform-schema.js';
import { siteSchema } from './site-schema.js';

const BASE = 'https://github.com/moodle-preview-actions/moodle-preview-actions/raw/main';

export function settingsJsonSchemas(): { 'settings.schema.json': object; 'platform.schema.json': object } {
  // io: 'input' — keys with defaults are optional in a file, as users write them.
  const site = z.toJSONSchema(siteSchema, { io: 'input', target: 'draft-7' });
  const platform = z.toJSONSchema(platformSchema, { io: 'input', target: 'draft-7' });
  return {
    'settings.schema.json': {
      ...site,
      $id: `${BASE}/settings.schema.json`,
      title: 'Moodle preview site settings (settings.yml)',
    },
    'platform.schema.json': {
      ...platform,
      $id: `${BASE}/platform.schema.json`,
      title: 'Moodle preview platform file',
    },
  };
}
