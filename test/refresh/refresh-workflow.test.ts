// The refresh workflow's wiring: every `needs.X.outputs.Y` names a job this job needs and an output
// it declares, every `steps.X.outputs.Y` an earlier step of the same job and an output its action
// declares (or its script writes), every input given to one of the suite's actions exists in that
// action's action.yml (or, for an action not written yet, its agreed contract) and every required one
// is given; and the data flows where the runbook says: the restored databases are the ones prep
// runs on, upgraded, configured and finally repointed to.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  'runs-on': string;
  if?: string;
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, unknown> } };
  env: Record<string, string>;
  jobs: Record<string, Job>;
}
interface ActionYml {
  inputs?: Record<string, { required?: boolean; default?: unknown }>;
  outputs?: Record<string, unknown>;
}

const FILE = 'workflows-examples/refresh-instance.yml';
const wf = parse(readFileSync(FILE, 'utf8')) as Workflow;
const OURS = /^moodle-preview-actions\/moodle-preview-actions\/actions\/([a-z0-9-]+)@v1$/;

/** The agreed contracts of actions other engineers write, used until their action.yml exists. */
const CONTRACTS: Record<string, ActionYml> = {
  'ec2-runner': {
    inputs: Object.fromEntries(
      [
        'mode',
        'github-token',
        'image-id',
        'instance-types',
        'subnet-ids',
        'security-group-ids',
        'iam-instance-profile',
        'market-type',
        'max-lifetime-minutes',
        'labels',
        'label',
      ].map((k) => [k, {}]),
    ),
    outputs: { label: {}, 'instance-id': {}, region: {} },
  },
  'restore-db': {
    inputs: Object.fromEntries(
      [
        'source',
        'db-host',
        'db-port',
        'database',
        'admin-user',
        'admin-password',
        'app-user',
        'app-password',
        'readonly-users',
        'parallel',
        'if-exists',
        'post-restore-sql',
        'without-mim',
        'mim-source',
        'mim-database',
      ].map((k) => [k, {}]),
    ),
    outputs: { tables: {}, rows: {}, bytes: {}, seconds: {} },
  },
};

function actionOf(uses: string): { name: string; meta: ActionYml } | undefined {
  const m = OURS.exec(uses);
  if (!m) return undefined;
  const file = `actions/${m[1]}/action.yml`;
  const meta = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as ActionYml) : CONTRACTS[m[1]!];
  if (!meta) throw new Error(`${uses}: no action.yml and no contract`);
  return { name: m[1]!, meta };
}

const needsOf = (job: Job) =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

/** Every string inside a value, with where it is. */
function strings(value: unknown, at: string): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`));
  return [];
}

const expressions = (text: string) => [...text.matchAll(/\$\{\{(.*?)\}\}/gs)].map((m) => m[1]!);

describe(FILE, () => {
  it('refers only to declared job outputs, earlier steps and their outputs, inputs and env', () => {
    const problems: string[] = [];
    for (const [jobId, job] of Object.entries(wf.jobs)) {
      const needs = needsOf(job);
      for (const n of needs) if (!wf.jobs[n]) problems.push(`${jobId}: needs unknown job ${n}`);
      const { steps, ...rest } = job;
      // Job-level strings (runs-on, if, outputs) may see every step of the job.
      const scopes: [string, string, number][] = [
        ...strings(rest, jobId).map(([at, s]): [string, string, number] => [at, s, steps.length]),
        ...steps.flatMap((st, i) =>
          strings(st, `${jobId}.steps[${i}]`).map(([at, s]): [string, string, number] => [at, s, i]),
        ),
      ];
      for (const [at, text, before] of scopes) {
        for (const expr of expressions(text)) {
          for (const m of expr.matchAll(/\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g)) {
            const [, job2, out] = m;
            if (!needs.includes(job2!))
              problems.push(`${at}: needs.${job2} but ${jobId} does not need ${job2}`);
            else if (!wf.jobs[job2!]?.outputs?.[out!])
              problems.push(`${at}: job ${job2} declares no output ${out}`);
          }
          for (const m of expr.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
            const [, id, out] = m;
            const index = steps.findIndex((st) => st.id === id);
            if (index < 0 || index >= before) {
              problems.push(`${at}: no earlier step ${id} in ${jobId}`);
              continue;
            }
            const step = steps[index]!;
            const action = step.uses ? actionOf(step.uses) : undefined;
            if (action && !action.meta.outputs?.[out!])
              problems.push(`${at}: ${action.name} has no output ${out}`);
            if (step.run && !new RegExp(`\\b${out}=`).test(step.run))
              problems.push(`${at}: step ${id} never writes ${out}`);
          }
          for (const m of expr.matchAll(/\binputs\.([\w-]+)/g))
            if (!(m[1]! in wf.on.workflow_dispatch.inputs)) problems.push(`${at}: no input ${m[1]}`);
          for (const m of expr.matchAll(/\benv\.([\w-]+)/g))
            if (!(m[1]! in wf.env)) problems.push(`${at}: no workflow env ${m[1]}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("gives the suite's actions only inputs they declare, and every required one", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [jobId, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps) {
        const action = step.uses ? actionOf(step.uses) : undefined;
        if (!action) continue;
        checked++;
        const declared = action.meta.inputs ?? {};
        for (const key of Object.keys(step.with ?? {}))
          if (!(key in declared)) problems.push(`${jobId}: ${action.name} has no input ${key}`);
        for (const [key, spec] of Object.entries(declared))
          if (spec.required && spec.default === undefined && !(key in (step.with ?? {})))
            problems.push(`${jobId}: ${action.name} needs input ${key}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(9);
  });

  it('passes the restored data along the runbook: restore → prep → upgrade → config → destroy → repoint', () => {
    const step = (job: string, pred: (s: Step) => boolean) => wf.jobs[job]!.steps.find(pred)!;
    const uses = (name: string) => (s: Step) => s.uses?.includes(`/actions/${name}@`) ?? false;
    const names = wf.jobs.names!;
    expect(Object.keys(names.outputs!)).toEqual(['prep', 'moodle-db', 'mim-db', 'moodledata']);

    // The runner the restore runs on is the one started for it, and it is stopped whatever happens.
    expect(wf.jobs.restore!['runs-on']).toBe('${{ needs.start-runner.outputs.label }}');
    expect(wf.jobs['stop-runner']!.if).toMatch(/^always\(\)/);
    expect(step('stop-runner', uses('ec2-runner')).with).toMatchObject({
      mode: 'stop',
      label: '${{ needs.start-runner.outputs.label }}',
    });

    const restore = step('restore', uses('restore-db')).with!;
    expect(restore.database).toBe('${{ needs.names.outputs.moodle-db }}');
    expect(restore['mim-database']).toBe('${{ needs.names.outputs.mim-db }}');
    expect(restore['readonly-users']).toBe('${{ inputs.readonly-user }}');

    // Prep runs on exactly the restored databases and the new folder.
    const prepEnv = step('deploy-prep', (s) => s.name === "Write the prep site's settings").env!;
    expect(prepEnv).toEqual({
      PREP: '${{ needs.names.outputs.prep }}',
      DB: '${{ needs.names.outputs.moodle-db }}',
      MIM: '${{ needs.names.outputs.mim-db }}',
      FOLDER: '${{ needs.names.outputs.moodledata }}',
    });
    expect(step('deploy-prep', uses('deploy-instance')).with!.settings).toBe('prep/settings.yml');

    // Upgrade and config on the prep site; then prep goes.
    for (const job of ['upgrade', 'configure', 'destroy-prep'])
      expect(wf.jobs[job]!.steps.find((s) => OURS.test(s.uses ?? ''))!.with!['preview-link']).toBe(
        '${{ needs.names.outputs.prep }}',
      );
    expect(step('configure', uses('upgrade-db')).with!.mode).toBe('apply-config');
    expect(step('destroy-prep', uses('destroy-instance')).with!['purge-data']).toBeUndefined();

    // The order: each step needs the one before it.
    const order = [
      'start-runner',
      'restore',
      'deploy-prep',
      'upgrade',
      'configure',
      'destroy-prep',
      'repoint',
      'purge-caches',
    ];
    for (let i = 1; i < order.length; i++) expect(needsOf(wf.jobs[order[i]!]!)).toContain(order[i - 1]);

    // The repoint changes databases AND moodledata together, to the same names, without takeover of a
    // live site (prep is destroyed by then; the conflict guard refuses it otherwise).
    const repointEnv = step('repoint', (s) => s.name === 'Point the settings at the new data').env!;
    expect(repointEnv).toEqual({ DB: prepEnv.DB, MIM: prepEnv.MIM, FOLDER: prepEnv.FOLDER });
    const run = step('repoint', (s) => s.name === 'Point the settings at the new data').run!;
    expect(run).toContain('.preview_db_name = strenv(DB) | .moodledata_folder = strenv(FOLDER)');
    const deploy = step('repoint', uses('deploy-instance')).with!;
    expect(deploy.settings).toBe('site/settings.yml');
    expect(deploy.takeover).toBeUndefined();
    expect(step('purge-caches', uses('upgrade-db')).with).toMatchObject({
      mode: 'purge-caches',
      'preview-link': '${{ inputs.site }}',
    });

    // Long waits: the upgrade's job outlives the action's wait, and the action refreshes credentials.
    const upgrade = step('upgrade', uses('upgrade-db')).with!;
    expect(Number(upgrade['wait-minutes'])).toBeLessThan(
      (wf.jobs.upgrade as unknown as { 'timeout-minutes': number })['timeout-minutes'],
    );
    expect(upgrade['role-to-assume']).toBe('${{ env.ROLE_ARN }}');
  });
});
