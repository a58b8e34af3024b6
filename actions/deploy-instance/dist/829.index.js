export const id = 829;
export const ids = [829];
export const modules = {

/***/ 2829:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  apply: () => (/* binding */ apply)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ../../packages/core/dist/github/action-io.js
var action_io = __webpack_require__(9865);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-application-auto-scaling/dist-cjs/index.js
var dist_cjs = __webpack_require__(9839);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var client_cloudwatch_logs_dist_cjs = __webpack_require__(1107);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var client_ecs_dist_cjs = __webpack_require__(4224);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var client_elastic_load_balancing_v2_dist_cjs = __webpack_require__(5710);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-secrets-manager/dist-cjs/index.js
var client_secrets_manager_dist_cjs = __webpack_require__(5494);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-scheduler/dist-cjs/index.js
var client_scheduler_dist_cjs = __webpack_require__(2988);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(4028);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(2811);
// EXTERNAL MODULE: ../../packages/core/dist/aws/client-config.js
var client_config = __webpack_require__(9464);
;// CONCATENATED MODULE: ../../packages/core/dist/aws/clients.js
// The AWS SDK v3 clients the suite uses, built one way everywhere: the SDK's default credential and
// endpoint chains (so AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> keep working), and the SDK's own
// retry — adaptive by default, because cron fan-outs and parallel deploys arrive in bursts.










function createAwsClients(options) {
    const config = (0,client_config/* awsClientConfig */.r)(options);
    return {
        region: options.region,
        ecs: new client_ecs_dist_cjs/* ECSClient */.Zgc(config),
        elbv2: new client_elastic_load_balancing_v2_dist_cjs/* ElasticLoadBalancingV2Client */.MlD(config),
        autoscaling: new dist_cjs/* ApplicationAutoScalingClient */.gd(config),
        logs: new client_cloudwatch_logs_dist_cjs/* CloudWatchLogsClient */.TFr(config),
        ssm: new client_ssm_dist_cjs/* SSMClient */.jBj(config),
        secrets: new client_secrets_manager_dist_cjs/* SecretsManagerClient */._H(config),
        sts: new client_sts_dist_cjs/* STSClient */.iM(config),
        scheduler: new client_scheduler_dist_cjs/* SchedulerClient */.dC(config),
    };
}
function destroyAwsClients(clients) {
    for (const c of [
        clients.ecs,
        clients.elbv2,
        clients.autoscaling,
        clients.logs,
        clients.ssm,
        clients.secrets,
        clients.sts,
        clients.scheduler,
    ]) {
        c.destroy();
    }
}

// EXTERNAL MODULE: ../../packages/core/dist/errors.js
var errors = __webpack_require__(8247);
// EXTERNAL MODULE: ../../packages/core/dist/naming.js
var naming = __webpack_require__(6088);
// EXTERNAL MODULE: ../../packages/core/dist/aws/credentials.js
var credentials = __webpack_require__(5242);
// EXTERNAL MODULE: ../../packages/core/dist/deploy/normalise.js
var normalise = __webpack_require__(8530);
// EXTERNAL MODULE: ../../packages/core/dist/resources/ownership.js
var ownership = __webpack_require__(6293);
// EXTERNAL MODULE: ../../packages/core/dist/resources/service.js
var resources_service = __webpack_require__(4407);
// EXTERNAL MODULE: ../../node_modules/@smithy/core/dist-cjs/submodules/client/index.js
var submodules_client = __webpack_require__(4614);
;// CONCATENATED MODULE: ../../packages/core/dist/deploy/wait.js
// Wait for the deployment this run started — not merely for "a" steady state: poll with the SDK's
// waiter (jittered backoff), print service events as they appear, and succeed only when that very
// deployment reached rolloutState COMPLETED. A circuit-breaker rollback is a failure, with reasons.


class DeploymentFailedError extends Error {
    name = 'DeploymentFailedError';
}
async function stoppedTaskReasons(input) {
    const { clients, cluster, service } = input;
    const listed = await clients.ecs.send(new client_ecs_dist_cjs/* ListTasksCommand */.MYg({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: 10 }));
    if (!listed.taskArns?.length)
        return [];
    const described = await clients.ecs.send(new client_ecs_dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: listed.taskArns }));
    return (described.tasks ?? []).map((t) => {
        const containers = (t.containers ?? [])
            .filter((c) => c.reason || c.exitCode !== undefined)
            .map((c) => `${c.name}: ${c.reason ?? `exit ${c.exitCode}`}`);
        return `task ${t.taskArn?.split('/').pop()}: ${t.stoppedReason ?? 'stopped'}${containers.length ? ` (${containers.join('; ')})` : ''}`;
    });
}
async function waitForDeployment(input) {
    const { clients, log, cluster, service, deploymentId } = input;
    const seen = new Set();
    let last;
    const printNewEvents = (s) => {
        const fresh = (s.events ?? []).filter((e) => e.id && !seen.has(e.id)).reverse();
        for (const e of fresh) {
            seen.add(e.id);
            log.info(`${e.createdAt?.toISOString() ?? ''} ${e.message ?? ''}`.trim());
        }
    };
    // Events that happened before this run are not news.
    const before = await clients.ecs.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: [service] }));
    for (const e of before.services?.[0]?.events ?? [])
        if (e.id)
            seen.add(e.id);
    const result = await (0,submodules_client.createWaiter)({
        client: clients.ecs,
        maxWaitTime: input.maxWaitMinutes * 60,
        minDelay: input.waiter.minDelay,
        maxDelay: input.waiter.maxDelay,
    }, { cluster, services: [service] }, async (client, params) => {
        const out = await client.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c(params));
        const s = out.services?.[0];
        if (!s)
            return { state: submodules_client.WaiterState.FAILURE, reason: `service ${service} disappeared` };
        last = s;
        printNewEvents(s);
        const ours = s.deployments?.find((d) => d.id === deploymentId);
        if (!ours)
            return { state: submodules_client.WaiterState.FAILURE, reason: 'replaced' };
        if (ours.rolloutState === 'FAILED')
            return { state: submodules_client.WaiterState.FAILURE, reason: ours.rolloutStateReason ?? 'rollout failed' };
        if (ours.rolloutState === 'COMPLETED' &&
            ours.status === 'PRIMARY' &&
            ours.runningCount === ours.desiredCount) {
            return { state: submodules_client.WaiterState.SUCCESS, reason: 'completed' };
        }
        return { state: submodules_client.WaiterState.RETRY, reason: `${ours.runningCount}/${ours.desiredCount} running` };
    });
    if (result.state === submodules_client.WaiterState.SUCCESS && last)
        return last;
    const events = (last?.events ?? []).slice(0, 5).map((e) => `  ${e.message}`);
    const reasons = (await stoppedTaskReasons(input)).map((r) => `  ${r}`);
    const detail = [
        ...(events.length ? ['recent service events:', ...events] : []),
        ...(reasons.length ? ['stopped tasks:', ...reasons] : []),
    ].join('\n');
    if (result.state === submodules_client.WaiterState.TIMEOUT) {
        throw new DeploymentFailedError(`deployment ${deploymentId} of ${service} did not complete within ${input.maxWaitMinutes} minutes; it may still complete ` +
            `(watch it with mdl-preview or the ECS console, or raise wait-minutes)\n${detail}`);
    }
    const rolledBack = last?.deployments?.find((d) => d.status === 'PRIMARY' && d.id !== deploymentId);
    throw new DeploymentFailedError(`deployment ${deploymentId} of ${service} failed${rolledBack ? ` and the service rolled back to ${rolledBack.taskDefinition?.split('/').pop()}` : ''}: ${String(result.reason ?? '')}\n${detail}`);
}

;// CONCATENATED MODULE: ../../packages/core/dist/deploy/rollback.js
// Point a site's service back at an earlier task definition revision and wait as a deploy does.
// Only the service changes: a rollback never touches databases, moodledata or the registry.








const revisionOf = (arn) => Number(/:(\d+)$/.exec(arn ?? '')?.[1]);
/** ACTIVE revisions of a family, newest first (paged ListTaskDefinitions). */
async function activeRevisions(clients, family) {
    const arns = [];
    const pages = (0,client_ecs_dist_cjs/* paginateListTaskDefinitions */.XPO)({ client: clients.ecs }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' });
    for await (const page of pages)
        arns.push(...(page.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.startsWith(`${family}:`)));
    return arns.sort((a, b) => revisionOf(b) - revisionOf(a));
}
async function resolveTarget(clients, family, current, to) {
    if (to === undefined) {
        const older = (await activeRevisions(clients, family)).filter((a) => revisionOf(a) < revisionOf(current));
        if (!older[0]) {
            throw new errors/* ConfigurationError */.j1(`${family} has no ACTIVE revision before ${current.split('/').pop()}: nothing to roll back to`);
        }
        return older[0];
    }
    const wanted = /^\d+$/.test(to) ? `${family}:${to}` : to;
    const name = wanted.split('/').pop() ?? wanted;
    if (!name.startsWith(`${family}:`))
        throw new errors/* ConfigurationError */.j1(`--to ${to} is not a revision of ${family}`);
    try {
        const out = await clients.ecs.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: wanted }));
        const td = out.taskDefinition;
        if (td?.status !== 'ACTIVE')
            throw new errors/* ConfigurationError */.j1(`${name} is ${td?.status ?? 'unknown'}; only ACTIVE revisions can run`);
        return td.taskDefinitionArn;
    }
    catch (err) {
        if (err instanceof client_ecs_dist_cjs/* ClientException */.P6G)
            throw new errors/* ConfigurationError */.j1(`${name} does not exist`);
        throw err;
    }
}
async function rollbackSite(options) {
    const { clients, platform, previewLink, log } = options;
    if (!naming/* DNS_LABEL */.HR.test(previewLink))
        throw new errors/* ConfigurationError */.j1(`"${previewLink}" is not a preview_link (a DNS label)`);
    await (0,credentials/* checkCredentials */.v)(clients);
    const names = (0,naming/* siteNames */.qf)(previewLink);
    const service = await (0,resources_service/* describeServiceByName */.$x)(clients, platform.cluster, names.serviceName);
    if (!service)
        throw new errors/* ConfigurationError */.j1(`site ${previewLink} has no service ${names.serviceName} in ${platform.cluster}`);
    (0,ownership/* assertOwned */.S)('service', names.serviceName, (0,normalise/* tagRecord */.C)(service.tags), previewLink);
    const current = service.taskDefinition;
    const target = await resolveTarget(clients, names.taskFamily, current, options.to);
    const result = { service: names.serviceName, from: current, to: target };
    if (target === current) {
        log.info(`${names.serviceName} already runs ${current.split('/').pop()}`);
        return { ...result, changed: false };
    }
    log.info(`rolling ${names.serviceName} back from ${current.split('/').pop()} to ${target.split('/').pop()}`);
    // Only the task definition: desired count (auto scaling's) and everything else stay as they are.
    const out = await clients.ecs.send(new client_ecs_dist_cjs/* UpdateServiceCommand */.kZr({
        cluster: platform.cluster,
        service: names.serviceName,
        taskDefinition: target,
    }));
    const deploymentId = out.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    if (options.wait && deploymentId) {
        await log.group(`Waiting for deployment ${deploymentId}`, () => waitForDeployment({
            clients,
            log,
            cluster: platform.cluster,
            service: names.serviceName,
            deploymentId,
            maxWaitMinutes: options.waitMinutes,
            waiter: options.waiter ?? { minDelay: 5, maxDelay: 30 },
        }));
    }
    return { ...result, changed: true, ...(deploymentId ? { deploymentId } : {}) };
}

// EXTERNAL MODULE: ../../packages/core/dist/github/runner.js
var runner = __webpack_require__(152);
// EXTERNAL MODULE: ../../packages/core/dist/ecs/one-off-task.js + 1 modules
var one_off_task = __webpack_require__(8367);
// EXTERNAL MODULE: ../../packages/core/dist/plan/site-plan.js
var site_plan = __webpack_require__(5213);
// EXTERNAL MODULE: ../../packages/core/dist/registry/site-registry.js
var site_registry = __webpack_require__(8041);
;// CONCATENATED MODULE: ../../packages/core/dist/deploy/conflict-guard.js
// Refuse to point a site at data another live site uses: pointing a site at databases or a
// moodledata folder of another site corrupts both (the documented way a demo refresh goes wrong).

/** Data of `plan` that another site's registry entry claims (and has not retired). Pure. */
function findConflicts(plan, entries) {
    const ours = plan.resources.databases.spec;
    const folder = plan.resources.moodledata.spec.folder;
    const conflicts = [];
    for (const e of entries) {
        if (e.previewLink === plan.site)
            continue;
        const retired = (kind, name) => e.retired.some((r) => r.kind === kind && r.name === name);
        if (e.dbHost === ours.server.host) {
            for (const db of ours.databases) {
                if (Object.values(e.databases).includes(db.name) && !retired('database', db.name)) {
                    conflicts.push({ site: e.previewLink, kind: 'database', name: db.name });
                }
            }
        }
        if (e.moodledataFolder === folder && !retired('moodledata', folder))
            conflicts.push({ site: e.previewLink, kind: 'moodledata', name: folder });
    }
    return conflicts;
}
/**
 * Throws unless every conflict is with the site named by `takeover`. Returns the taken-over site's
 * entry with the data this site takes recorded as retired there (to be written after the deploy).
 */
function guardConflicts(plan, entries, takeover, today) {
    const conflicts = findConflicts(plan, entries);
    const foreign = conflicts.filter((c) => c.site !== takeover);
    if (foreign.length) {
        const list = foreign.map((c) => `${c.kind} ${c.name} (used by site ${c.site})`).join(', ');
        const sites = [...new Set(foreign.map((c) => c.site))];
        throw new errors/* ConfigurationError */.j1(`${plan.site} would use data of another live site: ${list}. Sharing a database or moodledata between two sites corrupts them. ` +
            `Choose other names in settings.yml, or, if ${plan.site} is meant to take this data over (a refresh), set takeover: ${sites.join(',')}` +
            (sites.length > 1 ? ' (one site at a time)' : ''));
    }
    if (!takeover)
        return claimRetired(plan, entries);
    const other = entries.find((e) => e.previewLink === takeover);
    if (!other)
        throw new errors/* ConfigurationError */.j1(`takeover names site ${takeover}, which is not in the site registry`);
    // Nothing live to take over (a refresh's `-prep` site, destroyed before the repoint): the data is
    // retired there already; it is only re-labelled as this site's.
    if (conflicts.length === 0)
        return claimRetired(plan, entries, takeover);
    const reason = `taken over by ${plan.site}`;
    return {
        ...other,
        retired: [
            ...other.retired,
            ...conflicts.map((c) => ({ kind: c.kind, name: c.name, since: today, reason })),
        ],
    };
}
/**
 * Another site's retired records of data this plan now uses (a refresh repointing the demo site at
 * the destroyed `-prep` site's databases and moodledata), re-labelled `taken over by <site>`: then
 * purge-retired leaves them alone, and the data is purged only through this site's own records once
 * it stops using it. One entry per deploy (`takeover` first); a next deploy labels any further one.
 */
function claimRetired(plan, entries, preferred) {
    const ours = plan.resources.databases.spec;
    const folder = plan.resources.moodledata.spec.folder;
    const reason = `taken over by ${plan.site}`;
    const claims = (e, r) => r.reason !== reason &&
        ((r.kind === 'database' &&
            e.dbHost === ours.server.host &&
            ours.databases.some((d) => d.name === r.name)) ||
            (r.kind === 'moodledata' && r.name === folder));
    const candidates = entries
        .filter((e) => e.previewLink !== plan.site && e.retired.some((r) => claims(e, r)))
        .sort((a, b) => Number(b.previewLink === preferred) - Number(a.previewLink === preferred));
    const other = candidates[0];
    if (!other)
        return undefined;
    return { ...other, retired: other.retired.map((r) => (claims(other, r) ? { ...r, reason } : r)) };
}

// EXTERNAL MODULE: ../../packages/core/dist/resources/databases.js
var databases = __webpack_require__(4486);
// EXTERNAL MODULE: ../../packages/core/dist/resources/db-secret.js
var db_secret = __webpack_require__(25);
// EXTERNAL MODULE: ../../packages/core/dist/resources/listener-rule.js
var listener_rule = __webpack_require__(9545);
// EXTERNAL MODULE: ../../packages/core/dist/resources/log-group.js
var log_group = __webpack_require__(9920);
// EXTERNAL MODULE: ../../packages/core/dist/resources/moodledata.js
var moodledata = __webpack_require__(1310);
// EXTERNAL MODULE: ../../packages/core/dist/resources/redis.js
var redis = __webpack_require__(4567);
// EXTERNAL MODULE: ../../packages/core/dist/resources/registry-entry.js
var registry_entry = __webpack_require__(3184);
// EXTERNAL MODULE: ../../packages/core/dist/resources/scaling.js
var scaling = __webpack_require__(3569);
// EXTERNAL MODULE: ../../packages/core/dist/resources/sleep-page.js + 1 modules
var sleep_page = __webpack_require__(214);
// EXTERNAL MODULE: ../../packages/core/dist/resources/target-group.js
var target_group = __webpack_require__(3085);
// EXTERNAL MODULE: ../../packages/core/dist/resources/task-definition.js + 1 modules
var task_definition = __webpack_require__(3650);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/index.js












const SITE_RESOURCES = {
    siteRegistration: registry_entry/* siteRegistration */.F5,
    cronRegistration: registry_entry/* cronRegistration */.mC,
    dbSecret: db_secret/* dbSecret */.ru,
    databases: databases/* databases */.LL,
    dbUser: databases/* dbUser */.Gy,
    moodledata: moodledata/* moodledata */.xo,
    redis: redis/* redis */.Y,
    logGroup: log_group/* logGroup */.Q,
    taskDefinition: task_definition/* taskDefinition */.Dt,
    targetGroup: target_group/* targetGroup */.X,
    listenerRule: listener_rule/* listenerRule */.rM,
    service: resources_service/* service */.eu,
    scalingTarget: scaling/* scalingTarget */.bS,
    scalingPolicy: scaling/* scalingPolicy */.Ih,
    scheduledActions: scaling/* scheduledActions */.f2,
    sleepPage: sleep_page/* sleepPage */.z,
};
/**
 * Reads the resources `ids` names, each once, in that order, with what each depends on: the task
 * definition waits for the secret (a new secret means a new revision), the listener rule for the
 * target group, the service for both of those, the sleep page for the rule and the group, the
 * databases and user for the secret. Each inspection starts when first asked for, so the order of
 * `ids` is the order of the first calls to AWS.
 */
async function readResources(env, ids) {
    const started = new Map();
    const get = (id) => {
        let p = started.get(id);
        if (!p) {
            p = start(id);
            started.set(id, p);
        }
        return p;
    };
    const start = (id) => {
        switch (id) {
            case 'taskDefinition':
                return get('dbSecret').then((s) => task_definition/* taskDefinition */.Dt.inspect(env, s.action === 'create'));
            case 'listenerRule':
                return listener_rule/* listenerRule */.rM.inspect(env, get('targetGroup'));
            case 'sleepPage':
                return sleep_page/* sleepPage */.z.inspect(env, get('listenerRule'), get('targetGroup'));
            case 'service':
                return resources_service/* service */.eu.inspect(env, get('taskDefinition'), get('targetGroup'));
            case 'databases':
                return databases/* databases */.LL.inspect(env, get('dbSecret'));
            case 'dbUser':
                return databases/* dbUser */.Gy.inspect(env, get('dbSecret'));
            default:
                return SITE_RESOURCES[id].inspect(env);
        }
    };
    const found = await Promise.all(ids.map(get));
    return new Map(found.map((i) => [i.id, i]));
}

;// CONCATENATED MODULE: ../../packages/core/dist/deploy/deploy.js








/** The order deploy starts its reads in (each waits for what it depends on: readResources). */
const READ_ORDER = [
    'dbSecret',
    'targetGroup',
    'taskDefinition',
    'databases',
    'listenerRule',
    'logGroup',
    'sleepPage',
    'service',
    'scalingTarget',
    'scalingPolicy',
    'scheduledActions',
    'dbUser',
    'moodledata',
];
/**
 * Converges the resources in dependency order, independent ones in parallel. After the first
 * failure no further change starts; the ones under way are let finish, so nothing of this run is
 * still changing AWS when deploySite returns or throws.
 */
async function applyInOrder(env, byId, ordered) {
    let failure;
    const done = new Map();
    const run = (i) => {
        let p = done.get(i.id);
        if (!p) {
            p = (async () => {
                const deps = await Promise.allSettled(env.plan.resources[i.id].dependsOn.map((d) => run(byId.get(d))));
                if (failure || deps.some((d) => d.status === 'rejected') || !i.apply || i.action === 'none')
                    return;
                env.log.info(`${i.action === 'create' ? 'creating' : 'updating'} ${i.id} ${i.name}`);
                try {
                    const arn = await i.apply();
                    if (arn)
                        env.refs.set(i.id, arn);
                }
                catch (error) {
                    failure ??= { error };
                    throw error;
                }
            })();
            done.set(i.id, p);
        }
        return p;
    };
    await Promise.allSettled(ordered.map(run));
    if (failure)
        throw failure.error;
}
async function deploySite(options) {
    const { clients, plan, log } = options;
    const now = options.now ?? (() => new Date());
    if (!options.credentialsChecked)
        await (0,credentials/* checkCredentials */.v)(clients);
    const registry = new site_registry/* SiteRegistry */.hq(clients.ssm, undefined, options.platform.tags);
    const entries = await registry.list();
    const previousEntry = entries.find((e) => e.previewLink === plan.site);
    const takenOver = guardConflicts(plan, entries, options.takeover, now().toISOString().slice(0, 10));
    const env = {
        clients,
        plan,
        platform: options.platform,
        log,
        registry,
        previousEntry,
        db: options.db,
        tasks: options.tasks,
        refs: new Map(),
        actor: options.actor,
        ...(options.source ? { source: options.source } : {}),
        now,
        rulesPerLoadBalancer: options.platform.alb.rules_per_load_balancer,
        waiter: options.waiter ?? { minDelay: 5, maxDelay: 30 },
    };
    const byId = await log.group('Reading what exists', () => readResources(env, READ_ORDER));
    // Derived from the plan and what was read: the registry entry (cron is part of it), and Redis.
    for (const derived of [registry_entry/* siteRegistration */.F5, registry_entry/* cronRegistration */.mC, redis/* redis */.Y])
        byId.set(derived.id, await derived.inspect(env));
    const ordered = (0,site_plan/* applyOrder */.Fu)(plan).map((id) => byId.get(id));
    const changed = ordered.some((i) => i.action !== 'none') || takenOver !== undefined;
    for (const i of ordered)
        if (i.arn)
            env.refs.set(i.id, i.arn);
    const previousEstimate = previousEntry && !previousEntry.destroyedAt && previousEntry.estimate
        ? { previousEstimate: { ...previousEntry.estimate } }
        : {};
    if (options.dryRun || !changed) {
        return {
            ...previousEstimate,
            plan,
            inspections: ordered,
            changed,
            dryRun: options.dryRun,
            arns: Object.fromEntries(env.refs),
        };
    }
    await log.group('Applying changes', async () => {
        await applyInOrder(env, byId, ordered);
        if (takenOver) {
            log.info(`recording ${takenOver.previewLink}'s data taken over by ${plan.site} as retired there`);
            await registry.put({ ...takenOver, updatedAt: now().toISOString(), updatedBy: options.actor }, true);
        }
    });
    const deploymentId = env.startedDeployment;
    if (options.wait && deploymentId) {
        await log.group(`Waiting for deployment ${deploymentId}`, () => waitForDeployment({
            clients,
            log,
            cluster: options.platform.cluster,
            service: plan.resources.service.name,
            deploymentId,
            maxWaitMinutes: options.waitMinutes,
            waiter: env.waiter,
        }));
    }
    return {
        ...previousEstimate,
        plan,
        inspections: ordered,
        changed,
        dryRun: false,
        ...(deploymentId ? { deploymentId } : {}),
        arns: Object.fromEntries(env.refs),
    };
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/mysql-driver.js
let driver;
function loadMysql() {
    driver ??= __webpack_require__.e(/* import() */ 384).then(__webpack_require__.t.bind(__webpack_require__, 2384, 19)).then((m) => m.default);
    return driver;
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/provision-sql.js
// The SQL that converges a site's databases and its user, as values with no I/O: the direct mysql2
// path, the in-VPC SqlTask and dry-run all build, read and diff through this one module.


/** The target of a plan: `provisionTarget(plan.resources)`. */
function provisionTarget(resources) {
    return { databases: resources.databases.spec.databases, user: resources.dbUser.spec };
}
/**
 * Stands, unquoted, where the quoted password goes in `CREATE USER`. Unquoted on purpose: if it is
 * ever sent without being substituted the server rejects the statement instead of setting a
 * password of that literal text.
 */
const PASSWORD_PLACEHOLDER = '@@SITE_DB_PASSWORD@@';
/**
 * A site's DB password: generated once in Secrets Manager with letters and digits only, which is what
 * makes a plain text substitution in the SqlTask's shell safe. Anything else is refused, not escaped.
 */
const SITE_DB_PASSWORD = /^[A-Za-z0-9]{16,128}$/;
/**
 * The database-level privileges `GRANT ALL PRIVILEGES ON db.*` gives on both MySQL 8 and MariaDB.
 * Servers add their own on top (MariaDB's DELETE HISTORY); a grant holding at least these is "all".
 */
const ALL_DATABASE_PRIVILEGES = [
    'SELECT',
    'INSERT',
    'UPDATE',
    'DELETE',
    'CREATE',
    'DROP',
    'REFERENCES',
    'INDEX',
    'ALTER',
    'CREATE TEMPORARY TABLES',
    'LOCK TABLES',
    'EXECUTE',
    'CREATE VIEW',
    'SHOW VIEW',
    'CREATE ROUTINE',
    'ALTER ROUTINE',
    'EVENT',
    'TRIGGER',
];
const COLLATION = /^utf8mb4_[a-z0-9_]+$/;
/**
 * Checks every name that will be spliced into SQL, again: the settings validator already did, but this
 * module must not depend on every caller having used it. Throws one ConfigurationError with all problems.
 */
function checkProvisionTarget(target) {
    const problems = [];
    const identifier = (what, name, max) => {
        if (typeof name !== 'string' || !naming/* MYSQL_IDENTIFIER */.$V.test(name))
            problems.push(`${what} ${JSON.stringify(name)} must be letters, digits and underscores (not all digits)`);
        else if (name.length > max)
            problems.push(`${what} ${name} is longer than ${max} characters`);
    };
    if (target.databases.length === 0)
        problems.push('no database to provision');
    for (const db of target.databases) {
        identifier('database name', db.name, naming/* MAX_DB_NAME_LENGTH */.nU);
        if (db.characterSet !== 'utf8mb4')
            problems.push(`database ${db.name}: character set must be utf8mb4, not ${String(db.characterSet)}`);
        if (typeof db.collation !== 'string' || !COLLATION.test(db.collation))
            problems.push(`database ${db.name}: collation ${JSON.stringify(db.collation)} is not a utf8mb4 collation`);
    }
    identifier('database user', target.user.name, naming/* MAX_DB_USER_LENGTH */.fS);
    if (target.user.host !== '%')
        problems.push(`database user host must be '%', not ${String(target.user.host)}`);
    const names = new Set(target.databases.map((d) => d.name));
    for (const g of target.user.grants) {
        identifier('granted database', g.database, naming/* MAX_DB_NAME_LENGTH */.nU);
        if (g.privileges !== 'ALL PRIVILEGES')
            problems.push(`grant on ${g.database}: only ALL PRIVILEGES is supported, not ${String(g.privileges)}`);
        if (!names.has(g.database))
            problems.push(`grant on ${g.database}: that database is not provisioned`);
    }
    if (problems.length > 0)
        throw new errors/* ConfigurationError */.j1(`cannot provision the site's databases:\n- ${problems.join('\n- ')}`);
}
/** Refuses a password outside the site alphabet; the message never contains the password. */
function checkSitePassword(password) {
    if (typeof password !== 'string' || !SITE_DB_PASSWORD.test(password))
        throw new errors/* ConfigurationError */.j1("the site's DB password must be 16 to 128 letters and digits (generate it with ExcludePunctuation); " +
            'the secret holds something else');
}
/** A backtick-quoted identifier; callers pass only names that passed `checkProvisionTarget`. */
function quoteIdentifier(name) {
    return `\`${name.replace(/`/g, '``')}\``;
}
/** A single-quoted SQL string literal for a validated name (no backslashes or quotes can reach it). */
function quoteName(name) {
    return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
/**
 * In a database-level GRANT, `_` and `%` are wildcards: `moodle_db` also matches `moodleXdb`. Escaped,
 * the grant covers exactly one database on MySQL 8 (with partial_revokes on or off) and MariaDB.
 */
function grantSchema(database) {
    return database.replace(/[\\_%]/g, '\\$&');
}
function accountName(user) {
    return `${quoteIdentifier(user.name)}@${quoteIdentifier(user.host)}`;
}
/**
 * Every statement of a full convergence, each safe to run again: IF NOT EXISTS never alters what is
 * there, so an existing user keeps its password and an existing database its charset and data.
 */
function provisionStatements(target) {
    checkProvisionTarget(target);
    const account = accountName(target.user);
    const statements = target.databases.map((db) => ({
        kind: 'create-database',
        subject: db.name,
        action: `create database ${db.name} (${db.characterSet} / ${db.collation})`,
        sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(db.name)} ` +
            `CHARACTER SET ${db.characterSet} COLLATE ${db.collation}`,
    }));
    statements.push({
        kind: 'create-user',
        subject: target.user.name,
        action: `create user ${target.user.name}@'${target.user.host}'`,
        sql: `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${PASSWORD_PLACEHOLDER}`,
    });
    for (const g of target.user.grants) {
        statements.push({
            kind: 'grant',
            subject: g.database,
            action: `grant ${g.privileges} on ${g.database}.* to ${target.user.name}@'${target.user.host}'`,
            sql: `GRANT ${g.privileges} ON ${quoteIdentifier(grantSchema(g.database))}.* TO ${account}`,
        });
    }
    return statements;
}
/**
 * The statement for mysql2's `query`: the placeholder becomes `?`, which mysql2 fills in with its
 * escaping function on the client. (Server-side prepared statements cannot: MariaDB and MySQL reject
 * `IDENTIFIED BY ?` at parse time.) The returned text is for the driver only, never for a log.
 */
function driverQuery(statement, password) {
    if (!statement.sql.includes(PASSWORD_PLACEHOLDER))
        return { sql: statement.sql, values: [] };
    checkSitePassword(password);
    return { sql: statement.sql.replace(PASSWORD_PLACEHOLDER, '?'), values: [password] };
}
/** Statements as one script for the `mysql` client (the SqlTask); the placeholder stays in it. */
function sqlScript(sql) {
    return sql.map((s) => `${s};\n`).join('');
}
/**
 * Read-only queries whose rows, first column a tag, describe what exists. Plain SELECTs on
 * information_schema (visible to an admin with SELECT on `mysql`), so they run the same through
 * mysql2 and through the `mysql --batch` of a SqlTask, and fail on nothing that is merely absent.
 */
function stateQueries(target) {
    checkProvisionTarget(target);
    const names = target.databases.map((d) => quoteName(d.name)).join(', ');
    const grantee = quoteName(`'${target.user.name}'@'${target.user.host}'`);
    return [
        "SELECT 'database', SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME " +
            `FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names}) ORDER BY SCHEMA_NAME`,
        `SELECT 'user', GRANTEE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${grantee} LIMIT 1`,
        "SELECT 'grant', TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES " +
            `WHERE GRANTEE = ${grantee} ORDER BY TABLE_SCHEMA, PRIVILEGE_TYPE`,
    ];
}
/**
 * The report when the server refuses the secret's password for an existing user. Not reset on purpose:
 * the password is generated once, and a silent reset would hide whatever changed it and break anything
 * else using the account; a person decides (ALTER USER, or put the right value back in the secret).
 */
function passwordDriftWarning(user) {
    return (`user ${user} exists but refuses the password in the site's secret; it was not reset. ` +
        'Set it deliberately (ALTER USER) or restore the secret, or Moodle cannot connect');
}
/**
 * One cell of a result row as text: null and absent as '', strings as they are, numbers written out,
 * bytes as UTF-8 (mysql2 gives binary columns as Buffers), anything else as JSON.
 */
function cellText(c) {
    if (c === null || c === undefined)
        return '';
    if (typeof c === 'string')
        return c;
    if (typeof c === 'number' || typeof c === 'bigint' || typeof c === 'boolean')
        return String(c);
    if (Buffer.isBuffer(c))
        return c.toString('utf8');
    return JSON.stringify(c);
}
/** Rows of `stateQueries` (any order, other rows ignored) back into a state. */
function parseProvisionState(rows) {
    const state = { databases: [], userExists: false, grants: [] };
    const grants = new Map();
    for (const row of rows) {
        const cells = row.map(cellText);
        const [tag, a = '', b = '', c = ''] = cells;
        if (tag === 'database')
            state.databases.push({ name: a, characterSet: b, collation: c });
        else if (tag === 'user')
            state.userExists = true;
        else if (tag === 'grant') {
            const list = grants.get(a) ?? [];
            list.push(b.toUpperCase());
            grants.set(a, list);
        }
    }
    state.grants = [...grants].map(([schema, privileges]) => ({ schema, privileges }));
    return state;
}
/** Whether a stored grant pattern (LIKE syntax, `\` escapes) covers a database name. */
function grantPatternCovers(pattern, database) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i];
        if (ch === '\\' && i + 1 < pattern.length)
            source += escapeRegExp(pattern[++i]);
        else if (ch === '%')
            source += '.*';
        else if (ch === '_')
            source += '.';
        else
            source += escapeRegExp(ch);
    }
    // Schema names are case-sensitive on Linux servers (lower_case_table_names=0, Aurora's default).
    return new RegExp(`^${source}$`, 's').test(database);
}
function escapeRegExp(ch) {
    return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
/**
 * What must run to bring `state` to `target`. Creates only; never drops, never alters: an existing
 * database with another charset and an existing user (whatever its password) are reported, not changed.
 */
function diffProvision(target, state) {
    const all = provisionStatements(target);
    const diff = { statements: [], unchanged: [], warnings: [] };
    const existing = new Map(state.databases.map((d) => [d.name, d]));
    for (const st of all) {
        if (st.kind === 'create-database') {
            const want = target.databases.find((d) => d.name === st.subject);
            const have = existing.get(st.subject);
            if (!have)
                diff.statements.push(st);
            else {
                diff.unchanged.push(`database ${have.name} exists (${have.characterSet} / ${have.collation})`);
                if (have.characterSet !== want.characterSet || have.collation !== want.collation)
                    diff.warnings.push(`database ${have.name} is ${have.characterSet} / ${have.collation}, not ${want.characterSet} / ` +
                        `${want.collation}; left alone (converting an existing database is a deliberate migration)`);
            }
        }
        else if (st.kind === 'create-user') {
            if (!state.userExists)
                diff.statements.push(st);
            else
                diff.unchanged.push(`user ${target.user.name}@'${target.user.host}' exists (its password is never changed here)`);
        }
        else {
            const covered = state.userExists &&
                state.grants.some((g) => grantPatternCovers(g.schema, st.subject) &&
                    ALL_DATABASE_PRIVILEGES.every((p) => g.privileges.includes(p)));
            if (covered)
                diff.unchanged.push(`${target.user.name} holds ALL PRIVILEGES on ${st.subject}.*`);
            else
                diff.statements.push(st);
        }
    }
    return diff;
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/direct.js
// Provisions a site's databases and user over a direct mysql2 connection (`db-access: direct`, or a
// job inside the VPC): read what exists, apply only what is missing, report what changed.



const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Reads the server and says what provisioning would change, without changing anything (dry-run). */
async function inspectDirect(target, server) {
    checkProvisionTarget(target);
    const conn = await connectAdmin(server);
    try {
        return diffProvision(target, await readState(conn, target, server));
    }
    finally {
        await direct_close(conn);
    }
}
/**
 * Creates what is missing and nothing else. An existing user keeps its password: the site's password
 * is generated once, and if the server's no longer matches the secret that is a warning for a person,
 * because resetting it silently would break whatever else uses that account.
 */
async function provisionDirect(target, server, options) {
    // Everything that can be refused without the server is refused before connecting.
    checkProvisionTarget(target);
    checkSitePassword(options.sitePassword);
    const log = options.log ?? (() => { });
    const secrets = [options.sitePassword, server.adminPassword];
    const conn = await connectAdmin(server);
    let diff;
    const actions = [];
    try {
        diff = diffProvision(target, await readState(conn, target, server));
        for (const statement of diff.statements) {
            log(statement.action);
            try {
                await conn.query(driverQuery(statement, options.sitePassword));
            }
            catch (err) {
                throw sqlFailure(`${statement.action} failed`, err, secrets);
            }
            actions.push(statement.action);
        }
    }
    finally {
        await direct_close(conn);
    }
    const warnings = [...diff.warnings];
    const login = await trySiteLogin(server, target.user.name, options.sitePassword);
    if (login !== 'ok')
        warnings.push(loginWarning(target.user.name, login, secrets));
    for (const w of warnings)
        log(`warning: ${w}`);
    if (actions.length === 0)
        log('databases and user: nothing to change');
    return { changed: actions.length > 0, actions, unchanged: diff.unchanged, warnings };
}
async function readState(conn, target, server) {
    const rows = [];
    for (const sql of stateQueries(target)) {
        try {
            const [result] = await conn.query({ sql, rowsAsArray: true });
            rows.push(...result);
        }
        catch (err) {
            throw sqlFailure(`reading the databases and grants on ${server.host}:${server.port} failed ` +
                `(the admin user needs SELECT on mysql.* to see other accounts' grants)`, err, [server.adminPassword]);
        }
    }
    return parseProvisionState(rows);
}
async function connectAdmin(server) {
    try {
        return await connect(server, server.adminUser, server.adminPassword);
    }
    catch (err) {
        throw connectionError(server, err);
    }
}
async function connect(server, user, password) {
    return (await loadMysql()).createConnection({
        host: server.host,
        port: server.port,
        user,
        password,
        connectTimeout: server.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        charset: 'utf8mb4_unicode_ci',
        multipleStatements: false,
        ...(server.ssl !== undefined ? { ssl: server.ssl } : {}),
    });
}
async function direct_close(conn) {
    try {
        await conn.end();
    }
    catch {
        conn.destroy();
    }
}
/** Logs in as the site user with the secret's password: the only portable way to detect drift. */
async function trySiteLogin(server, user, password) {
    try {
        await direct_close(await connect(server, user, password));
        return 'ok';
    }
    catch (err) {
        const e = err;
        if (e.code === 'ER_ACCESS_DENIED_ERROR')
            return 'refused';
        return { error: `${e.code ?? 'error'}: ${e.message ?? String(err)}` };
    }
}
function loginWarning(user, outcome, secrets) {
    if (outcome === 'refused')
        return passwordDriftWarning(user);
    return `could not check ${user}'s password by logging in: ${redact(outcome.error, secrets)}`;
}
const CONNECT_HINTS = {
    ECONNREFUSED: 'nothing accepts connections on that port; check the port, or use `db-access: task` if the server is private to the VPC',
    ETIMEDOUT: 'no answer in time: the server is probably unreachable from here (Aurora is private to the VPC), ' +
        'so use `db-access: task` or run the job inside the VPC',
    ENOTFOUND: 'the host name does not resolve from here; check the platform file, or use `db-access: task`',
    EAI_AGAIN: 'the host name does not resolve from here; check the platform file, or use `db-access: task`',
    EHOSTUNREACH: 'the host is unreachable from here; use `db-access: task` or run the job inside the VPC',
    ENETUNREACH: 'the network is unreachable from here; use `db-access: task` or run the job inside the VPC',
    ER_ACCESS_DENIED_ERROR: 'the admin credentials were refused; check the admin secret named in the platform file',
    HANDSHAKE_SSL_ERROR: 'the TLS handshake failed; check the ssl options',
};
function connectionError(server, err) {
    const e = err;
    const code = e.code ?? 'error';
    const hint = CONNECT_HINTS[code] ??
        'check the host, port and admin secret; if the server is private to the VPC use `db-access: task`';
    const reason = redact(e.message ?? String(err), [server.adminPassword]);
    return new errors/* ConfigurationError */.j1(`cannot connect to MySQL at ${server.host}:${server.port} as ${server.adminUser}: ${code} (${reason}): ${hint}`);
}
/**
 * A SQL failure without mysql2's `sql` property (it holds the statement with the password filled in)
 * and with any secret cut out of the server's message, which may quote the statement.
 */
function sqlFailure(what, err, secrets) {
    const e = err;
    const code = [e.code, e.errno, e.sqlState].filter((x) => x !== undefined).join(' ');
    const failure = new Error(`${what}: ${code ? `${code}: ` : ''}${redact(e.message ?? String(err), secrets)}`);
    failure.name = 'SqlError';
    return failure;
}
function redact(text, secrets) {
    let out = text;
    for (const s of secrets)
        if (s)
            out = out.split(s).join('***');
    return out;
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/sql-task.js
// The pure half of SqlTask: the per-site task definition, the RunTask override that carries the SQL
// without secrets, the shell script the container runs, and the parser of what it logs back.



const SQL_TASK_CONTAINER = 'sql';
const SQL_TASK_LOG_PREFIX = 'sql';
/** Every line the script itself writes starts with this; the client's output never does. */
const SQL_TASK_MARKER = '#mdl-sql-task';
function sqlTaskFamily(previewLink) {
    return `mdl_sql_task-${previewLink}`;
}
function sqlTaskSite(plan, platform) {
    const { databases, dbUser, logGroup } = plan.resources;
    return {
        previewLink: plan.site,
        image: platform.images.sql_client,
        region: platform.region,
        logGroupName: logGroup.spec.logGroupName,
        executionRoleArn: platform.roles.execution_role_arn,
        dbHost: databases.spec.server.host,
        dbPort: databases.spec.server.port,
        adminSecretArn: databases.spec.server.adminSecretArn,
        siteSecret: dbUser.spec.password.secret,
        siteDbUser: dbUser.spec.name,
        tags: plan.tags,
    };
}
/** The SqlTask of a site known from its registry entry alone (no plan: upgrade, purge-retired). */
function registrySqlTaskSite(entry, platform) {
    return {
        previewLink: entry.previewLink,
        image: platform.images.sql_client,
        region: platform.region,
        logGroupName: entry.logGroup,
        executionRoleArn: platform.roles.execution_role_arn,
        dbHost: entry.dbHost,
        dbPort: platform.db.port,
        adminSecretArn: platform.db.admin_secret_arn,
        siteSecret: siteNames(entry.previewLink).dbSecretName,
        siteDbUser: entry.dbUser,
        tags: { ...platform.tags, [TAG_SITE]: entry.previewLink, [TAG_MANAGED_BY]: SUITE_NAME },
    };
}
function sqlTaskDefinition(site) {
    return {
        family: sqlTaskFamily(site.previewLink),
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        executionRoleArn: site.executionRoleArn,
        runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
        containerDefinitions: [
            {
                name: SQL_TASK_CONTAINER,
                image: site.image,
                essential: true,
                entryPoint: ['sh', '-c'],
                // All three by valueFrom: the client reads MYSQL_PWD itself, so no password is ever an argument.
                secrets: [
                    { name: 'MYSQL_PWD', valueFrom: { secret: site.adminSecretArn, jsonKey: 'password' } },
                    { name: 'ADMIN_USER', valueFrom: { secret: site.adminSecretArn, jsonKey: 'username' } },
                    { name: 'SITE_DB_PASSWORD', valueFrom: { secret: site.siteSecret, jsonKey: 'password' } },
                ],
                logConfiguration: {
                    logDriver: 'awslogs',
                    options: {
                        'awslogs-group': site.logGroupName,
                        'awslogs-region': site.region,
                        'awslogs-stream-prefix': SQL_TASK_LOG_PREFIX,
                    },
                },
            },
        ],
        tags: site.tags,
    };
}
/**
 * Runs in the container as `sh -c SCRIPT` (POSIX sh: the client image may be Debian or busybox).
 * Everything variable arrives by environment. The SQL is decoded, the password placeholder replaced
 * with the quoted `$SITE_DB_PASSWORD` — an awk substitution that reads it from the environment, safe
 * because the password is checked to be letters and digits first — and piped into the client, so the
 * password is never a program's argument, never in the task's overrides, never on disk and never in
 * the log (client output is scrubbed of it too). The last line is the exit marker; an optional login as SITE_DB_USER reports password drift.
 */
const SQL_TASK_SCRIPT = `set -u
M='${SQL_TASK_MARKER}'
finish() { echo "$M exit=$1"; exit "$1"; }
fail() { echo "$M stderr $1"; finish 2; }
[ -n "\${SQL_B64-}" ] || fail 'SQL_B64 is not set'
[ -n "\${DB_HOST-}" ] || fail 'DB_HOST is not set'
[ -n "\${DB_PORT-}" ] || fail 'DB_PORT is not set'
[ -n "\${ADMIN_USER-}" ] || fail 'ADMIN_USER is not set (admin secret, key username)'
[ -n "\${MYSQL_PWD-}" ] || fail 'MYSQL_PWD is not set (admin secret, key password)'
pw=\${SITE_DB_PASSWORD-}
case "$pw" in
  *[!A-Za-z0-9]*) fail 'SITE_DB_PASSWORD holds characters other than letters and digits' ;;
esac
client=$(command -v mysql || command -v mariadb) || fail 'the image has no mysql client'
sql=$(printf '%s' "$SQL_B64" | base64 -d) || fail 'SQL_B64 is not base64'
case "$sql" in
  *'${PASSWORD_PLACEHOLDER}'*) [ -n "$pw" ] || fail 'the SQL sets a password but SITE_DB_PASSWORD is empty' ;;
esac
tmp=\${TMPDIR:-/tmp}/mdl-sql.$$
# awk reads the password from its environment (ENVIRON): as a sed or awk -v argument it would show in
# ps and /proc/<pid>/cmdline of the container. Letters and digits only, so it is safe as a pattern.
scrub() { awk '{ p = ENVIRON["SITE_DB_PASSWORD"]; if (p != "") gsub(p, "***"); print }'; }
printf '%s\\n' "$sql" |
  awk '{ gsub(/${PASSWORD_PLACEHOLDER}/, "\\047" ENVIRON["SITE_DB_PASSWORD"] "\\047"); print }' |
  "$client" --batch --skip-column-names --connect-timeout=10 --default-character-set=utf8mb4 \\
    --host="$DB_HOST" --port="$DB_PORT" --user="$ADMIN_USER" >"$tmp.out" 2>"$tmp.err"
rc=$?
scrub <"$tmp.out"
scrub <"$tmp.err" | sed "s/^/$M stderr /"
rm -f "$tmp.out" "$tmp.err"
if [ "$rc" -eq 0 ] && [ -n "\${SITE_DB_USER-}" ] && [ -n "$pw" ]; then
  if MYSQL_PWD=$pw "$client" --connect-timeout=10 --host="$DB_HOST" --port="$DB_PORT" \\
    --user="$SITE_DB_USER" --batch -e 'SELECT 1' >/dev/null 2>"$tmp.err"; then
    echo "$M site-login=ok"
  elif grep -q 'ERROR 1045' "$tmp.err"; then
    echo "$M site-login=refused"
  else
    echo "$M site-login=unknown"
    scrub <"$tmp.err" | sed "s/^/$M stderr site login: /"
  fi
  rm -f "$tmp.err"
fi
finish "$rc"
`;
/** RunTask's overrides.containerOverrides[0] is hard-capped with everything else at 8 KiB of JSON. */
const MAX_OVERRIDE_CHARS = 8192;
/** The container override of one SqlTask run: SQL, host and port by environment, the script as command. */
function sqlTaskOverride(run) {
    // The overrides are visible to anyone who can describe the task: a literal password must not get there.
    if (/IDENTIFIED\s+(WITH\s+\S+\s+)?(BY|AS)\s+['"]/i.test(run.sql))
        throw new Error('the SqlTask SQL must carry a password as the placeholder, never as a literal');
    const environment = [
        { name: 'SQL_B64', value: Buffer.from(run.sql, 'utf8').toString('base64') },
        { name: 'DB_HOST', value: run.dbHost },
        { name: 'DB_PORT', value: String(run.dbPort) },
        ...(run.siteDbUser ? [{ name: 'SITE_DB_USER', value: run.siteDbUser }] : []),
    ];
    const override = { name: SQL_TASK_CONTAINER, command: [SQL_TASK_SCRIPT], environment };
    const size = JSON.stringify({ containerOverrides: [override] }).length;
    if (size > MAX_OVERRIDE_CHARS)
        throw new errors/* ConfigurationError */.j1(`the SQL for the SqlTask is too long for a RunTask override (${size} > ${MAX_OVERRIDE_CHARS} characters); ` +
            'split it into several runs');
    return override;
}
/** The override of the provisioning run for one site: `provisionTaskSql` plus the drift check. */
function provisionTaskOverride(site, target) {
    return sqlTaskOverride({
        sql: provisionTaskSql(target),
        dbHost: site.dbHost,
        dbPort: site.dbPort,
        siteDbUser: site.siteDbUser,
    });
}
/** Log events of one SqlTask (CloudWatch messages, one line each, in order) back into a result. */
function parseSqlTaskLog(messages) {
    const out = { exitCode: undefined, lines: [], rows: [], errors: [] };
    const prefix = `${SQL_TASK_MARKER} `;
    for (const message of messages) {
        for (const line of message.replace(/\r?\n$/, '').split(/\r?\n/)) {
            if (!line.startsWith(prefix)) {
                out.lines.push(line);
                out.rows.push(line.split('\t').map(decodeBatchField));
                continue;
            }
            const body = line.slice(prefix.length);
            const exit = /^exit=(\d+)$/.exec(body);
            if (exit)
                out.exitCode = Number(exit[1]);
            else if (body.startsWith('stderr '))
                out.errors.push(body.slice('stderr '.length));
            else if (/^site-login=(ok|refused|unknown)$/.test(body))
                out.siteLogin = body.slice('site-login='.length);
        }
    }
    return out;
}
/** The SqlTask log's last line (`finish` prints it on every path): the log is read until it shows. */
const isSqlTaskEnd = (line) => line.startsWith(`${SQL_TASK_MARKER} exit=`);
/**
 * A finished SqlTask's output, or an error saying why it cannot be trusted. The container's exit code
 * (ECS's) decides failure; the log gives the rows, and without its exit marker (CloudWatch had not
 * delivered it within the grace) a run that exited 0 has no result to read, which is said as such.
 */
function sqlTaskOutput(result, what) {
    const output = parseSqlTaskLog(result.logLines);
    if (result.exitCode !== 0 || (output.exitCode !== undefined && output.exitCode !== 0)) {
        const why = output.errors.slice(-3).join(' | ') ||
            result.stoppedReason ||
            result.logIncomplete ||
            'no error output';
        throw new Error(`${what} ${result.taskArn} failed (exit ${result.exitCode}): ${why}`);
    }
    if (output.exitCode === undefined)
        throw new Error(`${what} ${result.taskArn} exited 0, but ${result.logIncomplete ?? 'its log has no exit marker'}; ` +
            'its result is unknown: run it again (it is idempotent)');
    return output;
}
/** `mysql --batch` writes tab, newline, NUL and backslash in a value as \t, \n, \0 and \\. */
function decodeBatchField(field) {
    return field.replace(/\\([\\tn0])/g, (_, c) => c === 't' ? '\t' : c === 'n' ? '\n' : c === '0' ? '\0' : '\\');
}
/**
 * The SQL of a provisioning SqlTask: the state queries first (their rows tell the result which parts
 * were missing), then every statement, each a no-op when its object exists. One task, one round trip.
 */
function provisionTaskSql(target) {
    return sqlScript([...stateQueries(target), ...provisionStatements(target).map((s) => s.sql)]);
}
/** The outcome of a provisioning SqlTask, in the same shape as the direct path's. */
function provisionResultFromTask(target, output) {
    if (output.exitCode === undefined)
        throw new Error('the SQL task ended without its exit marker; its log may be incomplete');
    if (output.exitCode !== 0)
        throw new Error(`the SQL task failed with exit code ${output.exitCode}` +
            (output.errors.length > 0 ? `:\n${output.errors.join('\n')}` : ''));
    const diff = diffProvision(target, parseProvisionState(output.rows));
    const warnings = [...diff.warnings];
    if (output.siteLogin === 'refused')
        warnings.push(passwordDriftWarning(target.user.name));
    if (output.siteLogin === 'unknown')
        warnings.push(`could not check ${target.user.name}'s password by logging in: ` +
            (output.errors.filter((e) => e.startsWith('site login: ')).join('; ') || 'no reason logged'));
    const actions = diff.statements.map((s) => s.action);
    return { changed: actions.length > 0, actions, unchanged: diff.unchanged, warnings };
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/provisioners.js
// The two ways deploy-instance ensures a site's databases and user: `direct` (a mysql2 connection
// from a runner inside the VPC) and `task` (a one-off SQL task in the VPC, for GitHub-hosted runners).








/** Lines about databases vs. lines about the user and its grants. */
function split(lines) {
    const databases = lines.filter((l) => /^create database /.test(l));
    return { databases, user: lines.filter((l) => !databases.includes(l)) };
}
function report(result, log) {
    for (const w of result.warnings)
        log.warning(w);
    return split(result.actions);
}
/** The admin account from the platform's admin secret ({"username", "password"}), masked at once. */
async function adminAccount(clients, log, arn) {
    const out = await clients.secrets.send(new client_secrets_manager_dist_cjs/* GetSecretValueCommand */.d2({ SecretId: arn }));
    const value = JSON.parse(out.SecretString ?? '{}');
    if (!value.username || !value.password)
        throw new errors/* ConfigurationError */.j1(`the DB admin secret ${arn} must hold JSON with "username" and "password"`);
    log.mask(value.password);
    return { user: value.username, password: value.password };
}
function directProvisioner(deps) {
    const target = provisionTarget(deps.plan.resources);
    const server = async () => {
        const admin = await adminAccount(deps.clients, deps.log, deps.platform.db.admin_secret_arn);
        const { host, port } = deps.plan.resources.databases.spec.server;
        return { host, port, adminUser: admin.user, adminPassword: admin.password };
    };
    return {
        mode: 'direct',
        async changes() {
            const diff = await inspectDirect(target, await server());
            // A difference left alone on purpose (an existing database's charset) is said, not planned:
            // it must not make every redeploy report a change.
            for (const w of diff.warnings)
                deps.log.warning(w);
            return split(diff.statements.map((s) => s.action));
        },
        async apply(ctx) {
            const result = await provisionDirect(target, await server(), {
                sitePassword: await ctx.password(),
                log: (l) => deps.log.info(l),
            });
            return report(result, deps.log);
        },
    };
}
/** The SQL task definition as RegisterTaskDefinition input, secrets resolved to ARNs. */
function sqlRegisterInput(spec, siteSecretArn) {
    return {
        ...spec,
        requiresCompatibilities: [...spec.requiresCompatibilities],
        containerDefinitions: spec.containerDefinitions.map((c) => ({
            ...c,
            entryPoint: [...c.entryPoint],
            secrets: c.secrets.map((s) => ({
                name: s.name,
                // The admin secret is named by its ARN already; the site's by name, resolved here.
                valueFrom: (0,task_definition/* secretValueFrom */.I6)(s.valueFrom.secret.startsWith('arn:') ? s.valueFrom.secret : siteSecretArn, s.valueFrom),
            })),
        })),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    };
}
function sqlTaskProvisioner(deps) {
    const site = sqlTaskSite(deps.plan, deps.platform);
    const target = provisionTarget(deps.plan.resources);
    const spec = sqlTaskDefinition(site);
    /** The latest SQL task revision if it matches, else a new one (as for the site's own task). */
    const taskDefinitionArn = async (secretArn) => {
        if (!secretArn)
            throw new Error('the site DB secret must exist before the SQL task runs');
        const input = sqlRegisterInput(spec, secretArn);
        try {
            const { taskDefinition: td } = await deps.clients.ecs.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: spec.family }));
            const { tags: _t, ...wanted } = input;
            if (td?.status === 'ACTIVE' && (0,normalise/* driftPaths */.k)(wanted, td).length === 0 && td.taskDefinitionArn)
                return td.taskDefinitionArn;
        }
        catch (err) {
            if (!(err instanceof client_ecs_dist_cjs/* ClientException */.P6G))
                throw err;
        }
        const out = await deps.clients.ecs.send(new client_ecs_dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input));
        return out.taskDefinition.taskDefinitionArn;
    };
    return {
        mode: 'task',
        // Knowing what exists would take a task (a mutating call): the deploy relies on the registry.
        changes: async () => undefined,
        async apply(ctx) {
            const override = provisionTaskOverride(site, target);
            const result = await deps.tasks.run({
                cluster: deps.platform.cluster,
                taskDefinitionArn: await taskDefinitionArn(ctx.siteSecretArn()),
                container: SQL_TASK_CONTAINER,
                command: override.command,
                environment: override.environment,
                platform: deps.platform,
                startedBy: `mdl-sql/${deps.plan.site}`.slice(0, 36),
                logGroup: site.logGroupName,
                logStreamPrefix: SQL_TASK_LOG_PREFIX,
                endLine: isSqlTaskEnd,
            });
            const output = sqlTaskOutput(result, 'the SQL task');
            return report(provisionResultFromTask(target, output), deps.log);
        },
    };
}
function dbProvisioner(mode, deps) {
    return mode === 'direct' ? directProvisioner(deps) : sqlTaskProvisioner(deps);
}

// EXTERNAL MODULE: ../../packages/core/dist/fleet/cost-estimate.js
var cost_estimate = __webpack_require__(9279);
;// CONCATENATED MODULE: ../../packages/core/dist/deploy/summary.js
// The deploy's result for people: one row per resource with what happened and what changed.

const VERB = {
    create: ['created', 'would create'],
    update: ['updated', 'would update'],
    none: ['unchanged', 'unchanged'],
};
function resultRows(result) {
    return result.inspections.map((i) => ({
        resource: i.id,
        name: i.name,
        result: VERB[i.action][result.dryRun ? 1 : 0],
        changes: i.changes.join('; '),
    }));
}
function renderResult(result) {
    const rows = resultRows(result);
    const w = (k) => Math.max(k.length, ...rows.map((r) => r[k].length));
    const head = `${'resource'.padEnd(w('resource'))}  ${'result'.padEnd(w('result'))}  name`;
    const lines = rows.map((r) => `${r.resource.padEnd(w('resource'))}  ${r.result.padEnd(w('result'))}  ${r.name}${r.changes ? `\n${' '.repeat(w('resource') + w('result') + 4)}${r.changes}` : ''}`);
    const verdict = result.dryRun
        ? result.changed
            ? 'dry run: the changes above would be made'
            : 'dry run: nothing would change'
        : result.changed
            ? 'changed'
            : 'nothing to change: the site matches its settings';
    return [
        head,
        ...lines,
        '',
        verdict,
        `Estimated Fargate cost: ${(0,cost_estimate/* describeEstimate */.SD)(result.plan.estimate)}`,
    ].join('\n');
}
/** A table cell: no line breaks, and no `|` to end the cell early. */
const cell = (s) => s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
/**
 * The dry run as one pull-request comment: what would change, and what the change costs a month
 * against the estimate the last deploy recorded. `revision` names the commit it was planned from.
 */
function planComment(result, revision) {
    const { plan } = result;
    const changing = resultRows(result).filter((r) => r.result !== 'unchanged');
    const lines = [
        `### Preview site \`${plan.site}\`: ${result.changed ? 'what a deploy would change' : 'nothing to change'}`,
        '',
        `${plan.url}${revision ? ` — planned from ${revision}` : ''}`,
        '',
        `**Estimated Fargate cost:** ${(0,cost_estimate/* describeCostChange */.f$)(plan.estimate, result.previousEstimate)}`,
        '',
        `<sub>${(0,cost_estimate/* describeEstimate */.SD)(plan.estimate)}</sub>`,
    ];
    if (changing.length) {
        lines.push('', '| resource | name | would | changes |', '| --- | --- | --- | --- |');
        for (const r of changing)
            lines.push(`| ${cell(r.resource)} | ${cell(r.name)} | ${cell(r.result.replace(/^would /, ''))} | ${cell(r.changes)} |`);
    }
    return lines.join('\n');
}

;// CONCATENATED MODULE: ../../packages/core/dist/github/rest.js
// A small GitHub REST client over the global fetch, for the few repository endpoints the suite calls
// (deployments, issue comments, pull requests): the API root from GITHUB_API_URL (github.com, a GHES
// `/api/v3` URL or a test server), the documented headers, pages followed by their `Link: rel="next"`
// (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api), and refusals
// turned into errors that say which permission the job's token needs.

const rest_repositoryName = (r) => `${r.owner}/${r.repo}`;
/** `owner/name` → Repository; anything else is the user's to fix. */
function parseRepository(value, what = 'repository') {
    const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(value);
    if (!m)
        throw new errors/* ConfigurationError */.j1(`${what} must be owner/name, got "${value}"`);
    return { owner: m[1], repo: m[2] };
}
/** GitHub refused a request for a reason the user fixes (token, permission, name). */
class GitHubApiError extends errors/* ConfigurationError */.j1 {
    status;
    name = 'GitHubApiError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
/** The API root the runner sets (GITHUB_API_URL), else github.com's. */
const githubApiUrl = (env = process.env) => env.GITHUB_API_URL || 'https://api.github.com';
class GitHubRest {
    options;
    root;
    constructor(options) {
        this.options = options;
        if (!options.token)
            throw new errors/* ConfigurationError */.j1('no GitHub token: give github-token (an action input) or set GITHUB_TOKEN');
        this.root = options.apiUrl.replace(/\/+$/, '');
    }
    /** One request; the parsed body (undefined when empty). `what` names the call in errors. */
    async request(method, path, what, body) {
        const res = await this.fetch(method, `${this.root}${path}`, body);
        const text = await res.text();
        if (!res.ok)
            throw this.refusal(res.status, what, text);
        return (text ? JSON.parse(text) : undefined);
    }
    /** Every item of a listing, page after page while the answer links a next one. */
    async paginate(path, what) {
        const all = [];
        let url = `${this.root}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
        while (url) {
            const res = await this.fetch('GET', url);
            const text = await res.text();
            if (!res.ok)
                throw this.refusal(res.status, what, text);
            const page = (text ? JSON.parse(text) : []);
            if (!Array.isArray(page))
                throw new Error(`GitHub answered "${what}" with something that is not a list`);
            all.push(...page);
            url = nextLink(res.headers.get('link'));
        }
        return all;
    }
    fetch(method, url, body) {
        return fetch(url, {
            method,
            headers: {
                authorization: `Bearer ${this.options.token}`,
                accept: 'application/vnd.github+json',
                'x-github-api-version': '2022-11-28',
                'user-agent': 'moodle-preview-actions',
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    }
    refusal(status, what, text) {
        let detail = '';
        try {
            const message = JSON.parse(text).message;
            if (message)
                detail = ` (${message})`;
        }
        catch {
            detail = '';
        }
        const own = this.options.describeRefusal?.(status, what, detail);
        if (own)
            return own;
        const help = this.options.permissionHelp
            ? `; the job needs permissions: ${this.options.permissionHelp}`
            : '';
        if (status === 401)
            return new GitHubApiError(`GitHub answered 401 to "${what}"${detail}: github-token is missing, expired or revoked`, status);
        if (status === 403)
            return new GitHubApiError(`GitHub answered 403 to "${what}"${detail}: the token may not do this${help}`, status);
        if (status === 404)
            return new GitHubApiError(`GitHub answered 404 to "${what}"${detail}: it does not exist or the token cannot see it${help}`, status);
        if (status === 422)
            return new GitHubApiError(`GitHub rejected "${what}" with 422${detail}`, status);
        return new Error(`GitHub answered ${status} to "${what}"${detail}`);
    }
}
/** The `rel="next"` URL of a Link header (RFC 8288), if any. */
function nextLink(header) {
    if (!header)
        return undefined;
    for (const part of header.split(',')) {
        const m = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
        if (m && /\brel="?next"?/.test(m[2]))
            return m[1];
    }
    return undefined;
}
/**
 * A call on the job's own repository that must not fail the step (a pull-request comment, a
 * deployment's status): without a token or GITHUB_REPOSITORY it is skipped with `skipped` said, and
 * when GitHub refuses it `failed` is said with GitHub's reason; either way the answer is undefined.
 */
async function bestEffortOnRepository(options, call) {
    const { env, log } = options;
    if (!options.token || !env.GITHUB_REPOSITORY) {
        log[options.skipped.level](options.skipped.message);
        return undefined;
    }
    const rest = new GitHubRest({
        apiUrl: githubApiUrl(env),
        token: options.token,
        permissionHelp: options.permissionHelp,
    });
    try {
        return await call(rest, parseRepository(env.GITHUB_REPOSITORY));
    }
    catch (err) {
        log.warning(`${options.failed}: ${(0,errors/* describeError */.Uc)(err)}`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/github/pr-comment.js

/** The hidden first line that finds a comment again. */
const commentMarker = (kind, subject) => `<!-- moodle-preview:${kind}:${subject} -->`;
const issuePath = (r) => `/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}/issues`;
/** The comment this suite wrote before under `marker`, if any (the oldest, when there are several). */
async function findComment(rest, repository, issueNumber, marker) {
    const comments = await rest.paginate(`${issuePath(repository)}/${issueNumber}/comments`, `list the comments of #${issueNumber} in ${rest_repositoryName(repository)}`);
    return comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker));
}
/** Create the marked comment, or edit the one there; an identical body is left alone. */
async function upsertComment(rest, repository, issueNumber, marker, text, log) {
    const body = `${marker}\n${text}`;
    const existing = await findComment(rest, repository, issueNumber, marker);
    if (existing && existing.body === body) {
        log.info(`the comment on #${issueNumber} already says this`);
        return { action: 'unchanged', id: existing.id, url: existing.html_url ?? '' };
    }
    if (existing) {
        const c = await rest.request('PATCH', `${issuePath(repository)}/comments/${existing.id}`, `edit comment ${existing.id} on #${issueNumber}`, { body });
        log.info(`updated the comment on #${issueNumber}: ${c.html_url ?? c.id}`);
        return { action: 'updated', id: c.id, url: c.html_url ?? '' };
    }
    const c = await rest.request('POST', `${issuePath(repository)}/${issueNumber}/comments`, `comment on #${issueNumber}`, { body });
    log.info(`commented on #${issueNumber}: ${c.html_url ?? c.id}`);
    return { action: 'created', id: c.id, url: c.html_url ?? '' };
}
/** The number of the open pull request whose head is `branch` in the same repository, if any. */
async function openPullRequest(rest, repository, branch) {
    const pulls = await rest.paginate(`/repos/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.repo)}/pulls?state=open&head=${encodeURIComponent(`${repository.owner}:${branch}`)}`, `list the open pull requests of ${branch} in ${repositoryName(repository)}`);
    return pulls.find((p) => p.head?.ref === branch &&
        (p.head.repo?.full_name ?? repositoryName(repository)) === repositoryName(repository))?.number;
}
/** The pull request a workflow run is for (pull_request events), from the event payload. */
function eventPullRequest(env, readFile) {
    if (!['pull_request', 'pull_request_target'].includes(env.GITHUB_EVENT_NAME ?? '') ||
        !env.GITHUB_EVENT_PATH)
        return undefined;
    const event = JSON.parse(readFile(env.GITHUB_EVENT_PATH));
    return event.pull_request?.number ?? event.number;
}
/**
 * In a pull_request run, keep `text` as the one marked comment on that pull request. Outside a pull
 * request it does nothing. A failure (a fork's pull request gets a read-only token, the job lacks
 * `pull-requests: write`, GitHub cannot be reached) is a warning that says why: what the comment would
 * say is in the run's log and step summary, and the run itself did what it was asked.
 */
async function commentOnEventPullRequest(options) {
    const number = eventPullRequest(options.env, options.readFile);
    if (number === undefined)
        return undefined;
    return bestEffortOnRepository({
        ...options,
        permissionHelp: 'pull-requests: write',
        skipped: {
            level: 'warning',
            message: 'no github-token (or GITHUB_REPOSITORY): the plan is not commented on the pull request',
        },
        failed: `the plan is not commented on #${number}`,
    }, (rest, repository) => upsertComment(rest, repository, number, options.marker, options.text, options.log));
}

// EXTERNAL MODULE: ./src/main.ts + 9 modules
var main = __webpack_require__(9722);
;// CONCATENATED MODULE: ./src/apply.ts
// deploy-instance's second stage, loaded (a chunk of its own) while main.ts checks the credentials:
// the engine and its AWS clients, then the outputs, the summary and the pull request's comment.



async function apply(inputs, plan, platform) {
    const log = (0,action_io/* actionLogger */.v0)();
    const clients = createAwsClients({ region: platform.region });
    try {
        if (inputs.rollback) {
            const r = await rollbackSite({
                clients,
                platform,
                previewLink: plan.site,
                to: inputs.rollbackTo,
                log,
                wait: inputs.wait,
                waitMinutes: inputs.waitMinutes,
            });
            runner/* setOutput */.uH(main/* OUTPUTS */.py.url, plan.url);
            runner/* setOutput */.uH(main/* OUTPUTS */.py.changed, String(r.changed));
            runner/* setOutput */.uH(main/* OUTPUTS */.py.taskDefinitionArn, r.to);
            runner/* setOutput */.uH(main/* OUTPUTS */.py.deploymentId, r.deploymentId ?? '');
            await runner/* summary */.z
                .addHeading(`Rollback of ${plan.site}`, 3)
                .addRaw(`<p>${r.service}: ${r.from.split('/').pop()} → ${r.to.split('/').pop()}${r.changed ? '' : ' (already there)'}</p>`)
                .write();
            return;
        }
        const tasks = (0,one_off_task/* oneOffTaskRunner */.Rl)(clients);
        // Recorded in the registry: a deleted branch's destroy finds its site by it.
        const source = (0,action_io/* workflowSource */.x)();
        const result = await deploySite({
            clients,
            plan,
            platform,
            log,
            db: dbProvisioner(inputs.dbAccess, { clients, plan, platform, log, tasks }),
            tasks,
            dryRun: inputs.dryRun,
            wait: inputs.wait,
            waitMinutes: inputs.waitMinutes,
            takeover: inputs.takeover,
            actor: process.env.GITHUB_ACTOR ?? 'github-actions',
            ...(source ? { source } : {}),
        });
        runner/* info */.pq(renderResult(result));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.url, plan.url);
        runner/* setOutput */.uH(main/* OUTPUTS */.py.changed, String(result.changed));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.serviceArn, result.arns.service ?? '');
        runner/* setOutput */.uH(main/* OUTPUTS */.py.taskDefinitionArn, result.arns.taskDefinition ?? '');
        runner/* setOutput */.uH(main/* OUTPUTS */.py.targetGroupArn, result.arns.targetGroup ?? '');
        runner/* setOutput */.uH(main/* OUTPUTS */.py.listenerRuleArn, result.arns.listenerRule ?? '');
        runner/* setOutput */.uH(main/* OUTPUTS */.py.deploymentId, result.deploymentId ?? '');
        await runner/* summary */.z
            .addHeading(`${inputs.dryRun ? 'Dry run of ' : ''}deploy of ${plan.site}`, 3)
            .addRaw(`<p><a href="${plan.url}">${plan.url}</a> — ${result.changed ? (inputs.dryRun ? 'changes pending' : 'changed') : 'nothing to change'}</p>`)
            .addRaw(`<p>Estimated Fargate cost: ${(0,cost_estimate/* describeEstimate */.SD)(plan.estimate)}</p>`)
            .addTable([
            ['resource', 'name', 'result', 'changes'].map((data) => ({ data, header: true })),
            ...resultRows(result).map((r) => [
                { data: r.resource },
                { data: r.name },
                { data: r.result },
                { data: r.changes },
            ]),
        ])
            .write();
        // On a pull request, the dry run is one comment that every push edits.
        if (inputs.dryRun && inputs.prComment) {
            await commentOnEventPullRequest({
                token: inputs.githubToken,
                env: process.env,
                readFile: (path) => (0,external_node_fs_.readFileSync)(path, 'utf8'),
                marker: commentMarker('plan', plan.site),
                text: planComment(result, process.env.GITHUB_SHA?.slice(0, 7)),
                log,
            });
        }
    }
    finally {
        destroyAwsClients(clients);
    }
}


/***/ })

};
