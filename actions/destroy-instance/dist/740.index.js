export const id = 740;
export const ids = [740];
export const modules = {

/***/ 1740:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  destroy: () => (/* binding */ destroy)
});

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

// EXTERNAL MODULE: ../../packages/core/dist/destroy/destroy-target.js
var destroy_target = __webpack_require__(2019);
// EXTERNAL MODULE: ../../node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(3045);
// EXTERNAL MODULE: ../../packages/core/dist/fleet/awake-schedule.js
var awake_schedule = __webpack_require__(4214);
// EXTERNAL MODULE: ../../packages/core/dist/naming.js
var naming = __webpack_require__(6088);
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
function sameEntry(a, b) {
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

// EXTERNAL MODULE: ../../packages/core/dist/github/runner.js
var runner = __webpack_require__(152);
;// CONCATENATED MODULE: ../../packages/core/dist/deploy/normalise.js
// Compare what we want with what AWS has, seeing only the keys we set: AWS fills in keys of its own
// (revision, status, registeredAt, container cpu 0, empty volumesFrom …) that must not count as drift.
/** Paths (`a.b[0].c`) where `actual` differs from `wanted`, looking only at keys `wanted` sets. */
function normalise_driftPaths(wanted, actual, at = '') {
    if (wanted === undefined)
        return [];
    if (Array.isArray(wanted)) {
        if (!Array.isArray(actual) || actual.length !== wanted.length)
            return [at || '(root)'];
        return wanted.flatMap((w, i) => normalise_driftPaths(w, actual[i], `${at}[${i}]`));
    }
    if (wanted !== null && typeof wanted === 'object') {
        if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
            return [at || '(root)'];
        return Object.entries(wanted).flatMap(([k, v]) => normalise_driftPaths(v, actual[k], at ? `${at}.${k}` : k));
    }
    return Object.is(wanted, actual) || scalarText(wanted) === scalarText(actual) ? [] : [at || '(root)'];
}
/** A leaf as text for comparison (`1` and `'1'` are the same setting); a structure as its JSON. */
const scalarText = (v) => typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
/** AWS tag lists (`[{key,value}]` or `[{Key,Value}]`) as a record. */
function tagRecord(tags) {
    const out = {};
    for (const t of tags ?? []) {
        const k = t.key ?? t.Key;
        if (k !== undefined)
            out[k] = t.value ?? t.Value ?? '';
    }
    return out;
}

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

;// CONCATENATED MODULE: ../../packages/core/dist/destroy/types.js

/**
 * The safe order of a destroy: nothing switches the rule (the sleep page's schedules), nothing routes to the service before it goes, data goes only once no
 * task can use it, a task definition only after the one-off tasks that need it, the DB secret after
 * the data it opens, and the registry entry — the record of what the site had — last of all.
 */
const REMOVAL_STEPS = [
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
];
/** A resource's tags say it is this site's and the suite's. */
const ownedBy = (tags, previewLink) => tags[naming/* TAG_MANAGED_BY */.RJ] === naming/* SUITE_NAME */.tb && tags[naming/* TAG_SITE */.lR] === previewLink;
/** Why a data row is kept: said the same way for every kind of data. */
const KEEP_NOTE = 'data: kept (purge-data and confirm remove it)';
/** Runs `fn` once, however many rows share its outcome. */
function once(fn) {
    let p;
    return () => (p ??= fn());
}

// EXTERNAL MODULE: ../../packages/core/dist/errors.js
var errors = __webpack_require__(8247);
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

// EXTERNAL MODULE: ../../packages/core/dist/resources/task-definition.plan.js
var task_definition_plan = __webpack_require__(3524);
// EXTERNAL MODULE: ../../node_modules/@smithy/core/dist-cjs/submodules/client/index.js
var submodules_client = __webpack_require__(4614);
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
    checkOwned(env, { id: 'service', kind: KIND, name: spec.serviceName, arn, tags: tagRecord(current.tags) });
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
    if (!ownedBy(tagRecord(current.tags), target.link))
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
const service_service = {
    id: 'service',
    kind: KIND,
    plan: service_plan/* planService */.$,
    inspect,
    removals,
    tag: tagEcsResource,
};

;// CONCATENATED MODULE: ../../packages/core/dist/resources/task-definition.js
// The site's task definition. Deploy registers a new revision only when the latest ACTIVE one differs
// from the plan (compared on the keys we set, so keys AWS fills in never cause a new revision on
// every run). Destroy deregisters every ACTIVE revision of the site's family and of its SQL task
// family tagged as the site's (an untagged one — Terraform's — is left alone); deregistered, not
// deleted: a later purge of kept data registers a copy of the latest one to run its rm task.







/** `valueFrom` of a Secrets Manager JSON key: `<secret ARN>:<json key>::` (ECS developer guide, "secrets"). */
const task_definition_secretValueFrom = (secretArn, ref) => `${secretArn}:${ref.jsonKey}::`;
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
            secrets: c.secrets.map((s) => ({ name: s.name, valueFrom: task_definition_secretValueFrom(secretArn, s.valueFrom) })),
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
        tags = tagRecord(out.tags);
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
    const drift = normalise_driftPaths(comparable(spec), currentComparable(current));
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
const revisionOf = (arn) => Number(/:(\d+)$/.exec(arn)?.[1] ?? 0);
/** ARNs of a family's revisions in one status, newest first (paged ListTaskDefinitions). */
async function revisions(env, family, status) {
    const arns = [];
    // ECS matches familyPrefix against whole family names (mdl_sql_task-a does not list mdl_sql_task-ab);
    // the filter below keeps that true whatever the service does.
    for await (const page of (0,client_ecs_dist_cjs/* paginateListTaskDefinitions */.XPO)({ client: env.clients.ecs }, { familyPrefix: family, status, sort: 'DESC' }))
        arns.push(...(page.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.startsWith(`${family}:`)));
    return arns.sort((a, b) => revisionOf(b) - revisionOf(a));
}
async function describe(env, arn) {
    const out = await env.clients.ecs.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: arn, include: ['TAGS'] }));
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
        ours: ours.sort((a, b) => revisionOf(a) - revisionOf(b)),
        notOurs: arns.filter((a) => !ours.includes(a)).sort((a, b) => revisionOf(a) - revisionOf(b)),
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
    const out = await env.clients.ecs.send(new client_ecs_dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input));
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
        const done = await Promise.allSettled(all.map((arn) => env.clients.ecs.send(new client_ecs_dist_cjs/* DeregisterTaskDefinitionCommand */.sjB({ taskDefinition: arn }))));
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

;// CONCATENATED MODULE: ../../packages/core/dist/db/mysql-driver.js
let driver;
function loadMysql() {
    driver ??= __webpack_require__.e(/* import() */ 384).then(__webpack_require__.t.bind(__webpack_require__, 2384, 19)).then((m) => m.default);
    return driver;
}

// EXTERNAL MODULE: ../../packages/core/dist/db/provision-sql.js
var provision_sql = __webpack_require__(4983);
;// CONCATENATED MODULE: ../../packages/core/dist/db/purge-sql.js
// The SQL that removes a site's databases and users when destroy-instance purges its data, as values
// with no I/O: the direct mysql2 path and the in-VPC SqlTask both build, read and report through it.



/** Schemas of the server itself: never a site's, whatever a registry entry says. */
const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
/** Accounts of the server and of RDS/Aurora themselves. */
const SYSTEM_USERS = new Set(['root', 'mysql', 'rdsadmin', 'rdsrepladmin', 'rdsproxyadmin', 'admin']);
/**
 * Checks every name that will be spliced into a DROP, again (they come from a registry entry, which
 * anyone with SSM access can edit): identifiers only, no system schema or account, and never the
 * admin account the statements run as. One ConfigurationError with all problems.
 */
function checkPurgeTarget(target, adminUser) {
    const problems = [];
    const identifier = (what, name, max) => {
        if (typeof name !== 'string' || !naming/* MYSQL_IDENTIFIER */.$V.test(name))
            problems.push(`${what} ${JSON.stringify(name)} must be letters, digits and underscores (not all digits)`);
        else if (name.length > max)
            problems.push(`${what} ${name} is longer than ${max} characters`);
    };
    if (target.databases.length === 0 && target.users.length === 0)
        problems.push('nothing to drop');
    for (const db of target.databases) {
        identifier('database name', db, naming/* MAX_DB_NAME_LENGTH */.nU);
        if (SYSTEM_SCHEMAS.has(String(db).toLowerCase()))
            problems.push(`database ${db} belongs to the server itself`);
    }
    for (const user of target.users) {
        identifier('database user', user, naming/* MAX_DB_USER_LENGTH */.fS);
        if (SYSTEM_USERS.has(String(user).toLowerCase()))
            problems.push(`database user ${user} is a system account`);
        if (adminUser !== undefined && user === adminUser)
            problems.push(`database user ${user} is the admin account the purge runs as`);
    }
    if (problems.length > 0)
        throw new errors/* ConfigurationError */.j1(`refusing to purge the site's databases:\n- ${problems.join('\n- ')}`);
}
const account = (user) => `${(0,provision_sql/* quoteIdentifier */.Cm)(user)}@${(0,provision_sql/* quoteIdentifier */.Cm)('%')}`;
/** A single-quoted literal of a checked identifier (letters, digits, underscores: nothing to escape). */
const literal = (name) => `'${name}'`;
/** Every DROP of a purge, each a no-op when its object is gone already, so a re-run is harmless. */
function purgeStatements(target, adminUser) {
    checkPurgeTarget(target, adminUser);
    return [
        ...target.databases.map((db) => ({
            kind: 'drop-database',
            subject: db,
            action: `drop database ${db}`,
            sql: `DROP DATABASE IF EXISTS ${(0,provision_sql/* quoteIdentifier */.Cm)(db)}`,
        })),
        ...target.users.map((user) => ({
            kind: 'drop-user',
            subject: user,
            action: `drop user ${user}@'%'`,
            sql: `DROP USER IF EXISTS ${account(user)}`,
        })),
    ];
}
/**
 * Read-only queries whose rows (first column a tag) say which of the target's databases and users
 * exist: plain SELECTs, so they run the same through mysql2 and through `mysql --batch`.
 */
function purgeStateQueries(target, adminUser) {
    checkPurgeTarget(target, adminUser);
    const queries = [];
    if (target.databases.length > 0)
        queries.push("SELECT 'database', SCHEMA_NAME FROM information_schema.SCHEMATA " +
            `WHERE SCHEMA_NAME IN (${target.databases.map(literal).join(', ')}) ORDER BY SCHEMA_NAME`);
    if (target.users.length > 0) {
        // Every account holds at least USAGE, so it has a row here (the same check as provisioning).
        const grantees = target.users.map((u) => literal(`''${u}''@''%''`)).join(', ');
        queries.push("SELECT DISTINCT 'user', GRANTEE FROM information_schema.USER_PRIVILEGES " +
            `WHERE GRANTEE IN (${grantees}) ORDER BY GRANTEE`);
    }
    return queries;
}
/** Rows of `purgeStateQueries` (any order, other rows ignored) back into a state. */
function parsePurgeState(rows) {
    const state = { databases: [], users: [] };
    for (const row of rows) {
        const [tag, value] = row.map(provision_sql/* cellText */.Ie);
        if (tag === 'database' && value)
            state.databases.push(value);
        // GRANTEE reads 'user'@'%'.
        const user = tag === 'user' ? /^'(.*)'@'%'$/.exec(value ?? '')?.[1] : undefined;
        if (user)
            state.users.push(user);
    }
    return state;
}
/** What a purge of `target` does to a server in `state`: drops what exists, reports the rest. */
function purgeResult(target, state) {
    const split = (wanted, present) => ({
        there: wanted.filter((n) => present.includes(n)),
        gone: wanted.filter((n) => !present.includes(n)),
    });
    const dbs = split(target.databases, state.databases);
    const users = split(target.users, state.users);
    return {
        dropped: { databases: dbs.there, users: users.there },
        absent: { databases: dbs.gone, users: users.gone },
    };
}
/**
 * The SQL of a purging SqlTask: the state queries first (their rows tell the result what existed),
 * then every DROP. One task, one round trip; no password is involved.
 */
function purgeTaskSql(target, adminUser) {
    return (0,provision_sql/* sqlScript */.Af)([
        ...purgeStateQueries(target, adminUser),
        ...purgeStatements(target, adminUser).map((s) => s.sql),
    ]);
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/purge-direct.js
// Purges a site's databases and users over a direct mysql2 connection (`db-access: direct`, a job
// inside the VPC): read what exists, drop it, report what was there and what was gone already.



async function connectAdmin(server) {
    try {
        return await (await loadMysql()).createConnection({
            host: server.host,
            port: server.port,
            user: server.adminUser,
            password: server.adminPassword,
            connectTimeout: server.connectTimeoutMs ?? 10_000,
            multipleStatements: false,
            ...(server.ssl !== undefined ? { ssl: server.ssl } : {}),
        });
    }
    catch (err) {
        const e = err;
        const reason = (e.message ?? String(err)).split(server.adminPassword).join('***');
        throw new errors/* ConfigurationError */.j1(`cannot connect to MySQL at ${server.host}:${server.port} as ${server.adminUser}: ${e.code ?? 'error'} (${reason}); ` +
            'if the server is private to the VPC use `db-access: task`, else check the host, port and admin secret');
    }
}
async function purge_direct_close(conn) {
    try {
        await conn.end();
    }
    catch {
        conn.destroy();
    }
}
async function readState(conn, target, server) {
    const rows = [];
    for (const sql of purgeStateQueries(target, server.adminUser)) {
        const [result] = await conn.query({ sql, rowsAsArray: true });
        rows.push(...result);
    }
    return parsePurgeState(rows);
}
/** Which of the target's databases and users exist (read-only: dry-run and the summary). */
async function inspectPurgeDirect(target, server) {
    purgeStatements(target, server.adminUser); // refuse bad names before connecting
    const conn = await connectAdmin(server);
    try {
        return await readState(conn, target, server);
    }
    finally {
        await purge_direct_close(conn);
    }
}
/** Drops what exists of the target; what is gone already is reported, not an error. */
async function purgeDirect(target, server, log = () => { }) {
    const statements = purgeStatements(target, server.adminUser);
    const conn = await connectAdmin(server);
    try {
        const result = purgeResult(target, await readState(conn, target, server));
        // A database and a user often share a name (mdl_<link>): key them by kind.
        const present = new Set([
            ...result.dropped.databases.map((d) => `drop-database ${d}`),
            ...result.dropped.users.map((u) => `drop-user ${u}`),
        ]);
        for (const st of statements) {
            if (!present.has(`${st.kind} ${st.subject}`))
                continue;
            log(st.action);
            try {
                await conn.query(st.sql);
            }
            catch (err) {
                const e = err;
                throw new Error(`${st.action} failed: ${e.code ?? 'error'}: ${e.message ?? String(err)}`);
            }
        }
        return result;
    }
    finally {
        await purge_direct_close(conn);
    }
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
            const { taskDefinition: td } = await deps.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: spec.family }));
            const { tags: _t, ...wanted } = input;
            if (td?.status === 'ACTIVE' && driftPaths(wanted, td).length === 0 && td.taskDefinitionArn)
                return td.taskDefinitionArn;
        }
        catch (err) {
            if (!(err instanceof ClientException))
                throw err;
        }
        const out = await deps.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
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

// EXTERNAL MODULE: ../../packages/core/dist/db/sql-task.js
var sql_task = __webpack_require__(9091);
;// CONCATENATED MODULE: ../../packages/core/dist/db/purgers.js
// The two ways destroy-instance drops a site's databases and users, as provisioning creates them:
// `direct` (mysql2 from a runner in the VPC) and `task` (a one-off SQL task in the VPC).








function directPurger(deps) {
    const server = async () => {
        const admin = await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn);
        return {
            host: deps.site.dbHost,
            port: deps.site.dbPort,
            adminUser: admin.user,
            adminPassword: admin.password,
        };
    };
    return {
        mode: 'direct',
        inspect: async (target) => inspectPurgeDirect(target, await server()),
        purge: async (target) => purgeDirect(target, await server(), (l) => deps.log.info(`  ${l}`)),
    };
}
/**
 * The purge's SQL task definition: the site's SQL task without the site's DB secret, which a purge
 * does not need and which an interrupted purge may already have deleted (a task whose secret is gone
 * cannot start).
 */
function purgeTaskDefinitionInput(site) {
    const spec = (0,sql_task/* sqlTaskDefinition */.Rd)(site);
    return {
        ...spec,
        requiresCompatibilities: [...spec.requiresCompatibilities],
        containerDefinitions: spec.containerDefinitions.map((c) => ({
            ...c,
            entryPoint: [...c.entryPoint],
            secrets: c.secrets
                .filter((s) => s.valueFrom.secret === site.adminSecretArn)
                .map((s) => ({ name: s.name, valueFrom: task_definition_secretValueFrom(s.valueFrom.secret, s.valueFrom) })),
        })),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    };
}
/**
 * The latest revision of the site's SQL task family when it carries the admin secret only and is ours
 * (reused), else a newly registered one. Used by the purge and by the upgrade's version read.
 */
async function purgeTaskDefinition(ecs, site) {
    const input = purgeTaskDefinitionInput(site);
    try {
        const out = await ecs.send(new client_ecs_dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: input.family, include: ['TAGS'] }));
        const { tags: _t, ...wanted } = input;
        const tags = tagRecord(out.tags);
        const ours = tags[naming/* TAG_MANAGED_BY */.RJ] === naming/* SUITE_NAME */.tb && tags[naming/* TAG_SITE */.lR] === site.previewLink;
        const td = out.taskDefinition;
        if (ours && td?.status === 'ACTIVE' && normalise_driftPaths(wanted, td).length === 0 && td.taskDefinitionArn)
            return { arn: td.taskDefinitionArn, registered: false };
    }
    catch (err) {
        if (!(err instanceof client_ecs_dist_cjs/* ClientException */.P6G))
            throw err;
    }
    const out = await ecs.send(new client_ecs_dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input));
    return { arn: out.taskDefinition.taskDefinitionArn, registered: true };
}
function sqlTaskPurger(deps) {
    const { site } = deps;
    const taskDefinitionArn = async () => {
        const { arn, registered } = await purgeTaskDefinition(deps.clients.ecs, site);
        if (registered)
            deps.registered?.(arn);
        return arn;
    };
    return {
        mode: 'task',
        async inspect(target) {
            checkPurgeTarget(target, (await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn)).user);
            // Knowing what exists would take a task: the purge's own task reads it before dropping.
            return undefined;
        },
        async purge(target) {
            const admin = await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn);
            const override = (0,sql_task/* sqlTaskOverride */.aB)({
                sql: purgeTaskSql(target, admin.user),
                dbHost: site.dbHost,
                dbPort: site.dbPort,
            });
            const result = await deps.tasks.run({
                cluster: deps.platform.cluster,
                taskDefinitionArn: await taskDefinitionArn(),
                container: sql_task/* SQL_TASK_CONTAINER */.j9,
                command: override.command,
                environment: override.environment,
                platform: deps.platform,
                startedBy: `mdl-sql/${site.previewLink}`.slice(0, 36),
                logGroup: site.logGroupName,
                logStreamPrefix: sql_task/* SQL_TASK_LOG_PREFIX */.tk,
                endLine: sql_task/* isSqlTaskEnd */.ZH,
            });
            const output = (0,sql_task/* sqlTaskOutput */.V1)(result, 'the purging SQL task');
            return purgeResult(target, parsePurgeState(output.rows));
        },
    };
}
function dbPurger(mode, deps) {
    return mode === 'direct' ? directPurger(deps) : sqlTaskPurger(deps);
}

// EXTERNAL MODULE: ../../packages/core/dist/aws/credentials.js
var credentials = __webpack_require__(5242);
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
            tags: tagRecord(found.Tags),
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
        if (!ownedBy(tagRecord(found.Tags), target.link))
            return { ...base, plan: 'not-ours', note: 'not tagged as this site’s' };
        if (!env.purge)
            return { ...base, plan: 'keep', note: KEEP_NOTE };
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
function describeOneOffEnd(r, lastLines = 5) {
    const tail = r.logLines.slice(-lastLines).join(' | ');
    return (`(task ${r.taskArn}, exit ${r.exitCode}${r.stoppedReason ? `, ${r.stoppedReason}` : ''}` +
        (r.logIncomplete ? `; ${r.logIncomplete}` : '') +
        `)${tail ? `: ${tail}` : ''}`);
}

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
                throw new Error(`making ${spec.containerPath} failed ${describeOneOffEnd(result)}`);
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
        throw new errors/* ConfigurationError */.j1(`refusing to remove moodledata:\n- ${problems.join('\n- ')}`);
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

// EXTERNAL MODULE: ../../packages/core/dist/destroy/inputs.js
var inputs = __webpack_require__(9570);
// EXTERNAL MODULE: ../../packages/core/dist/fleet/sleep-page.js
var sleep_page = __webpack_require__(3900);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/elb.js
// What the target group and the listener rule share of Elastic Load Balancing: tags (read and
// added: one call for either kind of resource) and how a rule names its hosts.


async function elbTags(clients, arn) {
    const out = await clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTagsCommand */.yRM({ ResourceArns: [arn] }));
    return tagRecord(out.TagDescriptions?.[0]?.Tags);
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
        if (!ownedBy(await elbTags(env.clients, arn), target.link))
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
    if (!ownedBy(found.tags, target.link))
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
    if (!ownedBy(await tagsOf(clients, found.arn), target.link))
        return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
    if (!env.purge)
        return [{ ...base, plan: 'keep', note: KEEP_NOTE }];
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
const log_group_logGroup = {
    id: 'logGroup',
    kind: log_group_KIND,
    plan: log_group_plan/* planLogGroup */.P,
    inspect: log_group_inspect,
    removals: log_group_removals,
    tag: async (clients, arn, tags) => {
        await clients.logs.send(new client_cloudwatch_logs_dist_cjs/* TagResourceCommand */.eqU({ resourceArn: arn, tags }));
    },
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
    if (!ownedBy(await elbTags(env.clients, arn), env.target.link))
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
const target_group_targetGroup = {
    id: 'targetGroup',
    kind: target_group_KIND,
    plan: target_group_plan/* planTargetGroup */.K,
    inspect: target_group_inspect,
    removals: target_group_removals,
    tag: addElbTags,
};

;// CONCATENATED MODULE: ../../packages/core/dist/destroy/purge-guard.js
// Never purge data another live site uses: after a refresh (takeover) a site's old databases or
// moodledata folder may be another site's current ones, and dropping them would destroy that site.

/** Data of `link` that a live (not destroyed) site's registry entry uses. Pure. */
function dataInUse(link, data, entries) {
    const found = [];
    for (const e of entries) {
        if (e.previewLink === link || e.destroyedAt)
            continue;
        if (e.dbHost === data.dbHost) {
            const theirs = Object.values(e.databases);
            for (const db of data.databases)
                if (theirs.includes(db))
                    found.push({ kind: 'database', name: db, site: e.previewLink });
            for (const user of data.users)
                if (e.dbUser === user)
                    found.push({ kind: 'db-user', name: user, site: e.previewLink });
        }
        for (const folder of data.moodledataFolders)
            if (e.moodledataFolder === folder)
                found.push({ kind: 'moodledata', name: folder, site: e.previewLink });
    }
    return found;
}
/** Throws, before any change, when a purge would remove data a live site uses. */
function guardPurge(link, data, entries) {
    const used = dataInUse(link, data, entries);
    if (used.length === 0)
        return;
    const list = used.map((u) => `${u.kind} ${u.name} (used by site ${u.site})`).join(', ');
    const sites = [...new Set(used.map((u) => u.site))].join(', ');
    throw new errors/* ConfigurationError */.j1(`refusing to purge ${link}'s data: live sites use some of it: ${list}. Nothing was changed. ` +
        `Destroy ${link} without purge-data (its data is then kept and recorded as retired), ` +
        `or destroy ${sites} first if that data is really no longer wanted`);
}

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
        if (keep && sameEntry({ ...entry, cron: keep }, entry))
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
    if (previous && sameEntry(previous, entry))
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
        !sameEntry({ ...previous, cron: previous.cron }, { ...previous, cron: next.cron }))
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
    if (entry.managedBy !== naming/* SUITE_NAME */.tb) {
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

;// CONCATENATED MODULE: ../../packages/core/dist/destroy/destroy.js


















/** The purge's SQL task, from the platform and what the destroy knows of the site (no plan needed). */
function purgeSqlSite(target, platform, plan) {
    return {
        previewLink: target.link,
        image: platform.images.sql_client,
        region: platform.region,
        logGroupName: target.data.logGroup,
        executionRoleArn: platform.roles.execution_role_arn,
        dbHost: target.data.dbHost,
        dbPort: target.data.dbPort,
        adminSecretArn: plan?.resources.databases.spec.server.adminSecretArn ?? platform.db.admin_secret_arn,
        siteSecret: target.names.dbSecretName,
        siteDbUser: target.data.users[0] ?? '',
        tags: target.tags,
    };
}
/** The outcome a row reports without being applied (a dry run, or nothing to do for it). */
const OUTCOME_OF_PLAN = {
    remove: 'removed',
    gone: 'already gone',
    keep: 'kept',
    'not-ours': 'not ours',
};
/**
 * The rm task needs a revision of the site: the newest ACTIVE one, else a copy of the newest
 * deregistered one (the data was kept by an earlier destroy and is purged now), registered only when
 * the rm runs.
 */
async function removalTaskDefinition(env, siteFamily, siteSecretGone) {
    if (!env.purge || siteSecretGone)
        return undefined;
    if (siteFamily.latest) {
        const arn = siteFamily.latest.taskDefinitionArn;
        return { td: siteFamily.latest, arn: async () => arn };
    }
    const inactive = await latestOwnedInactive(env, env.target.names.taskFamily);
    if (!inactive)
        return undefined;
    let copy;
    return { td: inactive.td, arn: () => (copy ??= registerCopy(env, inactive.td, inactive.tags)) };
}
/** Reads everything of the site in parallel: one row per resource, in removal order. */
async function readRows(env, registry) {
    const { target, purge } = env;
    const hasDbData = target.data.databases.length + target.data.users.length > 0;
    const [page, scaling, rules, targetGroup, service, siteFamily, sqlFamily, secrets, logGroup, dbState] = await Promise.all([
        sleepPage.removals(env),
        scalingTarget.removals(env),
        listenerRule.removals(env),
        target_group_targetGroup.removals(env),
        service_service.removals(env),
        readFamily(env, target.names.taskFamily),
        readFamily(env, target.sqlTaskFamily),
        readDbSecrets(env),
        log_group_logGroup.removals(env),
        purge && hasDbData
            ? env.db.inspect({ databases: target.data.databases, users: target.data.users })
            : Promise.resolve(undefined),
    ]);
    const removalTd = await removalTaskDefinition(env, siteFamily, secrets.siteSecretGone);
    const dbRows = hasDbData ? databaseRows(env, dbState, secrets.siteSecretGone) : [];
    const folderRows = moodledataRows(env, removalTd, secrets.siteSecretGone);
    const runsSqlTask = env.db.mode === 'task' && dbRows.some((r) => r.apply);
    const copiesSiteTd = !siteFamily.latest && folderRows.some((r) => r.apply);
    const keptSecrets = secrets.rows.filter((r) => r.plan === 'keep').map((r) => r.name);
    return [
        ...page,
        ...scaling,
        ...rules,
        ...service,
        ...targetGroup,
        ...dbRows,
        ...folderRows,
        ...familyRows(env, siteFamily, copiesSiteTd),
        ...familyRows(env, sqlFamily, runsSqlTask),
        ...secrets.rows,
        ...logGroup,
        ...registryRows(env, registry, keptSecrets),
    ].sort((a, b) => REMOVAL_STEPS.indexOf(a.step) - REMOVAL_STEPS.indexOf(b.step));
}
/**
 * Applies the rows step by step. A step starts only when the one before it finished; after a failure
 * nothing new starts, and the removals under way are let finish so nothing of this run still changes
 * AWS afterwards.
 */
async function removeInOrder(rows, log) {
    for (const step of REMOVAL_STEPS) {
        const settled = await Promise.allSettled(rows
            .filter((r) => r.step === step)
            .map(async (r) => {
            if (!r.apply) {
                r.outcome = OUTCOME_OF_PLAN[r.plan];
                return;
            }
            log.info(`${step}: ${r.plan === 'keep' ? 'updating' : 'removing'} ${r.resource} ${r.name}`);
            r.outcome = await r.apply();
        }));
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed)
            throw failed.reason;
    }
}
async function destroySite(options) {
    const { clients, platform, log, previewLink: link } = options;
    const now = options.now ?? (() => new Date());
    (0,inputs/* checkDestroyInputs */.S)(options);
    if (options.confirm === link && !options.purgeData)
        log.warning(`confirm: ${link} has no effect without purge-data: true; the data is kept`);
    if (!options.credentialsChecked)
        await (0,credentials/* checkCredentials */.v)(clients);
    const registry = new SiteRegistry(clients.ssm);
    const entries = await registry.list();
    const entry = entries.find((e) => e.previewLink === link);
    const target = (0,destroy_target/* destroyTarget */.q0)(link, platform, entry, options.plan);
    const purge = options.purgeData;
    if (purge)
        guardPurge(link, target.data, entries);
    log.info(`site ${link}: host ${target.host}; data names from ${target.data.source}`);
    const registered = [];
    const env = {
        clients,
        platform,
        target,
        log,
        entry,
        purge,
        tasks: options.tasks,
        db: dbPurger(options.dbAccess, {
            clients,
            platform,
            log,
            tasks: options.tasks,
            site: purgeSqlSite(target, platform, options.plan),
            registered: (arn) => registered.push(arn),
        }),
        registered,
        wait: options.wait,
        waitMinutes: options.waitMinutes,
        waiter: options.waiter ?? { minDelay: 5, maxDelay: 30 },
        actor: options.actor,
        now,
    };
    const rows = await log.group('Reading what exists', () => readRows(env, registry));
    const changed = rows.some((r) => r.apply);
    if (options.dryRun || !changed) {
        for (const r of rows)
            r.outcome = OUTCOME_OF_PLAN[r.plan];
        return result(link, rows, changed, options.dryRun, purge, entry?.destroyedAt);
    }
    await log.group('Removing', () => removeInOrder(rows, log));
    const destroyedAt = purge || !entry ? undefined : (entry.destroyedAt ?? now().toISOString().slice(0, 10));
    return result(link, rows, true, false, purge, destroyedAt);
}
function result(link, rows, changed, dryRun, purge, destroyedAt) {
    return {
        previewLink: link,
        rows,
        changed,
        dryRun,
        purge,
        removed: rows.filter((r) => r.outcome === 'removed').length,
        kept: rows.filter((r) => r.data && r.outcome === 'kept').map((r) => ({ kind: r.resource, name: r.name })),
        ...(destroyedAt ? { destroyedAt } : {}),
    };
}

;// CONCATENATED MODULE: ../../packages/core/dist/destroy/summary.js
function destroyRows(result) {
    return result.rows.map((r) => ({
        resource: r.resource,
        name: r.name,
        result: result.dryRun && r.outcome === 'removed' ? 'would remove' : (r.outcome ?? ''),
        note: r.note ?? '',
    }));
}
function destroyVerdict(result) {
    const link = result.previewLink;
    const kept = result.kept.length
        ? `; data kept: ${result.kept.map((k) => `${k.kind} ${k.name}`).join(', ')} (destroy again with purge-data: true and confirm: ${link} to remove it)`
        : '';
    if (result.dryRun)
        return result.changed
            ? `dry run: ${result.removed} resource(s) of ${link} would be removed${kept}`
            : `dry run: nothing of ${link} would change${kept}`;
    if (!result.changed)
        return result.destroyedAt
            ? `nothing to do: ${link} was destroyed on ${result.destroyedAt}${kept}`
            : `nothing to do: nothing of ${link} is left${kept}`;
    return result.purge
        ? `${link} destroyed and its data purged (${result.removed} resource(s) removed)`
        : `${link} destroyed (${result.removed} resource(s) removed)${kept}`;
}
function renderDestroyResult(result) {
    const rows = destroyRows(result);
    const w = (k) => Math.max(k.length, ...rows.map((r) => r[k].length));
    const head = `${'resource'.padEnd(w('resource'))}  ${'result'.padEnd(w('result'))}  name`;
    const lines = rows.map((r) => `${r.resource.padEnd(w('resource'))}  ${r.result.padEnd(w('result'))}  ${r.name}${r.note ? `  (${r.note})` : ''}`);
    return [head, ...lines, '', destroyVerdict(result)].join('\n');
}

;// CONCATENATED MODULE: ../../packages/core/dist/github/rest.js
// A small GitHub REST client over the global fetch, for the few repository endpoints the suite calls
// (deployments, issue comments, pull requests): the API root from GITHUB_API_URL (github.com, a GHES
// `/api/v3` URL or a test server), the documented headers, pages followed by their `Link: rel="next"`
// (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api), and refusals
// turned into errors that say which permission the job's token needs.

const repositoryName = (r) => `${r.owner}/${r.repo}`;
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

;// CONCATENATED MODULE: ../../packages/core/dist/github/deployments.js

/** The GitHub environment a site's deploy job runs in. */
const previewEnvironment = (previewLink) => `preview/${previewLink}`;
/**
 * Give every deployment of `environment` whose newest status is not already `inactive` an inactive
 * status. Deployments of other environments are not touched; a second run adds nothing.
 */
async function deactivateEnvironment(rest, repository, environment, options) {
    const base = `/repos/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.repo)}/deployments`;
    const deployments = await rest.paginate(`${base}?environment=${encodeURIComponent(environment)}`, `list the deployments of ${environment} in ${repositoryName(repository)}`);
    const deactivated = [];
    for (const d of deployments) {
        // The filter is GitHub's; a server that ignored it must not make us touch other environments.
        if (d.environment !== environment)
            continue;
        const [latest] = await rest.request('GET', `${base}/${d.id}/statuses?per_page=1`, `read the status of deployment ${d.id}`);
        if (latest?.state === 'inactive')
            continue;
        deactivated.push(d.id);
        if (options.dryRun)
            continue;
        await rest.request('POST', `${base}/${d.id}/statuses`, `mark deployment ${d.id} inactive`, {
            state: 'inactive',
            description: (options.description ?? 'the preview site was destroyed').slice(0, 140),
        });
    }
    options.log.info(deactivated.length
        ? `${environment}: ${options.dryRun ? 'would mark' : 'marked'} ${deactivated.length} of ${deployments.length} deployment(s) inactive`
        : `${environment}: no active deployment (${deployments.length} in all)`);
    return { environment, deployments: deployments.length, deactivated };
}
/**
 * After a destroy in a workflow run: mark the site's environment's deployments in this repository
 * inactive. A failure (the job lacks `deployments: write`, GitHub cannot be reached) is a warning that
 * says why: the site is gone either way, and the next destroy run (a no-op on AWS) finishes this.
 */
async function deactivateSiteEnvironment(options) {
    const { log } = options;
    const environment = previewEnvironment(options.previewLink);
    return bestEffortOnRepository({
        ...options,
        permissionHelp: 'deployments: write',
        skipped: {
            level: 'info',
            message: `no github-token (or GITHUB_REPOSITORY): the deployments of ${environment} are left as they are`,
        },
        failed: `the deployments of ${environment} are still shown as active`,
    }, (rest, repository) => deactivateEnvironment(rest, repository, environment, { log, dryRun: options.dryRun }));
}

// EXTERNAL MODULE: ./src/main.ts + 11 modules
var main = __webpack_require__(3953);
;// CONCATENATED MODULE: ./src/engine.ts
// destroy-instance's second stage, loaded (a chunk of its own) after main.ts has checked the inputs
// and the credentials: the engine and its AWS clients, then the outputs and the summary.


async function destroy(inputs, platform, plan) {
    const log = (0,action_io/* actionLogger */.v0)();
    const clients = createAwsClients({ region: platform.region });
    try {
        let previewLink = inputs.previewLink;
        if (inputs.branch) {
            const found = (0,destroy_target/* siteOfBranch */.bQ)(await new SiteRegistry(clients.ssm).list(), inputs.branch.repository, inputs.branch.name);
            log.info(found.previewLink ? `destroying ${found.previewLink}: ${found.note}` : found.note);
            if (!found.previewLink) {
                runner/* setOutput */.uH(main/* OUTPUTS */.py.previewLink, '');
                runner/* setOutput */.uH(main/* OUTPUTS */.py.removed, '0');
                runner/* setOutput */.uH(main/* OUTPUTS */.py.kept, '[]');
                runner/* setOutput */.uH(main/* OUTPUTS */.py.changed, 'false');
                await runner/* summary */.z.addHeading('destroy', 3).addRaw(`<p>${found.note}</p>`).write();
                return;
            }
            previewLink = found.previewLink;
        }
        const result = await destroySite({
            clients,
            platform,
            previewLink: previewLink,
            ...(plan ? { plan } : {}),
            log,
            purgeData: inputs.purgeData,
            ...(inputs.confirm !== undefined ? { confirm: inputs.confirm } : {}),
            dryRun: inputs.dryRun,
            wait: inputs.wait,
            waitMinutes: inputs.waitMinutes,
            dbAccess: inputs.dbAccess,
            tasks: oneOffTaskRunner(clients),
            actor: process.env.GITHUB_ACTOR ?? 'github-actions',
            credentialsChecked: true,
        });
        runner/* info */.pq(renderDestroyResult(result));
        // The site's GitHub environment no longer links to a site that is gone.
        const environment = await deactivateSiteEnvironment({
            token: inputs.githubToken,
            env: process.env,
            previewLink: result.previewLink,
            dryRun: inputs.dryRun,
            log,
        });
        runner/* setOutput */.uH(main/* OUTPUTS */.py.previewLink, result.previewLink);
        runner/* setOutput */.uH(main/* OUTPUTS */.py.removed, String(result.removed));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.kept, JSON.stringify(result.kept));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.changed, String(result.changed));
        await runner/* summary */.z
            .addHeading(`${inputs.dryRun ? 'Dry run of ' : ''}destroy of ${result.previewLink}`, 3)
            .addRaw(`<p>${destroyVerdict(result)}</p>`)
            .addRaw(environment
            ? `<p>GitHub environment ${previewEnvironment(result.previewLink)}: ${environment.deactivated.length} deployment(s) ${inputs.dryRun ? 'would be ' : ''}marked inactive</p>`
            : '')
            .addTable([
            ['resource', 'name', 'result', 'note'].map((data) => ({ data, header: true })),
            ...destroyRows(result).map((r) => [
                { data: r.resource },
                { data: r.name },
                { data: r.result },
                { data: r.note },
            ]),
        ])
            .write();
    }
    finally {
        destroyAwsClients(clients);
    }
}


/***/ })

};
