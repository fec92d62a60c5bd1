package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
	"github.com/liveops/terraform-provider-volcengine/internal/tfrun"
)

// accountRPS is the account's limit for all Live actions together; the
// emulator enforces it in the timed cases and the provider's default
// requests_per_second matches it.
const accountRPS = 10

// commandTimeout bounds one terraform command, far above what the largest
// case needs at the account limit.
const commandTimeout = 15 * time.Minute

// faultSeed makes the faulted requests of a run repeatable as far as the
// order of the provider's requests is.
const faultSeed = 11

// benchCase is one layout taken through apply, a refresh-only plan and
// destroy.
type benchCase struct {
	name  string
	shape shape
	// faultRate is the share of requests answered with a retryable fault.
	faultRate float64
	// timed runs at the account's limit and holds the wall time to its
	// floor; otherwise neither the emulator nor the provider limits the
	// rate, and only call counts are held to their targets.
	timed bool
	// memory holds the provider's peak resident set to maxProviderRSS.
	memory bool
}

// benchCases are make bench's: the layout, the 4-vhost one at two
// sizes, and the layout again with faults.
var benchCases = []benchCase{
	{name: "issue_N=200", shape: shape{vhosts: 2, n: 200}, timed: true},
	{name: "4vhosts_N=200", shape: shape{vhosts: 4, n: 200, sparse: true}, timed: true},
	{name: "4vhosts_N=1000", shape: shape{vhosts: 4, n: 1000, sparse: true}, timed: true, memory: true},
	{name: "issue_faults_N=200", shape: shape{vhosts: 2, n: 200}, faultRate: 0.05, timed: true},
}

// shortCase runs in go test: the layout on one vhost. A destroy
// costs two scope reads per vhost beyond its necessary calls (terraform's
// refresh, then the first app-less delete's view in the new provider
// process), which the 5 % allowance absorbs only from about 40 necessary
// calls per vhost.
var shortCase = benchCase{name: "short_N=50", shape: shape{vhosts: 1, n: 50}}

// BenchmarkLifecycle applies, refreshes and destroys each case's callback
// configurations with the real terraform binary, prints a table of the
// phases and the targets, writes it to BENCH_RESULTS, and fails when a
// target is missed.
func BenchmarkLifecycle(b *testing.B) {
	h := harness(b)
	rep := report{header: fmt.Sprintf("BenchmarkLifecycle: %s, provider built from this tree, emulator at %d req/s "+
		"(fault seed %d), -parallelism=10 (%s)", h.TerraformVersion, accountRPS, faultSeed, time.Now().UTC().Format(time.RFC3339))}
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			var last *caseResult
			for b.Loop() {
				last = runCase(b, h, c)
				rep.add(last)
			}
			b.ReportMetric(float64(last.apply.Total)/float64(c.shape.n), "apply-calls/callback")
			b.ReportMetric(last.apply.ratio(), "apply-wall/floor")
			b.ReportMetric(last.destroy.ratio(), "destroy-wall/floor")
			b.ReportMetric(float64(last.refresh.Total), "refresh-calls")
			b.ReportMetric(float64(max(last.apply.PeakRSS, last.refresh.PeakRSS, last.destroy.PeakRSS))/mib, "provider-peak-MiB")
		})
	}
	publish(b, resultsPath(h.Root, "BENCH_RESULTS", "bench-results.txt"), rep.String(), rep.misses())
}

// publish prints a benchmark's table, writes it to path and fails the
// benchmark for each target missed.
func publish(b *testing.B, path, text string, misses []string) {
	b.Helper()
	fmt.Print("\n" + text)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatalf("creating the results folder: %v", err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		b.Fatalf("writing the results: %v", err)
	}
	fmt.Printf("results written to %s\n", path)
	for _, miss := range misses {
		b.Error(miss)
	}
}

// TestLifecycleShort holds 50 callbacks to the benchmark's call-count
// targets on any machine: no rate limit, no wall-time target.
func TestLifecycleShort(t *testing.T) {
	t.Parallel()
	h := harness(t)
	rep := report{header: fmt.Sprintf("TestLifecycleShort: %s, no rate limit, call counts only", h.TerraformVersion)}
	rep.add(runCase(t, h, shortCase))
	t.Log("\n" + rep.String())
	for _, miss := range rep.misses() {
		t.Error(miss)
	}
}

func harness(tb testing.TB) *tfrun.Harness {
	tb.Helper()
	h, err := tfrun.Get()
	if errors.Is(err, tfrun.ErrNoTerraform) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// resultsPath is BENCH_RESULTS, taken relative to the module root like every
// other path of the make targets, or build/bench-results.txt.
func resultsPath(root, env, name string) string {
	p := os.Getenv(env)
	if p == "" {
		p = filepath.Join("build", name)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	return p
}

// caseResult is one run of a case.
type caseResult struct {
	c                       benchCase
	apply, refresh, destroy phaseResult
	// problems is what kept the case from converging in one run.
	problems []string
}

// workspace is one case's terraform working directory and emulator.
type workspace struct {
	tb       testing.TB
	ws       *tfrun.Workspace
	emu      *liveemu.Server
	specs    []callbackSpec
	problems []string // for caseResult.problems
}

// expect notes a problem, if any.
func (w *workspace) expect(problem string) {
	if problem != "" {
		w.problems = append(w.problems, problem)
	}
}

func runCase(tb testing.TB, h *tfrun.Harness, c benchCase) *caseResult {
	emuRPS, providerRPS := float64(accountRPS), 0.0
	if !c.timed {
		emuRPS, providerRPS = -1, 1000
	}
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: emuRPS})
	for i := range c.shape.vhosts {
		emu.AddVhost(liveemu.DemoAccountID, vhostName(i))
	}
	var api http.Handler = emu
	if c.faultRate > 0 {
		api = newFaultyAPI(emu, c.faultRate, faultSeed)
	}
	srv := httptest.NewServer(api)
	tb.Cleanup(srv.Close)

	w := &workspace{
		tb:    tb,
		ws:    h.Workspace(tb.TempDir(), "VOLCENGINE_SECRET_KEY="+liveemu.DemoSecretKey),
		emu:   emu,
		specs: c.shape.specs(),
	}
	if err := w.ws.WriteConfig(mainTF(srv.URL, providerRPS, w.specs)); err != nil {
		tb.Fatal(err)
	}
	r := &caseResult{c: c}
	r.apply = w.phase("apply", c.shape.n, "apply", "-auto-approve", "-parallelism=10", "-input=false", "-no-color")
	w.expect(w.stored())
	refreshPlan := filepath.Join(w.ws.Dir, "refresh.tfplan")
	r.refresh = w.phase("refresh", c.shape.vhosts, "plan", "-refresh-only", "-parallelism=10", "-input=false",
		"-detailed-exitcode", "-no-color", "-out="+refreshPlan)
	if r.refresh.ExitCode == 2 {
		w.expect(w.noDrift(refreshPlan))
	}
	w.expect(w.stored())
	w.expect(w.planEmpty())
	r.destroy = w.phase("destroy", c.shape.n+appLess(w.specs), "destroy", "-auto-approve", "-parallelism=10",
		"-input=false", "-no-color")
	if left := emu.All(); len(left) != 0 {
		w.expect(fmt.Sprintf("after destroy the emulator still holds %d configurations: %s", len(left), keysOf(left)))
	}
	r.problems = w.problems
	return r
}

var (
	// throttlingShown finds throttling reported to the user in terraform's
	// output; the provider is meant to absorb it with its limiter and
	// retries.
	throttlingShown = regexp.MustCompile(`(?i)FlowLimitExceeded|too many requests|HTTP 429|throttl`)
	// restoreWarning finds a warning about configurations a delete removed
	// and wrote back.
	restoreWarning = regexp.MustCompile(`(?mi)Warning: .*restor`)
)

// phase runs one terraform command with fresh emulator counters and
// measures it. An exit code other than 0, or 2 from a -detailed-exitcode
// plan (checked by the caller), is a problem, shown with terraform's output.
func (w *workspace) phase(name string, necessary int, args ...string) phaseResult {
	w.tb.Helper()
	// A fault queued for a request of the commands in between would land
	// in this phase on top of its own share.
	w.emu.ClearFaults()
	w.emu.ResetCounters()
	memory := watchProviderMemory()
	cpu := childrenCPU()
	start := time.Now()
	out, exitCode := w.terraform(args...)
	wall := time.Since(start)
	cpu = childrenCPU() - cpu
	peak, processes, memErr := memory.Stop()
	if exitCode != 0 && (exitCode != 2 || !slices.Contains(args, "-detailed-exitcode")) {
		w.expect(fmt.Sprintf("terraform %s exited %d", args[0], exitCode))
		w.tb.Logf("terraform %s exited %d; the end of its output:\n%s", strings.Join(args, " "), exitCode, tail(out, 80))
	}
	if memErr != nil {
		w.tb.Logf("the provider's memory was not measured: %v", memErr)
	} else if processes == 0 {
		w.tb.Logf("terraform %s: no provider process was seen to measure its memory", args[0])
	}
	var first, last time.Duration
	if reqs := w.emu.Requests(); len(reqs) > 0 {
		first, last = reqs[0].Time.Sub(start), reqs[len(reqs)-1].Time.Sub(start)
	}
	return phaseResult{
		Phase:     name,
		ExitCode:  exitCode,
		Wall:      wall,
		FirstCall: first,
		LastCall:  last,
		CPU:       cpu,
		Necessary: necessary,
		Update:    w.emu.Calls("UpdateCallback"),
		Describe:  w.emu.Calls("DescribeCallback"),
		Delete:    w.emu.Calls("DeleteCallback"),
		Total:     w.emu.TotalCalls(),
		Throttled: w.emu.Throttled(),
		Faults:    faultsAnswered(w.emu),
		Warnings:  len(restoreWarning.FindAllString(out, -1)),
		Shown:     len(throttlingShown.FindAllString(out, -1)),
		PeakRSS:   peak,
	}
}

// terraform runs one command and returns its output and exit code.
func (w *workspace) terraform(args ...string) (string, int) {
	w.tb.Helper()
	ctx, cancel := context.WithTimeout(w.tb.Context(), commandTimeout)
	defer cancel()
	out, exitCode, err := w.ws.Run(ctx, args...)
	if err != nil {
		w.tb.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(out, 80))
	}
	return out, exitCode
}

func tail(out string, lines int) string {
	all := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// noDrift reports drift or changes in a saved refresh-only plan that
// terraform called applyable. One kind is not drift of what the user
// configured: Terraform 1.11 calls a refresh-only plan applyable when the
// refreshed state differs from the prior one in any way, including the
// order of the recorded sensitive attribute paths, which varies from run to
// run when a resource type has more than one sensitive attribute.
func (w *workspace) noDrift(planFile string) string {
	out, exitCode := w.terraform("show", "-json", "-no-color", planFile)
	if exitCode != 0 {
		return fmt.Sprintf("terraform show -json of the refresh-only plan exited %d: %s", exitCode, tail(out, 20))
	}
	var plan struct {
		ResourceDrift []struct {
			Address string
		} `json:"resource_drift"`
		ResourceChanges []struct {
			Address string
			Change  struct{ Actions []string }
		} `json:"resource_changes"`
		OutputChanges map[string]json.RawMessage `json:"output_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		return fmt.Sprintf("decoding the refresh-only plan: %v", err)
	}
	var drifted, changed []string
	for _, d := range plan.ResourceDrift {
		drifted = append(drifted, d.Address)
	}
	for _, rc := range plan.ResourceChanges {
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) {
			changed = append(changed, rc.Address)
		}
	}
	if len(drifted) > 0 || len(changed) > 0 || len(plan.OutputChanges) > 0 {
		return fmt.Sprintf("the refresh-only plan right after apply found drift in %v, changes to %v and %d output changes",
			drifted, changed, len(plan.OutputChanges))
	}
	return ""
}

// planEmpty reports a plan after apply that is not empty: apply must
// converge in one run.
func (w *workspace) planEmpty() string {
	out, exitCode := w.terraform("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if exitCode == 0 {
		return ""
	}
	w.tb.Logf("the plan after apply exited %d; the end of its output:\n%s", exitCode, tail(out, 80))
	return fmt.Sprintf("the plan after apply exited %d, not 0 (empty)", exitCode)
}

// stored reports unless the emulator holds exactly the configured
// callbacks.
func (w *workspace) stored() string {
	var missing []string
	for _, s := range w.specs {
		if _, ok := w.emu.Get(s.Vhost, s.App, s.MessageType); !ok {
			missing = append(missing, s.resourceName())
		}
	}
	if all := w.emu.All(); len(missing) > 0 || len(all) != len(w.specs) {
		return fmt.Sprintf("the emulator holds %d configurations, want %d; missing: %v", len(all), len(w.specs), missing)
	}
	return ""
}

func keysOf(cbs []liveemu.Callback) string {
	keys := make([]string, 0, len(cbs))
	for _, c := range cbs {
		keys = append(keys, c.Vhost+"/"+c.App+"/"+c.MessageType)
	}
	return strings.Join(keys, ", ")
}
