#!/usr/bin/env bash
# Usage: terraform-at-least.sh TERRAFORM MAJOR.MINOR
# Succeeds when the Terraform binary reports at least that version.
set -euo pipefail

tf="$1"
want_major="${2%%.*}"
want_minor="${2#*.}"
out="$("${tf}" version 2>/dev/null)" || exit 1
[[ "${out}" =~ ^Terraform\ v([0-9]+)\.([0-9]+)\. ]] || exit 1
major="${BASH_REMATCH[1]}"
minor="${BASH_REMATCH[2]}"
((major > want_major || (major == want_major && minor >= want_minor)))
