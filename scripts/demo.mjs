// `npm run demo`: deploy the example site into the stateful AWS fake on loopback (no AWS account
// needed), then deploy it again, and print both results. The fake answers the one-off tasks (the SQL
// task, the moodledata mkdir) with success instead of running them: there is no VPC here.
import { readFileSync } from 'node:fs';
import { createAwsFake } from '../packages/aws-fake/dist/index.js';
import {
  createAwsClients,
  dbProvisioner,
  deploySite,
  destroyAwsClients,
  lineLogger,
  loadSite,
  oneOffTaskRunner,
  planSite,
  renderResult,
} from '../packages/core/dist/index.js';

const SETTINGS = 'workflows-examples/sites/4-demo/settings.yml';
const PLATFORM = 'workflows-examples/platform.yml';

const fake = createAwsFake();
await fake.listen();
Object.assign(process.env, fake.env());
const listener = /https_listener_arns:\n\s+- (\S+)/.exec(readFileSync(PLATFORM, 'utf8'))[1];
fake.elbv2.seedLoadBalancer({ name: 'mdl-fargate-app', listenerArns: [listener] });
fake.ecs.seedCluster('moodle_cluster');
fake.ecs.onRunTask = async (_task, td) => ({
  exitCode: 0,
  logLines: td.family.startsWith('mdl_sql_task-') ? ['#mdl-sql-task exit=0'] : ['moodledata-ready'],
});

const { site, platform } = await loadSite(SETTINGS, PLATFORM);
const plan = planSite(site, platform);
const say = (line) => process.stdout.write(`${line}\n`);
const log = lineLogger((line) => say(`  ${line}`));

async function deploy(title) {
  say(`\n=== ${title}`);
  fake.server.resetCalls();
  const clients = createAwsClients({ region: platform.region });
  const waiter = { minDelay: 0.01, maxDelay: 0.05 };
  const tasks = oneOffTaskRunner(clients, { waiter });
  const started = Date.now();
  try {
    const result = await deploySite({
      clients,
      plan,
      platform,
      log,
      db: dbProvisioner('task', { clients, plan, platform, log, tasks }),
      tasks,
      dryRun: false,
      wait: true,
      waitMinutes: 5,
      actor: 'demo',
      waiter,
    });
    say('');
    say(renderResult(result));
    const mutating = fake.server.count({ mutating: true });
    say(`\n${fake.server.count()} AWS calls (${mutating} changing something) in ${Date.now() - started} ms`);
  } finally {
    destroyAwsClients(clients);
  }
}

try {
  await deploy(`first deploy of ${plan.site} into the AWS fake at ${fake.server.endpoint}`);
  await deploy('the same deploy again');
} finally {
  await fake.close();
}
