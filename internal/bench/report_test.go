package bench

import (
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

const mib = 1 << 20

// The targets.
const (
	maxApplyCallsPerCallback = 1.1
	// maxDestroyOverNecessary bounds destroy's calls against its necessary
	// ones: a DeleteCallback per callback and a snapshot read per app-less
	// one.
	maxDestroyOverNecessary = 1.05
	maxWallOverFloor        = 1.15
	maxWallOverFloorFaults  = 1.3
	maxProviderRSS          = 100 * mib
)

// phaseResult is one terraform command of one case.
type phaseResult struct {
	Phase    string
	ExitCode int
	Wall     time.Duration
	// FirstCall and LastCall are when the emulator received the phase's
	// first and last request, from the start: around them is terraform's
	// and the provider's own time.
	FirstCall, LastCall time.Duration
	// CPU is terraform's and the provider processes' CPU time; 0 when not
	// measured.
	CPU time.Duration
	// Necessary is the calls the phase cannot do without: a write per
	// callback to apply; a delete per callback and a snapshot per app-less
	// one to destroy; a DescribeCallback per vhost to refresh.
	Necessary int
	// Calls the emulator received per action, throttled and faulted ones
	// included.
	Update, Describe, Delete, Total int
	Throttled                       int    // requests the emulator's rate limiter answered 429
	Faults                          int    // requests answered with an injected fault
	Warnings                        int    // restore warnings in terraform's output
	Shown                           int    // throttling reports in terraform's output
	PeakRSS                         uint64 // the provider processes' highest VmHWM, bytes; 0 when not measured
}

// floor is the least wall time the account's limit allows for the
// necessary calls.
func (r phaseResult) floor() time.Duration {
	return time.Duration(float64(r.Necessary) / accountRPS * float64(time.Second))
}

func (r phaseResult) ratio() float64 {
	return r.Wall.Seconds() / r.floor().Seconds()
}

// report is the table of every phase run, then each case's targets.
type report struct {
	header string
	cases  []*caseResult
}

func (r *report) add(c *caseResult) { r.cases = append(r.cases, c) }

func (r *report) String() string {
	var b strings.Builder
	b.WriteString(r.header + "\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tphase\twall s\tUpdate\tDescribe\tDelete\tcalls\tnecessary\tfloor s\twall/floor\t429s\tfaults\t"+
		"restores\trestore warnings\tpeak MiB\t1st call s\tafter last s\tCPU s\t")
	for _, c := range r.cases {
		for _, p := range []phaseResult{c.apply, c.refresh, c.destroy} {
			restores := "-"
			if p.Phase == "destroy" {
				restores = fmt.Sprint(p.Update)
			}
			peak, cpu := "-", "-"
			if p.PeakRSS > 0 {
				peak = fmt.Sprintf("%.1f", float64(p.PeakRSS)/mib)
			}
			if p.CPU > 0 {
				cpu = fmt.Sprintf("%.1f", p.CPU.Seconds())
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.2f\t%d\t%d\t%s\t%d\t%s\t%.1f\t%.1f\t%s\t\n", c.c.name,
				p.Phase, p.Wall.Seconds(), p.Update, p.Describe, p.Delete, p.Total, p.Necessary, p.floor().Seconds(), p.ratio(),
				p.Throttled, p.Faults, restores, p.Warnings, peak, p.FirstCall.Seconds(), (p.Wall - p.LastCall).Seconds(), cpu)
		}
	}
	_ = tw.Flush()
	for _, c := range r.cases {
		fmt.Fprintf(&b, "\ntargets, %s (%v", c.c.name, c.c.shape)
		if c.c.faultRate > 0 {
			fmt.Fprintf(&b, ", %.0f %% of requests faulted", c.c.faultRate*100)
		}
		b.WriteString("):\n")
		writeTargets(&b, c.targets())
	}
	return b.String()
}

// writeTargets writes one line per target: ok or MISS, what was measured,
// the figure and the limit.
func writeTargets(b *strings.Builder, targets []target) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, t := range targets {
		status := "ok"
		if !t.met {
			status = "MISS"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", status, t.what, t.got, t.limit)
	}
	_ = tw.Flush()
}

// missed lists the targets of case name that were missed, one line each.
func missed(name string, targets []target) []string {
	var out []string
	for _, t := range targets {
		if !t.met {
			out = append(out, fmt.Sprintf("%s: %s is %s, target %s", name, t.what, t.got, t.limit))
		}
	}
	return out
}

// misses lists every target missed, one line each.
func (r *report) misses() []string {
	var out []string
	for _, c := range r.cases {
		out = append(out, missed(c.c.name, c.targets())...)
	}
	return out
}

// target is one bound: what is measured, the figure, the bound.
type target struct {
	what, got, limit string
	met              bool
}

// targets are the issue's: call counts where no faults add retries, wall
// time where the rate is limited, memory where the case asks for it, and
// always one run that converges without restores.
func (c *caseResult) targets() []target {
	apply, refresh, destroy := c.apply, c.refresh, c.destroy
	n := c.c.shape.n
	converged := target{"converged in one run", "yes", "apply, plan empty, destroy, nothing left", len(c.problems) == 0}
	if !converged.met {
		converged.got = strings.Join(c.problems, "; ")
	}
	out := []target{converged}
	if c.c.faultRate == 0 {
		perCallback := float64(apply.Total) / float64(n)
		out = append(out,
			target{"apply calls per callback", fmt.Sprintf("%.3f", perCallback),
				fmt.Sprintf("<= %.2f", maxApplyCallsPerCallback), perCallback <= maxApplyCallsPerCallback},
			target{"destroy calls", fmt.Sprintf("%d (%.3f x necessary)", destroy.Total, float64(destroy.Total)/float64(destroy.Necessary)),
				fmt.Sprintf("<= %.2f x %d (%d deletes + %d snapshots)", maxDestroyOverNecessary, destroy.Necessary, n,
					destroy.Necessary-n), float64(destroy.Total) <= maxDestroyOverNecessary*float64(destroy.Necessary)},
			target{"refresh-only plan calls", fmt.Sprintf("%d (%d DescribeCallback)", refresh.Total, refresh.Describe),
				fmt.Sprintf("<= %d (one DescribeCallback per vhost)", refresh.Necessary),
				refresh.Total <= refresh.Necessary && refresh.Describe == refresh.Total},
		)
	}
	out = append(out,
		target{"destroy restores (UpdateCallback)", fmt.Sprint(destroy.Update), "= 0", destroy.Update == 0},
		target{"restore warnings shown", fmt.Sprint(apply.Warnings + refresh.Warnings + destroy.Warnings), "= 0",
			apply.Warnings+refresh.Warnings+destroy.Warnings == 0},
		target{"throttling errors shown", fmt.Sprint(apply.Shown + refresh.Shown + destroy.Shown),
			fmt.Sprintf("= 0 (emulator's limiter answered %d 429s)", apply.Throttled+refresh.Throttled+destroy.Throttled),
			apply.Shown+refresh.Shown+destroy.Shown == 0},
	)
	if c.c.timed {
		bound := maxWallOverFloor
		if c.c.faultRate > 0 {
			bound = maxWallOverFloorFaults
		}
		for _, p := range []phaseResult{apply, destroy} {
			out = append(out, target{p.Phase + " wall / floor", fmt.Sprintf("%.2f (%.1f s / %.1f s)", p.ratio(),
				p.Wall.Seconds(), p.floor().Seconds()), fmt.Sprintf("<= %.2f", bound), p.ratio() <= bound})
		}
	}
	if c.c.memory {
		peak := max(apply.PeakRSS, refresh.PeakRSS, destroy.PeakRSS)
		got := fmt.Sprintf("%.1f MiB", float64(peak)/mib)
		if peak == 0 {
			got = "not measured"
		}
		out = append(out, target{"provider peak resident memory", got, fmt.Sprintf("< %d MiB", maxProviderRSS/mib),
			peak > 0 && peak < maxProviderRSS})
	}
	return out
}

func TestReport(t *testing.T) {
	t.Parallel()
	shortish := &caseResult{
		c: benchCase{name: "short_N=50", shape: shape{vhosts: 1, n: 50}},
		apply: phaseResult{Phase: "apply", Necessary: 50, Wall: 6 * time.Second, FirstCall: 500 * time.Millisecond,
			LastCall: 5800 * time.Millisecond, CPU: 3 * time.Second, Update: 50, Describe: 1, Total: 51},
		refresh:  phaseResult{Phase: "refresh", Necessary: 1, Wall: time.Second, Describe: 2, Total: 2},
		destroy:  phaseResult{Phase: "destroy", Necessary: 55, Wall: 7 * time.Second, Update: 3, Describe: 9, Delete: 50, Total: 62, Warnings: 1},
		problems: []string{"terraform destroy exited 1"},
	}
	timed := &caseResult{
		c:       benchCase{name: "4vhosts_N=1000", shape: shape{vhosts: 4, n: 1000, sparse: true}, timed: true, memory: true},
		apply:   phaseResult{Phase: "apply", Necessary: 1000, Wall: 110 * time.Second, Update: 1000, Describe: 4, Total: 1004, PeakRSS: 60 * mib},
		refresh: phaseResult{Phase: "refresh", Necessary: 4, Wall: 3 * time.Second, Describe: 4, Total: 4, PeakRSS: 50 * mib},
		destroy: phaseResult{Phase: "destroy", Necessary: 1010, Wall: 120 * time.Second, Describe: 18, Delete: 1000, Total: 1018,
			Throttled: 2, PeakRSS: 120 * mib},
	}
	faulted := &caseResult{
		c:       benchCase{name: "issue_faults_N=200", shape: shape{vhosts: 2, n: 200}, faultRate: 0.05, timed: true},
		apply:   phaseResult{Phase: "apply", Necessary: 200, Wall: 25 * time.Second, Update: 211, Describe: 2, Total: 213, Faults: 11},
		refresh: phaseResult{Phase: "refresh", Necessary: 2, Wall: 2 * time.Second, Describe: 3, Total: 3, Faults: 1},
		destroy: phaseResult{Phase: "destroy", Necessary: 210, Wall: 27 * time.Second, Describe: 16, Delete: 210, Total: 226, Faults: 12},
	}
	r := report{header: "header"}
	r.add(shortish)
	r.add(timed)
	r.add(faulted)
	got := r.String()
	for _, want := range []string{
		"case    phase  wall s  Update  Describe  Delete  calls  necessary  floor s  wall/floor  429s  faults  restores  restore warnings  peak MiB  1st call s  after last s  CPU s",
		"short_N=50    apply     6.0      50         1       0     51         50      5.0        1.20     0       0         -                 0         -         0.5           0.2    3.0",
		"4vhosts_N=1000  destroy   120.0       0        18    1000   1018       1010    101.0        1.19     2       0         0                 0     120.0         0.0         120.0      -",
		"targets, short_N=50 (50 callbacks over 1 vhost, 5 app-less):",
		"MISS  converged in one run               terraform destroy exited 1",
		"ok    apply calls per callback           1.020",
		"MISS  destroy calls                      62 (1.127 x necessary)",
		"<= 1.05 x 55 (50 deletes + 5 snapshots)",
		"MISS  refresh-only plan calls            2 (2 DescribeCallback)",
		"MISS  destroy restores (UpdateCallback)  3",
		"MISS  restore warnings shown             1",
		"targets, 4vhosts_N=1000 (1000 callbacks over 4 vhosts, 10 app-less):",
		"ok    apply wall / floor",
		"1.10 (110.0 s / 100.0 s)",
		"MISS  destroy wall / floor",
		"MISS  provider peak resident memory",
		"120.0 MiB",
		"targets, issue_faults_N=200 (200 callbacks over 2 vhosts, 10 app-less, 5 % of requests faulted):",
		"ok  destroy wall / floor               1.29 (27.0 s / 21.0 s)  <= 1.30",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got[strings.Index(got, "targets, short_N=50"):strings.Index(got, "targets, 4vhosts")], "wall / floor") {
		t.Errorf("the untimed case is held to wall time:\n%s", got)
	}
	if strings.Contains(got[strings.Index(got, "targets, issue_faults"):], "calls per callback") {
		t.Errorf("the faulted case is held to call counts:\n%s", got)
	}
	misses := r.misses()
	if len(misses) != 7 {
		t.Errorf("%d misses, want 7:\n%s", len(misses), strings.Join(misses, "\n"))
	}
}
