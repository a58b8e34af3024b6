// The sleep page a sleeping site's listener rule answers with: its words, escaped, and always within
// a fixed response's 1024 characters — the platform file refuses a wake text that could break that.
import { describe, expect, it } from '@jest/globals';
import { checkPlatformText, fitsSleepPage, MAX_PAGE_BODY, sleepPageFor } from '@moodle-preview/core';
import { readFileSync } from 'node:fs';
import { OFFICE_HOURS } from '../fleet/schedules.js';

const PLATFORM = readFileSync('workflows-examples/platform.yml', 'utf8');
const withWakeText = (text: string) =>
  checkPlatformText(
    'platform.yml',
    PLATFORM.replace('  sleep_page:\n', `  sleep_page:\n    how_to_wake: ${JSON.stringify(text)}\n`),
  );

describe('the sleep page', () => {
  it('says whose site it is, its hours and how to wake it, with the platform text escaped', () => {
    const page = sleepPageFor('4-demo', OFFICE_HOURS, 'ask in <#moodle> & say {{preview_link}}');
    expect(page).toMatchObject({ statusCode: '503', contentType: 'text/html' });
    expect(page.messageBody).toContain('<title>4-demo is asleep</title>');
    expect(page.messageBody).toContain('is awake Mon-Fri 07:00-20:00 Europe/London');
    expect(page.messageBody).toContain('To wake it now: ask in &#60;#moodle&#62; &#38; say 4-demo</p>');
  });

  it('refuses a wake text that would not fit, at the exact length where the longest site stops fitting', () => {
    let fits = 1;
    while (fitsSleepPage('w'.repeat(fits + 1))) fits++;
    expect(fits).toBeGreaterThan(250);
    expect(withWakeText('w'.repeat(fits)).value?.schedule.sleep_page?.how_to_wake).toBe('w'.repeat(fits));
    const refused = withWakeText('w'.repeat(fits + 1));
    expect(refused.value).toBeUndefined();
    expect(JSON.stringify(refused.problems)).toContain('1024 characters');
    // Escaping counts: five characters for each &.
    expect(fitsSleepPage('&'.repeat(Math.floor(fits / 5) + 1))).toBe(false);
    // What fits for the longest site fits a real one with room to spare.
    const longest = 'x'.repeat(28);
    const body = sleepPageFor(longest, OFFICE_HOURS, 'w'.repeat(fits)).messageBody;
    expect(body.length).toBeLessThanOrEqual(MAX_PAGE_BODY);
  });
});
