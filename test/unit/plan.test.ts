import { describe, expect, it } from '@jest/globals';
import { loadSite, planSite } from '@moodle-preview/core';

describe('plan smoke', () => {
  it('plans the example site', async () => {
    const { site, platform } = await loadSite('workflows-examples/sites/4-demo/settings.yml', 'workflows-examples/platform.yml');
    const plan = planSite(site, platform);
    expect(plan.resources.taskDefinition.name).toBe('mdl_ecs_task_def-4-demo');
  });
});
