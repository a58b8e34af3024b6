// settings.schema.json / platform.schema.json are generated from the zod schemas and committed, and
// docs/settings.md documents every key.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { platformSchema, settingsJsonSchemas, siteSchema } from '@moodle-preview/core';
import { z } from 'zod';

type Shape = Record<string, z.ZodType>;

/** Dotted names of every key in a zod object schema (nested objects included). */
function keyPaths(shape: Shape, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, field]) => {
    let inner: z.ZodType = field;
    while (
      inner instanceof z.ZodOptional ||
      inner instanceof z.ZodDefault ||
      inner instanceof z.ZodPrefault
    ) {
      inner = (inner as unknown as { unwrap(): z.ZodType }).unwrap();
    }
    const name = `${prefix}${key}`;
    return inner instanceof z.ZodObject ? [name, ...keyPaths(inner.shape as Shape, `${name}.`)] : [name];
  });
}

describe('JSON Schemas for editors', () => {
  it.each(Object.entries(settingsJsonSchemas()))(
    '%s is committed and up to date (npm run schema)',
    async (file, schema) => {
      const committed = JSON.parse(await readFile(file, 'utf8'));
      expect(committed).toEqual(schema);
    },
  );

  it('describes every settings key with what is allowed', () => {
    const schema = settingsJsonSchemas()['settings.schema.json'] as {
      properties: Record<string, { description?: string }>;
      additionalProperties: boolean;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const key of Object.keys(siteSchema.shape)) expect(schema.properties[key]?.description).toBeTruthy();
  });
});

describe('docs/settings.md', () => {
  it('documents every settings and platform key', async () => {
    const readme = await readFile('docs/settings.md', 'utf8');
    const missing = [
      ...keyPaths(siteSchema.shape as Shape),
      ...keyPaths(platformSchema.shape as Shape),
    ].filter((k) => !readme.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});
