#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 10s). Go
# fuzzes one target of one package per run, so targets are found and run one
# by one; a failure stops the run and leaves the crashing input under the
# package's testdata/fuzz for `go test` to replay.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime="${FUZZTIME:-10s}"
ran=0

while read -r pkg dir; do
	# Listing compiles the test binary, so only packages that declare a fuzz
	# target are asked.
	grep -qs '^func Fuzz' "${dir}"/*_test.go || continue
	while read -r target; do
		echo "fuzz: ${pkg} ${target} for ${fuzztime}"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "${fuzztime}" "${pkg}"
		ran=$((ran + 1))
	done < <(go test -list '^Fuzz' "${pkg}" | grep '^Fuzz')
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)

if ((ran == 0)); then
	echo "fuzz: no fuzz targets in the module yet"
else
	echo "fuzz: ${ran} target(s) ran for ${fuzztime} each without a failure"
fi
