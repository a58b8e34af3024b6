// The hop images table: release → the full image holding that release's code and its PHP version,
// given as YAML or JSON (an action input, or a file in the repository), e.g.
//   4.1.12: { image: 123….amazonaws.com/vle-repo:moodle-full-4.1.12-8.0, php: '8.0' }
import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { parseRelease, phpProblem, releaseText, type HopImage } from './versions.js';

const entrySchema = z.strictObject({
  image: z.string().min(1),
  php: z.union([z.string(), z.number()]).transform((v) => (typeof v === 'number' ? v.toFixed(1) : v)),
});

/** Text (YAML/JSON), or the path of a file holding it; empty → no intermediate images. */
export function parseImagesTable(value: string | undefined, name = 'images'): HopImage[] {
  const text = value?.trim();
  if (!text) return [];
  const fromFile = !text.includes('\n') && /\.(ya?ml|json)$/.test(text);
  if (fromFile && !existsSync(text)) throw new ConfigurationError(`${name}: file ${text} does not exist`);
  const source = fromFile ? readFileSync(text, 'utf8') : text;
  let data: unknown;
  try {
    // Releases are keys: `4.1.12:` stays text (YAML would read a two-part key as a number).
    data = parse(source, { version: '1.2', schema: 'failsafe' });
  } catch (err) {
    throw new ConfigurationError(
      `${name} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigurationError(
      `${name} must map releases to {image, php}, e.g. "4.1.12: {image: …, php: '8.0'}"`,
    );
  const problems: string[] = [];
  const images: HopImage[] = [];
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    try {
      const release = parseRelease(key);
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(
          `${key}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`,
        );
        continue;
      }
      const php = phpProblem(release, parsed.data.php);
      if (php) problems.push(`${key}: ${php}`);
      if (images.some((i) => releaseText(i.release) === releaseText(release)))
        problems.push(`${key}: listed twice`);
      images.push({ release, image: parsed.data.image, php: parsed.data.php });
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new ConfigurationError(`${name} has problems:\n- ${problems.join('\n- ')}`);
  return images;
}
