// Package bench measures the provider end to end: the real terraform binary
// (through internal/tfrun) drives the provider binary built from this tree
// against the Live API emulator, limited like a real account to 10 requests
// per second, through apply, a refresh-only plan and destroy with
// -parallelism=10.
//
// Run it with
//
//	make bench
//
// or directly with
//
//	go test -run '^$' -bench . -benchtime 1x ./internal/bench/
//
// (add e.g. -bench 'Lifecycle/4vhosts_N=1000' for one case). The cases are
// the layout of the rate-limit issue (2 vhosts, each with its vhost-wide
// configuration and 19 apps', for 5 message types: 200 callbacks, 10 of
// them app-less), 200 and 1000 callbacks over 4 vhosts, and the first
// layout again with 5 % of the requests answered with a retryable fault. Terraform is taken from
// TF_ACC_TERRAFORM_PATH, else from PATH; without it everything here skips.
//
// Each phase is reported with its calls by action, wall time, the floor
// that the rate limit sets for the phase's necessary calls (apply: a write
// per callback; destroy: a delete per callback and a snapshot read per
// app-less one; refresh: a read per vhost), their ratio, throttled and
// faulted answers, restores, the provider processes' peak resident memory,
// and where the rest of the wall time went: when the first call reached the
// emulator, how long terraform ran after the last, and the CPU time of
// terraform and the provider. The targets follow, and the benchmark fails
// when one is missed. The same text goes to BENCH_RESULTS (default
// build/bench-results.txt under the module root). A whole run takes about
// seven minutes.
//
// TestLifecycleShort runs in go test ./... (and make test, or make
// bench-short alone): 50 callbacks without a rate limit, held to the same
// call-count and restore targets, never to wall time, in a few seconds.
//
// BenchmarkSharedAccount (shared_test.go) puts several workspaces on one
// account: K terraform processes (K = 3, 5 and 10; BENCH_WORKSPACES=3,5
// picks others) of 60 callbacks each, each workspace on a vhost of its own
// and reaching the emulator through an endpoint of its own, apply at once
// and then destroy at once, with the provider's defaults; then one
// workspace applies 60 callbacks on an account that allows UpdateCallback 1
// request per second. Each phase reports how many runs succeeded, the calls
// and throttled answers, and the slowest run's wall time against the floor
// of every run's necessary calls at the account's limit (or at the
// action's, for the UpdateCallback case). It fails unless every run
// succeeds, none shows a throttling error, nothing is lost or left, and the
// slowest stays within 1.2 times the floor. BENCH_GATEWAY=window counts the
// emulator's limits per clock second instead of by token bucket. The table
// goes to BENCH_SHARED_RESULTS (default build/bench-shared-results.txt).
// TestSharedAccountShort, in go test, runs three workspaces of ten
// callbacks at once and holds them to success and call counts, not time.
package bench
