#!/usr/bin/env bash
# make test: go vet, every test of the module against the in-process
# emulator with the ensured Terraform, the tests of what Terraform 1.12 to
# 1.15 added once more with NEW_TERRAFORM_PATH when it is set, and the docs
# check. It prints what failed, what was skipped and why, and closes with
# one line, "N passed, M failed, K skipped" (counted as
# internal/cmd/testsummary describes), and exits non-zero when anything
# failed. VERBOSE=1 also prints every test's output as go test -v does.
#
# Environment: VERBOSE, TEST_PARALLEL (tests run at once in a package),
# TEST_TIMEOUT, NEW_TERRAFORM_PATH and NEW_TERRAFORM_TESTS (a go test -run
# pattern), all set by GNUmakefile.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1

results="build/test"
summary="bin/testsummary"
rm -rf "${results}"
mkdir -p "${results}" bin

tf="$(scripts/ensure-terraform.sh)" || exit 1
go build -o "${summary}" ./internal/cmd/testsummary || exit 1

# Every process of the run is short-lived or lives as long as the run, and
# the run is bound by CPU: garbage collection cost Terraform and the tests
# about a fifth of it. Each process may grow to GOMEMLIMIT before it collects.
export GOGC=off GOMEMLIMIT=256MiB

# gotest FILE ARGS... runs go test -json into FILE; with VERBOSE, the output
# streams as go test -v prints it.
gotest() {
	local file="$1"
	shift
	if [[ -n "${VERBOSE:-}" ]]; then
		go test -json "$@" | tee "${file}" | "${summary}" -echo
		return "${PIPESTATUS[0]}"
	fi
	go test -json "$@" >"${file}"
}

version() { "$1" version 2>/dev/null | sed -n '1s/^Terraform v//p'; }

# Everything goes side by side: the packages that run Terraform longest
# (go test runs the packages of one command in the order given, two at
# once), the other packages, short and mostly waiting, beside them from the
# start rather than after them, the run with NEW_TERRAFORM_PATH, go vet and
# the docs check. With VERBOSE, the first streams and the others follow it.
heavy=(./internal/provider ./internal/randomized ./internal/bench)
module="$(go list -m)"
mapfile -t others < <(go list ./... | grep -v -x -F -e "${module}/internal/provider" \
	-e "${module}/internal/randomized" -e "${module}/internal/bench")
label=""
[[ -z "${NEW_TERRAFORM_PATH:-}" ]] || label="terraform $(version "${tf}")="
runs=("${label}${results}/main.json" "${label}${results}/others.json")
later=("${results}/others.json")
flags=(-count=1 -parallel "${TEST_PARALLEL}" -timeout "${TEST_TIMEOUT}")

TF_ACC_TERRAFORM_PATH="${tf}" gotest "${results}/main.json" "${heavy[@]}" "${flags[@]}" &
pids=($!)
VERBOSE="" TF_ACC_TERRAFORM_PATH="${tf}" gotest "${results}/others.json" "${others[@]}" "${flags[@]}" &
pids+=($!)
if [[ -n "${NEW_TERRAFORM_PATH:-}" ]]; then
	echo "==> test: the tests matching '${NEW_TERRAFORM_TESTS}' also run with NEW_TERRAFORM_PATH=${NEW_TERRAFORM_PATH}"
	runs+=("terraform $(version "${NEW_TERRAFORM_PATH}")=${results}/new.json")
	later+=("${results}/new.json")
	VERBOSE="" TF_ACC_TERRAFORM_PATH="${NEW_TERRAFORM_PATH}" gotest "${results}/new.json" ./internal/provider \
		-run "${NEW_TERRAFORM_TESTS}" "${flags[@]}" &
	pids+=($!)
else
	echo "==> test: NEW_TERRAFORM_PATH not set: identity and list resources are tested through the protocol only" \
		"where Terraform $(version "${tf}") is older than 1.12 or 1.14"
fi
go vet ./... >"${results}/vet.log" 2>&1 &
vet_pid=$!
make --no-print-directory docs-check >"${results}/docs-check.log" 2>&1 &
docs_pid=$!

status=0
for pid in "${pids[@]}"; do
	wait "${pid}" || status=$?
done
if [[ -n "${VERBOSE:-}" ]]; then
	for file in "${later[@]}"; do
		"${summary}" -echo <"${file}"
	done
fi

checks=()
if wait "${vet_pid}"; then
	checks+=(-check "go vet=pass")
else
	cat "${results}/vet.log"
	checks+=(-check "go vet=fail:see its findings above")
fi

# The docs check's own output (tfplugindocs is verbose) shows only when it
# failed or with VERBOSE; a skip's reason is in the summary.
docs_status=0
wait "${docs_pid}" || docs_status=$?
if ((docs_status != 0)) || [[ -n "${VERBOSE:-}" ]]; then
	cat "${results}/docs-check.log"
fi
skipped="$(sed -n 's/^docs-check: SKIPPED: //p' "${results}/docs-check.log")"
if ((docs_status != 0)); then
	checks+=(-check "docs-check=fail:docs/ is stale or could not be generated, see above")
elif [[ -n "${skipped}" ]]; then
	checks+=(-check "docs-check=skip:${skipped}")
else
	checks+=(-check "docs-check=pass")
fi

echo "==> test: summary of ${results}/*.json"
"${summary}" -status "${status}" "${checks[@]}" "${runs[@]}" | tee "${results}/summary.txt"
exit "${PIPESTATUS[0]}"
