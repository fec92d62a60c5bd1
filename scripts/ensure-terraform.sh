#!/usr/bin/env bash
# Prints the path of a Terraform CLI >= 1.5 on stdout and explains on stderr
# where it came from. Order: TF_ACC_TERRAFORM_PATH when set, terraform on PATH,
# the project's bin/terraform, and otherwise a build of v1.5.7 from source
# into bin/ (the Go module proxy is enough; no release download is needed).
set -euo pipefail

export CHECKPOINT_DISABLE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="${root}/bin"
build_version="v1.5.7"

log() { printf 'ensure-terraform: %s\n' "$*" >&2; }

# Succeeds when $1 runs and reports a version of at least 1.5.
usable() {
	local candidate="$1" out major minor
	[[ -x "${candidate}" ]] || return 1
	# The first line reads "Terraform v1.11.4". The whole output is read
	# rather than piped to head, whose early exit would fail the command
	# under pipefail.
	out="$("${candidate}" version 2>/dev/null)" || return 1
	[[ "${out}" =~ ^Terraform\ v([0-9]+)\.([0-9]+)\. ]] || return 1
	major="${BASH_REMATCH[1]}"
	minor="${BASH_REMATCH[2]}"
	((major > 1 || (major == 1 && minor >= 5)))
}

describe() {
	local out
	out="$("$1" version 2>/dev/null)"
	printf '%s' "${out%%$'\n'*}"
}

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
	if usable "${TF_ACC_TERRAFORM_PATH}"; then
		log "using TF_ACC_TERRAFORM_PATH=${TF_ACC_TERRAFORM_PATH} ($(describe "${TF_ACC_TERRAFORM_PATH}"))"
		printf '%s\n' "${TF_ACC_TERRAFORM_PATH}"
		exit 0
	fi
	log "ignoring TF_ACC_TERRAFORM_PATH=${TF_ACC_TERRAFORM_PATH}: not an executable Terraform >= 1.5"
fi

if on_path="$(command -v terraform 2>/dev/null)"; then
	if usable "${on_path}"; then
		log "using ${on_path} from PATH ($(describe "${on_path}"))"
		printf '%s\n' "${on_path}"
		exit 0
	fi
	log "ignoring ${on_path} from PATH: older than 1.5 or not runnable"
fi

if usable "${bin_dir}/terraform"; then
	log "using ${bin_dir}/terraform ($(describe "${bin_dir}/terraform"))"
	printf '%s\n' "${bin_dir}/terraform"
	exit 0
fi

if ! command -v go >/dev/null 2>&1; then
	log "no Terraform >= 1.5 found and Go is not installed to build one; install Terraform >= 1.5"
	exit 1
fi

log "no Terraform >= 1.5 found; building terraform ${build_version} into ${bin_dir} (takes a few minutes)"
mkdir -p "${bin_dir}"
GOBIN="${bin_dir}" go install "github.com/hashicorp/terraform@${build_version}" >&2
if ! usable "${bin_dir}/terraform"; then
	log "the build finished but ${bin_dir}/terraform does not run"
	exit 1
fi
log "built ${bin_dir}/terraform ($(describe "${bin_dir}/terraform"))"
printf '%s\n' "${bin_dir}/terraform"
