#!/usr/bin/env bash
# The demo behind `make demo`: builds the provider and the Live API emulator,
# starts the emulator on a free loopback port, applies examples/demo with a
# dev_overrides CLI configuration, shows the result, checks that a second plan
# is empty, and destroys everything. All files live in one temporary folder
# that is removed on exit, together with the emulator, whatever happens.
set -euo pipefail

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ready_timeout=60

log() { printf '\n==> %s\n' "$*"; }
fail() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/volcengine-live-demo.XXXXXX")"
emulator_pid=""

cleanup() {
	local status=$?
	if [[ -n "${emulator_pid}" ]] && kill -0 "${emulator_pid}" 2>/dev/null; then
		kill -TERM "${emulator_pid}" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "${emulator_pid}" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "${emulator_pid}" 2>/dev/null; then
			kill -KILL "${emulator_pid}" 2>/dev/null || true
		fi
		wait "${emulator_pid}" 2>/dev/null || true
	fi
	if ((status != 0)) && [[ -s "${work}/emulator.log" ]]; then
		printf '\ndemo: failed; last lines of the emulator log:\n' >&2
		tail -n 30 "${work}/emulator.log" >&2
	fi
	rm -rf "${work}"
	if ((status == 0)); then
		printf '\ndemo: finished; emulator stopped and temporary files removed\n'
	fi
	exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

terraform="$("${root}/scripts/ensure-terraform.sh")"

log "Building the provider and the emulator into ${work}/bin"
mkdir -p "${work}/bin" "${work}/config"
(cd "${root}" && go build -o "${work}/bin/terraform-provider-volcengine" .)
(cd "${root}" && go build -o "${work}/bin/live-emulator" ./internal/cmd/live-emulator)

log "Starting the Live API emulator on a free loopback port"
ready_file="${work}/emulator.url"
"${work}/bin/live-emulator" -listen 127.0.0.1:0 -rps 10 -ready-file "${ready_file}" \
	>"${work}/emulator.log" 2>&1 </dev/null &
emulator_pid=$!

deadline=$((SECONDS + ready_timeout))
until [[ -s "${ready_file}" ]]; do
	kill -0 "${emulator_pid}" 2>/dev/null || fail "the emulator exited before it was ready"
	((SECONDS < deadline)) || fail "the emulator was not ready within ${ready_timeout}s"
	sleep 0.2
done
endpoint="$(head -n 1 "${ready_file}")"
[[ "${endpoint}" == http://127.0.0.1:* ]] || fail "unexpected emulator endpoint '${endpoint}'"
# The banner's first paragraph names the endpoint, keys, vhost and domain.
sed '/^$/q' "${work}/emulator.log"
echo "(pid ${emulator_pid}; stopped when the demo ends)"

# The emulator's fixed demo account; the provider reads these like real
# credentials, so nothing in the configuration is specific to the demo.
export VOLCENGINE_LIVE_ENDPOINT="${endpoint}"
export VOLCENGINE_ACCESS_KEY="AKLTDEMOLIVEEMULATOR0001"
export VOLCENGINE_SECRET_KEY="demo-secret-key-for-the-local-emulator"
export VOLCENGINE_REGION="cn-north-1"
unset VOLCENGINE_SESSION_TOKEN

# dev_overrides points Terraform at the binary just built, so no registry and
# no `terraform init` are involved.
export TF_CLI_CONFIG_FILE="${work}/config/terraformrc"
cat >"${TF_CLI_CONFIG_FILE}" <<EOF
provider_installation {
  dev_overrides {
    "liveops/volcengine" = "${work}/bin"
  }
  direct {}
}
EOF
export TF_DATA_DIR="${work}/tfdata"

mkdir -p "${work}/tf"
cp "${root}/examples/demo/main.tf" "${work}/tf/main.tf"
cd "${work}/tf"

log "terraform apply"
"${terraform}" apply -auto-approve -input=false -no-color

log "terraform state list"
"${terraform}" state list

log "terraform output"
"${terraform}" output -no-color

log "terraform plan (must be empty: the server agrees with the configuration)"
set +e
"${terraform}" plan -detailed-exitcode -input=false -no-color
plan_status=$?
set -e
case "${plan_status}" in
0) echo "no changes: what was applied reads back identically" ;;
2) fail "the plan after apply is not empty" ;;
*) fail "terraform plan failed" ;;
esac

log "terraform destroy"
"${terraform}" destroy -auto-approve -input=false -no-color

remaining="$("${terraform}" state list)"
[[ -z "${remaining}" ]] || fail "resources left in state after destroy: ${remaining}"
