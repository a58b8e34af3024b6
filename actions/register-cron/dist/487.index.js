export const id = 487;
export const ids = [487];
export const modules = {

/***/ 6487:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  cron: () => (/* binding */ cron)
});

// EXTERNAL MODULE: ../../packages/core/dist/github/runner.js
var runner = __webpack_require__(152);
// EXTERNAL MODULE: ../../packages/core/dist/github/action-io.js
var action_io = __webpack_require__(9865);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var dist_cjs = __webpack_require__(1107);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var client_ecs_dist_cjs = __webpack_require__(4224);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(4028);
// EXTERNAL MODULE: ../../packages/core/dist/aws/client-config.js
var client_config = __webpack_require__(9464);
;// CONCATENATED MODULE: ../../packages/core/dist/cron/clients.js
// The three AWS clients cron needs (ECS, SSM for the site registry, CloudWatch Logs for the runs' log
// group), built as every client of the suite is (aws/client-config.ts). In a module of their own: the
// cron actions load these three, not the other SDK clients aws/clients.ts builds for deploy and destroy.




function createCronClients(options) {
    const config = (0,client_config/* awsClientConfig */.r)(options);
    return {
        region: options.region,
        ecs: new client_ecs_dist_cjs/* ECSClient */.Zgc(config),
        ssm: new client_ssm_dist_cjs/* SSMClient */.jBj(config),
        logs: new dist_cjs/* CloudWatchLogsClient */.TFr(config),
    };
}
function destroyCronClients(clients) {
    for (const c of [clients.ecs, clients.ssm, clients.logs])
        c.destroy();
}

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

// EXTERNAL MODULE: ../../packages/core/dist/errors.js
var errors = __webpack_require__(8247);
;// CONCATENATED MODULE: ../../packages/core/dist/resources/registry-entry.plan.js
/** What the cron fan-out runs in each site's container, and how long it may take. */
const CRON_COMMAND = '/data/runcron.sh';
const CRON_TIMEOUT_SECONDS = 600;
const planSiteRegistration = ({ site, platform, names, logGroupName, }) => ({
    name: names.registryParameter,
    dependsOn: ['service'],
    spec: {
        parameterName: names.registryParameter,
        entry: {
            previewLink: site.previewLink,
            url: site.url,
            cluster: platform.cluster,
            service: names.serviceName,
            taskFamily: names.taskFamily,
            container: names.containerName,
            databases: { moodle: site.db.name, ...(site.db.mimName ? { mim: site.db.mimName } : {}) },
            dbUser: site.db.user,
            dbHost: site.db.host,
            moodledataFolder: site.moodledata.folder,
            logGroup: logGroupName,
            awake: site.awake,
            capacity: { min: site.scaling.min, max: site.scaling.max },
            expiry: { ...site.expiry },
        },
    },
});
const planCronRegistration = ({ site, platform, names, cronLogPath, }) => ({
    name: names.registryParameter,
    dependsOn: ['service'],
    spec: {
        enabled: site.cron,
        cluster: platform.cluster,
        service: names.serviceName,
        container: names.containerName,
        command: CRON_COMMAND,
        timeoutSeconds: CRON_TIMEOUT_SECONDS,
        logPath: cronLogPath,
    },
});

;// CONCATENATED MODULE: ../../packages/core/dist/cron/registry-cron.js
// A site's cron entry in the site registry, changed without a redeploy: register edits only the `cron`
// field, deregister removes it, list shows every entry with its service's state and last run.






/** managedBy of an entry register-cron wrote for a site the suite never deployed. */
const EXTERNAL_CRON_OWNER = 'register-cron';
/** Register or change a site's cron entry; a second run with the same input writes nothing. */
async function registerCron(registry, input, now = () => new Date()) {
    if (input.timeoutSeconds !== undefined && !(input.timeoutSeconds > 0))
        throw new errors/* ConfigurationError */.j1(`timeout-seconds must be more than 0, got ${input.timeoutSeconds}`);
    const existing = await registry.get(input.previewLink);
    if (!existing && !(input.cluster && input.service && input.container))
        throw new errors/* ConfigurationError */.j1(`site ${input.previewLink} is not in the site registry: deploy it with deploy-instance, ` +
            'or give cluster, service and container to register cron for a site the suite does not deploy');
    const previous = existing?.cron;
    const stamp = now().toISOString();
    const cron = {
        enabled: input.enabled ?? true,
        cluster: input.cluster ?? previous?.cluster ?? existing.cluster,
        service: input.service ?? previous?.service ?? existing.service,
        container: input.container ?? previous?.container ?? existing.container,
        command: input.command ?? previous?.command ?? CRON_COMMAND,
        timeoutSeconds: input.timeoutSeconds ?? previous?.timeoutSeconds ?? CRON_TIMEOUT_SECONDS,
        ...(previous?.logPath ? { logPath: previous.logPath } : {}),
        // A pause (an upgrade under way) outlives a change of the entry; only resume clears it.
        ...(previous?.paused ? { paused: previous.paused } : {}),
        updatedBy: input.actor,
        updatedAt: stamp,
    };
    // A site the suite never deployed gets a minimal entry: only what cron needs, the rest empty, and
    // managedBy saying so — destroy-instance and the purge never find data of it to act on.
    const next = existing
        ? { ...existing, cron }
        : {
            schemaVersion: 1,
            previewLink: input.previewLink,
            url: '',
            cluster: cron.cluster,
            service: cron.service,
            taskFamily: '',
            container: cron.container,
            databases: { moodle: '' },
            dbUser: '',
            dbHost: '',
            moodledataFolder: '',
            logGroup: '',
            cron,
            retired: [],
            managedBy: EXTERNAL_CRON_OWNER,
            updatedAt: stamp,
            updatedBy: input.actor,
        };
    if (existing && sameEntry(existing, next))
        return { previewLink: input.previewLink, result: 'unchanged', cron: previous };
    await registry.put(next, !!existing);
    return { previewLink: input.previewLink, result: previous ? 'updated' : 'registered', cron };
}
/** Remove a site's cron entry; an entry register-cron made for an outside site goes entirely. */
async function deregisterCron(registry, previewLink, actor, now = () => new Date()) {
    const existing = await registry.get(previewLink);
    if (!existing?.cron)
        return { previewLink, result: 'absent' };
    if (existing.managedBy === EXTERNAL_CRON_OWNER)
        await registry.delete(previewLink);
    else {
        const { cron: _removed, ...rest } = existing;
        void _removed;
        await registry.put({ ...rest, updatedAt: now().toISOString(), updatedBy: actor }, true);
    }
    return { previewLink, result: 'deregistered', cron: existing.cron };
}
/**
 * Pause cron on a site: the fan-out skips it (with the reason) until it is resumed. A pause that is
 * already there is kept as it is, whoever set it: an upgrade never takes over a pause made by hand.
 */
async function pauseCron(registry, previewLink, pause, now = () => new Date()) {
    const existing = await registry.get(previewLink);
    if (!existing?.cron)
        return { previewLink, result: 'absent' };
    if (existing.cron.paused)
        return { previewLink, result: 'already paused', paused: existing.cron.paused };
    const paused = { reason: pause.reason, since: now().toISOString(), by: pause.by };
    await registry.put({ ...existing, cron: { ...existing.cron, paused } }, true);
    return { previewLink, result: 'paused', paused };
}
/**
 * Resume cron on a site. With `onlyBy`, only a pause that party set is cleared (upgrade-db's post
 * step clears its own pause, never one made by hand); without it, any pause (`cron resume`).
 */
async function resumeCron(registry, previewLink, onlyBy) {
    const existing = await registry.get(previewLink);
    if (!existing?.cron)
        return { previewLink, result: 'absent' };
    const paused = existing.cron.paused;
    if (!paused)
        return { previewLink, result: 'not paused' };
    if (onlyBy !== undefined && paused.by !== onlyBy)
        return { previewLink, result: 'paused by another', paused };
    const { paused: _cleared, ...cron } = existing.cron;
    void _cleared;
    await registry.put({ ...existing, cron }, true);
    return { previewLink, result: 'resumed', paused };
}
/** Every cron entry, with its service's state (DescribeServices in batches of 10 per cluster). */
async function listCron(registry, clients, logGroup) {
    const entries = (await registry.list()).filter((e) => e.cron);
    const services = new Map();
    const byCluster = new Map();
    for (const e of entries)
        byCluster.set(e.cron.cluster, [...(byCluster.get(e.cron.cluster) ?? []), e.cron.service]);
    for (const [cluster, names] of byCluster) {
        const unique = [...new Set(names)];
        for (let i = 0; i < unique.length; i += 10) {
            const out = await clients.ecs.send(new client_ecs_dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: unique.slice(i, i + 10) }));
            for (const s of out.services ?? [])
                services.set(`${cluster}/${s.serviceName}`, {
                    status: s.status ?? 'UNKNOWN',
                    running: s.runningCount ?? 0,
                });
        }
    }
    const listing = [];
    for (const e of entries) {
        const cron = e.cron;
        const service = services.get(`${cron.cluster}/${cron.service}`);
        listing.push({
            previewLink: e.previewLink,
            cron,
            managedBy: e.managedBy ?? naming/* SUITE_NAME */.tb,
            serviceStatus: service?.status ?? 'MISSING',
            runningCount: service?.running ?? 0,
            lastRun: logGroup && clients.logs ? await lastRun(clients.logs, logGroup, e.previewLink) : undefined,
        });
    }
    return listing;
}
async function lastRun(logs, logGroup, site) {
    try {
        const out = await logs.send(new dist_cjs/* DescribeLogStreamsCommand */.w$R({ logGroupName: logGroup, logStreamNamePrefix: site, limit: 50 }));
        const at = out.logStreams?.find((s) => s.logStreamName === site)?.lastEventTimestamp;
        return at ? new Date(at).toISOString() : undefined;
    }
    catch (err) {
        if (err.name === 'ResourceNotFoundException')
            return undefined;
        throw err;
    }
}
/** The cron log group run-cron-fanout writes to unless told otherwise. */
const DEFAULT_CRON_LOG_GROUP = '/moodle-preview/cron';
/**
 * A site's last cron run as run-cron-fanout recorded it: the newest joblog line (JSON) in the site's
 * stream of the cron log group. Undefined when nothing was recorded yet.
 */
async function lastCronRun(logs, logGroup, site) {
    try {
        const out = await logs.send(new GetLogEventsCommand({
            logGroupName: logGroup,
            logStreamName: site,
            startFromHead: false,
            limit: 10,
        }));
        for (const event of [...(out.events ?? [])].reverse()) {
            try {
                const line = JSON.parse(event.message ?? '');
                if (line.site === site && typeof line.start === 'string' && 'exitCode' in line)
                    return line;
            }
            catch {
                // the output event of a run, not its joblog line
            }
        }
        return undefined;
    }
    catch (err) {
        if (err.name === 'ResourceNotFoundException')
            return undefined;
        throw err;
    }
}

// EXTERNAL MODULE: ./src/main.ts + 11 modules
var main = __webpack_require__(6818);
;// CONCATENATED MODULE: ./src/engine.ts
// register-cron's second stage, loaded (a chunk of its own) after main.ts has checked the inputs, the
// platform file and the credentials: the registry and its AWS clients, the change or the listing, the
// outputs and the summary.



async function cron(inputs, platform) {
    const log = (0,action_io/* actionLogger */.v0)();
    const clients = createCronClients({ region: platform.region });
    const registry = new SiteRegistry(clients.ssm, undefined, platform.tags);
    const actor = process.env.GITHUB_ACTOR ?? 'github-actions';
    try {
        if (inputs.mode === 'list') {
            const entries = await listCron(registry, clients, inputs.logGroup);
            runner/* setOutput */.uH(main/* OUTPUTS */.py.entries, JSON.stringify(entries));
            for (const e of entries)
                log.info(`${e.previewLink}: ${e.cron.enabled ? 'enabled' : 'disabled'}, ${e.cron.service} ${e.serviceStatus} ` +
                    `(${e.runningCount} running), last run ${e.lastRun ?? 'unknown'}`);
            await runner/* summary */.z
                .addHeading('Cron entries', 3)
                .addTable([
                [
                    'site',
                    'enabled',
                    'service',
                    'status',
                    'running',
                    'command',
                    'timeout',
                    'last run',
                    'changed by',
                ].map((data) => ({ data, header: true })),
                ...entries.map((e) => [
                    e.previewLink,
                    String(e.cron.enabled),
                    e.cron.service,
                    e.serviceStatus,
                    String(e.runningCount),
                    e.cron.command,
                    `${e.cron.timeoutSeconds} s`,
                    e.lastRun ?? '',
                    `${e.cron.updatedBy ?? ''} ${e.cron.updatedAt ?? ''}`.trim(),
                ].map((data) => ({ data }))),
            ])
                .write();
            return;
        }
        const change = inputs.mode === 'register'
            ? await registerCron(registry, {
                previewLink: inputs.previewLink,
                enabled: inputs.enabled,
                command: inputs.command,
                timeoutSeconds: inputs.timeoutSeconds,
                ...(inputs.service
                    ? { cluster: platform.cluster, service: inputs.service, container: inputs.container }
                    : {}),
                actor,
            })
            : await deregisterCron(registry, inputs.previewLink, actor);
        log.info(`cron of ${change.previewLink}: ${change.result}`);
        runner/* setOutput */.uH(main/* OUTPUTS */.py.result, change.result);
        await runner/* summary */.z
            .addHeading(`Cron of ${change.previewLink}: ${change.result}`, 3)
            .addCodeBlock(JSON.stringify(change.cron ?? {}, null, 2), 'json')
            .write();
    }
    finally {
        destroyCronClients(clients);
    }
}


/***/ })

};
