#!/bin/bash
# Boot script of an ec2-runner instance: cloud-init runs it as root at first boot, after the MDL_RUNNER_*
# settings that the user data puts in front of it. It caps the machine's life, waits for the runner's
# JIT config in SSM under its own instance id (and deletes it there once read), installs the pinned
# runner after checking its SHA-256, runs one job as a non-root user and powers off;
# InstanceInitiatedShutdownBehavior=terminate then ends the instance. Nothing here prints the JIT
# config: cloud-init copies this script's output to the console.
# packages/core/src/runner/boot-script.ts is generated from this file (a test checks they agree).
set -euo pipefail

: "${MDL_RUNNER_LABEL:?}" "${MDL_RUNNER_PARAMETER_PATH:?}" "${MDL_RUNNER_CONFIG_WAIT_SECONDS:?}"
: "${MDL_RUNNER_REGION:?}" "${MDL_RUNNER_MAX_MINUTES:?}" "${MDL_RUNNER_URL:?}" "${MDL_RUNNER_SHA256:?}"
RUNNER_USER="${MDL_RUNNER_USER:-runner}"
RUNNER_HOME="${MDL_RUNNER_HOME:-/home/${RUNNER_USER}}"
IMDS="${MDL_RUNNER_IMDS:-http://169.254.169.254}"

log() { echo "ec2-runner: $*"; }

# First, before anything can fail: the machine goes down at its maximum lifetime whatever happens.
shutdown -h "+${MDL_RUNNER_MAX_MINUTES}" "ec2-runner: maximum lifetime of ${MDL_RUNNER_MAX_MINUTES} minutes reached"

# From here every exit, a failure included, powers off (and so terminates) the instance.
finish() {
  local status=$?
  log "boot script ends with status ${status}; powering off"
  shutdown -h now "ec2-runner: done" || poweroff
}
trap finish EXIT

# IMDSv2 only: a session token first (the instance is launched with HttpTokens=required).
imds_token=$(curl -fsS -X PUT "${IMDS}/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
instance_id=$(curl -fsS -H "X-aws-ec2-metadata-token: ${imds_token}" "${IMDS}/latest/meta-data/instance-id")
if [[ ! "${instance_id}" =~ ^i-[0-9a-f]{8,17}$ ]]; then
  log "the instance metadata gave no instance id; not waiting for a runner config"
  exit 4
fi
parameter="${MDL_RUNNER_PARAMETER_PATH%/}/${instance_id}"
log "instance ${instance_id}, runner ${MDL_RUNNER_LABEL}; its config is to come at ${parameter}"

# The AWS CLI's error code of a failed call ("An error occurred (Code) when calling …"), never its output.
error_code() { sed -n 's/.*An error occurred (\([A-Za-z.]*\)).*/\1/p' "$1" | head -n 1 || true; }

# The JIT config is written under this instance's id only once RunInstances has answered with it, so it
# may not be there yet. Until it is, SSM answers ParameterNotFound, or AccessDeniedException (the
# instance role reads only parameters tagged with this instance's ARN, and a missing one has no tag):
# both mean wait, with backoff, up to MDL_RUNNER_CONFIG_WAIT_SECONDS. Read once, deleted at once, kept
# in memory only.
errors=$(mktemp)
waited=0
delay=2
until jit_config=$(aws ssm get-parameter --region "${MDL_RUNNER_REGION}" --name "${parameter}" \
  --with-decryption --query Parameter.Value --output text 2>"${errors}"); do
  code=$(error_code "${errors}")
  if [ "${waited}" -ge "${MDL_RUNNER_CONFIG_WAIT_SECONDS}" ]; then
    log "no runner config readable at ${parameter} after ${waited} s (last answer: ${code:-none}); powering off"
    exit 4
  fi
  if [ $((waited + delay)) -gt "${MDL_RUNNER_CONFIG_WAIT_SECONDS}" ]; then
    delay=$((MDL_RUNNER_CONFIG_WAIT_SECONDS - waited))
  fi
  log "no runner config at ${parameter} yet (${code:-no answer}); next look in ${delay} s"
  sleep "${delay}"
  waited=$((waited + delay))
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
if aws ssm delete-parameter --region "${MDL_RUNNER_REGION}" --name "${parameter}" 2>"${errors}"; then
  log "runner config read from SSM and deleted there"
else
  # Not fatal: the config is already in memory, and stop and reap delete an ended instance's parameter.
  log "warning: runner config read, but not deleted ($(error_code "${errors}")); stop or reap deletes it"
fi
rm -f "${errors}"

# The runner refuses to run as root, and a job should not have root anyway.
if ! id -u "${RUNNER_USER}" >/dev/null 2>&1; then
  useradd --create-home --home-dir "${RUNNER_HOME}" --shell /bin/bash "${RUNNER_USER}"
fi

# The pinned runner release, checked against its SHA-256 before anything of it runs.
tarball=$(mktemp)
curl -fsSL --retry 5 -o "${tarball}" "${MDL_RUNNER_URL}"
if ! echo "${MDL_RUNNER_SHA256}  ${tarball}" | sha256sum --check --strict --status -; then
  log "the runner download does not match SHA-256 ${MDL_RUNNER_SHA256}; not running it"
  exit 3
fi
log "runner ${MDL_RUNNER_URL##*/} verified"
mkdir -p "${RUNNER_HOME}/actions-runner"
tar -xzf "${tarball}" -C "${RUNNER_HOME}/actions-runner"
rm -f "${tarball}"
if [ -x "${RUNNER_HOME}/actions-runner/bin/installdependencies.sh" ]; then
  "${RUNNER_HOME}/actions-runner/bin/installdependencies.sh" >/dev/null || log "warning: installdependencies.sh failed"
fi
chown -R "${RUNNER_USER}:" "${RUNNER_HOME}/actions-runner"

# One job (a JIT runner is ephemeral), then the EXIT trap powers off.
cd "${RUNNER_HOME}/actions-runner"
log "starting the runner as ${RUNNER_USER}"
status=0
runuser -u "${RUNNER_USER}" -- env HOME="${RUNNER_HOME}" USER="${RUNNER_USER}" ./run.sh --jitconfig "${jit_config}" ||
  status=$?
unset jit_config
log "runner exited with status ${status}"
