export const id = 565;
export const ids = [565];
export const modules = {

/***/ 7565:
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
;// CONCATENATED MODULE: ../../packages/core/dist/deploy/normalise.js
// Compare what we want with what AWS has, seeing only the keys we set: AWS fills in keys of its own
// (revision, status, registeredAt, container cpu 0, empty volumesFrom …) that must not count as drift.
/** Paths (`a.b[0].c`) where `actual` differs from `wanted`, looking only at keys `wanted` sets. */
function driftPaths(wanted, actual, at = '') {
    if (wanted === undefined)
        return [];
    if (Array.isArray(wanted)) {
        if (!Array.isArray(actual) || actual.length !== wanted.length)
            return [at || '(root)'];
        return wanted.flatMap((w, i) => driftPaths(w, actual[i], `${at}[${i}]`));
    }
    if (wanted !== null && typeof wanted === 'object') {
        if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
            return [at || '(root)'];
        return Object.entries(wanted).flatMap(([k, v]) => driftPaths(v, actual[k], at ? `${at}.${k}` : k));
    }
    return Object.is(wanted, actual) || scalarText(wanted) === scalarText(actual) ? [] : [at || '(root)'];
}
/** A leaf as text for comparison (`1` and `'1'` are the same setting); a structure as its JSON. */
const scalarText = (v) => typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
/** AWS tag lists (`[{key,value}]` or `[{Key,Value}]`) as a record. */
function normalise_tagRecord(tags) {
    const out = {};
    for (const t of tags ?? []) {
        const k = t.key ?? t.Key;
        if (k !== undefined)
            out[k] = t.value ?? t.Value ?? '';
    }
    return out;
}

;// CONCATENATED MODULE: ../../packages/core/dist/resources/ownership.js
// The suite changes only what it owns: resources tagged as the site's and the suite's.


/** Throws before any change when an existing resource of the site's name is not ours. */
function assertOwned(kind, name, tags, previewLink) {
    if (tags[naming/* TAG_MANAGED_BY */.RJ] === naming/* SUITE_NAME */.tb && tags[naming/* TAG_SITE */.lR] === previewLink)
        return;
    const owner = tags[naming/* TAG_MANAGED_BY */.RJ]
        ? `managed by ${tags[naming/* TAG_MANAGED_BY */.RJ]} for site ${tags[naming/* TAG_SITE */.lR] ?? '?'}`
        : 'not tagged by moodle-preview-actions';
    throw new errors/* ConfigurationError */.j1(`${kind} ${name} already exists and is ${owner}; the suite only changes what it owns. ` +
        `If it is this site's (built by Terraform), adopt it first with \`mdl-preview adopt\`; otherwise choose another preview_link.`);
}
/** The engine's ownership check: refuse what is not ours, unless adopt asked to be told instead. */
function checkOwned(env, found) {
    if (env.onOwnership)
        env.onOwnership(found);
    else
        assertOwned(found.kind, found.name, found.tags, env.plan.site);
}

// EXTERNAL MODULE: ../../node_modules/@smithy/core/dist-cjs/submodules/client/index.js
var submodules_client = __webpack_require__(4614);
;// CONCATENATED MODULE: ../../packages/core/dist/destroy/types.js

/**
 * The safe order of a destroy: nothing switches the rule (the sleep page's schedules), nothing routes to the service before it goes, data goes only once no
 * task can use it, a task definition only after the one-off tasks that need it, the DB secret after
 * the data it opens, and the registry entry — the record of what the site had — last of all.
 */
const REMOVAL_STEPS = (/* unused pure expression or super */ null && ([
    'sleep page',
    'scaling policies',
    'scaling target',
    'listener rule',
    'service',
    'target group',
    'data in place',
    'task definitions',
    'data records',
    'registry',
]));
/** A resource's tags say it is this site's and the suite's. */
const types_ownedBy = (tags, previewLink) => tags[naming/* TAG_MANAGED_BY */.RJ] === naming/* SUITE_NAME */.tb && tags[naming/* TAG_SITE */.lR] === previewLink;
/** Why a data row is kept: said the same way for every kind of data. */
const types_KEEP_NOTE = 'data: kept (purge-data and confirm remove it)';
/** Runs `fn` once, however many rows share its outcome. */
function types_once(fn) {
    let p;
    return () => (p ??= fn());
}

// EXTERNAL MODULE: ../../packages/core/dist/resources/service.plan.js
var service_plan = __webpack_require__(9954);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/service.js
// The site's ECS service. Deploy creates it once with its initial desired count and afterwards
// updates only what differs — never the desired count, which auto scaling owns. Destroy scales it to
// zero, deletes it and waits (with the SDK's waiter machinery) until ECS reports it INACTIVE, every
// task stopped; a service found DRAINING was deleted by an earlier run that did not wait, and this
// run waits for it before anything it used goes.







const KIND = 'service';
/** The service of this name that is not INACTIVE (ECS keeps a deleted one visible for a while). */
async function describeServiceByName(clients, cluster, name) {
    const out = await clients.ecs.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: [name], include: ['TAGS'] }));
    return out.services?.find((s) => s.serviceName === name && s.status !== 'INACTIVE');
}
const primaryDeployment = (service) => service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
/** What CreateService and UpdateService share: everything but the names and the desired count. */
function settings(env, spec) {
    return {
        taskDefinition: env.refs.get('taskDefinition'),
        networkConfiguration: {
            awsvpcConfiguration: {
                subnets: spec.networkConfiguration.subnets,
                securityGroups: spec.networkConfiguration.securityGroups,
                assignPublicIp: spec.networkConfiguration.assignPublicIp,
            },
        },
        loadBalancers: spec.loadBalancers.map((lb) => ({
            targetGroupArn: env.refs.get('targetGroup'),
            containerName: lb.containerName,
            containerPort: lb.containerPort,
        })),
        healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
        deploymentConfiguration: spec.deploymentConfiguration,
        enableExecuteCommand: spec.enableExecuteCommand,
        propagateTags: spec.propagateTags,
        enableECSManagedTags: spec.enableECSManagedTags,
        platformVersion: spec.platformVersion,
    };
}
function create(env, spec) {
    return {
        id: 'service',
        name: spec.serviceName,
        action: 'create',
        changes: [`create with ${spec.initialDesiredCount} task(s)`],
        apply: async () => {
            const s = settings(env, spec);
            const out = await env.clients.ecs.send(new client_ecs_dist_cjs/* CreateServiceCommand */.JkR({
                cluster: spec.cluster,
                serviceName: spec.serviceName,
                taskDefinition: s.taskDefinition,
                desiredCount: spec.initialDesiredCount,
                launchType: spec.launchType,
                platformVersion: s.platformVersion,
                networkConfiguration: s.networkConfiguration,
                loadBalancers: s.loadBalancers,
                healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
                deploymentConfiguration: s.deploymentConfiguration,
                enableExecuteCommand: s.enableExecuteCommand,
                propagateTags: s.propagateTags,
                enableECSManagedTags: s.enableECSManagedTags,
                tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
            }));
            env.startedDeployment = primaryDeployment(out.service);
            return out.service?.serviceArn;
        },
    };
}
const sameSet = (a, b) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...b].sort());
/** How the existing service differs from the plan, as people read it (empty: nothing to do). */
function serviceChanges(current, spec, td, tg) {
    const changes = [];
    const revision = (arn) => arn?.split('/').pop();
    if (td.action !== 'none')
        changes.push(`task definition: ${revision(current.taskDefinition)} → a new revision`);
    else if (current.taskDefinition !== td.arn)
        changes.push(`task definition: ${revision(current.taskDefinition)} → ${revision(td.arn)}`);
    const vpc = current.networkConfiguration?.awsvpcConfiguration;
    const net = spec.networkConfiguration;
    if (!sameSet(vpc?.subnets, net.subnets))
        changes.push('subnets changed');
    if (!sameSet(vpc?.securityGroups, net.securityGroups))
        changes.push('security groups changed');
    if ((vpc?.assignPublicIp ?? 'DISABLED') !== net.assignPublicIp)
        changes.push(`public IP: → ${net.assignPublicIp}`);
    const lb = current.loadBalancers?.[0];
    const wantLb = spec.loadBalancers[0];
    if (tg.action === 'create' ||
        current.loadBalancers?.length !== 1 ||
        lb?.targetGroupArn !== tg.arn ||
        lb?.containerName !== wantLb.containerName ||
        lb?.containerPort !== wantLb.containerPort)
        changes.push('load balancer target changed');
    if (current.healthCheckGracePeriodSeconds !== spec.healthCheckGracePeriodSeconds)
        changes.push(`health check grace: ${current.healthCheckGracePeriodSeconds ?? 0} → ${spec.healthCheckGracePeriodSeconds} s`);
    const dc = current.deploymentConfiguration;
    const wantDc = spec.deploymentConfiguration;
    if (dc?.minimumHealthyPercent !== wantDc.minimumHealthyPercent ||
        dc?.maximumPercent !== wantDc.maximumPercent ||
        dc?.deploymentCircuitBreaker?.enable !== true ||
        dc?.deploymentCircuitBreaker?.rollback !== true)
        changes.push('deployment configuration: circuit breaker with rollback, 100-200 %');
    if (current.enableExecuteCommand !== true)
        changes.push('ECS Exec: off → on');
    if (current.propagateTags !== spec.propagateTags)
        changes.push(`propagate tags: ${current.propagateTags ?? 'NONE'} → ${spec.propagateTags}`);
    if (current.enableECSManagedTags !== true)
        changes.push('ECS managed tags: off → on');
    return changes;
}
async function inspect(env, taskDefinition, targetGroup) {
    const spec = env.plan.resources.service.spec;
    const current = await describeServiceByName(env.clients, spec.cluster, spec.serviceName);
    if (!current)
        return create(env, spec);
    if (current.status === 'DRAINING')
        throw new errors/* ConfigurationError */.j1(`service ${spec.serviceName} is being deleted (DRAINING); deploy again when it is gone`);
    const arn = current.serviceArn;
    checkOwned(env, { id: 'service', kind: KIND, name: spec.serviceName, arn, tags: normalise_tagRecord(current.tags) });
    const [td, tg] = await Promise.all([taskDefinition, targetGroup]);
    const changes = serviceChanges(current, spec, td, tg);
    const base = { id: 'service', name: spec.serviceName, arn, changes };
    if (changes.length === 0)
        return { ...base, action: 'none' };
    return {
        ...base,
        action: 'update',
        apply: async () => {
            // desiredCount is left out on purpose: auto scaling owns it once the service exists.
            const out = await env.clients.ecs.send(new client_ecs_dist_cjs/* UpdateServiceCommand */.kZr({
                cluster: spec.cluster,
                service: spec.serviceName,
                ...settings(env, spec),
            }));
            env.startedDeployment = primaryDeployment(out.service);
            return out.service?.serviceArn;
        },
    };
}
/** Polls until the service is INACTIVE (or gone); an error of a poll ends the wait with that error. */
async function waitUntilInactive(env) {
    const { clients, target, log } = env;
    const service = target.names.serviceName;
    let lastReport = '';
    const result = await (0,submodules_client.createWaiter)({
        client: clients.ecs,
        maxWaitTime: env.waitMinutes * 60,
        minDelay: env.waiter.minDelay,
        maxDelay: env.waiter.maxDelay,
    }, { cluster: target.cluster, services: [service] }, async (client, params) => {
        const out = await client.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c(params));
        const s = out.services?.find((x) => x.serviceName === service);
        if (!s || s.status === 'INACTIVE')
            return { state: submodules_client.WaiterState.SUCCESS, reason: 'inactive' };
        const report = `${service}: ${s.status}, ${s.runningCount ?? 0} task(s) still running`;
        if (report !== lastReport)
            log.info(report);
        lastReport = report;
        return { state: submodules_client.WaiterState.RETRY, reason: report };
    });
    if (result.state !== submodules_client.WaiterState.SUCCESS)
        throw new Error(`service ${service} was deleted but did not stop within ${env.waitMinutes} minutes (${String(result.reason ?? result.state)}); ` +
            'its tasks may still be draining: run destroy-instance again to finish (or raise wait-minutes)');
}
async function removals(env) {
    const { clients, target } = env;
    const name = target.names.serviceName;
    const base = { resource: KIND, name, data: false, step: 'service' };
    const current = await describeServiceByName(clients, target.cluster, name);
    if (!current)
        return [{ ...base, plan: 'gone' }];
    if (!types_ownedBy(normalise_tagRecord(current.tags), target.link))
        return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
    // Data must never be removed under a running task, so a purge always waits.
    const waits = env.wait || env.purge;
    if (current.status === 'DRAINING') {
        if (!waits)
            return [{ ...base, plan: 'gone', note: 'deleted, its tasks still stopping' }];
        const note = 'deleted by an earlier run: waiting for its tasks to stop';
        return [{ ...base, plan: 'remove', note, apply: async () => (await waitUntilInactive(env), 'removed') }];
    }
    const apply = async () => {
        try {
            // DeleteService refuses a service scaled above zero; auto scaling is gone by now, so 0 stays.
            if ((current.desiredCount ?? 0) > 0)
                await clients.ecs.send(new client_ecs_dist_cjs/* UpdateServiceCommand */.kZr({ cluster: target.cluster, service: name, desiredCount: 0 }));
            await clients.ecs.send(new client_ecs_dist_cjs/* DeleteServiceCommand */.o6q({ cluster: target.cluster, service: name }));
        }
        catch (err) {
            if (err instanceof client_ecs_dist_cjs/* ServiceNotFoundException */.kLd)
                return 'already gone';
            // Not ACTIVE any more: deleted meanwhile (DRAINING); wait for it like for our own.
            if (!(err instanceof client_ecs_dist_cjs/* ServiceNotActiveException */.kDs))
                throw err;
        }
        if (waits)
            await waitUntilInactive(env);
        return 'removed';
    };
    const note = `${current.runningCount ?? 0} task(s) running: scale to 0, delete${waits ? ', wait until stopped' : ''}`;
    return [{ ...base, plan: 'remove', note, apply }];
}
/** ECS's own tag call (task definitions use it too). */
async function tagEcsResource(clients, arn, tags) {
    await clients.ecs.send(new client_ecs_dist_cjs/* TagResourceCommand */.eqU({
        resourceArn: arn,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    }));
}
const service = {
    id: 'service',
    kind: KIND,
    plan: service_plan/* planService */.$,
    inspect,
    removals,
    tag: tagEcsResource,
};

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
    const service = await describeServiceByName(clients, platform.cluster, names.serviceName);
    if (!service)
        throw new errors/* ConfigurationError */.j1(`site ${previewLink} has no service ${names.serviceName} in ${platform.cluster}`);
    assertOwned('service', names.serviceName, normalise_tagRecord(service.tags), previewLink);
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
;// CONCATENATED MODULE: ../../packages/core/dist/ecs/task-log.js
// A task's awslogs stream read forward (GetLogEvents with nextForwardToken), and read to its end once
// the task has stopped. The awslogs driver sends a container's output in batches (every 5 s by
// default: moby's daemon/logger/awslogs, `batchPublishFrequency`) and CloudWatch ingests them
// asynchronously, so a task's last lines can become readable seconds after DescribeTasks shows it
// STOPPED. The container's exit code says whether the task succeeded; its log says what it did, and is
// read until the line that ends it appears (or, for output without such a line, until the stream has
// been quiet for a flush interval), within a bounded grace.

/** Reads a log stream forward from a token, page by page; the stream may not exist yet. */
class LogFollower {
    logs;
    group;
    stream;
    onLine;
    token;
    lines = [];
    constructor(logs, group, stream, onLine = () => { }) {
        this.logs = logs;
        this.group = group;
        this.stream = stream;
        this.onLine = onLine;
    }
    /** Reads everything new; answers how many events it got. */
    async poll() {
        let got = 0;
        for (;;) {
            let page;
            try {
                page = await this.logs.send(new client_cloudwatch_logs_dist_cjs/* GetLogEventsCommand */.h7S({
                    logGroupName: this.group,
                    logStreamName: this.stream,
                    startFromHead: true,
                    ...(this.token ? { nextToken: this.token } : {}),
                }));
            }
            catch (err) {
                // The awslogs driver creates the stream when the container starts.
                if (err instanceof client_cloudwatch_logs_dist_cjs/* ResourceNotFoundException */.lBX)
                    return got;
                throw err;
            }
            const events = page.events ?? [];
            for (const e of events) {
                for (const line of (e.message ?? '').replace(/\r?\n$/, '').split(/\r?\n/)) {
                    this.lines.push(line);
                    this.onLine(line);
                }
            }
            got += events.length;
            // GetLogEvents answers the same forward token at the end of the stream.
            const next = page.nextForwardToken;
            const end = !next || next === this.token || events.length === 0;
            this.token = next ?? this.token;
            if (end)
                return got;
        }
    }
}
/** The awslogs driver's default flush interval: a stream quiet this long has sent what it had. */
const LOG_QUIET_MS = 5000;
/** How long after a task stopped its log is waited for, at most. */
const LOG_GRACE_MS = 30_000;
const defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Reads a stopped task's stream until its output is complete or the grace is over. */
async function readToEnd(follower, o = {}) {
    const sleep = o.sleep ?? defaultSleep;
    const now = o.now ?? Date.now;
    const grace = o.graceMs ?? LOG_GRACE_MS;
    const quiet = o.quietMs ?? LOG_QUIET_MS;
    const pollMs = o.pollMs ?? 1000;
    const started = now();
    let lastNew = started;
    let checked = 0; // lines already searched for the end line
    await follower.poll();
    for (;;) {
        if (o.endLine) {
            if (follower.lines.slice(checked).some(o.endLine))
                return { complete: true, waitedMs: now() - started };
            checked = follower.lines.length;
        }
        else if (now() - lastNew >= quiet) {
            return { complete: true, waitedMs: now() - started };
        }
        const left = grace - (now() - started);
        if (left <= 0)
            return { complete: false, waitedMs: now() - started };
        await sleep(Math.min(pollMs, left));
        if ((await follower.poll()) > 0)
            lastNew = now();
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/ecs/one-off-task.js
// One-off Fargate tasks (moodledata preparation, SQL tasks, Moodle's CLI): run a task with its
// command overridden, wait for it to stop with the SDK's waiter, and read its log lines back.




/** The awslogs stream of a task's container: `<prefix>/<container>/<task id>` (ECS awslogs driver). */
const taskLogStream = (prefix, container, taskArn) => `${prefix}/${container}/${taskArn.split('/').pop()}`;
/** RunTask of one Fargate task in the platform's subnets; answers its ARN or says why none started. */
async function startFargateTask(ecs, input) {
    const out = await ecs.send(new client_ecs_dist_cjs/* RunTaskCommand */._eD({
        cluster: input.cluster,
        taskDefinition: input.taskDefinitionArn,
        launchType: 'FARGATE',
        count: 1,
        startedBy: input.startedBy,
        // Tagged as the suite's: the IAM policies let the suite run only tasks it tags so (RunTask's
        // aws:RequestTag), and the tag says whose a task is in the console.
        tags: Object.entries({ ...input.tags, [naming/* TAG_MANAGED_BY */.RJ]: naming/* SUITE_NAME */.tb }).map(([key, value]) => ({
            key,
            value,
        })),
        networkConfiguration: {
            awsvpcConfiguration: {
                subnets: input.network.subnet_ids,
                securityGroups: input.network.security_group_ids,
                assignPublicIp: input.network.assign_public_ip ? 'ENABLED' : 'DISABLED',
            },
        },
        overrides: {
            containerOverrides: [
                {
                    name: input.container,
                    command: input.command,
                    ...(input.environment ? { environment: input.environment } : {}),
                },
            ],
        },
    }));
    const taskArn = out.tasks?.[0]?.taskArn;
    if (!taskArn) {
        const why = out.failures?.map((f) => `${f.arn ?? ''} ${f.reason ?? ''}`.trim()).join('; ');
        throw new Error(`RunTask started no task${why ? `: ${why}` : ''}`);
    }
    return taskArn;
}
function oneOffTaskRunner(clients, options = {}) {
    return {
        async run(input) {
            const taskArn = await startFargateTask(clients.ecs, {
                cluster: input.cluster,
                taskDefinitionArn: input.taskDefinitionArn,
                startedBy: input.startedBy,
                network: input.platform.network,
                tags: input.platform.tags,
                container: input.container,
                command: input.command,
                environment: input.environment,
            });
            const waiter = options.waiter ?? { minDelay: 6, maxDelay: 30 };
            // The SDK's own waiter machinery (jittered backoff), with an acceptor that lets errors through:
            // the generated waitUntilTasksStopped retries on any error, even AccessDenied, for the whole wait.
            let task;
            const maxWait = options.maxWaitSeconds ?? 1800;
            const waited = await (0,submodules_client.createWaiter)({ client: clients.ecs, maxWaitTime: maxWait, ...waiter }, { cluster: input.cluster, tasks: [taskArn] }, async (client, params) => {
                const described = await client.send(new client_ecs_dist_cjs/* DescribeTasksCommand */.z8X(params));
                task = described.tasks?.[0];
                return { state: task?.lastStatus === 'STOPPED' ? submodules_client.WaiterState.SUCCESS : submodules_client.WaiterState.RETRY };
            });
            if (waited.state !== submodules_client.WaiterState.SUCCESS) {
                throw new Error(`one-off task ${taskArn} did not stop within ${maxWait} s (${waited.state})`);
            }
            const container = task?.containers?.find((c) => c.name === input.container);
            // The exit code is read from ECS; the log only says what the task did, and its last lines can
            // arrive after STOPPED. A container that never ran wrote nothing: one read. One that exited 0 is
            // read until the caller's end line shows; a failed one (which may stop before its end line) until
            // the stream goes quiet — each within the grace.
            const follower = new LogFollower(clients.logs, input.logGroup, taskLogStream(input.logStreamPrefix, input.container, taskArn));
            const ran = container?.exitCode !== undefined;
            const graceMs = ran ? (options.logGraceMs ?? LOG_GRACE_MS) : 0;
            const endLine = container?.exitCode === 0 ? input.endLine : undefined;
            const end = await readToEnd(follower, {
                graceMs,
                ...(endLine ? { endLine } : {}),
                ...(options.logQuietMs !== undefined ? { quietMs: options.logQuietMs } : {}),
                ...(options.logPollMs !== undefined ? { pollMs: options.logPollMs } : {}),
            });
            const logLines = follower.lines;
            return {
                taskArn,
                exitCode: container?.exitCode ?? -1,
                logLines,
                ...(end.complete || !ran ? {} : { logIncomplete: logIncompleteNote(follower, graceMs) }),
                ...(task?.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
            };
        },
    };
}
/** What a caller says when a task's log did not show its end within the grace. */
function logIncompleteNote(follower, graceMs) {
    return (`its log showed no end within ${graceMs >= 1000 ? `${Math.round(graceMs / 1000)} s` : `${graceMs} ms`} of the stop ` +
        `(${follower.lines.length} line(s) read from ${follower.group} ${follower.stream}); ` +
        'CloudWatch may not have delivered the rest yet');
}
/**
 * How a one-off task ended, for an error: `(task ARN, exit 1, <stopped reason>): <last log lines>`,
 * and, when its log did not show its end line, that it did not (the exit code may be 0 then).
 */
function one_off_task_describeOneOffEnd(r, lastLines = 5) {
    const tail = r.logLines.slice(-lastLines).join(' | ');
    return (`(task ${r.taskArn}, exit ${r.exitCode}${r.stoppedReason ? `, ${r.stoppedReason}` : ''}` +
        (r.logIncomplete ? `; ${r.logIncomplete}` : '') +
        `)${tail ? `: ${tail}` : ''}`);
}

// EXTERNAL MODULE: ../../packages/core/dist/plan/site-plan.js
var site_plan = __webpack_require__(5213);
// EXTERNAL MODULE: ../../node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(3045);
// EXTERNAL MODULE: ../../packages/core/dist/fleet/awake-schedule.js
var awake_schedule = __webpack_require__(4214);
;// CONCATENATED MODULE: ../../packages/core/dist/registry/site-registry.js
// The site registry: one JSON entry per site in SSM Parameter Store (/moodle-preview/sites/<link>).
// deploy/destroy write it; cron, doctor, the conflict guard, refresh and purge read it.




const REGISTRY_PREFIX = '/moodle-preview/sites';
const retiredSchema = schemas/* object */.Ikc({
    kind: schemas/* enum */.k5n(['database', 'moodledata', 'db-user', 'db-secret']),
    name: schemas/* string */.YjP(),
    /** ISO date the data stopped being used. */
    since: schemas/* string */.YjP(),
    reason: schemas/* string */.YjP(),
});
const cronSchema = schemas/* object */.Ikc({
    enabled: schemas/* boolean */.zMY(),
    cluster: schemas/* string */.YjP(),
    service: schemas/* string */.YjP(),
    container: schemas/* string */.YjP(),
    command: schemas/* string */.YjP(),
    timeoutSeconds: schemas/* number */.aig(),
    logPath: schemas/* string */.YjP().optional(),
    /**
     * Set while cron must not run on the site (an upgrade has it in maintenance, or by hand): the
     * fan-out skips it with the reason. `by` says who may clear it (upgrade-db clears only its own).
     */
    paused: schemas/* object */.Ikc({ reason: schemas/* string */.YjP(), since: schemas/* string */.YjP(), by: schemas/* string */.YjP() }).optional(),
    updatedBy: schemas/* string */.YjP().optional(),
    updatedAt: schemas/* string */.YjP().optional(),
});
const registryEntrySchema = schemas/* looseObject */._H3({
    schemaVersion: schemas/* literal */.euz(1),
    previewLink: schemas/* string */.YjP(),
    url: schemas/* string */.YjP(),
    cluster: schemas/* string */.YjP(),
    service: schemas/* string */.YjP(),
    taskFamily: schemas/* string */.YjP(),
    container: schemas/* string */.YjP(),
    databases: schemas/* object */.Ikc({ moodle: schemas/* string */.YjP(), mim: schemas/* string */.YjP().optional() }),
    dbUser: schemas/* string */.YjP(),
    dbHost: schemas/* string */.YjP(),
    moodledataFolder: schemas/* string */.YjP(),
    logGroup: schemas/* string */.YjP(),
    cron: cronSchema.optional(),
    /** When the site is awake (its settings' schedule) and its task bounds awake: cron and doctor read them. */
    awake: awake_schedule/* awakeScheduleSchema */.w.optional(),
    capacity: schemas/* object */.Ikc({ min: schemas/* number */.aig(), max: schemas/* number */.aig() }).optional(),
    /** The day deploy-instance first made the site (a lifetime counts from it). */
    firstDeployedOn: schemas/* string */.YjP().optional(),
    /** The day the expiry sweep destroys the site, YYYY-MM-DD; absent: it does not expire. */
    expiresOn: schemas/* string */.YjP().optional(),
    /** Never expires (the settings say pinned: true). */
    pinned: schemas/* boolean */.zMY().optional(),
    /** The plan's monthly Fargate estimate at the last deploy: `mdl-preview cost` shows it beside the bill. */
    estimate: schemas/* object */.Ikc({ monthly: schemas/* number */.aig(), currency: schemas/* string */.YjP() }).optional(),
    retired: schemas/* array */.YOg(retiredSchema).default([]),
    managedBy: schemas/* string */.YjP().default(naming/* SUITE_NAME */.tb),
    /** The repository and branch whose settings.yml deploy-instance last deployed (absent: by hand). */
    deployedFrom: schemas/* object */.Ikc({ repository: schemas/* string */.YjP(), branch: schemas/* string */.YjP() }).optional(),
    /** Set by destroy-instance when it removed the site but kept its data (retired): ISO date. */
    destroyedAt: schemas/* string */.YjP().optional(),
    updatedAt: schemas/* string */.YjP().optional(),
    updatedBy: schemas/* string */.YjP().optional(),
});
/** How a cron pause reads in a skip, a listing or doctor: `<reason> (since <time>, by <who>)`. */
const describePause = (p) => `${p.reason} (since ${p.since}, by ${p.by})`;
/** Fields that say who wrote an entry when: they never make an entry "different". */
const STAMPS = new Set(['updatedAt', 'updatedBy']);
function withoutStamps(value) {
    if (Array.isArray(value))
        return value.map(withoutStamps);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value)
            .filter(([k, v]) => !STAMPS.has(k) && v !== undefined)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, withoutStamps(v)]));
    }
    return value;
}
/** True when two entries say the same thing (timestamps and authorship aside). */
function site_registry_sameEntry(a, b) {
    return JSON.stringify(withoutStamps(a)) === JSON.stringify(withoutStamps(b));
}
class SiteRegistry {
    ssm;
    prefix;
    tags;
    /**
     * `tags`: the platform's tags (cost centre …), put on an entry's parameter when it is created,
     * beside the suite's own (which win on a clash, as on every other resource).
     */
    constructor(ssm, prefix = REGISTRY_PREFIX, tags = {}) {
        this.ssm = ssm;
        this.prefix = prefix;
        this.tags = tags;
    }
    parameterName(previewLink) {
        return `${this.prefix}/${previewLink}`;
    }
    async get(previewLink) {
        try {
            const out = await this.ssm.send(new client_ssm_dist_cjs/* GetParameterCommand */.lhy({ Name: this.parameterName(previewLink) }));
            return this.parse(out.Parameter?.Value, this.parameterName(previewLink));
        }
        catch (err) {
            if (err instanceof client_ssm_dist_cjs/* ParameterNotFound */.TU5)
                return undefined;
            throw err;
        }
    }
    /** Every entry, through the paged GetParametersByPath. */
    async list() {
        const entries = [];
        for await (const page of (0,client_ssm_dist_cjs/* paginateGetParametersByPath */.kU5)({ client: this.ssm }, { Path: this.prefix, Recursive: false })) {
            for (const p of page.Parameters ?? []) {
                const entry = this.parse(p.Value, p.Name ?? '?');
                if (entry)
                    entries.push(entry);
            }
        }
        return entries.sort((a, b) => a.previewLink.localeCompare(b.previewLink));
    }
    /** Write an entry (creating the parameter with ownership tags the first time). */
    async put(entry, exists) {
        const name = this.parameterName(entry.previewLink);
        await this.ssm.send(new client_ssm_dist_cjs/* PutParameterCommand */.ihh({
            Name: name,
            Type: 'String',
            Value: JSON.stringify(entry),
            Overwrite: exists,
            ...(exists
                ? {}
                : {
                    Tags: Object.entries({
                        ...this.tags,
                        [naming/* TAG_SITE */.lR]: entry.previewLink,
                        [naming/* TAG_MANAGED_BY */.RJ]: naming/* SUITE_NAME */.tb,
                    }).map(([Key, Value]) => ({ Key, Value })),
                }),
        }));
    }
    async delete(previewLink) {
        try {
            await this.ssm.send(new client_ssm_dist_cjs/* DeleteParameterCommand */.Obs({ Name: this.parameterName(previewLink) }));
            return true;
        }
        catch (err) {
            if (err instanceof client_ssm_dist_cjs/* ParameterNotFound */.TU5)
                return false;
            throw err;
        }
    }
    parse(value, name) {
        if (!value)
            return undefined;
        let data;
        try {
            data = JSON.parse(value);
        }
        catch {
            throw new Error(`site registry entry ${name} is not JSON; fix or delete the parameter`);
        }
        const parsed = registryEntrySchema.safeParse(data);
        if (!parsed.success) {
            throw new Error(`site registry entry ${name} does not match the registry schema: ${parsed.error.issues[0]?.message}`);
        }
        return parsed.data;
    }
}

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

// EXTERNAL MODULE: ../../packages/core/dist/resources/db-secret.plan.js
var db_secret_plan = __webpack_require__(232);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/db-secret.js
// The site's DB secret: its password generated once by Secrets Manager, stored as {"password": …},
// never rotated by a redeploy and never printed (letters and digits only, so it needs no quoting
// anywhere). Data: a destroy keeps it unless it purges, and a purge leaves it restorable for a week.






const db_secret_KIND = 'secret';
async function db_secret_inspect(env) {
    const spec = env.plan.resources.dbSecret.spec;
    const base = { id: 'dbSecret', name: spec.name };
    try {
        const found = await env.clients.secrets.send(new client_secrets_manager_dist_cjs/* DescribeSecretCommand */.X5({ SecretId: spec.name }));
        if (found.DeletedDate) {
            // A purge scheduled it for deletion; a new password would not match a restored database.
            throw new errors/* ConfigurationError */.j1(`secret ${spec.name} is scheduled for deletion (the site was purged on ${found.DeletedDate.toISOString().slice(0, 10)}): ` +
                `restore it with \`aws secretsmanager restore-secret --secret-id ${spec.name}\` to deploy the site again with its old password, or wait until it is gone`);
        }
        checkOwned(env, {
            id: 'dbSecret',
            kind: db_secret_KIND,
            name: spec.name,
            arn: found.ARN,
            tags: normalise_tagRecord(found.Tags),
        });
        return { ...base, action: 'none', changes: [], arn: found.ARN };
    }
    catch (err) {
        if (!(err instanceof client_secrets_manager_dist_cjs/* ResourceNotFoundException */.lB))
            throw err;
    }
    return {
        ...base,
        action: 'create',
        changes: [`create with a generated ${spec.passwordLength}-character password`],
        apply: async () => {
            const random = await env.clients.secrets.send(new client_secrets_manager_dist_cjs/* GetRandomPasswordCommand */.EY({
                PasswordLength: spec.passwordLength,
                ExcludePunctuation: true,
                IncludeSpace: false,
            }));
            const password = random.RandomPassword ?? '';
            env.log.mask(password);
            try {
                const created = await env.clients.secrets.send(new client_secrets_manager_dist_cjs/* CreateSecretCommand */._f({
                    Name: spec.name,
                    Description: spec.description,
                    SecretString: JSON.stringify({ password }),
                    Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
                }));
                return created.ARN;
            }
            catch (err) {
                // Another run created it first: keep its password, never overwrite one.
                if (!(err instanceof client_secrets_manager_dist_cjs/* ResourceExistsException */.ah))
                    throw err;
                const found = await env.clients.secrets.send(new client_secrets_manager_dist_cjs/* DescribeSecretCommand */.X5({ SecretId: spec.name }));
                return found.ARN;
            }
        },
    };
}
/** The site's DB password (masked in the log before it is returned). */
async function readDbPassword(env) {
    const spec = env.plan.resources.dbSecret.spec;
    const out = await env.clients.secrets.send(new client_secrets_manager_dist_cjs/* GetSecretValueCommand */.d2({ SecretId: env.refs.get('dbSecret') ?? spec.name }));
    const password = JSON.parse(out.SecretString ?? '{}').password;
    if (!password)
        throw new Error(`secret ${spec.name} has no "password" key`);
    env.log.mask(password);
    return password;
}
/**
 * Days Secrets Manager keeps a purged DB secret restorable: the minimum. The databases it opened are
 * gone by then, and until the window ends the name is taken — a site deployed again under the same
 * preview_link within it needs `aws secretsmanager restore-secret` first (its user is then created
 * anew with the restored password).
 */
const SECRET_RECOVERY_DAYS = 7;
async function readDbSecrets(env) {
    const { clients, target } = env;
    let siteSecretGone = false;
    const rows = await Promise.all(target.data.secrets.map(async (name) => {
        const base = { resource: 'DB secret', name, data: true, step: 'data records' };
        let found;
        try {
            found = await clients.secrets.send(new client_secrets_manager_dist_cjs/* DescribeSecretCommand */.X5({ SecretId: name }));
        }
        catch (err) {
            if (!(err instanceof client_secrets_manager_dist_cjs/* ResourceNotFoundException */.lB))
                throw err;
        }
        if (!found || found.DeletedDate) {
            if (name === target.names.dbSecretName)
                siteSecretGone = true;
            return {
                ...base,
                plan: 'gone',
                ...(found?.DeletedDate
                    ? { note: `scheduled for deletion on ${found.DeletedDate.toISOString().slice(0, 10)}` }
                    : {}),
            };
        }
        if (!types_ownedBy(normalise_tagRecord(found.Tags), target.link))
            return { ...base, plan: 'not-ours', note: 'not tagged as this site’s' };
        if (!env.purge)
            return { ...base, plan: 'keep', note: types_KEEP_NOTE };
        return {
            ...base,
            plan: 'remove',
            note: `deleted with a ${SECRET_RECOVERY_DAYS}-day recovery window`,
            apply: async () => {
                try {
                    await clients.secrets.send(new client_secrets_manager_dist_cjs/* DeleteSecretCommand */.hh({ SecretId: name, RecoveryWindowInDays: SECRET_RECOVERY_DAYS }));
                    return 'removed';
                }
                catch (err) {
                    // Already scheduled for deletion (InvalidRequest) or gone: a previous run got here.
                    if (err instanceof client_secrets_manager_dist_cjs/* InvalidRequestException */.C3 || err instanceof client_secrets_manager_dist_cjs/* ResourceNotFoundException */.lB)
                        return 'already gone';
                    throw err;
                }
            },
        };
    }));
    return { rows, siteSecretGone };
}
const dbSecret = {
    id: 'dbSecret',
    kind: db_secret_KIND,
    plan: db_secret_plan/* planDbSecret */.C,
    inspect: db_secret_inspect,
    removals: async (env) => (await readDbSecrets(env)).rows,
    tag: async (clients, arn, tags) => {
        await clients.secrets.send(new client_secrets_manager_dist_cjs/* TagResourceCommand */.eq({
            SecretId: arn,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }));
    },
};

// EXTERNAL MODULE: ../../packages/core/dist/resources/databases.plan.js
var databases_plan = __webpack_require__(7145);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/databases.js



async function inspectDatabases(env, secret) {
    const dbs = env.plan.resources.databases;
    const user = env.plan.resources.dbUser;
    const previous = env.previousEntry;
    const recorded = previous !== undefined &&
        previous.dbHost === dbs.spec.server.host &&
        previous.dbUser === user.spec.name &&
        previous.databases.moodle === dbs.spec.databases.find((d) => d.role === 'moodle')?.name &&
        previous.databases.mim === dbs.spec.databases.find((d) => d.role === 'mim')?.name;
    const ctx = {
        password: async () => {
            await secret; // the secret exists (or was just created) before anyone reads it
            return readDbPassword(env);
        },
        siteSecretArn: () => env.refs.get('dbSecret'),
    };
    let known;
    if (env.db.mode === 'direct') {
        // A secret that does not exist yet means a user that cannot exist with that password yet.
        known = (await secret).action === 'create' ? undefined : await env.db.changes(ctx);
    }
    else if (recorded) {
        known = { databases: [], user: [] };
    }
    let applied;
    const applyOnce = () => (applied ??= env.db.apply(ctx));
    const unknownText = env.db.mode === 'task' ? 'ensure through a SQL task (create if absent)' : 'create if absent';
    const inspection = (id, name, lines) => {
        if (lines && lines.length === 0)
            return { id, name, action: 'none', changes: [], arn: name };
        return {
            id,
            name,
            action: lines ? 'update' : 'create',
            changes: lines ?? [unknownText],
            apply: async () => {
                const done = await applyOnce();
                for (const line of id === 'databases' ? done.databases : done.user)
                    env.log.info(`  ${line}`);
                return name;
            },
        };
    };
    return {
        databases: inspection('databases', dbs.name, known?.databases),
        dbUser: inspection('dbUser', user.name, known?.user),
    };
}
/** One read for both resources of a deploy (the databases and the user come from one provisioner). */
const reads = new WeakMap();
function read(env, secret) {
    let p = reads.get(env);
    if (!p)
        reads.set(env, (p = inspectDatabases(env, secret)));
    return p;
}
/**
 * Destroy's rows for the databases and users: they need what the purger read of the server (once,
 * for both) and whether the DB secret is gone already, so they are not a `removals` of their own.
 */
function databaseRows(env, state, siteSecretGone) {
    const { data } = env.target;
    const purgeTarget = { databases: data.databases, users: data.users };
    const items = [
        ...data.databases.map((name) => ({ resource: 'database', kind: 'databases', name })),
        ...data.users.map((name) => ({ resource: 'DB user', kind: 'users', name })),
    ];
    const run = once(() => env.db.purge(purgeTarget));
    const outcome = (result, kind, name) => result.dropped[kind].includes(name) ? 'removed' : 'already gone';
    return items.map(({ resource, kind, name }) => {
        const base = {
            resource,
            name: kind === 'users' ? `${name}@'%'` : name,
            data: true,
            step: 'data in place',
        };
        if (!env.purge)
            return { ...base, plan: 'keep', note: `${KEEP_NOTE}; on ${data.dbHost}` };
        if (state && !state[kind].includes(name))
            return { ...base, plan: 'gone' };
        if (!state && siteSecretGone)
            return { ...base, plan: 'gone', note: 'dropped before the DB secret was deleted, by an earlier run' };
        return {
            ...base,
            plan: 'remove',
            note: `${env.db.mode === 'task' ? 'SQL task' : 'direct'}: DROP … IF EXISTS on ${data.dbHost}`,
            apply: async () => {
                const done = outcome(await run(), kind, name);
                if (done === 'removed')
                    env.log.info(`  dropped ${resource === 'database' ? 'database' : 'user'} ${base.name}`);
                return done;
            },
        };
    });
}
const databases = {
    id: 'databases',
    kind: 'databases',
    plan: databases_plan/* planDatabases */.U,
    inspect: async (env, secret) => (await read(env, secret)).databases,
};
const dbUser = {
    id: 'dbUser',
    kind: 'DB user',
    plan: databases_plan/* planDbUser */.V,
    inspect: async (env, secret) => (await read(env, secret)).dbUser,
};

// EXTERNAL MODULE: ../../packages/core/dist/fleet/sleep-page.js
var sleep_page = __webpack_require__(3900);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/elb.js
// What the target group and the listener rule share of Elastic Load Balancing: tags (read and
// added: one call for either kind of resource) and how a rule names its hosts.


async function elbTags(clients, arn) {
    const out = await clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTagsCommand */.yRM({ ResourceArns: [arn] }));
    return normalise_tagRecord(out.TagDescriptions?.[0]?.Tags);
}
async function addElbTags(clients, arn, tags) {
    await clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* AddTagsCommand */.yjM({ ResourceArns: [arn], Tags: awsTags(tags) }));
}
const awsTags = (tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
/** The host names a rule's host-header conditions match (in either of the two forms AWS reports). */
const hostsOf = (rule) => (rule.Conditions ?? []).flatMap((c) => c.Field === 'host-header' ? [...(c.HostHeaderConfig?.Values ?? []), ...(c.Values ?? [])] : []);

// EXTERNAL MODULE: ../../packages/core/dist/resources/listener-rule.plan.js
var listener_rule_plan = __webpack_require__(3928);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/listener-rule.js
// The site's host rule on one of the platform's HTTPS listeners. Planned at a stable priority derived
// from the link; placed on a load balancer with room (an ALB holds a limited number of rules), at that
// priority or the next free one, a concurrent deploy that takes it first (PriorityInUse) making us
// re-read and take the next. While the site sleeps behind its page (issue 17) a redeploy leaves the
// page up. Destroy looks for the rule on every listener (it may sit on any ALB with room) and removes
// it before the service, so no request reaches a draining task.







const listener_rule_KIND = 'listener rule';
const MAX_PRIORITY = 50_000;
/** The first free priority at or after `preferred`, wrapping round. */
function freePriority(preferred, taken) {
    for (let i = 0; i < MAX_PRIORITY; i++) {
        const p = ((preferred - 1 + i) % MAX_PRIORITY) + 1;
        if (!taken.has(p))
            return p;
    }
    return undefined;
}
/** `…:listener/app/<lb name>/<lb id>/<listener id>` → the load balancer's `app/<name>/<id>`. */
const loadBalancerOf = (listenerArn) => /:listener\/(app\/[^/]+\/[^/]+)\//.exec(listenerArn)?.[1] ?? listenerArn;
/** All rules of one listener, through DescribeRules' Marker paging. */
async function listenerRules(clients, listenerArn) {
    const rules = [];
    let marker;
    do {
        const out = await clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeRulesCommand */.Ggo({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }));
        rules.push(...(out.Rules ?? []));
        marker = out.NextMarker;
    } while (marker);
    return rules;
}
/** Target groups a rule forwards to (AWS reports a single target both plainly and in ForwardConfig). */
const forwardTargets = (rule) => [
    ...new Set((rule.Actions ?? []).flatMap((a) => a.Type === 'forward'
        ? [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)]
        : [])),
].filter((arn) => Boolean(arn));
/** The fixed response a rule answers with (a sleeping site's page), if that is what it does. */
const shownPage = (rule) => rule.Actions?.length === 1 && rule.Actions[0].Type === 'fixed-response'
    ? rule.Actions[0].FixedResponseConfig
    : undefined;
const samePage = (shown, page) => shown.StatusCode === page.statusCode &&
    shown.ContentType === page.contentType &&
    shown.MessageBody === page.messageBody;
/** The site's existing rule brought to the plan: forwarding to its target group, or its page kept up. */
async function converge(env, existing, targetGroupArn) {
    const spec = env.plan.resources.listenerRule.spec;
    const base = { id: 'listenerRule', name: spec.hostHeader };
    const arn = existing.RuleArn;
    checkOwned(env, {
        id: 'listenerRule',
        kind: listener_rule_KIND,
        name: `${spec.hostHeader} (${arn})`,
        arn,
        tags: await elbTags(env.clients, arn),
    });
    const forwardsTo = forwardTargets(existing);
    const shown = shownPage(existing);
    if (spec.sleepPage && shown) {
        // Asleep behind its page: a redeploy keeps it asleep (the schedule's wake brings the site back);
        // only the page's words follow the settings.
        if (samePage(shown, spec.sleepPage))
            return { ...base, action: 'none', changes: [], arn };
        const page = spec.sleepPage;
        return {
            ...base,
            action: 'update',
            arn,
            changes: ['sleep page: its text follows the new schedule'],
            apply: async () => {
                await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyRuleCommand */.y5P({ RuleArn: arn, Actions: (0,sleep_page/* pageActions */.vt)(page) }));
                return arn;
            },
        };
    }
    if (targetGroupArn && forwardsTo.length === 1 && forwardsTo[0] === targetGroupArn)
        return { ...base, action: 'none', changes: [], arn };
    return {
        ...base,
        action: 'update',
        arn,
        changes: [
            `forward: ${shown ? '(the sleep page)' : forwardsTo.join(', ') || '(none)'} → target group ${env.plan.resources.targetGroup.name}`,
        ],
        apply: async () => {
            await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyRuleCommand */.y5P({
                RuleArn: arn,
                Actions: [{ Type: 'forward', TargetGroupArn: env.refs.get('targetGroup') }],
            }));
            return arn;
        },
    };
}
/** The first listener whose load balancer has room for another rule, chosen before anything changes. */
function listenerWithRoom(env, byListener) {
    const perLoadBalancer = new Map();
    for (const [arn, rules] of byListener) {
        const lb = loadBalancerOf(arn);
        perLoadBalancer.set(lb, (perLoadBalancer.get(lb) ?? 0) + rules.filter((r) => !r.IsDefault).length);
    }
    const listenerArn = env.plan.resources.listenerRule.spec.listenerArns.find((arn) => (perLoadBalancer.get(loadBalancerOf(arn)) ?? 0) < env.rulesPerLoadBalancer);
    if (listenerArn)
        return listenerArn;
    const counts = [...perLoadBalancer].map(([lb, n]) => `${lb}: ${n}`).join(', ');
    throw new errors/* ConfigurationError */.j1(`no load balancer has room for another rule (limit ${env.rulesPerLoadBalancer} each; ${counts}); ` +
        'add another ALB HTTPS listener to alb.https_listener_arns in the platform file, or destroy unused sites');
}
function listener_rule_create(env, byListener) {
    const spec = env.plan.resources.listenerRule.spec;
    const listenerArn = listenerWithRoom(env, byListener);
    const initialTaken = new Set((byListener.get(listenerArn) ?? []).map((r) => Number(r.Priority)).filter(Number.isFinite));
    const priority = freePriority(spec.preferredPriority, initialTaken);
    return {
        id: 'listenerRule',
        name: spec.hostHeader,
        action: 'create',
        changes: [`create on ${listenerArn.split('/').slice(-3).join('/')} at priority ${priority}`],
        apply: async () => {
            let taken = initialTaken;
            // Each PriorityInUse means another deploy took that priority between our read and our write.
            for (let attempt = 1;; attempt++) {
                const p = freePriority(spec.preferredPriority, taken);
                if (p === undefined)
                    throw new errors/* ConfigurationError */.j1(`listener ${listenerArn} has no free rule priority`);
                try {
                    const out = await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* CreateRuleCommand */.OOk({
                        ListenerArn: listenerArn,
                        Priority: p,
                        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [spec.hostHeader] } }],
                        Actions: [{ Type: 'forward', TargetGroupArn: env.refs.get('targetGroup') }],
                        Tags: awsTags(spec.tags),
                    }));
                    return out.Rules?.[0]?.RuleArn;
                }
                catch (err) {
                    if (!(err instanceof client_elastic_load_balancing_v2_dist_cjs/* PriorityInUseException */.mvs) || attempt >= 20)
                        throw err;
                    env.log.info(`rule priority ${p} was taken meanwhile; trying the next free one`);
                    const rules = await listenerRules(env.clients, listenerArn);
                    const ours = rules.find((r) => hostsOf(r).includes(spec.hostHeader));
                    if (ours)
                        return ours.RuleArn; // a concurrent run of this same site won the race
                    taken = new Set(rules.map((r) => Number(r.Priority)).filter(Number.isFinite));
                }
            }
        },
    };
}
async function listener_rule_inspect(env, targetGroup) {
    const spec = env.plan.resources.listenerRule.spec;
    const byListener = new Map();
    await Promise.all(spec.listenerArns.map(async (arn) => byListener.set(arn, await listenerRules(env.clients, arn))));
    const tg = await targetGroup;
    for (const rules of byListener.values()) {
        const existing = rules.find((r) => hostsOf(r).includes(spec.hostHeader));
        if (existing)
            return converge(env, existing, tg.arn);
    }
    return listener_rule_create(env, byListener);
}
async function listener_rule_removals(env) {
    const { target } = env;
    const found = [];
    await Promise.all(target.listenerArns.map(async (listenerArn) => found.push(...(await listenerRules(env.clients, listenerArn)).filter((r) => !r.IsDefault && hostsOf(r).includes(target.host)))));
    const base = { resource: listener_rule_KIND, data: false, step: 'listener rule' };
    if (found.length === 0)
        return [{ ...base, name: target.host, plan: 'gone' }];
    return Promise.all(found.map(async (rule) => {
        const arn = rule.RuleArn;
        const name = `${target.host} (priority ${rule.Priority})`;
        if (!types_ownedBy(await elbTags(env.clients, arn), target.link))
            return { ...base, name, plan: 'not-ours', note: 'not tagged as this site’s' };
        return {
            ...base,
            name,
            plan: 'remove',
            apply: async () => {
                try {
                    await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DeleteRuleCommand */.piX({ RuleArn: arn }));
                    return 'removed';
                }
                catch (err) {
                    if (err instanceof client_elastic_load_balancing_v2_dist_cjs/* RuleNotFoundException */.FQ)
                        return 'already gone';
                    throw err;
                }
            },
        };
    }));
}
const listenerRule = {
    id: 'listenerRule',
    kind: listener_rule_KIND,
    plan: listener_rule_plan/* planListenerRule */.e,
    inspect: listener_rule_inspect,
    removals: listener_rule_removals,
    tag: addElbTags,
};

// EXTERNAL MODULE: ../../packages/core/dist/resources/log-group.plan.js
var log_group_plan = __webpack_require__(7703);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/log-group.js
// The site's CloudWatch log group: created with its retention and the suite's tags, its retention
// kept at the platform's; data, so a destroy keeps it unless it purges (the site's last logs are what
// one reads when asking why it went away).




const log_group_KIND = 'log group';
/** The log group of exactly this name (DescribeLogGroups matches a prefix). */
async function log_group_read(clients, name) {
    for await (const page of (0,client_cloudwatch_logs_dist_cjs/* paginateDescribeLogGroups */.BSi)({ client: clients.logs }, { logGroupNamePrefix: name })) {
        const g = page.logGroups?.find((lg) => lg.logGroupName === name);
        if (g)
            return { arn: g.arn?.replace(/:\*$/, '') ?? '', retentionInDays: g.retentionInDays };
    }
    return undefined;
}
async function tagsOf(clients, arn) {
    return (await clients.logs.send(new client_cloudwatch_logs_dist_cjs/* ListTagsForResourceCommand */.a_e({ resourceArn: arn }))).tags ?? {};
}
async function log_group_inspect(env) {
    const spec = env.plan.resources.logGroup.spec;
    const base = { id: 'logGroup', name: spec.logGroupName };
    const found = await log_group_read(env.clients, spec.logGroupName);
    const setRetention = () => env.clients.logs.send(new client_cloudwatch_logs_dist_cjs/* PutRetentionPolicyCommand */.h5R({
        logGroupName: spec.logGroupName,
        retentionInDays: spec.retentionInDays,
    }));
    if (!found) {
        return {
            ...base,
            action: 'create',
            changes: [`create with retention ${spec.retentionInDays} days`],
            apply: async () => {
                try {
                    await env.clients.logs.send(new client_cloudwatch_logs_dist_cjs/* CreateLogGroupCommand */.BOU({ logGroupName: spec.logGroupName, tags: spec.tags }));
                }
                catch (err) {
                    // Created by an interrupted run between our read and now: converge it like any other.
                    if (!(err instanceof client_cloudwatch_logs_dist_cjs/* ResourceAlreadyExistsException */.UdL))
                        throw err;
                }
                await setRetention();
                return spec.logGroupName;
            },
        };
    }
    checkOwned(env, {
        id: 'logGroup',
        kind: log_group_KIND,
        name: spec.logGroupName,
        arn: found.arn,
        tags: await tagsOf(env.clients, found.arn),
    });
    if (found.retentionInDays === spec.retentionInDays)
        return { ...base, action: 'none', changes: [], arn: found.arn };
    return {
        ...base,
        action: 'update',
        arn: found.arn,
        changes: [`retention: ${found.retentionInDays ?? 'never expire'} → ${spec.retentionInDays} days`],
        apply: async () => {
            await setRetention();
            return found.arn;
        },
    };
}
async function log_group_removals(env) {
    const { clients, target } = env;
    const name = target.data.logGroup;
    const base = { resource: log_group_KIND, name, data: true, step: 'data records' };
    const found = await log_group_read(clients, name);
    if (!found)
        return [{ ...base, plan: 'gone' }];
    if (!types_ownedBy(await tagsOf(clients, found.arn), target.link))
        return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
    if (!env.purge)
        return [{ ...base, plan: 'keep', note: types_KEEP_NOTE }];
    return [
        {
            ...base,
            plan: 'remove',
            apply: async () => {
                try {
                    await clients.logs.send(new client_cloudwatch_logs_dist_cjs/* DeleteLogGroupCommand */.ID1({ logGroupName: name }));
                    return 'removed';
                }
                catch (err) {
                    if (err instanceof client_cloudwatch_logs_dist_cjs/* ResourceNotFoundException */.lBX)
                        return 'already gone';
                    throw err;
                }
            },
        },
    ];
}
const logGroup = {
    id: 'logGroup',
    kind: log_group_KIND,
    plan: log_group_plan/* planLogGroup */.P,
    inspect: log_group_inspect,
    removals: log_group_removals,
    tag: async (clients, arn, tags) => {
        await clients.logs.send(new client_cloudwatch_logs_dist_cjs/* TagResourceCommand */.eqU({ resourceArn: arn, tags }));
    },
};

// EXTERNAL MODULE: ../../packages/core/dist/resources/moodledata.plan.js
var moodledata_plan = __webpack_require__(1185);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/moodledata.js




function moodledata_inspect(env) {
    const spec = env.plan.resources.moodledata.spec;
    const base = { id: 'moodledata', name: spec.containerPath };
    if (env.previousEntry?.moodledataFolder === spec.folder)
        return { ...base, action: 'none', changes: [], arn: spec.containerPath };
    const cron = env.plan.resources.cronRegistration.spec;
    return {
        ...base,
        action: 'create',
        changes: [`make ${spec.containerPath} (and the cron log folder) on ${spec.fileSystemId}`],
        apply: async () => {
            const cronLogDir = cron.logPath.slice(0, cron.logPath.lastIndexOf('/'));
            const result = await env.tasks.run({
                cluster: env.platform.cluster,
                taskDefinitionArn: env.refs.get('taskDefinition'),
                container: env.plan.resources.taskDefinition.spec.containerDefinitions[0].name,
                // mkdir -p is idempotent: an interrupted run repeats it harmlessly.
                command: [
                    'sh',
                    '-c',
                    `mkdir -p '${spec.containerPath}' '${cronLogDir}' && test -w '${spec.containerPath}' && echo moodledata-ready`,
                ],
                platform: env.platform,
                startedBy: `mdl-preview/${env.plan.site}`.slice(0, 36),
                logGroup: env.plan.resources.logGroup.spec.logGroupName,
                logStreamPrefix: 'moodle',
                endLine: (l) => l === 'moodledata-ready',
            });
            // The exit code decides: the folder exists once `test -w` passed, whatever the log has shown.
            if (result.exitCode !== 0)
                throw new Error(`making ${spec.containerPath} failed ${one_off_task_describeOneOffEnd(result)}`);
            return spec.containerPath;
        },
    };
}
/** The removal script's last line: everything before it ran (`set -e`). */
const PURGE_DONE = 'moodledata-purge-done';
/** A folder name the rm may take: one path segment, never `.`/`..`, never the shared cron log folder. */
const FOLDER = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;
const MOUNT = /^(\/[A-Za-z0-9._-]+)+$/;
/** The shell the rm task runs: removes exactly `<mount>/<folder>` for each folder, and the cron log. */
function moodledataRemovalScript(mountPath, folders, cronLog) {
    const problems = [];
    if (!MOUNT.test(mountPath) || mountPath.split('/').includes('..'))
        problems.push(`EFS mount path ${JSON.stringify(mountPath)} must be an absolute path other than /`);
    for (const f of folders)
        if (!FOLDER.test(f) || f === 'cron_logs')
            problems.push(`moodledata folder ${JSON.stringify(f)} must be one folder name (not empty, ., .., / or cron_logs)`);
    if (!cronLog.startsWith(`${mountPath}/cron_logs/`) || !/^[A-Za-z0-9._/-]+$/.test(cronLog))
        problems.push(`cron log ${JSON.stringify(cronLog)} must be under ${mountPath}/cron_logs/`);
    if (problems.length)
        throw new ConfigurationError(`refusing to remove moodledata:\n- ${problems.join('\n- ')}`);
    const lines = folders.map((f) => `if [ -e '${mountPath}/${f}' ]; then rm -rf -- '${mountPath}/${f}' && echo 'moodledata-removed ${f}'; ` +
        `else echo 'moodledata-absent ${f}'; fi`);
    const cron = `if [ -e '${cronLog}' ]; then rm -f -- '${cronLog}' && echo cron-log-removed; else echo cron-log-absent; fi`;
    return ['set -eu', ...lines, cron, `echo ${PURGE_DONE}`].join('\n');
}
function moodledataRows(env, taskDefinition, siteSecretGone) {
    const { data, link } = env.target;
    const rows = data.moodledataFolders.map((folder) => ({
        resource: 'moodledata',
        name: `${data.mountPath}/${folder}`,
        folder,
    }));
    const items = [...rows, { resource: 'cron log', name: data.cronLogPath, folder: undefined }];
    // Built (and its paths refused) now, before any change, not when the task is due.
    const script = env.purge && !siteSecretGone && taskDefinition
        ? moodledataRemovalScript(data.mountPath, data.moodledataFolders, data.cronLogPath)
        : '';
    const run = once(async () => {
        const td = taskDefinition.td;
        const container = td.containerDefinitions?.[0];
        const logOptions = container?.logConfiguration?.options ?? {};
        const result = await env.tasks.run({
            cluster: env.target.cluster,
            taskDefinitionArn: await taskDefinition.arn(),
            container: container?.name ?? link,
            command: ['sh', '-c', script],
            platform: env.platform,
            startedBy: `mdl-preview/${link}`.slice(0, 36),
            logGroup: logOptions['awslogs-group'] ?? data.logGroup,
            // Stryker disable next-line StringLiteral: equivalent — on Fargate the awslogs driver requires awslogs-stream-prefix, so the fallback is never used
            logStreamPrefix: logOptions['awslogs-stream-prefix'] ?? 'moodle',
            endLine: (l) => l === PURGE_DONE,
        });
        if (result.exitCode !== 0 || !result.logLines.includes(PURGE_DONE))
            throw new Error(`removing moodledata failed ${describeOneOffEnd(result)}`);
        return {
            folders: new Set(result.logLines.filter((l) => l.startsWith('moodledata-removed ')).map((l) => l.slice(19))),
            cronLog: result.logLines.includes('cron-log-removed'),
        };
    });
    return items.map(({ resource, name, folder }) => {
        const base = { resource, name, data: true, step: 'data in place' };
        if (!env.purge)
            return { ...base, plan: 'keep', note: KEEP_NOTE };
        if (siteSecretGone)
            return { ...base, plan: 'gone', note: 'removed before the DB secret was deleted, by an earlier run' };
        if (!taskDefinition)
            return {
                ...base,
                plan: 'gone',
                note: 'no task definition of the site is left to run the removal with; remove it by hand if it exists',
            };
        return {
            ...base,
            plan: 'remove',
            note: `${folder === undefined ? 'rm -f' : 'rm -rf'} by a one-off task of ${taskDefinition.td.family}`,
            apply: async () => {
                const removed = await run();
                const was = folder === undefined ? removed.cronLog : removed.folders.has(folder);
                return was ? 'removed' : 'already gone';
            },
        };
    });
}
const moodledata = {
    id: 'moodledata',
    kind: 'moodledata',
    plan: moodledata_plan/* planMoodledata */.O,
    // Decided from the plan and the registry alone: no read.
    inspect: async (env) => moodledata_inspect(env),
    // Destroy's rows need the task definition to run the rm with: moodledataRows above.
};

// EXTERNAL MODULE: ../../packages/core/dist/resources/redis.plan.js
var redis_plan = __webpack_require__(690);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/redis.js

const redis = {
    id: 'redis',
    kind: 'redis prefix',
    plan: redis_plan/* planRedis */.d,
    inspect: async (env) => {
        const planned = env.plan.resources.redis;
        return { id: 'redis', name: planned.name, action: 'none', changes: [], arn: planned.name };
    },
};

// EXTERNAL MODULE: ../../packages/core/dist/fleet/cost-estimate.js
var cost_estimate = __webpack_require__(9279);
// EXTERNAL MODULE: ../../packages/core/dist/resources/registry-entry.plan.js
var registry_entry_plan = __webpack_require__(3239);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/registry-entry.js






/** Data named in the previous entry that the new plan no longer uses. */
function newlyRetired(previous, next, since) {
    if (!previous)
        return [];
    const out = [];
    const used = new Set([next.databases.moodle, next.databases.mim].filter(Boolean));
    for (const db of [previous.databases.moodle, previous.databases.mim]) {
        if (db && !used.has(db))
            out.push({ kind: 'database', name: db, since, reason: `replaced on ${previous.previewLink}` });
    }
    if (previous.moodledataFolder !== next.moodledataFolder) {
        out.push({
            kind: 'moodledata',
            name: previous.moodledataFolder,
            since,
            reason: `replaced on ${previous.previewLink}`,
        });
    }
    return out;
}
/** `day` plus `days`, as YYYY-MM-DD (UTC days). */
function addDays(day, days) {
    return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
function desiredEntry(env) {
    const { expiry, ...reg } = env.plan.resources.siteRegistration.spec.entry;
    const cron = env.plan.resources.cronRegistration.spec;
    const previous = env.previousEntry;
    const today = env.now().toISOString().slice(0, 10);
    const entry = {
        schemaVersion: 1,
        ...reg,
        databases: { ...reg.databases },
        awake: structuredClone(reg.awake),
        capacity: { ...reg.capacity },
        // The first deploy's day stays; an entry from before this field, or of a destroyed site deployed
        // again, starts counting today.
        firstDeployedOn: (!previous?.destroyedAt && previous?.firstDeployedOn) || today,
        estimate: { monthly: env.plan.estimate.monthly, currency: env.plan.estimate.currency },
        retired: [],
        managedBy: 'moodle-preview-actions',
    };
    if (cron.enabled) {
        const { enabled, cluster, service, container, command, timeoutSeconds, logPath } = cron;
        const keep = previous?.cron;
        entry.cron = { enabled, cluster, service, container, command, timeoutSeconds, logPath };
        // A pause (an upgrade under way) outlives a redeploy; only resume clears it.
        if (keep?.paused)
            entry.cron.paused = keep.paused;
        // Keep who last changed cron when nothing about it changes.
        if (keep && site_registry_sameEntry({ ...entry, cron: keep }, entry))
            entry.cron = keep;
    }
    const stillRetired = (previous?.retired ?? []).filter((r) => !(r.kind === 'database' && Object.values(entry.databases).includes(r.name)) &&
        !(r.kind === 'moodledata' && r.name === entry.moodledataFolder) &&
        !(r.kind === 'db-user' && r.name === entry.dbUser) &&
        !(r.kind === 'db-secret' && r.name === env.plan.resources.dbSecret.spec.name));
    entry.retired = [...stillRetired, ...newlyRetired(previous, entry, today)];
    if (expiry.expires && expiry.expires <= today)
        throw new errors/* ConfigurationError */.j1(`expires ${expiry.expires} is not after today (${today}): the expiry sweep would destroy the site; set a later date, or pinned: true`);
    const expiresOn = expiry.pinned
        ? undefined
        : (expiry.expires ??
            (expiry.lifetimeDays ? addDays(entry.firstDeployedOn, expiry.lifetimeDays) : undefined));
    if (expiry.pinned)
        entry.pinned = true;
    if (expiresOn)
        entry.expiresOn = expiresOn;
    // A deploy from a laptop (no source) keeps the branch a workflow recorded.
    const from = env.source ?? previous?.deployedFrom;
    if (from)
        entry.deployedFrom = { repository: from.repository, branch: from.branch };
    return entry;
}
function inspectEntry(env) {
    const name = env.plan.resources.siteRegistration.spec.parameterName;
    const base = { id: 'siteRegistration', name };
    const entry = desiredEntry(env);
    const previous = env.previousEntry;
    if (previous && site_registry_sameEntry(previous, entry))
        return { ...base, action: 'none', changes: [], arn: name };
    const changes = previous ? describeEntryChanges(previous, entry) : ['create the entry'];
    return {
        ...base,
        action: previous ? 'update' : 'create',
        changes,
        apply: async () => {
            const stamp = { updatedAt: env.now().toISOString(), updatedBy: env.actor };
            const cron = entry.cron && !entry.cron.updatedAt ? { ...entry.cron, ...stamp } : entry.cron;
            await env.registry.put({ ...entry, ...(cron ? { cron } : {}), ...stamp }, previous !== undefined);
            return name;
        },
    };
}
function describeEntryChanges(previous, next) {
    const changes = [];
    const keys = [
        'url',
        'cluster',
        'service',
        'taskFamily',
        'container',
        'dbUser',
        'dbHost',
        'moodledataFolder',
        'logGroup',
    ];
    for (const k of keys)
        if (previous[k] !== next[k])
            changes.push(`${k}: ${previous[k]} → ${next[k]}`);
    if (JSON.stringify(previous.databases) !== JSON.stringify(next.databases)) {
        changes.push(`databases: ${Object.values(previous.databases).join(', ')} → ${Object.values(next.databases).join(', ')}`);
    }
    const awake = (e) => (e.awake ? (0,awake_schedule/* describeAwake */.pB)(e.awake) : 'unrecorded');
    if (awake(previous) !== awake(next))
        changes.push(`awake: ${awake(previous)} → ${awake(next)}`);
    const cost = (e) => e.estimate ? (0,cost_estimate/* money */.TG)(e.estimate.monthly, e.estimate.currency) : 'unrecorded';
    if (cost(previous) !== cost(next))
        changes.push(`estimate: ${cost(previous)} → ${cost(next)} a month`);
    const expires = (e) => (e.pinned ? 'never (pinned)' : (e.expiresOn ?? 'never'));
    if (expires(previous) !== expires(next))
        changes.push(`expires: ${expires(previous)} → ${expires(next)}`);
    const bounds = (e) => e.capacity ? `${e.capacity.min}-${e.capacity.max}` : 'unrecorded';
    if (bounds(previous) !== bounds(next))
        changes.push(`tasks: ${bounds(previous)} → ${bounds(next)}`);
    const from = (e) => e.deployedFrom ? `${e.deployedFrom.repository}@${e.deployedFrom.branch}` : 'unrecorded';
    if (from(previous) !== from(next))
        changes.push(`deployed from: ${from(previous)} → ${from(next)}`);
    if (!!previous.cron !== !!next.cron)
        changes.push(next.cron ? 'cron: registered' : 'cron: removed');
    else if (previous.cron &&
        next.cron &&
        !site_registry_sameEntry({ ...previous, cron: previous.cron }, { ...previous, cron: next.cron }))
        changes.push('cron: changed');
    const newRetired = next.retired.filter((r) => !previous.retired.some((p) => p.kind === r.kind && p.name === r.name));
    for (const r of newRetired)
        changes.push(`retire ${r.kind} ${r.name} (kept, awaiting purge)`);
    return changes.length ? changes : ['entry format updated'];
}
const DESTROYED_REASON = 'site destroyed';
/** The entry after a destroy that keeps the data. Pure. */
function destroyedEntry(entry, data, today) {
    const { cron: _cron, ...rest } = entry;
    const isRetired = (kind, name) => entry.retired.some((r) => r.kind === kind && r.name === name);
    const retire = (kind, names) => names
        .filter((name) => !isRetired(kind, name))
        .map((name) => ({ kind, name, since: today, reason: DESTROYED_REASON }));
    return {
        ...rest,
        destroyedAt: entry.destroyedAt ?? today,
        retired: [
            ...entry.retired,
            ...retire('database', data.databases),
            ...retire('db-user', data.users),
            ...retire('db-secret', data.secrets),
            ...retire('moodledata', data.moodledataFolders),
        ],
    };
}
/**
 * Destroy's last step, for the entry and its cron part together: it needs to know which DB secrets
 * the other removals kept (they are recorded as retired), so it is not a `removals` of its own.
 */
function registryRows(env, registry, keptSecrets) {
    const { entry, target } = env;
    const name = target.names.registryParameter;
    const cronBase = { resource: 'cron entry', name, data: false, step: 'registry' };
    const entryBase = { resource: 'registry entry', name, data: false, step: 'registry' };
    if (!entry)
        return [
            { ...cronBase, plan: 'gone' },
            { ...entryBase, plan: 'gone' },
        ];
    if (entry.managedBy !== SUITE_NAME) {
        const note = `managed by ${entry.managedBy}`;
        return [
            { ...cronBase, plan: 'not-ours', note },
            { ...entryBase, plan: 'not-ours', note },
        ];
    }
    let write;
    if (env.purge) {
        const remove = () => (write ??= registry.delete(target.link).then((d) => (d ? 'removed' : 'already gone')));
        return [
            entry.cron ? { ...cronBase, plan: 'remove', apply: remove } : { ...cronBase, plan: 'gone' },
            { ...entryBase, plan: 'remove', note: 'deleted once everything it recorded is gone', apply: remove },
        ];
    }
    const today = env.now().toISOString().slice(0, 10);
    const next = destroyedEntry(entry, { ...target.data, secrets: keptSecrets }, today);
    const note = `marked destroyed on ${next.destroyedAt}; its data recorded as retired`;
    if (sameEntry(entry, next))
        return [
            { ...cronBase, plan: 'gone' },
            { ...entryBase, plan: 'keep', note },
        ];
    const put = () => (write ??= registry
        .put({ ...next, updatedAt: env.now().toISOString(), updatedBy: env.actor }, true)
        .then(() => 'kept'));
    return [
        entry.cron
            ? {
                ...cronBase,
                plan: 'remove',
                apply: async () => {
                    await put(); // one write removes cron and marks the entry destroyed
                    return 'removed';
                },
            }
            : { ...cronBase, plan: 'gone' },
        { ...entryBase, plan: 'keep', note, apply: put },
    ];
}
const siteRegistration = {
    id: 'siteRegistration',
    kind: 'registry entry',
    plan: registry_entry_plan/* planSiteRegistration */.A7,
    // Derived from the plan and the entry deploy read first: no read of its own.
    inspect: async (env) => inspectEntry(env),
    // Removed by registryRows, destroy's last step. The parameter carries the suite's tags from its
    // first write (the registry's own).
};
const cronRegistration = {
    id: 'cronRegistration',
    kind: 'cron entry',
    plan: registry_entry_plan/* planCronRegistration */.bU,
    // Written with the entry (siteRegistration's apply): this says only whether it changes.
    inspect: async (env) => {
        const planned = env.plan.resources.cronRegistration;
        const enabled = planned.spec.enabled;
        const changed = !!env.previousEntry?.cron !== enabled;
        return {
            id: 'cronRegistration',
            name: planned.name,
            action: changed ? (enabled ? 'create' : 'update') : 'none',
            changes: changed ? [enabled ? 'register cron' : 'remove the cron entry'] : [],
            arn: planned.name,
        };
    },
    // Removed by registryRows with the entry.
};

// EXTERNAL MODULE: ../../packages/core/dist/resources/scaling.plan.js
var scaling_plan = __webpack_require__(4160);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/scaling.js
// Application Auto Scaling of the site's service, three resources in one module because the scalable
// target decides the other two: the target (min/max tasks), one target-tracking policy on average
// CPU, and the scheduled actions that put the site to sleep and wake it (its `awake` schedule).
// Destroy removes the policies, then the target — first of all, so nothing scales the service back
// up while it is being taken down; the scheduled actions go with the target.




const NAMESPACE = 'ecs';
const DIMENSION = 'ecs:service:DesiredCount';
/** Runs a delete; AWS's not-found answer means a previous run (or a person) removed it already. */
async function removed(call) {
    try {
        await call();
        return 'removed';
    }
    catch (err) {
        if (err instanceof dist_cjs/* ObjectNotFoundException */.an)
            return 'already gone';
        throw err;
    }
}
const policyRow = (name) => ({
    data: false,
    resource: 'scaling policy',
    name,
    step: 'scaling policies',
});
const targetRow = (resourceId) => ({
    data: false,
    resource: 'scaling target',
    name: resourceId,
    step: 'scaling target',
});
/** Every scaling policy on the service's scalable target (destroy removes them; adopt names the others). */
async function scalingPoliciesOf(clients, resourceId) {
    const policies = [];
    for await (const page of (0,dist_cjs/* paginateDescribeScalingPolicies */.QX)({ client: clients.autoscaling }, { ServiceNamespace: NAMESPACE, ResourceId: resourceId, ScalableDimension: DIMENSION }))
        policies.push(...(page.ScalingPolicies ?? []));
    return policies;
}
/** The scalable target's tags (an empty set when AWS reports no ARN for it). */
async function scalableTargetTags(clients, arn) {
    if (!arn)
        return {};
    return (await clients.autoscaling.send(new dist_cjs/* ListTagsForResourceCommand */.a_({ ResourceARN: arn }))).Tags ?? {};
}
/** The site's scalable target with its tags and its policies, or undefined when it has none. */
async function readScalable(env) {
    const { clients, target } = env;
    const resourceId = target.scalingResourceId;
    const out = await clients.autoscaling.send(new dist_cjs/* DescribeScalableTargetsCommand */.sH({
        ServiceNamespace: NAMESPACE,
        ResourceIds: [resourceId],
        ScalableDimension: DIMENSION,
    }));
    const scalable = out.ScalableTargets?.[0];
    if (!scalable)
        return undefined;
    const tags = await scalableTargetTags(clients, scalable.ScalableTargetARN);
    const policies = await scalingPoliciesOf(clients, resourceId);
    return { tags, policies };
}
/**
 * Destroy reads the target, its tags and its policies together: the target decides them all. Its
 * policies are the site's when it is (they carry no tags), and deregistering it removes its
 * scheduled actions with it.
 */
async function scaling_removals(env) {
    const { clients, target } = env;
    const resourceId = target.scalingResourceId;
    const found = await readScalable(env);
    // Deregistering a target deletes its policies, so without a target there are none either.
    if (!found)
        return [
            { ...policyRow(target.names.scalingPolicyName), plan: 'gone' },
            { ...targetRow(resourceId), plan: 'gone' },
        ];
    if (!types_ownedBy(found.tags, target.link))
        return [
            ...found.policies.map((p) => ({
                ...policyRow(p.PolicyName ?? '?'),
                plan: 'not-ours',
                note: 'belongs to a scaling target that is not ours',
            })),
            { ...targetRow(resourceId), plan: 'not-ours', note: 'not tagged as this site’s' },
        ];
    const policyRows = found.policies.map((p) => ({
        ...policyRow(p.PolicyName ?? '?'),
        plan: 'remove',
        apply: () => removed(() => clients.autoscaling.send(new dist_cjs/* DeleteScalingPolicyCommand */.y5({
            PolicyName: p.PolicyName,
            ServiceNamespace: NAMESPACE,
            ResourceId: resourceId,
            ScalableDimension: DIMENSION,
        }))),
    }));
    if (policyRows.length === 0)
        policyRows.push({ ...policyRow(target.names.scalingPolicyName), plan: 'gone' });
    const deregister = () => clients.autoscaling.send(new dist_cjs/* DeregisterScalableTargetCommand */.CV({
        ServiceNamespace: NAMESPACE,
        ResourceId: resourceId,
        ScalableDimension: DIMENSION,
    }));
    return [...policyRows, { ...targetRow(resourceId), plan: 'remove', apply: () => removed(deregister) }];
}
async function inspectTarget(env) {
    const spec = env.plan.resources.scalingTarget.spec;
    const base = { id: 'scalingTarget', name: spec.resourceId };
    const out = await env.clients.autoscaling.send(new dist_cjs/* DescribeScalableTargetsCommand */.sH({
        ServiceNamespace: spec.serviceNamespace,
        ResourceIds: [spec.resourceId],
        ScalableDimension: spec.scalableDimension,
    }));
    const current = out.ScalableTargets?.[0];
    const apply = async () => {
        const r = await env.clients.autoscaling.send(new dist_cjs/* RegisterScalableTargetCommand */.Jr({
            ServiceNamespace: spec.serviceNamespace,
            ResourceId: spec.resourceId,
            ScalableDimension: spec.scalableDimension,
            MinCapacity: spec.minCapacity,
            MaxCapacity: spec.maxCapacity,
            ...(current ? {} : { Tags: env.plan.tags }),
        }));
        return r.ScalableTargetARN ?? spec.resourceId;
    };
    if (!current)
        return {
            ...base,
            action: 'create',
            changes: [`${spec.minCapacity} to ${spec.maxCapacity} tasks`],
            apply,
        };
    // Asleep (bounds 0, by the schedule's sleep action or by `mdl-preview sleep`): a redeploy keeps it
    // asleep while the site has a schedule; its wake action brings the new bounds.
    const scheduled = env.plan.resources.scheduledActions.spec.actions.length > 0;
    if (scheduled && current.MinCapacity === 0 && current.MaxCapacity === 0)
        return { ...base, action: 'none', changes: [], arn: current.ScalableTargetARN ?? spec.resourceId };
    const changes = [];
    if (current.MinCapacity !== spec.minCapacity)
        changes.push(`min tasks: ${current.MinCapacity} → ${spec.minCapacity}`);
    if (current.MaxCapacity !== spec.maxCapacity)
        changes.push(`max tasks: ${current.MaxCapacity} → ${spec.maxCapacity}`);
    const arn = current.ScalableTargetARN ?? spec.resourceId;
    return changes.length
        ? { ...base, action: 'update', changes, arn, apply }
        : { ...base, action: 'none', changes, arn };
}
async function inspectPolicy(env) {
    const spec = env.plan.resources.scalingPolicy.spec;
    const target = env.plan.resources.scalingTarget.spec;
    const base = { id: 'scalingPolicy', name: spec.policyName };
    const out = await env.clients.autoscaling.send(new dist_cjs/* DescribeScalingPoliciesCommand */.yY({
        ServiceNamespace: target.serviceNamespace,
        ResourceId: spec.resourceId,
        PolicyNames: [spec.policyName],
    }));
    const current = out.ScalingPolicies?.[0];
    const apply = async () => {
        const r = await env.clients.autoscaling.send(new dist_cjs/* PutScalingPolicyCommand */.OJ({
            PolicyName: spec.policyName,
            ServiceNamespace: target.serviceNamespace,
            ResourceId: spec.resourceId,
            ScalableDimension: target.scalableDimension,
            PolicyType: spec.policyType,
            TargetTrackingScalingPolicyConfiguration: {
                TargetValue: spec.targetValue,
                PredefinedMetricSpecification: { PredefinedMetricType: spec.predefinedMetricType },
                ScaleOutCooldown: spec.scaleOutCooldown,
                ScaleInCooldown: spec.scaleInCooldown,
            },
        }));
        return r.PolicyARN;
    };
    if (!current)
        return { ...base, action: 'create', changes: [`target tracking at ${spec.targetValue} % CPU`], apply };
    const c = current.TargetTrackingScalingPolicyConfiguration;
    const changes = [];
    if (current.PolicyType !== spec.policyType)
        changes.push(`type: ${current.PolicyType} → ${spec.policyType}`);
    if (c?.TargetValue !== spec.targetValue)
        changes.push(`CPU target: ${c?.TargetValue} → ${spec.targetValue} %`);
    if (c?.PredefinedMetricSpecification?.PredefinedMetricType !== spec.predefinedMetricType)
        changes.push('metric changed');
    if (c?.ScaleOutCooldown !== spec.scaleOutCooldown || c?.ScaleInCooldown !== spec.scaleInCooldown)
        changes.push('cooldowns changed');
    const arn = current.PolicyARN;
    return changes.length
        ? { ...base, action: 'update', changes, arn, apply }
        : { ...base, action: 'none', changes, arn };
}
/** What differs between a scheduled action and its spec (empty: the same). */
function scheduledActionChanges(current, want) {
    const changes = [];
    if (current.Schedule !== want.schedule)
        changes.push(`${want.name}: ${current.Schedule} → ${want.schedule}`);
    if ((current.Timezone ?? 'UTC') !== want.timezone)
        changes.push(`${want.name}: time zone ${current.Timezone ?? 'UTC'} → ${want.timezone}`);
    const t = current.ScalableTargetAction;
    if (t?.MinCapacity !== want.minCapacity || t?.MaxCapacity !== want.maxCapacity)
        changes.push(`${want.name}: ${t?.MinCapacity ?? '-'} to ${t?.MaxCapacity ?? '-'} → ${want.minCapacity} to ${want.maxCapacity} tasks`);
    return changes;
}
/**
 * The site's wake and sleep actions: put what is missing or differs, delete the suite's own ones the
 * schedule no longer has (`awake: always`). Other scheduled actions on the target (a one-time wake's
 * end, anything another tool put there) are not the schedule's and are left alone.
 */
async function inspectScheduled(env) {
    const planned = env.plan.resources.scheduledActions;
    const spec = planned.spec;
    const base = { id: 'scheduledActions', name: planned.name };
    const ours = [(0,awake_schedule/* wakeActionName */.as)(env.plan.site), (0,awake_schedule/* sleepActionName */.bF)(env.plan.site)];
    const target = {
        ServiceNamespace: spec.serviceNamespace,
        ResourceId: spec.resourceId,
        ScalableDimension: spec.scalableDimension,
    };
    const out = await env.clients.autoscaling.send(new dist_cjs/* DescribeScheduledActionsCommand */.bE({ ...target, ScheduledActionNames: ours }));
    const existing = new Map((out.ScheduledActions ?? [])
        .filter((a) => a.ScheduledActionName && ours.includes(a.ScheduledActionName))
        .map((a) => [a.ScheduledActionName, a]));
    const puts = spec.actions.filter((want) => {
        const current = existing.get(want.name);
        return !current || scheduledActionChanges(current, want).length > 0;
    });
    const deletes = [...existing.keys()].filter((name) => !spec.actions.some((a) => a.name === name));
    const changes = [
        ...puts.flatMap((want) => {
            const current = existing.get(want.name);
            return current
                ? scheduledActionChanges(current, want)
                : [
                    `${want.name}: ${want.schedule} ${want.timezone} → ${want.minCapacity} to ${want.maxCapacity} tasks`,
                ];
        }),
        ...deletes.map((name) => `${name}: removed (awake ${spec.awake})`),
    ];
    if (!changes.length)
        return { ...base, action: 'none', changes, arn: spec.resourceId };
    const apply = async () => {
        for (const want of puts)
            await env.clients.autoscaling.send(new dist_cjs/* PutScheduledActionCommand */.cx({
                ...target,
                ScheduledActionName: want.name,
                Schedule: want.schedule,
                Timezone: want.timezone,
                ScalableTargetAction: { MinCapacity: want.minCapacity, MaxCapacity: want.maxCapacity },
            }));
        for (const name of deletes)
            await env.clients.autoscaling.send(new dist_cjs/* DeleteScheduledActionCommand */.Mx({ ...target, ScheduledActionName: name }));
        return spec.resourceId;
    };
    return { ...base, action: existing.size ? 'update' : 'create', changes, apply };
}
const scalingTarget = {
    id: 'scalingTarget',
    kind: 'scaling target',
    plan: scaling_plan/* planScalingTarget */.cq,
    inspect: inspectTarget,
    removals: scaling_removals,
    tag: async (clients, arn, tags) => {
        await clients.autoscaling.send(new dist_cjs/* TagResourceCommand */.eq({ ResourceARN: arn, Tags: tags }));
    },
};
const scalingPolicy = {
    id: 'scalingPolicy',
    kind: 'scaling policy',
    plan: scaling_plan/* planScalingPolicy */.VG,
    inspect: inspectPolicy,
    // Removed with its target (the target's removals list it), and it carries no tags.
};
const scheduledActions = {
    id: 'scheduledActions',
    kind: 'scheduled actions',
    plan: scaling_plan/* planScheduledActions */.O,
    inspect: inspectScheduled,
    // Removed with the target they act on, and they carry no tags.
};

;// CONCATENATED MODULE: ../../packages/core/dist/aws/schedules.js
// EventBridge Scheduler calls the suite makes in more than one place (deploy, wake/sleep, destroy),
// with not-found and already-exists read as AWS answers them: ResourceNotFoundException and
// ConflictException.

/** The schedule, or undefined when there is none of that name in the group. */
async function getSchedule(client, group, name) {
    try {
        return await client.send(new client_scheduler_dist_cjs/* GetScheduleCommand */.nu({ GroupName: group, Name: name }));
    }
    catch (err) {
        if (err instanceof client_scheduler_dist_cjs/* ResourceNotFoundException */.lB)
            return undefined;
        throw err;
    }
}
/** Delete the schedule; false when it was gone already (a rerun, or AWS's DELETE after an at()). */
async function deleteSchedule(client, group, name) {
    try {
        await client.send(new client_scheduler_dist_cjs/* DeleteScheduleCommand */.ML({ GroupName: group, Name: name }));
        return true;
    }
    catch (err) {
        if (err instanceof client_scheduler_dist_cjs/* ResourceNotFoundException */.lB)
            return false;
        throw err;
    }
}
/**
 * Make the schedule what `request` says: update it when it is known to exist, else create it — and
 * update it after all when the create finds it there (an interrupted run, or another one, made it).
 */
async function putSchedule(client, request, exists) {
    if (!exists)
        try {
            await client.send(new client_scheduler_dist_cjs/* CreateScheduleCommand */.to(request));
            return;
        }
        catch (err) {
            if (!(err instanceof client_scheduler_dist_cjs/* ConflictException */.cb))
                throw err;
        }
    await client.send(new client_scheduler_dist_cjs/* UpdateScheduleCommand */.CH(request));
}

// EXTERNAL MODULE: ../../packages/core/dist/resources/sleep-page.plan.js
var sleep_page_plan = __webpack_require__(3570);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/sleep-page.js
// The sleep page's schedules (EventBridge Scheduler, in the suite's own group): at the schedule's
// sleep one switches the site's listener rule to the page, at its wake another switches it back to
// the target group. The group is created on first use, tagged as the suite's; a group of that name
// that is not the suite's is refused before any change. Schedules carry no tags (only groups do): they
// are the suite's by their group and their name. Destroy removes them first of all, so nothing
// switches the rule while the site is taken down.







/** The group's ARN, or undefined when there is none; throws when a group of that name is not ours. */
async function readGroup(env, group) {
    let arn;
    try {
        arn = (await env.clients.scheduler.send(new client_scheduler_dist_cjs/* GetScheduleGroupCommand */.en({ Name: group }))).Arn;
    }
    catch (err) {
        if (err instanceof client_scheduler_dist_cjs/* ResourceNotFoundException */.lB)
            return undefined;
        throw err;
    }
    const tags = (await env.clients.scheduler.send(new client_scheduler_dist_cjs/* ListTagsForResourceCommand */.a_({ ResourceArn: arn }))).Tags;
    const owner = tags?.find((t) => t.Key === naming/* TAG_MANAGED_BY */.RJ)?.Value;
    if (owner !== naming/* SUITE_NAME */.tb)
        throw new errors/* ConfigurationError */.j1(`the EventBridge Scheduler group ${group} exists and is not tagged ${naming/* TAG_MANAGED_BY */.RJ}=${naming/* SUITE_NAME */.tb}: ` +
            'the suite keeps its sleep-page schedules only in a group of its own; set schedule.sleep_page.schedule_group in the platform file to another name');
    return arn;
}
/** The site's wake and sleep schedules that exist in the group, by name. */
async function readSchedules(env, group) {
    const existing = new Map();
    const ours = [(0,awake_schedule/* wakeActionName */.as)(env.plan.site), (0,awake_schedule/* sleepActionName */.bF)(env.plan.site)];
    for (const [name, s] of await Promise.all(ours.map(async (n) => [n, await getSchedule(env.clients.scheduler, group, n)])))
        if (s)
            existing.set(name, s);
    return existing;
}
/** What the schedule's ModifyRule call sends: the page at sleep, the target group at wake. */
function inputFor(env, want, ruleArn, tgArn) {
    const page = env.plan.resources.listenerRule.spec.sleepPage;
    return (0,sleep_page/* modifyRuleInput */.tb)(ruleArn, want.shows === 'page' && page ? (0,sleep_page/* pageActions */.vt)(page) : (0,sleep_page/* forwardActions */.b7)(tgArn));
}
/** Creates the group when it is missing, puts what differs, deletes what the hours no longer have. */
async function applySchedules(env, c) {
    const scheduler = env.clients.scheduler;
    const { groupTags, schedules } = env.plan.resources.sleepPage.spec;
    if (!c.groupArn && schedules.length) {
        try {
            await scheduler.send(new client_scheduler_dist_cjs/* CreateScheduleGroupCommand */.O_({
                Name: c.group,
                Tags: Object.entries(groupTags).map(([Key, Value]) => ({ Key, Value })),
            }));
        }
        catch (err) {
            // Another site's deploy created it meanwhile: check it is the suite's, as a read would have.
            if (!(err instanceof client_scheduler_dist_cjs/* ConflictException */.cb))
                throw err;
            await readGroup(env, c.group);
        }
    }
    const ruleArn = env.refs.get('listenerRule');
    const tgArn = env.refs.get('targetGroup');
    if (c.puts.length && (!ruleArn || !tgArn))
        throw new Error('the sleep page needs the listener rule and target group');
    for (const want of c.puts) {
        const request = {
            Name: want.name,
            GroupName: c.group,
            ScheduleExpression: want.expression,
            ScheduleExpressionTimezone: want.timezone,
            FlexibleTimeWindow: { Mode: 'OFF' },
            State: 'ENABLED',
            Description: `Shows ${want.shows === 'page' ? 'the sleep page' : 'the site'} of ${env.plan.site} (moodle-preview-actions)`,
            Target: { Arn: sleep_page/* MODIFY_RULE_TARGET */.mN, RoleArn: c.roleArn, Input: inputFor(env, want, ruleArn, tgArn) },
        };
        await putSchedule(scheduler, request, c.existing.has(want.name));
    }
    for (const name of c.deletes)
        await deleteSchedule(scheduler, c.group, name);
    return c.groupArn ?? c.group;
}
async function sleep_page_inspect(env, listenerRule, targetGroup) {
    const planned = env.plan.resources.sleepPage;
    const { group, roleArn, schedules } = planned.spec;
    const base = { id: 'sleepPage', name: planned.name };
    if (!group || !roleArn)
        return { ...base, action: 'none', changes: [] };
    const groupArn = await readGroup(env, group);
    const existing = groupArn ? await readSchedules(env, group) : new Map();
    const [rule, tg] = await Promise.all([listenerRule, targetGroup]);
    const differs = (want) => {
        const current = existing.get(want.name);
        if (!current || !rule.arn || !tg.arn)
            return true;
        return (current.ScheduleExpression !== want.expression ||
            current.ScheduleExpressionTimezone !== want.timezone ||
            current.State !== 'ENABLED' ||
            current.Target?.Arn !== sleep_page/* MODIFY_RULE_TARGET */.mN ||
            current.Target.RoleArn !== roleArn ||
            current.Target.Input !== inputFor(env, want, rule.arn, tg.arn));
    };
    const puts = schedules.filter(differs);
    const deletes = [...existing.keys()].filter((name) => !schedules.some((s) => s.name === name));
    const changes = [
        ...(groupArn || !schedules.length ? [] : [`create the schedule group ${group}`]),
        ...puts.map((s) => `${s.name}: ${s.expression} ${s.timezone} → ${s.shows === 'page' ? 'the sleep page' : 'the site'}${existing.has(s.name) ? ' (changed)' : ''}`),
        ...deletes.map((name) => `${name}: removed (awake ${env.plan.resources.scheduledActions.spec.awake})`),
    ];
    if (!changes.length)
        return { ...base, action: 'none', changes, arn: groupArn };
    return {
        ...base,
        action: existing.size ? 'update' : 'create',
        changes,
        ...(groupArn ? { arn: groupArn } : {}),
        apply: () => applySchedules(env, { group, roleArn, groupArn, existing, puts, deletes }),
    };
}
/** A row for each of the site's schedules that exists (one that never existed is not worth a line). */
async function sleep_page_removals(env) {
    const group = env.platform.schedule.sleep_page?.schedule_group;
    if (!group)
        return [];
    const scheduler = env.clients.scheduler;
    const rows = await Promise.all((0,sleep_page/* siteScheduleNames */.RO)(env.target.link).map(async (name) => {
        const row = {
            resource: 'schedule',
            name: `${group}/${name}`,
            data: false,
            step: 'sleep page',
        };
        if (!(await getSchedule(scheduler, group, name)))
            return undefined;
        return {
            ...row,
            plan: 'remove',
            apply: async () => (await deleteSchedule(scheduler, group, name)) ? 'removed' : 'already gone',
        };
    }));
    return rows.filter((r) => r !== undefined);
}
const sleepPage = {
    id: 'sleepPage',
    kind: 'sleep page schedules',
    plan: sleep_page_plan/* planSleepPage */.m,
    inspect: sleep_page_inspect,
    removals: sleep_page_removals,
    // Schedules carry no tags; the group is the suite's, not one site's.
};

// EXTERNAL MODULE: ../../packages/core/dist/resources/target-group.plan.js
var target_group_plan = __webpack_require__(412);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/target-group.js
// The site's target group: planned from the platform's ALB settings, created or brought back to the
// plan's health check and deregistration delay (protocol, port, VPC and target type cannot change in
// place), removed after the rule that forwards to it (ELB refuses to delete a group still in use).






const target_group_KIND = 'target group';
const DELAY_KEY = 'deregistration_delay.timeout_seconds';
/** The target group of this name, if there is one. */
async function target_group_read(clients, name) {
    try {
        const out = await clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTargetGroupsCommand */.sC7({ Names: [name] }));
        return out.TargetGroups?.[0];
    }
    catch (err) {
        if (err instanceof client_elastic_load_balancing_v2_dist_cjs/* TargetGroupNotFoundException */.JOe)
            return undefined;
        throw err;
    }
}
const healthCheckOf = (spec) => ({
    HealthCheckPath: spec.healthCheck.path,
    Matcher: { HttpCode: spec.healthCheck.matcher },
    HealthCheckIntervalSeconds: spec.healthCheck.intervalSeconds,
    HealthyThresholdCount: spec.healthCheck.healthyThresholdCount,
});
const setDelay = (clients, arn, spec) => clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyTargetGroupAttributesCommand */.fHb({
    TargetGroupArn: arn,
    Attributes: [{ Key: DELAY_KEY, Value: String(spec.deregistrationDelaySeconds) }],
}));
function target_group_create(env, spec) {
    return {
        id: 'targetGroup',
        name: spec.name,
        action: 'create',
        changes: [`create ${spec.protocol}:${spec.port} target type ip`],
        apply: async () => {
            // CreateTargetGroup is idempotent for the same name and settings (ELBv2 API reference).
            const out = await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* CreateTargetGroupCommand */.GGF({
                Name: spec.name,
                Protocol: spec.protocol,
                Port: spec.port,
                VpcId: spec.vpcId,
                TargetType: spec.targetType,
                HealthCheckProtocol: spec.protocol,
                ...healthCheckOf(spec),
                Tags: awsTags(spec.tags),
            }));
            const arn = out.TargetGroups?.[0]?.TargetGroupArn;
            if (!arn)
                throw new Error(`CreateTargetGroup ${spec.name} returned no ARN`);
            await setDelay(env.clients, arn, spec);
            return arn;
        },
    };
}
/** The health check's differences from the plan, as people read them. */
function healthCheckChanges(current, spec) {
    const hc = spec.healthCheck;
    const changes = [];
    if (current.HealthCheckPath !== hc.path)
        changes.push(`health check path: ${current.HealthCheckPath} → ${hc.path}`);
    if (current.Matcher?.HttpCode !== hc.matcher)
        changes.push(`health check codes: ${current.Matcher?.HttpCode} → ${hc.matcher}`);
    if (current.HealthCheckIntervalSeconds !== hc.intervalSeconds)
        changes.push(`health check interval: ${current.HealthCheckIntervalSeconds} → ${hc.intervalSeconds}`);
    if (current.HealthyThresholdCount !== hc.healthyThresholdCount)
        changes.push(`healthy threshold: ${current.HealthyThresholdCount} → ${hc.healthyThresholdCount}`);
    return changes;
}
async function target_group_inspect(env) {
    const spec = env.plan.resources.targetGroup.spec;
    const current = await target_group_read(env.clients, spec.name);
    if (!current)
        return target_group_create(env, spec);
    const base = { id: 'targetGroup', name: spec.name };
    const arn = current.TargetGroupArn;
    checkOwned(env, {
        id: 'targetGroup',
        kind: target_group_KIND,
        name: spec.name,
        arn,
        tags: await elbTags(env.clients, arn),
    });
    if (current.Protocol !== spec.protocol ||
        current.Port !== spec.port ||
        current.VpcId !== spec.vpcId ||
        current.TargetType !== spec.targetType) {
        throw new errors/* ConfigurationError */.j1(`target group ${spec.name} is ${current.Protocol}:${current.Port} (${current.TargetType}) in ${current.VpcId}, the plan wants ` +
            `${spec.protocol}:${spec.port} (${spec.targetType}) in ${spec.vpcId}; these cannot be changed in place: destroy the site and deploy it again`);
    }
    const changes = healthCheckChanges(current, spec);
    const healthChanged = changes.length > 0;
    const delay = String(spec.deregistrationDelaySeconds);
    const attrs = await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTargetGroupAttributesCommand */.cKh({ TargetGroupArn: arn }));
    const currentDelay = attrs.Attributes?.find((a) => a.Key === DELAY_KEY)?.Value;
    if (currentDelay !== delay)
        changes.push(`deregistration delay: ${currentDelay ?? '(default)'} → ${delay} s`);
    if (changes.length === 0)
        return { ...base, action: 'none', changes, arn };
    return {
        ...base,
        action: 'update',
        changes,
        arn,
        apply: async () => {
            if (healthChanged)
                await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyTargetGroupCommand */.Aez({ TargetGroupArn: arn, ...healthCheckOf(spec) }));
            if (currentDelay !== delay)
                await setDelay(env.clients, arn, spec);
            return arn;
        },
    };
}
async function target_group_removals(env) {
    const name = env.target.names.targetGroupName;
    const base = { resource: target_group_KIND, name, data: false, step: 'target group' };
    const arn = (await target_group_read(env.clients, name))?.TargetGroupArn;
    if (!arn)
        return [{ ...base, plan: 'gone' }];
    if (!types_ownedBy(await elbTags(env.clients, arn), env.target.link))
        return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
    return [
        {
            ...base,
            plan: 'remove',
            apply: async () => {
                // DeleteTargetGroup succeeds for a group that is gone already (it has no not-found error).
                await env.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DeleteTargetGroupCommand */.tX({ TargetGroupArn: arn }));
                return 'removed';
            },
        },
    ];
}
const targetGroup = {
    id: 'targetGroup',
    kind: target_group_KIND,
    plan: target_group_plan/* planTargetGroup */.K,
    inspect: target_group_inspect,
    removals: target_group_removals,
    tag: addElbTags,
};

;// CONCATENATED MODULE: ../../packages/core/dist/secrets.js
// Hiding secrets in text the suite writes itself (the CLI's log lines, a runner's console output):
// each secret as itself and as it shows inside base64 or base64url text. Inside a longer base64 text a
// secret starts at one of three byte offsets modulo 3, and each offset encodes it differently; the
// characters that depend only on the secret's own bytes are the same wherever it sits, so hiding those
// three runs hides it in any base64 text. (The GitHub runner masks these shifts for core.setSecret
// itself: actions/runner's ValueEncoders.Base64StringEscapeShift1/2.)
/** Shorter encoded runs than this are not hidden: they would hide common text, not a secret. */
const MIN_FORM = 6;
/**
 * The run of base64 characters that encodes `secret` when it starts `shift` bytes (0-2) after a
 * 3-byte boundary: characters whose 6 bits come from the secret's bytes alone.
 */
function base64Run(secret, shift, url) {
    const encoded = Buffer.concat([Buffer.alloc(shift), secret]).toString(url ? 'base64url' : 'base64');
    const first = Math.ceil((8 * shift) / 6); // the characters before hold bits of the bytes before
    const end = Math.floor((8 * (shift + secret.length)) / 6); // the ones after, bits of the bytes after
    return encoded.slice(first, end);
}
/** Every form of a secret to hide, longest first (so no shorter form splits a longer one). */
function secretForms(secret) {
    const bytes = Buffer.from(secret);
    const forms = new Set([secret]);
    for (const url of [false, true]) {
        // Whole: what base64 of the secret alone reads, padding included.
        forms.add(bytes.toString(url ? 'base64url' : 'base64'));
        for (const shift of [0, 1, 2])
            forms.add(base64Run(bytes, shift, url));
    }
    return [...forms]
        .filter((f) => f === secret || f.length >= MIN_FORM)
        .filter(Boolean)
        .sort((a, b) => b.length - a.length);
}
/** `text` with each secret, and each of its base64 forms, replaced by ***. */
function redactSecrets(text, secrets) {
    const forms = [...new Set(secrets.filter(Boolean).flatMap(secretForms))].sort((a, b) => b.length - a.length);
    return forms.reduce((out, form) => out.split(form).join('***'), text);
}
/**
 * Names of environment variables that hold credentials (today's revisions carry some in plain text).
 * Words, not exact names: `DB_PASSWORD`, `MYSQL_PWD`, `SMTP_PASSWD`, `API_TOKEN`, `CLIENT_SECRET`,
 * `AWS_SECRET_ACCESS_KEY`, `OAUTH_CREDENTIALS`, `AUTH_SALT`, `PRIVATE_KEY`. Hiding a value that is not
 * a secret costs a diff line its detail; showing one that is costs the secret.
 */
const CREDENTIAL_NAME = /pass|pwd|secret|token|key|credential|auth|salt|private|cookie|session/i;
/** Names of variables that hold a password: `MOODLE_DB_PASSWORD`, `DB_PASSWD`, `MYSQL_PWD`. */
const PASSWORD_NAME = /pass|pwd/i;
const isCredentialName = (name) => CREDENTIAL_NAME.test(name);
const isPasswordName = (name) => PASSWORD_NAME.test(name);

// EXTERNAL MODULE: ../../packages/core/dist/resources/task-definition.plan.js
var task_definition_plan = __webpack_require__(3524);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/task-definition.js
// The site's task definition. Deploy registers a new revision only when the latest ACTIVE one differs
// from the plan (compared on the keys we set, so keys AWS fills in never cause a new revision on
// every run). Destroy deregisters every ACTIVE revision of the site's family and of its SQL task
// family tagged as the site's (an untagged one — Terraform's — is left alone); deregistered, not
// deleted: a later purge of kept data registers a copy of the latest one to run its rm task.







/** `valueFrom` of a Secrets Manager JSON key: `<secret ARN>:<json key>::` (ECS developer guide, "secrets"). */
const secretValueFrom = (secretArn, ref) => `${secretArn}:${ref.jsonKey}::`;
/** The reverse, for comparison: a secret's name and key from its valueFrom (ARN suffix `-AbCdEf` dropped). */
function secretRefOf(valueFrom) {
    const m = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}:([^:]+):[^:]*:[^:]*$/.exec(valueFrom);
    return m ? { secret: m[1], jsonKey: m[2] } : undefined;
}
/** The plan's task definition as RegisterTaskDefinition input, secrets resolved to the secret's ARN. */
function registerInput(spec, secretArn) {
    return {
        ...spec,
        requiresCompatibilities: [...spec.requiresCompatibilities],
        containerDefinitions: spec.containerDefinitions.map((c) => ({
            ...c,
            secrets: c.secrets.map((s) => ({ name: s.name, valueFrom: secretValueFrom(secretArn, s.valueFrom) })),
        })),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    };
}
/** The planned spec and the current revision in one comparable shape (secrets by name, no tags). */
function comparable(spec) {
    const { tags: _tags, ...rest } = spec;
    return rest;
}
function currentComparable(td) {
    return {
        ...td,
        containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({
            ...c,
            secrets: (c.secrets ?? []).map((s) => ({
                name: s.name,
                valueFrom: secretRefOf(s.valueFrom ?? '') ?? s.valueFrom,
            })),
        })),
    };
}
/** A revision as a diff shows it: credentials in its environment never reach a log line. */
function withoutCredentials(td) {
    const t = td;
    return {
        ...t,
        containerDefinitions: (t.containerDefinitions ?? []).map((c) => ({
            ...c,
            environment: c.environment?.map((e) => (isCredentialName(e.name ?? '') ? { ...e, value: '***' } : e)),
        })),
    };
}
function valueAt(root, path) {
    return path
        .split(/\.|\[(\d+)\]/)
        .filter((p) => p !== undefined && p !== '')
        .reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), root);
}
const task_definition_short = (v) => {
    const s = v === undefined ? '(none)' : JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};
async function task_definition_inspect(env, secretCreated) {
    const spec = env.plan.resources.taskDefinition.spec;
    const base = { id: 'taskDefinition', name: spec.family };
    const register = async () => {
        const secretArn = env.refs.get('dbSecret');
        if (!secretArn)
            throw new Error('the DB secret ARN is unknown: the secret must be converged first');
        const out = await env.clients.ecs.send(new client_ecs_dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(registerInput(spec, secretArn)));
        return out.taskDefinition?.taskDefinitionArn;
    };
    let current;
    let tags = {};
    try {
        const out = await env.clients.ecs.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: spec.family, include: ['TAGS'] }));
        current = out.taskDefinition;
        tags = normalise_tagRecord(out.tags);
    }
    catch (err) {
        // ECS answers ClientException "Unable to describe task definition" for an unknown family.
        if (!(err instanceof client_ecs_dist_cjs/* ClientException */.P6G))
            throw err;
    }
    if (!current || current.status !== 'ACTIVE') {
        return { ...base, action: 'create', changes: ['register the first revision'], apply: register };
    }
    checkOwned(env, {
        id: 'taskDefinition',
        kind: 'task definition',
        name: `${spec.family}:${current.revision}`,
        arn: current.taskDefinitionArn,
        tags,
    });
    const drift = driftPaths(comparable(spec), currentComparable(current));
    // A new secret means a new ARN in valueFrom: the revision must change with it.
    if (secretCreated)
        drift.push('containerDefinitions[0].secrets');
    const missingTags = Object.entries(spec.tags).filter(([k, v]) => tags[k] !== v);
    if (drift.length === 0 && missingTags.length === 0) {
        return { ...base, action: 'none', changes: [], arn: current.taskDefinitionArn };
    }
    if (drift.length === 0) {
        return {
            ...base,
            action: 'update',
            arn: current.taskDefinitionArn,
            changes: missingTags.map(([k, v]) => `tag ${k}: ${tags[k] ?? '(none)'} → ${v}`),
            apply: async () => {
                await env.clients.ecs.send(new client_ecs_dist_cjs/* TagResourceCommand */.eqU({
                    resourceArn: current.taskDefinitionArn,
                    tags: missingTags.map(([key, value]) => ({ key, value })),
                }));
                return current.taskDefinitionArn;
            },
        };
    }
    const want = comparable(spec);
    const have = withoutCredentials(currentComparable(current));
    return {
        ...base,
        action: 'update',
        arn: current.taskDefinitionArn,
        changes: [...new Set(drift)].map((p) => `${p}: ${task_definition_short(valueAt(have, p))} → ${task_definition_short(valueAt(want, p))}`),
        apply: register,
    };
}
const task_definition_revisionOf = (arn) => Number(/:(\d+)$/.exec(arn)?.[1] ?? 0);
/** ARNs of a family's revisions in one status, newest first (paged ListTaskDefinitions). */
async function revisions(env, family, status) {
    const arns = [];
    // ECS matches familyPrefix against whole family names (mdl_sql_task-a does not list mdl_sql_task-ab);
    // the filter below keeps that true whatever the service does.
    for await (const page of paginateListTaskDefinitions({ client: env.clients.ecs }, { familyPrefix: family, status, sort: 'DESC' }))
        arns.push(...(page.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.startsWith(`${family}:`)));
    return arns.sort((a, b) => task_definition_revisionOf(b) - task_definition_revisionOf(a));
}
async function describe(env, arn) {
    const out = await env.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
    return { td: out.taskDefinition, tags: out.tags ?? [] };
}
async function readFamily(env, family) {
    const arns = await revisions(env, family, 'ACTIVE');
    const described = await Promise.all(arns.map(async (arn) => ({ arn, ...(await describe(env, arn)) })));
    const owned = described.filter((d) => ownedBy(tagRecord(d.tags), env.target.link));
    const ours = owned.map((d) => d.arn);
    return {
        family,
        ...(owned[0]?.td ? { latest: owned[0].td } : {}),
        ours: ours.sort((a, b) => task_definition_revisionOf(a) - task_definition_revisionOf(b)),
        notOurs: arns.filter((a) => !ours.includes(a)).sort((a, b) => task_definition_revisionOf(a) - task_definition_revisionOf(b)),
    };
}
/** The newest deregistered revision of a family that is the site's, to copy for a purge's task. */
async function latestOwnedInactive(env, family) {
    for (const arn of await revisions(env, family, 'INACTIVE')) {
        const { td, tags } = await describe(env, arn);
        if (td && ownedBy(tagRecord(tags), env.target.link))
            return { td, tags };
    }
    return undefined;
}
/** Registers a copy of a (deregistered) revision; it is deregistered again with the rest. */
async function registerCopy(env, td, tags) {
    const input = {
        family: td.family,
        taskRoleArn: td.taskRoleArn,
        executionRoleArn: td.executionRoleArn,
        networkMode: td.networkMode,
        containerDefinitions: td.containerDefinitions,
        volumes: td.volumes,
        placementConstraints: td.placementConstraints,
        requiresCompatibilities: td.requiresCompatibilities,
        cpu: td.cpu,
        memory: td.memory,
        runtimePlatform: td.runtimePlatform,
        ...(td.ephemeralStorage ? { ephemeralStorage: td.ephemeralStorage } : {}),
        tags,
    };
    const out = await env.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
    const arn = out.taskDefinition.taskDefinitionArn;
    env.registered.push(arn);
    return arn;
}
const revisionName = (arn) => arn.split('/').pop();
/**
 * The rows of one family: its revisions of ours, deregistered together with any this run registers
 * (`willRegister`: the purge's one-off tasks), and the untagged ones, left alone.
 */
function familyRows(env, found, willRegister) {
    const base = { resource: 'task definition', data: false, step: 'task definitions' };
    const rows = [];
    if (found.notOurs.length)
        rows.push({
            ...base,
            name: found.notOurs.map(revisionName).join(', '),
            plan: 'not-ours',
            note: 'not tagged as this site’s',
        });
    if (found.ours.length === 0 && !willRegister) {
        rows.push({ ...base, name: found.family, plan: 'gone' });
        return rows;
    }
    const row = {
        ...base,
        name: found.ours.length ? found.ours.map(revisionName).join(', ') : found.family,
        plan: 'remove',
        ...(found.ours.length ? {} : { note: 'the revision this run registers for its purge task' }),
    };
    row.apply = async () => {
        const extra = env.registered.filter((a) => revisionName(a).startsWith(`${found.family}:`) && !found.ours.includes(a));
        if (extra.length)
            row.note = `and ${extra.map(revisionName).join(', ')}, registered by this run for its purge task`;
        const all = [...found.ours, ...extra];
        // All settle before a failure is reported: nothing of this run may still be changing AWS after it.
        const done = await Promise.allSettled(all.map((arn) => env.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))));
        const failed = done.find((d) => d.status === 'rejected');
        if (failed)
            throw failed.reason;
        return 'removed';
    };
    rows.push(row);
    return rows;
}
const taskDefinition = {
    id: 'taskDefinition',
    kind: 'task definition',
    plan: task_definition_plan/* planTaskDefinition */.I,
    inspect: task_definition_inspect,
    // Destroy reads the site's family and the SQL task family together with the purge's needs:
    // readFamily, familyRows, latestOwnedInactive and registerCopy above.
    tag: tagEcsResource,
};

;// CONCATENATED MODULE: ../../packages/core/dist/resources/index.js












const SITE_RESOURCES = {
    siteRegistration: siteRegistration,
    cronRegistration: cronRegistration,
    dbSecret: dbSecret,
    databases: databases,
    dbUser: dbUser,
    moodledata: moodledata,
    redis: redis,
    logGroup: logGroup,
    taskDefinition: taskDefinition,
    targetGroup: targetGroup,
    listenerRule: listenerRule,
    service: service,
    scalingTarget: scalingTarget,
    scalingPolicy: scalingPolicy,
    scheduledActions: scheduledActions,
    sleepPage: sleepPage,
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
                return get('dbSecret').then((s) => taskDefinition.inspect(env, s.action === 'create'));
            case 'listenerRule':
                return listenerRule.inspect(env, get('targetGroup'));
            case 'sleepPage':
                return sleepPage.inspect(env, get('listenerRule'), get('targetGroup'));
            case 'service':
                return service.inspect(env, get('taskDefinition'), get('targetGroup'));
            case 'databases':
                return databases.inspect(env, get('dbSecret'));
            case 'dbUser':
                return dbUser.inspect(env, get('dbSecret'));
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
    const registry = new SiteRegistry(clients.ssm, undefined, options.platform.tags);
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
    for (const derived of [siteRegistration, cronRegistration, redis])
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
                valueFrom: secretValueFrom(s.valueFrom.secret.startsWith('arn:') ? s.valueFrom.secret : siteSecretArn, s.valueFrom),
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
            if (td?.status === 'ACTIVE' && driftPaths(wanted, td).length === 0 && td.taskDefinitionArn)
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
;// CONCATENATED MODULE: ./src/engine.ts
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
        const tasks = oneOffTaskRunner(clients);
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
