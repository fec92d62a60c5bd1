package bench

// This file measures workspaces that share one account: K terraform
// processes applying, then destroying, at once against one emulated
// account, and one apply against an account that limits UpdateCallback on
// its own.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
	"github.com/liveops/terraform-provider-volcengine/internal/tfrun"
)

// The targets for a shared account.
const (
	// maxSharedWallOverFloor bounds the slowest workspace's wall time
	// against the floor of all the workspaces' necessary calls at the
	// account's limit (or at the action's limit that binds).
	maxSharedWallOverFloor = 1.2
	// sharedCallbacks is each workspace's size.
	sharedCallbacks = 60
)

// defaultWorkspaceCounts are the K of make bench; BENCH_WORKSPACES (e.g.
// "3,5") picks others, for a machine too slow or too busy to run ten
// terraform processes at once.
var defaultWorkspaceCounts = []int{3, 5, 10}

// sharedCase is one run on a shared account.
type sharedCase struct {
	name         string
	workspaces   int
	perWorkspace int
	// actionLimits are the account's limits of single actions.
	actionLimits map[string]float64
	gateway      liveemu.GatewayModel
	// applyOnly holds only the apply to targets; the destroy still runs,
	// to clean up, and is reported.
	applyOnly bool
	// timed holds the wall time to its floor; otherwise only success and
	// call counts are held to their targets.
	timed bool
}

// sharedPhase is one terraform command run by every workspace at once.
type sharedPhase struct {
	Phase     string
	Runs      int
	Succeeded int
	Walls     []time.Duration
	// Necessary is every workspace's necessary calls together; limit the
	// rate they are bound by.
	Necessary                                  int
	Limit                                      float64
	Update, Describe, Delete, Total, Throttled int
	Shown                                      int // throttling reports in terraform's output
}

func (p sharedPhase) slowest() time.Duration {
	var s time.Duration
	for _, w := range p.Walls {
		s = max(s, w)
	}
	return s
}

func (p sharedPhase) floor() time.Duration {
	return time.Duration(float64(p.Necessary) / p.Limit * float64(time.Second))
}

func (p sharedPhase) ratio() float64 { return p.slowest().Seconds() / p.floor().Seconds() }

// sharedResult is one run of a sharedCase.
type sharedResult struct {
	c              sharedCase
	apply, destroy sharedPhase
	problems       []string
}

func workspaceCounts(tb testing.TB) []int {
	raw := os.Getenv("BENCH_WORKSPACES")
	if raw == "" {
		return defaultWorkspaceCounts
	}
	var out []int
	for _, f := range strings.Split(raw, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			tb.Fatalf("BENCH_WORKSPACES=%q: want counts such as 3,5,10", raw)
		}
		out = append(out, k)
	}
	return out
}

// BenchmarkSharedAccount runs K workspaces of 60 callbacks each, each on a
// vhost of its own, applying at once and then destroying at once on one account
// limited to 10 requests per second, for each K; then one workspace's
// apply on an account that allows UpdateCallback 1 request per second. It
// prints a table, writes it to BENCH_SHARED_RESULTS (default
// build/bench-shared-results.txt) and fails when a target is missed.
func BenchmarkSharedAccount(b *testing.B) {
	h := harness(b)
	gateway := liveemu.TokenBucket
	if g := os.Getenv("BENCH_GATEWAY"); g != "" {
		if err := gateway.UnmarshalText([]byte(g)); err != nil {
			b.Fatalf("BENCH_GATEWAY: %v", err)
		}
	}
	var cases []sharedCase
	for _, k := range workspaceCounts(b) {
		cases = append(cases, sharedCase{name: fmt.Sprintf("workspaces=%d", k), workspaces: k,
			perWorkspace: sharedCallbacks, gateway: gateway, timed: true})
	}
	cases = append(cases, sharedCase{name: "update_1rps", workspaces: 1, perWorkspace: sharedCallbacks,
		actionLimits: map[string]float64{"UpdateCallback": 1}, gateway: gateway, applyOnly: true, timed: true})

	rep := sharedReport{header: fmt.Sprintf("BenchmarkSharedAccount: %s, provider built from this tree with its defaults, "+
		"one account at %d req/s counted by %s, %d callbacks per workspace on a vhost of its own, -parallelism=10 (%s)",
		h.TerraformVersion, accountRPS, gateway, sharedCallbacks, time.Now().UTC().Format(time.RFC3339))}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var last *sharedResult
			for b.Loop() {
				last = runShared(b, h, c)
				rep.add(last)
			}
			b.ReportMetric(last.apply.ratio(), "apply-slowest/floor")
			if !c.applyOnly {
				b.ReportMetric(last.destroy.ratio(), "destroy-slowest/floor")
			}
			b.ReportMetric(float64(last.apply.Throttled+last.destroy.Throttled), "throttled")
		})
	}
	publish(b, resultsPath(h.Root, "BENCH_SHARED_RESULTS", "bench-shared-results.txt"), rep.String(), rep.misses())
}

// TestSharedAccountShort is the call-count version for go test: three
// workspaces of ten callbacks apply and destroy at once on an account of
// 10 requests per second. Every run succeeds, none shows throttling, and
// the account's accepted calls stay near the necessary ones; wall time is
// reported, never held to a target.
func TestSharedAccountShort(t *testing.T) {
	t.Parallel()
	h := harness(t)
	c := sharedCase{name: "short_3x10", workspaces: 3, perWorkspace: 10, gateway: liveemu.TokenBucket}
	rep := sharedReport{header: fmt.Sprintf("TestSharedAccountShort: %s, call counts only", h.TerraformVersion)}
	rep.add(runShared(t, h, c))
	t.Log("\n" + rep.String())
	for _, miss := range rep.misses() {
		t.Error(miss)
	}
}

// sharedSpecs are workspace w's configurations, on a vhost of its own:
// the layout of one vhost (an app-less configuration per message
// type, the rest per app).
func sharedSpecs(w, n int) []callbackSpec {
	specs := shape{vhosts: 1, n: n}.specs()
	for i := range specs {
		specs[i].Vhost = fmt.Sprintf("w%d.live.example.com", w+1)
	}
	return specs
}

func runShared(tb testing.TB, h *tfrun.Harness, c sharedCase) *sharedResult {
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: accountRPS, ActionRequestsPerSecond: c.actionLimits, Gateway: c.gateway})
	r := &sharedResult{c: c}
	var all []callbackSpec
	workspaces := make([]*tfrun.Workspace, c.workspaces)
	for w := range workspaces {
		specs := sharedSpecs(w, c.perWorkspace)
		all = append(all, specs...)
		emu.AddVhost(liveemu.DemoAccountID, specs[0].Vhost)
		// Each workspace reaches the account through an endpoint of its
		// own, as pipelines on different machines would.
		srv := httptest.NewServer(emu)
		tb.Cleanup(srv.Close)
		workspaces[w] = h.Workspace(tb.TempDir(), "VOLCENGINE_SECRET_KEY="+liveemu.DemoSecretKey)
		if err := workspaces[w].WriteConfig(mainTF(srv.URL, 0, specs)); err != nil {
			tb.Fatal(err)
		}
	}
	expect := func(problem string) {
		if problem != "" {
			r.problems = append(r.problems, problem)
		}
	}
	applyLimit := float64(accountRPS)
	if l, ok := c.actionLimits["UpdateCallback"]; ok {
		applyLimit = min(applyLimit, l)
	}
	r.apply = sharedRun(tb, emu, workspaces, "apply", len(all), applyLimit, expect,
		"apply", "-auto-approve", "-parallelism=10", "-input=false", "-no-color")
	var missing []string
	for _, s := range all {
		if _, ok := emu.Get(s.Vhost, s.App, s.MessageType); !ok {
			missing = append(missing, s.Vhost)
		}
	}
	if stored := emu.All(); len(missing) > 0 || len(stored) != len(all) {
		expect(fmt.Sprintf("after apply the emulator holds %d configurations, want %d; missing: %v", len(stored), len(all), missing))
	}
	destroyLimit := float64(accountRPS)
	if l, ok := c.actionLimits["DeleteCallback"]; ok {
		destroyLimit = min(destroyLimit, l)
	}
	r.destroy = sharedRun(tb, emu, workspaces, "destroy", len(all)+appLess(all), destroyLimit, expect,
		"destroy", "-auto-approve", "-parallelism=10", "-input=false", "-no-color")
	if left := emu.All(); len(left) != 0 {
		expect(fmt.Sprintf("after destroy the emulator still holds %d configurations: %s", len(left), keysOf(left)))
	}
	return r
}

// sharedRun runs one terraform command in every workspace at once, with
// fresh emulator counters, and measures it.
func sharedRun(tb testing.TB, emu *liveemu.Server, workspaces []*tfrun.Workspace, name string, necessary int,
	limit float64, expect func(string), args ...string) sharedPhase {
	tb.Helper()
	emu.ResetCounters()
	p := sharedPhase{Phase: name, Runs: len(workspaces), Walls: make([]time.Duration, len(workspaces)), Necessary: necessary, Limit: limit}
	outs := make([]string, len(workspaces))
	codes := make([]int, len(workspaces))
	errs := make([]error, len(workspaces))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, ws := range workspaces {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(tb.Context(), commandTimeout)
			defer cancel()
			<-start
			began := time.Now()
			outs[i], codes[i], errs[i] = ws.Run(ctx, args...)
			p.Walls[i] = time.Since(began)
		})
	}
	close(start)
	wg.Wait()
	for i := range workspaces {
		switch {
		case errs[i] != nil:
			expect(fmt.Sprintf("workspace %d: terraform %s: %v", i+1, name, errs[i]))
		case codes[i] != 0:
			expect(fmt.Sprintf("workspace %d: terraform %s exited %d", i+1, name, codes[i]))
			tb.Logf("workspace %d: terraform %s exited %d; the end of its output:\n%s", i+1, name, codes[i], tail(outs[i], 40))
		default:
			p.Succeeded++
		}
		p.Shown += len(throttlingShown.FindAllString(outs[i], -1))
	}
	p.Update, p.Describe, p.Delete = emu.Calls("UpdateCallback"), emu.Calls("DescribeCallback"), emu.Calls("DeleteCallback")
	p.Total, p.Throttled = emu.TotalCalls(), emu.Throttled()
	return p
}

// sharedReport is the table of the runs on a shared account, then each
// run's targets.
type sharedReport struct {
	header string
	runs   []*sharedResult
}

func (r *sharedReport) add(s *sharedResult) { r.runs = append(r.runs, s) }

func (r *sharedReport) String() string {
	var b strings.Builder
	b.WriteString(r.header + "\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tphase\tsucceeded\tslowest s\tfastest s\tUpdate\tDescribe\tDelete\tcalls\t429s\tnecessary\tlimit/s\tfloor s\tslowest/floor\t")
	for _, s := range r.runs {
		for _, p := range []sharedPhase{s.apply, s.destroy} {
			fastest := p.slowest()
			for _, w := range p.Walls {
				fastest = min(fastest, w)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%g\t%.1f\t%.2f\t\n", s.c.name, p.Phase,
				p.Succeeded, p.Runs, p.slowest().Seconds(), fastest.Seconds(), p.Update, p.Describe, p.Delete, p.Total,
				p.Throttled, p.Necessary, p.Limit, p.floor().Seconds(), p.ratio())
		}
	}
	_ = tw.Flush()
	for _, s := range r.runs {
		fmt.Fprintf(&b, "\ntargets, %s (%d workspaces of %d callbacks", s.c.name, s.c.workspaces, s.c.perWorkspace)
		for action, l := range s.c.actionLimits {
			fmt.Fprintf(&b, ", %s at %g/s", action, l)
		}
		b.WriteString("):\n")
		writeTargets(&b, s.targets())
	}
	return b.String()
}

func (r *sharedReport) misses() []string {
	var out []string
	for _, s := range r.runs {
		out = append(out, missed(s.c.name, s.targets())...)
	}
	return out
}

// maxSharedExtraCalls bounds, per workspace, the calls the account
// accepted (throttled ones aside) beyond the necessary ones, in the
// call-count version: the plan's read of the vhost in an apply; the
// refresh's read and the first app-less delete's view in the new provider
// process in a destroy; one more for a read that a write of the same run
// made stale.
const maxSharedExtraCalls = 3

func (s *sharedResult) targets() []target {
	converged := target{"every workspace converged", "yes", "every apply and destroy succeeded, nothing lost or left", len(s.problems) == 0}
	if !converged.met {
		converged.got = strings.Join(s.problems, "; ")
	}
	out := []target{converged}
	phases := []sharedPhase{s.apply}
	if !s.c.applyOnly {
		phases = append(phases, s.destroy)
	}
	for _, p := range phases {
		out = append(out, target{p.Phase + " succeeded", fmt.Sprintf("%d/%d", p.Succeeded, p.Runs), "all", p.Succeeded == p.Runs})
		out = append(out, target{p.Phase + " throttling errors shown", fmt.Sprint(p.Shown),
			fmt.Sprintf("= 0 (the account answered %d 429s)", p.Throttled), p.Shown == 0})
		if s.c.timed {
			out = append(out, target{p.Phase + " slowest / floor", fmt.Sprintf("%.2f (%.1f s / %.1f s)", p.ratio(),
				p.slowest().Seconds(), p.floor().Seconds()), fmt.Sprintf("<= %.2f", maxSharedWallOverFloor),
				p.ratio() <= maxSharedWallOverFloor})
			continue
		}
		accepted, bound := p.Total-p.Throttled, p.Necessary+maxSharedExtraCalls*p.Runs
		out = append(out, target{p.Phase + " accepted calls", fmt.Sprint(accepted),
			fmt.Sprintf("<= %d (%d necessary + %d per workspace)", bound, p.Necessary, maxSharedExtraCalls), accepted <= bound})
	}
	return out
}

func TestSharedReport(t *testing.T) {
	t.Parallel()
	timed := &sharedResult{
		c: sharedCase{name: "workspaces=5", workspaces: 5, perWorkspace: 60, timed: true},
		apply: sharedPhase{Phase: "apply", Runs: 5, Succeeded: 5, Walls: []time.Duration{30 * time.Second, 33 * time.Second},
			Necessary: 300, Limit: 10, Update: 600, Describe: 5, Total: 605, Throttled: 300},
		destroy: sharedPhase{Phase: "destroy", Runs: 5, Succeeded: 4, Walls: []time.Duration{40 * time.Second},
			Necessary: 325, Limit: 10, Describe: 50, Delete: 600, Total: 650, Throttled: 320, Shown: 2},
		problems: []string{"workspace 3: terraform destroy exited 1"},
	}
	short := &sharedResult{
		c:       sharedCase{name: "short_3x10", workspaces: 3, perWorkspace: 10},
		apply:   sharedPhase{Phase: "apply", Runs: 3, Succeeded: 3, Walls: []time.Duration{3 * time.Second}, Necessary: 30, Limit: 10, Update: 45, Describe: 3, Total: 48, Throttled: 15},
		destroy: sharedPhase{Phase: "destroy", Runs: 3, Succeeded: 3, Walls: []time.Duration{5 * time.Second}, Necessary: 45, Limit: 10, Describe: 30, Delete: 60, Total: 90, Throttled: 30},
	}
	r := sharedReport{header: "header"}
	r.add(timed)
	r.add(short)
	got := r.String()
	for _, want := range []string{
		"case    phase  succeeded  slowest s  fastest s  Update  Describe  Delete  calls  429s  necessary  limit/s  floor s  slowest/floor",
		"workspaces=5    apply        5/5       33.0       30.0     600         5       0    605   300        300       10     30.0           1.10",
		"ok    apply slowest / floor            1.10 (33.0 s / 30.0 s)",
		"MISS  destroy succeeded                4/5",
		"MISS  destroy throttling errors shown  2",
		"MISS  destroy slowest / floor          1.23 (40.0 s / 32.5 s)",
		"ok    apply accepted calls             33",
		"<= 39 (30 necessary + 3 per workspace)",
		"MISS  destroy accepted calls           60",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if misses := r.misses(); len(misses) != 5 {
		t.Errorf("%d misses, want 5:\n%s", len(misses), strings.Join(misses, "\n"))
	}
}
