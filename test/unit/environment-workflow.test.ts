// The site's GitHub environment as the reusable workflows wire it: the deploy job runs in the
// environment validate-settings names (preview/<preview_link>) with the URL deploy-instance outputs,
// so GitHub's deployment links the site; the dry run is a job of its own, outside the environment,
// that may comment on the pull request; destroy may mark deployments inactive. A reusable workflow
// cannot hold more permissions than its caller grants, so the example callers grant them too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) => parse(readFileSync(`workflows-examples/${name}`, 'utf8')) as Workflow;
const actionOutputs = (action: string) =>
  Object.keys((parse(readFileSync(`actions/${action}/action.yml`, 'utf8')) as { outputs: object }).outputs);
const stepUsing = (job: Job, action: string) =>
  job.steps?.find((s) => s.uses?.includes(`/actions/${action}@`));

describe('deploy-instance.yml', () => {
  const wf = workflow('deploy-instance.yml');

  it('deploys in the site’s environment, linked to the URL the deploy outputs', () => {
    const site = wf.jobs.site!;
    const named = stepUsing(site, 'validate-settings')!;
    expect(site.outputs?.environment).toBe(`\${{ steps.${named.id}.outputs.environment }}`);
    expect(actionOutputs('validate-settings')).toContain('environment');

    const deploy = wf.jobs.deploy!;
    const step = stepUsing(deploy, 'deploy-instance')!;
    expect(deploy.needs).toBe('site');
    expect(deploy.environment).toEqual({
      name: '${{ needs.site.outputs.environment }}',
      url: `\${{ steps.${step.id}.outputs.url }}`,
    });
    expect(actionOutputs('deploy-instance')).toContain('url');
    expect(deploy.if).toBe('${{ !inputs.dry-run }}');
    expect(step.with?.['dry-run']).toBeUndefined();
  });

  it('plans a pull request outside the environment, allowed to comment', () => {
    const plan = wf.jobs.plan!;
    const step = stepUsing(plan, 'deploy-instance')!;
    expect(plan.environment).toBeUndefined();
    expect(plan.if).toBe('${{ inputs.dry-run }}');
    expect(step.with?.['dry-run']).toBe(true);
    expect(plan.permissions).toMatchObject({ 'pull-requests': 'write', 'id-token': 'write' });
  });

  it('is called with the permissions its jobs need', () => {
    const caller = workflow('moodle-build-deploy.yml');
    expect(caller.permissions).toMatchObject({ 'pull-requests': 'write', 'id-token': 'write' });
  });
});

describe('destroy-instance.yml', () => {
  it('may mark deployments inactive, and its caller grants it', () => {
    expect(workflow('destroy-instance.yml').permissions).toMatchObject({ deployments: 'write' });
    expect(workflow('moodle-build-destroy.yml').permissions).toMatchObject({ deployments: 'write' });
  });
});
