export const id = 267;
export const ids = [267];
export const modules = {

/***/ 7267:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runner: () => (/* binding */ engine_runner)
});

// EXTERNAL MODULE: ../../packages/core/dist/github/runner.js
var runner = __webpack_require__(152);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var dist_cjs = __webpack_require__(4028);
// EXTERNAL MODULE: ../../packages/core/dist/github/action-io.js
var action_io = __webpack_require__(9865);
// EXTERNAL MODULE: ../../packages/core/dist/runner/github-runners.js + 1 modules
var github_runners = __webpack_require__(6677);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ec2/dist-cjs/index.js
var client_ec2_dist_cjs = __webpack_require__(1637);
// EXTERNAL MODULE: ../../packages/core/dist/aws/client-config.js
var client_config = __webpack_require__(9464);
;// CONCATENATED MODULE: ../../packages/core/dist/runner/ec2-client.js
// The EC2 client of the runner lease, built like every other client of the suite (awsClientConfig:
// standard endpoint settings, adaptive retry) but here, so only the bundles that lease runners carry it.


const createEc2Client = (options) => new client_ec2_dist_cjs/* EC2Client */.gu5((0,client_config/* awsClientConfig */.r)(options));

// EXTERNAL MODULE: ../../packages/core/dist/errors.js
var errors = __webpack_require__(8247);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ../../packages/core/dist/runner/capacity.js
// Launching through capacity shortages: the launch options in order (market × instance type × subnet),
// one RunInstances each until one succeeds; capacity errors fall through to the next, anything else
// (a bad AMI, a missing permission) stops at once. Every failure is logged.


/**
 * Errors that mean "not here, not now" rather than "wrong request": no capacity in the pool, no spot
 * capacity at the price, the type not offered in the subnet's zone, the account's vCPU quota for that
 * market, no free address in the subnet.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html
 */
const CAPACITY_ERRORS = new Set([
    'InsufficientInstanceCapacity',
    'InsufficientHostCapacity',
    'InsufficientCapacityOnHost',
    'InsufficientReservedInstanceCapacity',
    'InsufficientFreeAddressesInSubnet',
    'InsufficientCapacity',
    'SpotMaxPriceTooLow',
    'MaxSpotInstanceCountExceeded',
    'VcpuLimitExceeded',
    'InstanceLimitExceeded',
    'Unsupported',
]);
/** Spot before on-demand (cheaper first); within a market the types in order, each in every subnet. */
function launchOptions(market, instanceTypes, subnetIds) {
    const markets = market === 'spot-then-on-demand' ? ['spot', 'on-demand'] : [market === 'spot' ? 'spot' : 'on-demand'];
    const options = [];
    for (const m of markets)
        for (const instanceType of instanceTypes)
            for (const subnetId of subnetIds)
                options.push({ market: m, instanceType, subnetId });
    return options;
}
/** Thrown when every launch option failed on capacity. */
class NoCapacityError extends Error {
    attempts;
    name = 'NoCapacityError';
    constructor(attempts) {
        super(`no capacity for the runner in any of ${attempts.length} launch option(s): ` +
            attempts.map((a) => `${a.market} ${a.instanceType} in ${a.subnetId}: ${a.error}`).join('; '));
        this.attempts = attempts;
    }
}
/**
 * Try each option in turn with `base` + the option. The client token makes an SDK retry of the same
 * attempt (a lost answer) return the first launch instead of a second instance; `tokenSeed` must be
 * new for every start (EC2 answers a reused token with other parameters IdempotentParameterMismatch).
 */
async function launchWithFallback(ec2, base, options, tokenSeed, log) {
    const attempts = [];
    for (const [n, option] of options.entries()) {
        const attempt = { ...option };
        attempts.push(attempt);
        try {
            const out = await ec2.send(new client_ec2_dist_cjs/* RunInstancesCommand */.zq7({
                ...base,
                MinCount: 1,
                MaxCount: 1,
                InstanceType: option.instanceType,
                SubnetId: option.subnetId,
                ClientToken: (0,external_node_crypto_.createHash)('sha256').update(`${tokenSeed}#${n}`).digest('hex').slice(0, 64),
                ...(option.market === 'spot'
                    ? {
                        InstanceMarketOptions: {
                            MarketType: 'spot',
                            SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
                        },
                    }
                    : {}),
            }));
            const instanceId = out.Instances?.[0]?.InstanceId;
            if (!instanceId)
                throw new Error('RunInstances answered without an instance id');
            log.info(`launched ${instanceId}: ${option.market} ${option.instanceType} in ${option.subnetId}`);
            return { instanceId, ownerId: out.OwnerId, option, attempts };
        }
        catch (err) {
            const code = err.Code ?? err.name;
            attempt.error = code;
            attempt.message = err.message;
            log.warning(`launch ${n + 1}/${options.length} (${option.market} ${option.instanceType} in ${option.subnetId}) failed: ${code}: ${attempt.message}`);
            if (!CAPACITY_ERRORS.has(code))
                throw err;
        }
    }
    throw new NoCapacityError(attempts);
}

// EXTERNAL MODULE: ../../packages/core/dist/runner/lease-names.js
var lease_names = __webpack_require__(9334);
// EXTERNAL MODULE: ../../packages/core/dist/naming.js
var naming = __webpack_require__(6088);
;// CONCATENATED MODULE: ../../packages/core/dist/runner/lease.js
// A RunnerLease: one EC2 instance running one ephemeral GitHub runner for one job. Its label is
// derived from the workflow run, so `stop` finds it without start's outputs; its tags carry everything
// `stop`, `reap` and `mdl-preview runner list` need to decide about it.



// The lease's names, labels and tags, and the check of its id, are in ./lease-names.ts (no EC2 client:
// ec2-runner's first stage checks its inputs with them).

const date = (s) => {
    if (!s)
        return undefined;
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d;
};
function toLeaseInstance(i) {
    const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    return {
        instanceId: i.InstanceId ?? '',
        state: i.State?.Name ?? 'unknown',
        instanceType: i.InstanceType ?? '',
        subnetId: i.SubnetId,
        market: i.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
        launchTime: i.LaunchTime,
        label: tags[lease_names/* RUNNER_TAGS */.RU.label],
        repository: tags[lease_names/* RUNNER_TAGS */.RU.repository],
        workflowRun: tags[lease_names/* RUNNER_TAGS */.RU.workflowRun],
        startedAt: date(tags[lease_names/* RUNNER_TAGS */.RU.startedAt]),
        expiresAt: date(tags[lease_names/* RUNNER_TAGS */.RU.expiresAt]),
        tags,
    };
}
/**
 * The suite's runner instances matching `tags` (exact values) in live states, paged. Only instances
 * tagged managed-by the suite and component ec2-runner are ever returned, so nothing else is touched.
 */
async function findLeaseInstances(ec2, tags = {}, states = lease_names/* LIVE_STATES */._d) {
    const filters = [
        { Name: `tag:${lease_names/* RUNNER_TAGS */.RU.managedBy}`, Values: [naming/* SUITE_NAME */.tb] },
        { Name: `tag:${lease_names/* RUNNER_TAGS */.RU.component}`, Values: [lease_names/* RUNNER_COMPONENT */.RX] },
        ...Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
        { Name: 'instance-state-name', Values: [...states] },
    ];
    const found = [];
    let nextToken;
    do {
        const page = await ec2.send(new client_ec2_dist_cjs/* DescribeInstancesCommand */.bNs({ Filters: filters, MaxResults: 100, NextToken: nextToken }));
        for (const r of page.Reservations ?? [])
            for (const i of r.Instances ?? [])
                found.push(toLeaseInstance(i));
        nextToken = page.NextToken;
    } while (nextToken);
    return found;
}
/** The tags every lease instance carries (the suite's own win over the user's). */
function leaseTags(input) {
    return {
        ...input.extra,
        Name: input.label,
        [lease_names/* RUNNER_TAGS */.RU.managedBy]: naming/* SUITE_NAME */.tb,
        [lease_names/* RUNNER_TAGS */.RU.component]: lease_names/* RUNNER_COMPONENT */.RX,
        [lease_names/* RUNNER_TAGS */.RU.repository]: input.repository,
        [lease_names/* RUNNER_TAGS */.RU.label]: input.label,
        [lease_names/* RUNNER_TAGS */.RU.lease]: input.lease.name,
        [lease_names/* RUNNER_TAGS */.RU.workflowRun]: input.lease.runId,
        [lease_names/* RUNNER_TAGS */.RU.runAttempt]: String(input.lease.runAttempt),
        [lease_names/* RUNNER_TAGS */.RU.startedAt]: input.startedAt.toISOString(),
        [lease_names/* RUNNER_TAGS */.RU.expiresAt]: input.expiresAt.toISOString(),
    };
}

;// CONCATENATED MODULE: ../../packages/core/dist/runner/runner-versions.js
// The actions/runner releases the ec2-runner may install, each with the SHA-256 of its linux-x64
// tarball: the boot script refuses a download whose checksum differs. Bump process:
// actions/ec2-runner/README.md, "Runner versions".

/**
 * Node 24 actions run on runner v2.327.0 and later ("Runner Support for executing Node24 Actions",
 * actions/runner#3940, released in v2.327.0); GitHub stops accepting runners older than about a
 * month's releases, so the default moves with the table.
 */
const RUNNER_VERSIONS = {
    '2.330.0': {
        sha256: 'af5c33fa94f3cc33b8e97937939136a6b04197e6dadfcfb3b6e33ae1bf41e79a',
        source: 'the "Validate the hash" line of GitHub\'s "New self-hosted runner" page for Linux x64 v2.330.0, as ' +
            'copied in two unrelated repositories; confirm against https://github.com/actions/runner/releases/tag/v2.330.0',
    },
};
const DEFAULT_RUNNER_VERSION = '2.330.0';
const VERSION = /^\d+\.\d+\.\d+$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** The version to install and its checksum: the input's, else the table's; no checksum, no start. */
function resolveRunnerRelease(version, sha256) {
    const v = (version ?? DEFAULT_RUNNER_VERSION).replace(/^v/, '');
    if (!VERSION.test(v))
        throw new errors/* ConfigurationError */.j1(`runner-version must look like 2.330.0, got "${version}"`);
    const given = sha256?.trim().toLowerCase();
    if (given !== undefined && !SHA256.test(given))
        throw new errors/* ConfigurationError */.j1('runner-sha256 must be 64 hexadecimal characters (the SHA-256 of the linux-x64 tarball)');
    const checksum = given ?? RUNNER_VERSIONS[v]?.sha256;
    if (!checksum)
        throw new errors/* ConfigurationError */.j1(`runner version ${v} has no verified SHA-256 in the suite's table: give runner-sha256 (download ` +
            `actions-runner-linux-x64-${v}.tar.gz from https://github.com/actions/runner/releases/tag/v${v}, run ` +
            `sha256sum on it and compare with the release notes), or add it to the table (actions/ec2-runner/README.md: Runner versions)`);
    return {
        version: v,
        sha256: checksum,
        url: `https://github.com/actions/runner/releases/download/v${v}/actions-runner-linux-x64-${v}.tar.gz`,
    };
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

;// CONCATENATED MODULE: ../../packages/core/dist/runner/boot-script.js
// GENERATED from runner-boot.sh (test/runner/boot-script.test.ts fails when they differ; regenerate with
// UPDATE_BOOT_SCRIPT=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/runner/boot-script.test.ts).
// A TypeScript string, so every bundle that starts a runner carries the script without reading files.
const RUNNER_BOOT_SCRIPT = [
    '#!/bin/bash',
    '# Boot script of an ec2-runner instance: cloud-init runs it as root at first boot, after the MDL_RUNNER_*',
    "# settings that the user data puts in front of it. It caps the machine's life, waits for the runner's",
    '# JIT config in SSM under its own instance id (and deletes it there once read), installs the pinned',
    '# runner after checking its SHA-256, runs one job as a non-root user and powers off;',
    '# InstanceInitiatedShutdownBehavior=terminate then ends the instance. Nothing here prints the JIT',
    "# config: cloud-init copies this script's output to the console.",
    '# packages/core/src/runner/boot-script.ts is generated from this file (a test checks they agree).',
    'set -euo pipefail',
    '',
    ': "${MDL_RUNNER_LABEL:?}" "${MDL_RUNNER_PARAMETER_PATH:?}" "${MDL_RUNNER_CONFIG_WAIT_SECONDS:?}"',
    ': "${MDL_RUNNER_REGION:?}" "${MDL_RUNNER_MAX_MINUTES:?}" "${MDL_RUNNER_URL:?}" "${MDL_RUNNER_SHA256:?}"',
    'RUNNER_USER="${MDL_RUNNER_USER:-runner}"',
    'RUNNER_HOME="${MDL_RUNNER_HOME:-/home/${RUNNER_USER}}"',
    'IMDS="${MDL_RUNNER_IMDS:-http://169.254.169.254}"',
    '',
    'log() { echo "ec2-runner: $*"; }',
    '',
    '# First, before anything can fail: the machine goes down at its maximum lifetime whatever happens.',
    'shutdown -h "+${MDL_RUNNER_MAX_MINUTES}" "ec2-runner: maximum lifetime of ${MDL_RUNNER_MAX_MINUTES} minutes reached"',
    '',
    '# From here every exit, a failure included, powers off (and so terminates) the instance.',
    'finish() {',
    '  local status=$?',
    '  log "boot script ends with status ${status}; powering off"',
    '  shutdown -h now "ec2-runner: done" || poweroff',
    '}',
    'trap finish EXIT',
    '',
    '# IMDSv2 only: a session token first (the instance is launched with HttpTokens=required).',
    'imds_token=$(curl -fsS -X PUT "${IMDS}/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'instance_id=$(curl -fsS -H "X-aws-ec2-metadata-token: ${imds_token}" "${IMDS}/latest/meta-data/instance-id")',
    'if [[ ! "${instance_id}" =~ ^i-[0-9a-f]{8,17}$ ]]; then',
    '  log "the instance metadata gave no instance id; not waiting for a runner config"',
    '  exit 4',
    'fi',
    'parameter="${MDL_RUNNER_PARAMETER_PATH%/}/${instance_id}"',
    'log "instance ${instance_id}, runner ${MDL_RUNNER_LABEL}; its config is to come at ${parameter}"',
    '',
    '# The AWS CLI\'s error code of a failed call ("An error occurred (Code) when calling …"), never its output.',
    'error_code() { sed -n \'s/.*An error occurred (\\([A-Za-z.]*\\)).*/\\1/p\' "$1" | head -n 1 || true; }',
    '',
    "# The JIT config is written under this instance's id only once RunInstances has answered with it, so it",
    '# may not be there yet. Until it is, SSM answers ParameterNotFound, or AccessDeniedException (the',
    "# instance role reads only parameters tagged with this instance's ARN, and a missing one has no tag):",
    '# both mean wait, with backoff, up to MDL_RUNNER_CONFIG_WAIT_SECONDS. Read once, deleted at once, kept',
    '# in memory only.',
    'errors=$(mktemp)',
    'waited=0',
    'delay=2',
    'until jit_config=$(aws ssm get-parameter --region "${MDL_RUNNER_REGION}" --name "${parameter}" \\',
    '  --with-decryption --query Parameter.Value --output text 2>"${errors}"); do',
    '  code=$(error_code "${errors}")',
    '  if [ "${waited}" -ge "${MDL_RUNNER_CONFIG_WAIT_SECONDS}" ]; then',
    '    log "no runner config readable at ${parameter} after ${waited} s (last answer: ${code:-none}); powering off"',
    '    exit 4',
    '  fi',
    '  if [ $((waited + delay)) -gt "${MDL_RUNNER_CONFIG_WAIT_SECONDS}" ]; then',
    '    delay=$((MDL_RUNNER_CONFIG_WAIT_SECONDS - waited))',
    '  fi',
    '  log "no runner config at ${parameter} yet (${code:-no answer}); next look in ${delay} s"',
    '  sleep "${delay}"',
    '  waited=$((waited + delay))',
    '  delay=$((delay * 2 > 30 ? 30 : delay * 2))',
    'done',
    'if aws ssm delete-parameter --region "${MDL_RUNNER_REGION}" --name "${parameter}" 2>"${errors}"; then',
    '  log "runner config read from SSM and deleted there"',
    'else',
    "  # Not fatal: the config is already in memory, and stop and reap delete an ended instance's parameter.",
    '  log "warning: runner config read, but not deleted ($(error_code "${errors}")); stop or reap deletes it"',
    'fi',
    'rm -f "${errors}"',
    '',
    '# The runner refuses to run as root, and a job should not have root anyway.',
    'if ! id -u "${RUNNER_USER}" >/dev/null 2>&1; then',
    '  useradd --create-home --home-dir "${RUNNER_HOME}" --shell /bin/bash "${RUNNER_USER}"',
    'fi',
    '',
    '# The pinned runner release, checked against its SHA-256 before anything of it runs.',
    'tarball=$(mktemp)',
    'curl -fsSL --retry 5 -o "${tarball}" "${MDL_RUNNER_URL}"',
    'if ! echo "${MDL_RUNNER_SHA256}  ${tarball}" | sha256sum --check --strict --status -; then',
    '  log "the runner download does not match SHA-256 ${MDL_RUNNER_SHA256}; not running it"',
    '  exit 3',
    'fi',
    'log "runner ${MDL_RUNNER_URL##*/} verified"',
    'mkdir -p "${RUNNER_HOME}/actions-runner"',
    'tar -xzf "${tarball}" -C "${RUNNER_HOME}/actions-runner"',
    'rm -f "${tarball}"',
    'if [ -x "${RUNNER_HOME}/actions-runner/bin/installdependencies.sh" ]; then',
    '  "${RUNNER_HOME}/actions-runner/bin/installdependencies.sh" >/dev/null || log "warning: installdependencies.sh failed"',
    'fi',
    'chown -R "${RUNNER_USER}:" "${RUNNER_HOME}/actions-runner"',
    '',
    '# One job (a JIT runner is ephemeral), then the EXIT trap powers off.',
    'cd "${RUNNER_HOME}/actions-runner"',
    'log "starting the runner as ${RUNNER_USER}"',
    'status=0',
    'runuser -u "${RUNNER_USER}" -- env HOME="${RUNNER_HOME}" USER="${RUNNER_USER}" ./run.sh --jitconfig "${jit_config}" ||',
    '  status=$?',
    'unset jit_config',
    'log "runner exited with status ${status}"',
].join('\n') + '\n';

;// CONCATENATED MODULE: ../../packages/core/dist/runner/user-data.js
// The instance's user data: the boot script with its settings in front. It names the SSM path where
// the runner's JIT config will wait under the instance's own id (a SecureString written once the
// instance exists) and never holds a secret itself (start hides the JIT config in the console output
// it logs with `redactSecrets`, ../secrets.ts).


/** How long the boot script waits for its JIT config before powering off (start writes it in seconds). */
const CONFIG_WAIT_SECONDS = 300;
/** Single-quoted for bash: nothing inside is expanded. */
const bashQuote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;
/** The user data as text (RunInstances wants it base64: `Buffer.from(text).toString('base64')`). */
function runnerUserData(settings) {
    const values = {
        MDL_RUNNER_LABEL: settings.label,
        MDL_RUNNER_PARAMETER_PATH: settings.parameterPath ?? lease_names/* RUNNER_PARAMETER_PATH */.RL,
        MDL_RUNNER_CONFIG_WAIT_SECONDS: String(settings.configWaitSeconds ?? CONFIG_WAIT_SECONDS),
        MDL_RUNNER_REGION: settings.region,
        MDL_RUNNER_MAX_MINUTES: String(settings.maxLifetimeMinutes),
        MDL_RUNNER_URL: settings.runnerUrl,
        MDL_RUNNER_SHA256: settings.runnerSha256,
        MDL_RUNNER_USER: settings.runnerUser ?? 'runner',
    };
    const [shebang, ...body] = RUNNER_BOOT_SCRIPT.split('\n');
    const header = Object.entries(values).map(([k, v]) => `${k}=${bashQuote(v)}`);
    return [
        shebang,
        '# Settings of this lease (no secrets: the JIT config waits in SSM under the instance id).',
        ...header,
        ...body,
    ].join('\n');
}

;// CONCATENATED MODULE: ../../packages/core/dist/runner/start.js
// Starting a lease: check everything first, then JIT config → launch (capacity fallback) → the config
// as an SSM SecureString named by the new instance's id and tagged with its ARN (so only that instance's
// role may read it) → wait until the runner is online. A failure after the first change undoes the
// lease (console output captured with secrets redacted, instance terminated, runner and parameter
// removed). A second start of the same lease keeps its live instance; when that one ends without its
// runner ever coming online (a start that died before writing the config leaves it waiting for one
// until it powers off), it is replaced once.








/** The runner did not come online; the lease was undone. */
class RunnerStartError extends Error {
    name = 'RunnerStartError';
}
const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Every input problem, before any call. */
function checkStartOptions(o) {
    const problems = [];
    if (!/^ami-[0-9a-f]{8,17}$/.test(o.imageId))
        problems.push(`image-id must be an AMI id (ami-…), got "${o.imageId}"`);
    if (!o.instanceTypes.length)
        problems.push('instance-types needs at least one instance type');
    for (const t of o.instanceTypes)
        if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(t))
            problems.push(`instance type "${t}" is not like m7i.xlarge`);
    if (!o.subnetIds.length)
        problems.push('subnet-ids needs at least one subnet');
    for (const s of o.subnetIds)
        if (!/^subnet-[0-9a-f]{8,17}$/.test(s))
            problems.push(`"${s}" is not a subnet id`);
    for (const g of o.securityGroupIds)
        if (!/^sg-[0-9a-f]{8,17}$/.test(g))
            problems.push(`"${g}" is not a security group id`);
    if (!o.iamInstanceProfile)
        problems.push('iam-instance-profile is required (the instance reads and deletes its JIT config in SSM with it)');
    if (!lease_names/* MARKET_TYPES */.N$.includes(o.marketType))
        problems.push(`market-type must be one of ${lease_names/* MARKET_TYPES */.N$.join(', ')}`);
    if (o.maxLifetimeMinutes <= o.registrationTimeoutMinutes)
        problems.push('max-lifetime-minutes must be longer than registration-timeout-minutes');
    for (const l of o.labels)
        if (!/^[A-Za-z0-9._-]{1,100}$/.test(l) || /^self-hosted$/i.test(l))
            problems.push(`label "${l}" must be 1-100 of A-Z a-z 0-9 . _ - (and not self-hosted, which every runner has)`);
    for (const k of Object.keys(o.tags))
        if (k.startsWith('moodle-preview:') || k.startsWith('aws:') || k === 'Name')
            problems.push(`tag "${k}" is the suite's or AWS's own`);
    if (problems.length)
        throw new errors/* ConfigurationError */.j1(problems.join('; '));
    return resolveRunnerRelease(o.runnerVersion, o.runnerSha256);
}
/** The image, read before anything changes: it must exist and be x86_64; its root device name. */
async function rootDeviceOf(deps, o) {
    const image = await deps.ec2
        .send(new client_ec2_dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [o.imageId] }))
        .then((out) => out.Images?.[0])
        .catch((err) => {
        if (err.name.startsWith('InvalidAMIID'))
            return undefined;
        throw err;
    });
    if (!image)
        throw new errors/* ConfigurationError */.j1(`image ${o.imageId} was not found in ${o.region}`);
    if (image.Architecture && image.Architecture !== 'x86_64')
        throw new errors/* ConfigurationError */.j1(`image ${o.imageId} is ${image.Architecture}; the runner installed is linux-x64`);
    return image.RootDeviceName ?? '/dev/xvda';
}
/**
 * The lease's live instance, if it has one: its runner coming online is the start's result. One that
 * fails is ended and its config deleted, and the caller launches one in its place (once): the id of
 * the one replaced is returned.
 */
async function reuseLive(deps, wait) {
    const { label, o } = wait;
    const live = await findLeaseInstances(deps.ec2, { [lease_names/* RUNNER_TAGS */.RU.label]: label });
    const instance = live[0];
    if (!instance)
        return {};
    deps.log.info(`lease ${label} already has instance ${instance.instanceId} (${instance.state}); waiting for its runner`);
    const outcome = await pollOnline(deps, { ...wait, instanceId: instance.instanceId });
    if (outcome.online)
        return {
            reused: {
                label,
                instanceId: instance.instanceId,
                region: o.region,
                runnerId: outcome.runnerId,
                instanceType: instance.instanceType,
                subnetId: instance.subnetId ?? '',
                market: instance.market,
                attempts: [],
                reused: true,
            },
        };
    if (!outcome.ended)
        await failStart(deps, { ...wait, instanceId: instance.instanceId, secrets: [] }, outcome.reason);
    // It may have read its config and failed, or never had one (a start that died between launching it
    // and writing the config): either way it is gone, so the lease gets a new instance, once.
    await logConsoleOutput(deps, instance.instanceId, []);
    deps.log.info(`${outcome.reason}; launching a new instance for ${label} in its place`);
    await deleteParameters(deps.ssm, [(0,lease_names/* jitParameterName */.WY)(instance.instanceId)]);
    return { replaced: instance.instanceId };
}
/** What every launch of the lease shares: image, profile, user data, metadata, disk and tags. */
function launchInput(o, rootDevice, userData, tags) {
    const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    return {
        ImageId: o.imageId,
        SecurityGroupIds: o.securityGroupIds.length ? o.securityGroupIds : undefined,
        IamInstanceProfile: o.iamInstanceProfile.startsWith('arn:')
            ? { Arn: o.iamInstanceProfile }
            : { Name: o.iamInstanceProfile },
        UserData: Buffer.from(userData).toString('base64'),
        InstanceInitiatedShutdownBehavior: 'terminate',
        MetadataOptions: {
            HttpTokens: 'required',
            HttpEndpoint: 'enabled',
            HttpPutResponseHopLimit: o.metadataHopLimit,
        },
        BlockDeviceMappings: [
            {
                DeviceName: rootDevice,
                Ebs: { VolumeSize: o.volumeSizeGb, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
            },
        ],
        TagSpecifications: [
            { ResourceType: 'instance', Tags: tagList },
            { ResourceType: 'volume', Tags: tagList },
        ],
    };
}
/** Stores the instance's JIT config for it alone; when that fails, undoes the lease and throws. */
async function storeConfigOrUndo(deps, o, launched, jit) {
    const { log } = deps;
    const { instanceId, ownerId } = launched;
    const param = (0,lease_names/* jitParameterName */.WY)(instanceId);
    try {
        if (!ownerId)
            throw new Error(`RunInstances answered ${instanceId} without its account (OwnerId)`);
        await putJitConfig(deps, {
            name: param,
            value: jit.value,
            instanceArn: (0,lease_names/* instanceArn */.Pf)(o.region, ownerId, instanceId),
            label: jit.label,
            tags: o.tags,
        });
    }
    catch (err) {
        log.warning(`the JIT config of ${instanceId} could not be stored: ${err.message}; undoing the lease`);
        await terminate(deps.ec2, instanceId, log).catch((e) => log.warning(`could not terminate ${instanceId}: ${e.message}`));
        await jit.removeRunner();
        await deleteParameters(deps.ssm, [param]).catch((e) => log.warning(`could not delete ${param}: ${e.message}`));
        throw err;
    }
}
async function startRunner(deps, o) {
    const release = checkStartOptions(o);
    const now = deps.now ?? (() => new Date());
    const log = deps.log;
    const label = (0,lease_names/* leaseLabel */.H7)(o.lease);
    const wait = { label, o, now, sleep: deps.sleep ?? defaultSleep };
    // Read-only checks that can refuse the lease before it changes anything.
    const rootDevice = await rootDeviceOf(deps, o);
    const live = await reuseLive(deps, wait);
    if ('reused' in live)
        return live.reused;
    const { replaced } = live;
    // A runner of this name without a live instance is a leftover of an interrupted start: remove it.
    const stale = await deps.github.findRunner(label);
    if (stale) {
        log.info(`removing runner ${label} (id ${stale.id}) left by an interrupted start`);
        await deps.github.deleteRunner(stale.id);
    }
    const jit = await deps.github.generateJitConfig({
        name: label,
        labels: [label, ...o.labels],
        runnerGroupId: o.runnerGroupId,
    });
    log.mask(jit.encodedJitConfig);
    log.info(`registered JIT runner ${label} (id ${jit.runner.id})`);
    const removeRunner = () => deps.github
        .deleteRunner(jit.runner.id)
        .then(() => undefined)
        .catch((e) => log.warning(`could not remove runner ${label}: ${e.message}`));
    const startedAt = now();
    const expiresAt = new Date(startedAt.getTime() + o.maxLifetimeMinutes * 60_000);
    const tags = leaseTags({
        label,
        lease: o.lease,
        repository: o.repository,
        startedAt,
        expiresAt,
        extra: o.tags,
    });
    // The same for every instance: each finds its own config by its instance id, so nothing in the user
    // data depends on which launch it is.
    const userData = runnerUserData({
        label,
        region: o.region,
        maxLifetimeMinutes: o.maxLifetimeMinutes,
        runnerUrl: release.url,
        runnerSha256: release.sha256,
    });
    let launched;
    try {
        launched = await launchWithFallback(deps.ec2, launchInput(o, rootDevice, userData, tags), launchOptions(o.marketType, o.instanceTypes, o.subnetIds), 
        // Each start is its own request: a retry of its own RunInstances answers its launch, but a later
        // start's tokens are new (EC2 refuses an old token with other tags, or answers an ended instance),
        // and so are a replacement's.
        `${label}@${startedAt.toISOString()}${replaced ? `/after/${replaced}` : ''}`, log);
    }
    catch (err) {
        // No instance: undoing the lease is removing its runner.
        await removeRunner();
        throw err;
    }
    const { instanceId, option, attempts } = launched;
    await storeConfigOrUndo(deps, o, launched, { value: jit.encodedJitConfig, label, removeRunner });
    const outcome = await pollOnline(deps, { ...wait, instanceId });
    if (!outcome.online)
        await failStart(deps, { ...wait, instanceId, secrets: [jit.encodedJitConfig], runnerId: jit.runner.id }, outcome.reason);
    return {
        label,
        instanceId,
        region: o.region,
        runnerId: (outcome.online && outcome.runnerId) || jit.runner.id,
        instanceType: option.instanceType,
        subnetId: option.subnetId,
        market: option.market,
        attempts,
        reused: false,
        ...(replaced ? { replaced } : {}),
    };
}
/**
 * The JIT config as a SecureString, created with its tags in the same call (a parameter never exists
 * without the tag that names its instance). Intelligent-Tiering: a config near 4 KB goes to the advanced
 * tier instead of failing. ParameterAlreadyExists can only be an SDK retry of this very call whose
 * first answer was lost: the name holds an instance id that nothing else writes.
 */
async function putJitConfig(deps, p) {
    try {
        await deps.ssm.send(new dist_cjs/* PutParameterCommand */.ihh({
            Name: p.name,
            Type: 'SecureString',
            Value: p.value,
            Tier: 'Intelligent-Tiering',
            Description: `JIT config of runner ${p.label}; only its instance may read it, and deletes it at boot`,
            // The user's tags (cost centre …) as on the instance; the suite's own win on a clash.
            Tags: Object.entries({ ...p.tags, ...(0,lease_names/* jitParameterTags */.K3)(p.instanceArn) }).map(([Key, Value]) => ({
                Key,
                Value,
            })),
        }));
        deps.log.info(`stored the JIT config as ${p.name} for ${p.instanceArn}`);
    }
    catch (err) {
        if (err.name !== 'ParameterAlreadyExists')
            throw err;
        deps.log.info(`${p.name} was already stored (a retried call whose first answer was lost)`);
    }
}
/** Poll until the runner named `label` is online, the instance ends or the registration timeout passes. */
async function pollOnline(deps, w) {
    const { log } = deps;
    const deadline = w.now().getTime() + w.o.registrationTimeoutMinutes * 60_000;
    const poll = (w.o.pollSeconds ?? 10) * 1000;
    for (;;) {
        const runner = await deps.github.findRunner(w.label);
        if (runner?.status === 'online') {
            log.info(`runner ${w.label} is online (instance ${w.instanceId})`);
            return { online: true, runnerId: runner.id };
        }
        const state = await instanceState(deps.ec2, w.instanceId);
        if (['shutting-down', 'terminated', 'stopping', 'stopped'].includes(state))
            return {
                online: false,
                ended: true,
                reason: `instance ${w.instanceId} is ${state} before runner ${w.label} came online`,
            };
        if (w.now().getTime() >= deadline)
            return {
                online: false,
                ended: false,
                reason: `runner ${w.label} was not online ${w.o.registrationTimeoutMinutes} minute(s) after launch (instance ${w.instanceId} ${state}, runner ${runner ? runner.status : 'not registered'})`,
            };
        log.info(`waiting for runner ${w.label}: instance ${state}, runner ${runner ? runner.status : 'not registered yet'}`);
        await w.sleep(poll);
    }
}
/** The instance's console output in the log, secrets redacted. */
async function logConsoleOutput(deps, instanceId, secrets) {
    const { log } = deps;
    await log.group(`console output of ${instanceId} (secrets redacted)`, async () => {
        try {
            // Latest (the live buffer) exists on Nitro instances only; elsewhere the last posted snapshot.
            const out = await deps.ec2
                .send(new client_ec2_dist_cjs/* GetConsoleOutputCommand */.Olx({ InstanceId: instanceId, Latest: true }))
                .catch(() => deps.ec2.send(new client_ec2_dist_cjs/* GetConsoleOutputCommand */.Olx({ InstanceId: instanceId })));
            const text = out.Output
                ? Buffer.from(out.Output, 'base64').toString('utf8')
                : '(no console output yet)';
            for (const line of redactSecrets(text, secrets).split('\n'))
                log.info(line);
        }
        catch (e) {
            log.warning(`could not read the console output: ${e.message}`);
        }
    });
}
/**
 * The runner did not come online: capture the console output (redacted), terminate the instance, remove
 * the runner and the instance's parameter, and fail the start.
 */
async function failStart(deps, w, reason) {
    const { log } = deps;
    await logConsoleOutput(deps, w.instanceId, w.secrets);
    await terminate(deps.ec2, w.instanceId, log);
    const runner = w.runnerId ?? (await deps.github.findRunner(w.label))?.id;
    if (runner !== undefined)
        await deps.github
            .deleteRunner(runner)
            .catch((e) => log.warning(`could not remove runner ${w.label}: ${e.message}`));
    const param = (0,lease_names/* jitParameterName */.WY)(w.instanceId);
    await deleteParameters(deps.ssm, [param]).catch((e) => log.warning(`could not delete ${param}: ${e.message}`));
    throw new RunnerStartError(`${reason}; the instance was terminated and the runner removed (console output above)`);
}
/**
 * The instance's state; a new instance may be unknown to DescribeInstances for a moment (EC2 is
 * eventually consistent: https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
 */
async function instanceState(ec2, instanceId) {
    try {
        const described = await ec2.send(new client_ec2_dist_cjs/* DescribeInstancesCommand */.bNs({ InstanceIds: [instanceId] }));
        return described.Reservations?.[0]?.Instances?.[0]?.State?.Name ?? 'pending';
    }
    catch (err) {
        if (err.name === 'InvalidInstanceID.NotFound')
            return 'pending';
        throw err;
    }
}
async function terminate(ec2, instanceId, log) {
    try {
        await ec2.send(new client_ec2_dist_cjs/* TerminateInstancesCommand */.NaF({ InstanceIds: [instanceId] }));
        log.info(`terminated ${instanceId}`);
    }
    catch (err) {
        if (err.name === 'InvalidInstanceID.NotFound')
            log.info(`${instanceId} is already gone`);
        else
            throw err;
    }
}
/** DeleteParameters (10 a call): names already gone are reported by SSM, not thrown. */
async function deleteParameters(ssm, names) {
    const deleted = [];
    for (let i = 0; i < names.length; i += 10) {
        const out = await ssm.send(new dist_cjs/* DeleteParametersCommand */.lPl({ Names: names.slice(i, i + 10) }));
        deleted.push(...(out.DeletedParameters ?? []));
    }
    return deleted;
}

;// CONCATENATED MODULE: ../../packages/core/dist/runner/stop.js
// Ending a lease: terminate its instance, remove its runner and the JIT parameter of each of its
// instances (live or already ended: an unread one is named by the instance id). Found by the label, or
// — when start was cancelled before it had outputs — by the workflow run and lease name (every attempt
// up to this one). What is already gone counts as done, so stop never fails for it.



async function stopRunner(deps, o) {
    const { log } = deps;
    const labels = new Set();
    if (o.label)
        labels.add(o.label);
    if (o.lease)
        for (const l of (0,lease_names/* leaseLabelsUpTo */.Op)(o.lease))
            labels.add(l);
    // Ended instances too: their JIT parameters may still be there (a start undone half-way).
    const seen = new Map();
    for (const label of [...labels]) {
        for (const i of await findLeaseInstances(deps.ec2, { [lease_names/* RUNNER_TAGS */.RU.label]: label }, lease_names/* ALL_STATES */.B9))
            seen.set(i.instanceId, i);
    }
    if (o.lease) {
        const byRun = await findLeaseInstances(deps.ec2, {
            [lease_names/* RUNNER_TAGS */.RU.repository]: o.repository,
            [lease_names/* RUNNER_TAGS */.RU.workflowRun]: o.lease.runId,
            [lease_names/* RUNNER_TAGS */.RU.lease]: o.lease.name,
        }, lease_names/* ALL_STATES */.B9);
        for (const i of byRun)
            seen.set(i.instanceId, i);
    }
    for (const i of seen.values())
        if (i.label)
            labels.add(i.label);
    const instances = new Map([...seen].filter(([, i]) => (0,lease_names/* isLive */.DG)(i.state)));
    const result = {
        labels: [...labels].sort(),
        terminated: [],
        runnersRemoved: [],
        parametersDeleted: [],
        runnersBusy: [],
    };
    const ids = [...instances.keys()];
    if (ids.length) {
        await deps.ec2.send(new client_ec2_dist_cjs/* TerminateInstancesCommand */.NaF({ InstanceIds: ids }));
        result.terminated = ids;
        for (const id of ids)
            log.info(`terminated ${id} (${instances.get(id).label ?? 'no label'})`);
    }
    else
        log.info(`no live instance for ${result.labels.join(', ') || 'this lease'}: already gone`);
    const runners = (await deps.github.listRunners()).filter((r) => labels.has(r.name));
    await removeRunners(deps, runners, result);
    if (!runners.length)
        log.info('no runner registered for this lease: already gone');
    result.parametersDeleted = await deleteParameters(deps.ssm, [...seen.keys()].map(lease_names/* jitParameterName */.WY));
    for (const p of result.parametersDeleted)
        log.info(`deleted the unread JIT config ${p}`);
    return result;
}
/** Remove runners; a busy one (GitHub answers 422) is reported, not fatal: its instance is ending. */
async function removeRunners(deps, runners, result) {
    for (const r of runners) {
        try {
            if (await deps.github.deleteRunner(r.id)) {
                result.runnersRemoved.push(r.name);
                deps.log.info(`removed runner ${r.name} (id ${r.id})`);
            }
            else
                deps.log.info(`runner ${r.name} is already gone`);
        }
        catch (err) {
            if (err.status !== 422)
                throw err;
            result.runnersBusy.push(r.name);
            deps.log.warning(`runner ${r.name} is still busy; it goes with its instance: ${err.message}`);
        }
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/runner/reap.js
// The reaper: whatever a cancelled workflow, a lost stop job or a crashed instance left behind is found
// from the tags and GitHub's runner list and removed — instances past expires-at or without an online
// runner after a grace period, the suite's offline runners with no live instance, JIT configs whose
// instance has ended (never one whose instance is still there, whoever's it is).
// `decideReap` is pure (the CLI's `runner list` shows the same decisions); `reapRunners` applies them.





const minutes = (ms) => Math.round(ms / 60_000);
function decideReap(input) {
    const now = input.now.getTime();
    const grace = input.graceMinutes * 60_000;
    const runnerByName = new Map(input.runners.map((r) => [r.name, r]));
    const decisions = [];
    const keptLabels = new Set();
    for (const i of input.instances) {
        const started = (i.startedAt ?? i.launchTime)?.getTime() ?? now;
        const runner = i.label ? runnerByName.get(i.label) : undefined;
        const base = { kind: 'instance', id: i.instanceId, label: i.label };
        let decision;
        if (i.expiresAt && i.expiresAt.getTime() <= now)
            decision = { ...base, action: 'terminate', reason: `past expires-at ${i.expiresAt.toISOString()}` };
        else if (!i.expiresAt)
            decision = { ...base, action: 'terminate', reason: 'no valid expires-at tag' };
        else if (i.state === 'stopped' || i.state === 'stopping')
            decision = { ...base, action: 'terminate', reason: `${i.state}: a stopped runner runs no job` };
        else if (runner?.status === 'online')
            decision = { ...base, action: 'keep', reason: `runner online${runner.busy ? ' and busy' : ''}` };
        else if (now - started >= grace)
            decision = {
                ...base,
                action: 'terminate',
                reason: `no online runner ${minutes(now - started)} min after start (grace ${input.graceMinutes} min; runner ${runner ? runner.status : 'not registered'})`,
            };
        else
            decision = {
                ...base,
                action: 'keep',
                reason: `starting (${minutes(now - started)} min old, within grace)`,
            };
        decisions.push(decision);
        if (decision.action === 'keep' && i.label)
            keptLabels.add(i.label);
    }
    for (const r of input.runners) {
        if (!r.name.startsWith(lease_names/* RUNNER_LABEL_PREFIX */.lv))
            continue;
        const base = { kind: 'runner', id: r.name, label: r.name };
        if (keptLabels.has(r.name))
            decisions.push({ ...base, action: 'keep', reason: 'its instance is kept' });
        else if (r.status === 'online')
            decisions.push({ ...base, action: 'keep', reason: 'online (its instance is elsewhere or ending)' });
        else
            decisions.push({ ...base, action: 'remove', reason: 'offline and no live instance of its lease' });
    }
    const terminating = new Set(decisions.filter((d) => d.kind === 'instance' && d.action === 'terminate').map((d) => d.id));
    const described = new Map(input.parameterInstances.map((i) => [i.instanceId, i]));
    for (const p of input.parameters) {
        const owner = p.instanceId ? described.get(p.instanceId) : undefined;
        const base = { kind: 'parameter', id: p.name, label: owner?.label };
        const young = (p.lastModified ? now - p.lastModified.getTime() : Infinity) < grace;
        const decide = (action, reason) => decisions.push({ ...base, action, reason });
        if (!p.instanceId) {
            if (young)
                decide('keep', 'not named by an instance id; younger than the grace');
            else
                decide('delete', 'not named by an instance id (an older version’s JIT config)');
        }
        else if (terminating.has(p.instanceId))
            decide('delete', `its instance ${p.instanceId} is terminated now`);
        else if (owner && (0,lease_names/* isLive */.DG)(owner.state))
            decide('keep', `its instance ${p.instanceId} is ${owner.state} and may still read it`);
        else if (owner)
            decide('delete', `its instance ${p.instanceId} is ${owner.state}`);
        // EC2 is eventually consistent: a parameter written right after RunInstances may name an instance
        // DescribeInstances does not show yet.
        else if (young)
            decide('keep', `its instance ${p.instanceId} is not visible yet; younger than the grace`);
        else
            decide('delete', `its instance ${p.instanceId} does not exist (ended long ago)`);
    }
    return decisions;
}
async function listRunnerParameters(ssm) {
    const found = [];
    let token;
    do {
        // Without decryption: only names and dates are read, never the JIT configs.
        const page = await ssm.send(new dist_cjs/* GetParametersByPathCommand */.o_y({
            Path: lease_names/* RUNNER_PARAMETER_PATH */.RL,
            WithDecryption: false,
            NextToken: token,
        }));
        for (const p of page.Parameters ?? [])
            if (p.Name)
                found.push({
                    name: p.Name,
                    instanceId: (0,lease_names/* jitParameterInstance */.GI)(p.Name),
                    lastModified: p.LastModifiedDate,
                });
        token = page.NextToken;
    } while (token);
    return found;
}
/** Everything the reaper decides about: the repository's lease instances, its runners, the parameters. */
async function readReapInput(deps, o) {
    // allSettled: a refusal of one read must not leave the others running after the clients close.
    const [instances, runners, parameters] = await Promise.allSettled([
        findLeaseInstances(deps.ec2, { [lease_names/* RUNNER_TAGS */.RU.repository]: o.repository }),
        deps.github.listRunners(),
        listRunnerParameters(deps.ssm).then(async (params) => ({
            params,
            owners: await describeInstancesById(deps.ec2, params.flatMap((p) => (p.instanceId ? [p.instanceId] : []))),
        })),
    ]);
    for (const r of [runners, instances, parameters])
        if (r.status === 'rejected')
            throw r.reason;
    const { params, owners } = parameters.value;
    return {
        instances: instances.value,
        runners: runners.value,
        parameters: params,
        parameterInstances: owners,
        now: o.now,
        graceMinutes: o.graceMinutes,
    };
}
/**
 * The instances with these ids, in any state and whoever's they are. By the `instance-id` filter, not
 * InstanceIds: an id EC2 no longer knows is left out instead of failing the whole call.
 */
async function describeInstancesById(ec2, ids) {
    const found = [];
    for (let i = 0; i < ids.length; i += 100) {
        let nextToken;
        do {
            const page = await ec2.send(new client_ec2_dist_cjs/* DescribeInstancesCommand */.bNs({
                Filters: [{ Name: 'instance-id', Values: ids.slice(i, i + 100) }],
                MaxResults: 100,
                NextToken: nextToken,
            }));
            for (const r of page.Reservations ?? [])
                for (const instance of r.Instances ?? [])
                    found.push(toLeaseInstance(instance));
            nextToken = page.NextToken;
        } while (nextToken);
    }
    return found;
}
async function reapRunners(deps, o) {
    const now = (deps.now ?? (() => new Date()))();
    const input = await readReapInput(deps, { ...o, now });
    // Runners and parameters of the leases being terminated go too.
    const decisions = decideReap(input);
    const result = {
        decisions,
        terminated: [],
        runnersRemoved: [],
        runnersBusy: [],
        parametersDeleted: [],
        dryRun: o.dryRun,
    };
    for (const d of decisions)
        deps.log.info(`${o.dryRun && d.action !== 'keep' ? `would ${d.action}` : d.action} ${d.kind} ${d.id}: ${d.reason}`);
    if (o.dryRun)
        return result;
    const terminate = decisions
        .filter((d) => d.kind === 'instance' && d.action === 'terminate')
        .map((d) => d.id);
    if (terminate.length) {
        await deps.ec2.send(new client_ec2_dist_cjs/* TerminateInstancesCommand */.NaF({ InstanceIds: terminate }));
        result.terminated = terminate;
    }
    const names = new Set(decisions.filter((d) => d.kind === 'runner' && d.action === 'remove').map((d) => d.id));
    await removeRunners(deps, input.runners.filter((r) => names.has(r.name)), result);
    result.parametersDeleted = await deleteParameters(deps.ssm, decisions.filter((d) => d.kind === 'parameter' && d.action === 'delete').map((d) => d.id));
    return result;
}
function leaseRows(input) {
    const decisions = decideReap(input);
    const runners = new Map(input.runners.map((r) => [r.name, r]));
    const rows = input.instances.map((i) => {
        const r = i.label ? runners.get(i.label) : undefined;
        const d = decisions.find((x) => x.kind === 'instance' && x.id === i.instanceId);
        return {
            label: i.label ?? '',
            instanceId: i.instanceId,
            state: i.state,
            instanceType: i.instanceType,
            market: i.market,
            startedAt: i.startedAt?.toISOString() ?? '',
            expiresAt: i.expiresAt?.toISOString() ?? '',
            runner: r ? `${r.status}${r.busy ? ' busy' : ''}` : 'none',
            reaper: `${d.action}: ${d.reason}`,
        };
    });
    for (const d of decisions)
        if (d.kind === 'runner' && d.action === 'remove')
            rows.push({
                label: d.id,
                instanceId: '',
                state: '',
                instanceType: '',
                market: '',
                startedAt: '',
                expiresAt: '',
                runner: runners.get(d.id)?.status ?? '',
                reaper: `remove: ${d.reason}`,
            });
    return rows;
}

// EXTERNAL MODULE: ./src/main.ts + 1 modules
var main = __webpack_require__(4818);
;// CONCATENATED MODULE: ./src/engine.ts
// ec2-runner's second stage, loaded (a chunk of its own) after main.ts has checked the inputs and the
// credentials: the lease logic with its EC2, SSM and GitHub clients, the outputs and the summary.




const cell = (data) => ({ data });
const header = (...names) => names.map((data) => ({ data, header: true }));
async function engine_runner(inputs, scope) {
    const log = (0,action_io/* actionLogger */.v0)();
    const github = new github_runners/* GitHubRunnersClient */.mX({
        apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
        token: inputs.token,
        scope,
    });
    const ec2 = createEc2Client({ region: inputs.region });
    const ssm = new dist_cjs/* SSMClient */.jBj((0,client_config/* awsClientConfig */.r)({ region: inputs.region }));
    const deps = { ec2, ssm, github, log };
    try {
        if (inputs.mode === 'start') {
            const r = await log.group('start the runner', () => startRunner(deps, {
                ...inputs.start,
                region: inputs.region,
                repository: inputs.repository,
                lease: inputs.lease,
            }));
            runner/* setOutput */.uH(main/* OUTPUTS */.py.label, r.label);
            runner/* setOutput */.uH(main/* OUTPUTS */.py.instanceId, r.instanceId);
            runner/* setOutput */.uH(main/* OUTPUTS */.py.region, r.region);
            await runner/* summary */.z
                .addHeading(`Runner ${r.label}`, 3)
                .addRaw(`<p>${r.reused ? 'Kept' : 'Launched'} ${r.instanceId} (${r.market} ${r.instanceType} in ${r.subnetId}, ${r.region})` +
                `${r.replaced ? ` in place of ${r.replaced}, which ended before its runner came online` : ''}; runner online.</p>`)
                .addTable([
                header('market', 'instance type', 'subnet', 'result'),
                ...r.attempts.map((a) => [
                    cell(a.market),
                    cell(a.instanceType),
                    cell(a.subnetId),
                    cell(a.error ? `${a.error}` : 'launched'),
                ]),
            ])
                .write();
        }
        else if (inputs.mode === 'stop') {
            const r = await log.group('stop the runner', () => stopRunner(deps, { repository: inputs.repository, label: inputs.label, lease: inputs.lease }));
            runner/* setOutput */.uH(main/* OUTPUTS */.py.label, inputs.label ?? r.labels.at(-1) ?? '');
            runner/* setOutput */.uH(main/* OUTPUTS */.py.region, inputs.region);
            runner/* setOutput */.uH(main/* OUTPUTS */.py.terminated, JSON.stringify(r.terminated));
            await runner/* summary */.z
                .addHeading('Runner stopped', 3)
                .addList([
                `instances terminated: ${r.terminated.join(', ') || 'none (already gone)'}`,
                `runners removed: ${r.runnersRemoved.join(', ') || 'none (already gone)'}`,
                ...(r.runnersBusy.length
                    ? [`runners still busy (they end with their instance): ${r.runnersBusy.join(', ')}`]
                    : []),
                `unread JIT configs deleted: ${r.parametersDeleted.length}`,
            ])
                .write();
        }
        else {
            const r = await log.group(inputs.dryRun ? 'reap (dry run)' : 'reap', () => reapRunners(deps, {
                repository: inputs.repository,
                graceMinutes: inputs.graceMinutes,
                dryRun: inputs.dryRun,
            }));
            runner/* setOutput */.uH(main/* OUTPUTS */.py.terminated, JSON.stringify(r.terminated));
            runner/* setOutput */.uH(main/* OUTPUTS */.py.region, inputs.region);
            await runner/* summary */.z
                .addHeading(inputs.dryRun ? 'Runner reaper (dry run: nothing changed)' : 'Runner reaper', 3)
                .addTable([
                header('kind', 'id', 'decision', 'reason'),
                ...r.decisions.map((d) => [
                    cell(d.kind),
                    cell(d.id),
                    cell(inputs.dryRun && d.action !== 'keep' ? `would ${d.action}` : d.action),
                    cell(d.reason),
                ]),
            ])
                .write();
        }
    }
    finally {
        ec2.destroy();
        ssm.destroy();
    }
}


/***/ })

};
