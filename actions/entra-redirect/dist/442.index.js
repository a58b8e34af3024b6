export const id = 442;
export const ids = [442];
export const modules = {

/***/ 6442:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  registeredSites: () => (/* binding */ registeredSites)
});

// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var dist_cjs = __webpack_require__(4028);
;// CONCATENATED MODULE: ../../packages/core/dist/aws/client-config.js
/**
 * The client configuration every SDK client of the suite is built with. Clients used by one action
 * only (EC2 for the runner, S3 for restores) are built from this by their module, so the other
 * bundles do not carry them.
 */
function awsClientConfig(options) {
    return {
        region: options.region,
        maxAttempts: options.maxAttempts ?? 8,
        ...(options.retryStrategy
            ? { retryStrategy: options.retryStrategy }
            : { retryMode: options.retryMode ?? 'adaptive' }),
    };
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
            const out = await this.ssm.send(new dist_cjs/* GetParameterCommand */.lhy({ Name: this.parameterName(previewLink) }));
            return this.parse(out.Parameter?.Value, this.parameterName(previewLink));
        }
        catch (err) {
            if (err instanceof dist_cjs/* ParameterNotFound */.TU5)
                return undefined;
            throw err;
        }
    }
    /** Every entry, through the paged GetParametersByPath. */
    async list() {
        const entries = [];
        for await (const page of (0,dist_cjs/* paginateGetParametersByPath */.kU5)({ client: this.ssm }, { Path: this.prefix, Recursive: false })) {
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
        await this.ssm.send(new dist_cjs/* PutParameterCommand */.ihh({
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
            await this.ssm.send(new dist_cjs/* DeleteParameterCommand */.Obs({ Name: this.parameterName(previewLink) }));
            return true;
        }
        catch (err) {
            if (err instanceof dist_cjs/* ParameterNotFound */.TU5)
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

;// CONCATENATED MODULE: ./src/registry.ts
// The sites in the registry, for the list and reconcile modes: a chunk of its own with the one AWS
// client it needs (SSM), so add and remove, which never read the registry, do not load it.


async function registeredSites(region) {
    const ssm = new dist_cjs/* SSMClient */.jBj(awsClientConfig({ region }));
    try {
        return await new SiteRegistry(ssm).list();
    }
    finally {
        ssm.destroy();
    }
}


/***/ })

};
