export const id = 307;
export const ids = [307];
export const modules = {

/***/ 7958:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ destroyClients),
/* harmony export */   p: () => (/* binding */ upgradeClients)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_cloudwatch_logs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1107);
/* harmony import */ var _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4224);
/* harmony import */ var _aws_sdk_client_secrets_manager__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5494);
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4028);
/* harmony import */ var _moodle_preview_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9464);
// The AWS clients of upgrade-db's engine, all with one credential provider (./credentials.ts): the
// environment's (default chain), or role credentials refreshed through the job's OIDC token.





function upgradeClients(region, credentials) {
    const config = { ...(0,_moodle_preview_core__WEBPACK_IMPORTED_MODULE_0__/* .awsClientConfig */ .r)({ region }), ...(credentials ? { credentials } : {}) };
    return {
        region,
        ecs: new _aws_sdk_client_ecs__WEBPACK_IMPORTED_MODULE_1__/* .ECSClient */ .Zgc(config),
        logs: new _aws_sdk_client_cloudwatch_logs__WEBPACK_IMPORTED_MODULE_2__/* .CloudWatchLogsClient */ .TFr(config),
        ssm: new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .SSMClient */ .jBj(config),
        secrets: new _aws_sdk_client_secrets_manager__WEBPACK_IMPORTED_MODULE_4__/* .SecretsManagerClient */ ._H(config),
    };
}
function destroyClients(c) {
    for (const client of [c.ecs, c.logs, c.ssm, c.secrets])
        client.destroy();
}


/***/ }),

/***/ 821:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G7: () => (/* binding */ resumeCron),
/* harmony export */   hY: () => (/* binding */ pauseCron)
/* harmony export */ });
/* unused harmony exports EXTERNAL_CRON_OWNER, registerCron, deregisterCron, listCron, DEFAULT_CRON_LOG_GROUP, lastCronRun */
// A site's cron entry in the site registry, changed without a redeploy: register edits only the `cron`
// field, deregister removes it, list shows every entry with its service's state and last run.






/** managedBy of an entry register-cron wrote for a site the suite never deployed. */
const EXTERNAL_CRON_OWNER = 'register-cron';
/** Register or change a site's cron entry; a second run with the same input writes nothing. */
async function registerCron(registry, input, now = () => new Date()) {
    if (input.timeoutSeconds !== undefined && !(input.timeoutSeconds > 0))
        throw new ConfigurationError(`timeout-seconds must be more than 0, got ${input.timeoutSeconds}`);
    const existing = await registry.get(input.previewLink);
    if (!existing && !(input.cluster && input.service && input.container))
        throw new ConfigurationError(`site ${input.previewLink} is not in the site registry: deploy it with deploy-instance, ` +
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
            const out = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: unique.slice(i, i + 10) }));
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
            managedBy: e.managedBy ?? SUITE_NAME,
            serviceStatus: service?.status ?? 'MISSING',
            runningCount: service?.running ?? 0,
            lastRun: logGroup && clients.logs ? await lastRun(clients.logs, logGroup, e.previewLink) : undefined,
        });
    }
    return listing;
}
async function lastRun(logs, logGroup, site) {
    try {
        const out = await logs.send(new DescribeLogStreamsCommand({ logGroupName: logGroup, logStreamNamePrefix: site, limit: 50 }));
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


/***/ }),

/***/ 8041:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ei: () => (/* binding */ describePause),
/* harmony export */   hq: () => (/* binding */ SiteRegistry)
/* harmony export */ });
/* unused harmony exports REGISTRY_PREFIX, registryEntrySchema, sameEntry */
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4028);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3045);
/* harmony import */ var _fleet_awake_schedule_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4214);
/* harmony import */ var _naming_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6088);
// The site registry: one JSON entry per site in SSM Parameter Store (/moodle-preview/sites/<link>).
// deploy/destroy write it; cron, doctor, the conflict guard, refresh and purge read it.




const REGISTRY_PREFIX = '/moodle-preview/sites';
const retiredSchema = zod__WEBPACK_IMPORTED_MODULE_0__/* .object */ .Ikc({
    kind: zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['database', 'moodledata', 'db-user', 'db-secret']),
    name: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    /** ISO date the data stopped being used. */
    since: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    reason: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
});
const cronSchema = zod__WEBPACK_IMPORTED_MODULE_0__/* .object */ .Ikc({
    enabled: zod__WEBPACK_IMPORTED_MODULE_0__/* .boolean */ .zMY(),
    cluster: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    service: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    container: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    command: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    timeoutSeconds: zod__WEBPACK_IMPORTED_MODULE_0__/* .number */ .aig(),
    logPath: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    /**
     * Set while cron must not run on the site (an upgrade has it in maintenance, or by hand): the
     * fan-out skips it with the reason. `by` says who may clear it (upgrade-db clears only its own).
     */
    paused: zod__WEBPACK_IMPORTED_MODULE_0__/* .object */ .Ikc({ reason: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(), since: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(), by: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP() }).optional(),
    updatedBy: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    updatedAt: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
});
const registryEntrySchema = zod__WEBPACK_IMPORTED_MODULE_0__/* .looseObject */ ._H3({
    schemaVersion: zod__WEBPACK_IMPORTED_MODULE_0__/* .literal */ .euz(1),
    previewLink: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    url: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    cluster: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    service: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    taskFamily: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    container: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    databases: zod__WEBPACK_IMPORTED_MODULE_0__/* .object */ .Ikc({ moodle: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(), mim: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional() }),
    dbUser: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    dbHost: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    moodledataFolder: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    logGroup: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(),
    cron: cronSchema.optional(),
    /** When the site is awake (its settings' schedule) and its task bounds awake: cron and doctor read them. */
    awake: _fleet_awake_schedule_js__WEBPACK_IMPORTED_MODULE_1__/* .awakeScheduleSchema */ .w.optional(),
    capacity: zod__WEBPACK_IMPORTED_MODULE_0__/* .object */ .Ikc({ min: zod__WEBPACK_IMPORTED_MODULE_0__/* .number */ .aig(), max: zod__WEBPACK_IMPORTED_MODULE_0__/* .number */ .aig() }).optional(),
    /** The day deploy-instance first made the site (a lifetime counts from it). */
    firstDeployedOn: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    /** The day the expiry sweep destroys the site, YYYY-MM-DD; absent: it does not expire. */
    expiresOn: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    /** Never expires (the settings say pinned: true). */
    pinned: zod__WEBPACK_IMPORTED_MODULE_0__/* .boolean */ .zMY().optional(),
    /** The plan's monthly Fargate estimate at the last deploy: `mdl-preview cost` shows it beside the bill. */
    estimate: zod__WEBPACK_IMPORTED_MODULE_0__/* .object */ .Ikc({ monthly: zod__WEBPACK_IMPORTED_MODULE_0__/* .number */ .aig(), currency: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP() }).optional(),
    retired: zod__WEBPACK_IMPORTED_MODULE_0__/* .array */ .YOg(retiredSchema).default([]),
    managedBy: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().default(_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .SUITE_NAME */ .tb),
    /** The repository and branch whose settings.yml deploy-instance last deployed (absent: by hand). */
    deployedFrom: zod__WEBPACK_IMPORTED_MODULE_0__/* .object */ .Ikc({ repository: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP(), branch: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP() }).optional(),
    /** Set by destroy-instance when it removed the site but kept its data (retired): ISO date. */
    destroyedAt: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    updatedAt: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    updatedBy: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
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
            const out = await this.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .GetParameterCommand */ .lhy({ Name: this.parameterName(previewLink) }));
            return this.parse(out.Parameter?.Value, this.parameterName(previewLink));
        }
        catch (err) {
            if (err instanceof _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .ParameterNotFound */ .TU5)
                return undefined;
            throw err;
        }
    }
    /** Every entry, through the paged GetParametersByPath. */
    async list() {
        const entries = [];
        for await (const page of (0,_aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .paginateGetParametersByPath */ .kU5)({ client: this.ssm }, { Path: this.prefix, Recursive: false })) {
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
        await this.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .PutParameterCommand */ .ihh({
            Name: name,
            Type: 'String',
            Value: JSON.stringify(entry),
            Overwrite: exists,
            ...(exists
                ? {}
                : {
                    Tags: Object.entries({
                        ...this.tags,
                        [_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .TAG_SITE */ .lR]: entry.previewLink,
                        [_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .TAG_MANAGED_BY */ .RJ]: _naming_js__WEBPACK_IMPORTED_MODULE_2__/* .SUITE_NAME */ .tb,
                    }).map(([Key, Value]) => ({ Key, Value })),
                }),
        }));
    }
    async delete(previewLink) {
        try {
            await this.ssm.send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .DeleteParameterCommand */ .Obs({ Name: this.parameterName(previewLink) }));
            return true;
        }
        catch (err) {
            if (err instanceof _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_3__/* .ParameterNotFound */ .TU5)
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


/***/ }),

/***/ 1266:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  O9: () => (/* binding */ describeTaskEnd),
  D2: () => (/* binding */ runFollowedTask),
  S8: () => (/* binding */ stopTask)
});

// UNUSED EXPORTS: TaskWaitTimeoutError

// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var dist_cjs = __webpack_require__(4224);
// EXTERNAL MODULE: ../../packages/core/dist/naming.js
var naming = __webpack_require__(6088);
;// CONCATENATED MODULE: ../../packages/core/dist/ecs/one-off-task.js
// One-off Fargate tasks (moodledata preparation, SQL tasks, Moodle's CLI): run a task with its
// command overridden, wait for it to stop with the SDK's waiter, and read its log lines back.




/** The awslogs stream of a task's container: `<prefix>/<container>/<task id>` (ECS awslogs driver). */
const taskLogStream = (prefix, container, taskArn) => `${prefix}/${container}/${taskArn.split('/').pop()}`;
/** RunTask of one Fargate task in the platform's subnets; answers its ARN or says why none started. */
async function startFargateTask(ecs, input) {
    const out = await ecs.send(new dist_cjs/* RunTaskCommand */._eD({
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
            const waited = await createWaiter({ client: clients.ecs, maxWaitTime: maxWait, ...waiter }, { cluster: input.cluster, tasks: [taskArn] }, async (client, params) => {
                const described = await client.send(new DescribeTasksCommand(params));
                task = described.tasks?.[0];
                return { state: task?.lastStatus === 'STOPPED' ? WaiterState.SUCCESS : WaiterState.RETRY };
            });
            if (waited.state !== WaiterState.SUCCESS) {
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

// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var client_cloudwatch_logs_dist_cjs = __webpack_require__(1107);
;// CONCATENATED MODULE: ../../packages/core/dist/ecs/task-log.js
// A task's awslogs stream read forward (GetLogEvents with nextForwardToken), and read to its end once
// the task has stopped. The awslogs driver sends a container's output in batches (every 5 s by
// default: moby's daemon/logger/awslogs, `batchPublishFrequency`) and CloudWatch ingests them
// asynchronously, so a task's last lines can become readable seconds after DescribeTasks shows it
// STOPPED. The container's exit code says whether the task succeeded; its log says what it did, and is
// read until the line that ends it appears (or, for output without such a line, until the stream has
// been quiet for a flush interval), within a bounded grace.

/** Reads a log stream forward from a token, page by page; the stream may not exist yet. */
class task_log_LogFollower {
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
const task_log_LOG_GRACE_MS = 30_000;
const defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Reads a stopped task's stream until its output is complete or the grace is over. */
async function task_log_readToEnd(follower, o = {}) {
    const sleep = o.sleep ?? defaultSleep;
    const now = o.now ?? Date.now;
    const grace = o.graceMs ?? task_log_LOG_GRACE_MS;
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

;// CONCATENATED MODULE: ../../packages/core/dist/upgrade/followed-task.js



class TaskWaitTimeoutError extends Error {
    name = 'TaskWaitTimeoutError';
}
const followed_task_defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function runFollowedTask(clients, input, options) {
    const sleep = options.sleep ?? followed_task_defaultSleep;
    const now = options.now ?? Date.now;
    const pollMs = options.pollMs ?? 5000;
    const started = now();
    const taskArn = await startFargateTask(clients.ecs, {
        ...input,
        startedBy: input.startedBy.slice(0, 36),
    });
    await options.onStarted?.(taskArn);
    const follower = new task_log_LogFollower(clients.logs, input.logGroup, taskLogStream(input.logStreamPrefix, input.container, taskArn), options.onLine);
    let task;
    const every = options.progressEveryMs ?? 5 * 60_000;
    let nextProgress = started + every;
    for (;;) {
        const described = await clients.ecs.send(new dist_cjs/* DescribeTasksCommand */.z8X({ cluster: input.cluster, tasks: [taskArn] }));
        task = described.tasks?.[0];
        await follower.poll();
        if (task?.lastStatus === 'STOPPED')
            break;
        if (options.onProgress && now() >= nextProgress) {
            options.onProgress(task?.lastStatus ?? 'UNKNOWN', now() - started, follower.lines.length);
            nextProgress += every;
        }
        if (now() - started >= options.maxWaitMs) {
            await stopTask(clients.ecs, input.cluster, taskArn, 'the wait for the task ran out (wait-minutes)');
            throw new TaskWaitTimeoutError(`task ${taskArn} did not stop within ${Math.round(options.maxWaitMs / 60000)} minutes; it was stopped`);
        }
        await sleep(pollMs);
    }
    // Lines written just before the container exited may arrive seconds after STOPPED: the stream is
    // read on until two polls in a row (at most the awslogs flush interval) bring nothing new.
    const end = await task_log_readToEnd(follower, {
        pollMs,
        quietMs: Math.min(LOG_QUIET_MS, 2 * pollMs),
        sleep,
        now,
    });
    const container = task.containers?.find((c) => c.name === input.container) ?? task.containers?.[0];
    return {
        taskArn,
        exitCode: container?.exitCode,
        stopCode: task.stopCode,
        stoppedReason: task.stoppedReason ?? container?.reason,
        started: task.startedAt !== undefined,
        lines: follower.lines,
        logComplete: end.complete,
        durationMs: now() - started,
    };
}
/** Stops a task unless it is already stopped; answers whether this call stopped it. */
async function stopTask(ecs, cluster, taskArn, reason) {
    const described = await ecs.send(new dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: [taskArn] }));
    const task = described.tasks?.[0];
    if (!task || task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED')
        return false;
    await ecs.send(new dist_cjs/* StopTaskCommand */.PP1({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
    return true;
}
/** "exit 1", or why the task never ran its command (e.g. CannotPullContainerError …). */
function describeTaskEnd(r) {
    if (!r.started || r.exitCode === undefined)
        return `the task never ran its command: ${r.stoppedReason ?? r.stopCode ?? 'no reason given'}`;
    return `exit code ${r.exitCode}${r.stoppedReason ? ` (${r.stoppedReason})` : ''}`;
}


/***/ })

};
