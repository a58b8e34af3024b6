// Write settings.schema.json and platform.schema.json from the zod schemas (run `npm run schema`).
// A test fails when the committed files differ from what this writes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { settingsJsonSchemas } from '../packages/core/dist/index.js';

const root = path.resolve(import.meta.dirname, '..');
for (const [name, schema] of Object.entries(settingsJsonSchemas())) {
  writeFileSync(path.join(root, name), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${name}`);
}
