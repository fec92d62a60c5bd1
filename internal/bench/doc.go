// Package bench measures the provider end to end: the real terraform binary
// drives the provider binary built from this tree against the Live API
// emulator, limited like a real account to 10 requests per second, through
// apply, a refresh-only plan and destroy of many callback configurations.
//
// Run it with
//
//	make bench
//
// or directly with
//
//	go test -run '^$' -bench . -benchtime 1x ./internal/bench/
//
// (add e.g. -bench 'Lifecycle/N=50' for the small case only). Terraform is
// taken from TF_ACC_TERRAFORM_PATH, else from PATH; without it the benchmark
// is skipped. Each case prints a table of wall time, API calls per action,
// the floor that the account's rate limit allows, their ratio and the
// throttled requests, followed by the targets the figures are held to, and
// writes the same text to BENCH_RESULTS (default build/bench-results.txt
// under the module root). The case with 200 configurations needs about two
// minutes.
//
// The package holds no tests that run by default beyond a quick check of
// the generated configuration, so `go test ./...` stays fast.
package bench
