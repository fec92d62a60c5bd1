package bench

import (
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// maxWallOverFloor is how far above the rate limit's floor apply and destroy
// may run: the rest is terraform's own work and the provider's waits.
const maxWallOverFloor = 1.3

// phaseResult is one terraform command of one case.
type phaseResult struct {
	Phase   string
	N       int
	AppLess int
	// ExitCode is terraform's: 2 from the refresh-only plan means terraform
	// called it applyable although it holds no drift (checked).
	ExitCode int
	Wall     time.Duration
	// Calls the emulator received per action, throttled ones included.
	Update, Describe, Delete, Total int
	Throttled                       int // requests the emulator answered 429
	Shown                           int // throttling reports in terraform's output
}

// floor is the least wall time the account's limit allows for the calls.
func (r phaseResult) floor() time.Duration {
	return time.Duration(float64(r.Total) / accountRPS * float64(time.Second))
}

func (r phaseResult) ratio() float64 {
	f := r.floor()
	if f == 0 {
		return 0
	}
	return r.Wall.Seconds() / f.Seconds()
}

func (r *phaseResult) addCounts(o phaseResult) {
	r.Wall += o.Wall
	r.Update += o.Update
	r.Describe += o.Describe
	r.Delete += o.Delete
	r.Total += o.Total
	r.Throttled += o.Throttled
	r.Shown += o.Shown
}

// report is the table of every phase run, then each lifecycle's targets.
type report struct {
	header string
	rows   []phaseResult
}

func (r *report) add(rows ...phaseResult) { r.rows = append(r.rows, rows...) }

func (r *report) String() string {
	var b strings.Builder
	b.WriteString(r.header + "\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tN\twall s\tUpdate\tDescribe\tDelete\ttotal calls\tfloor s\tratio\t429s\t")
	for _, row := range r.rows {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%d\t%d\t%d\t%d\t%.1f\t%.2f\t%d\t\n", row.Phase, row.N, row.Wall.Seconds(),
			row.Update, row.Describe, row.Delete, row.Total, row.floor().Seconds(), row.ratio(), row.Throttled)
	}
	_ = tw.Flush()
	for i := 0; i+2 < len(r.rows); i += 3 {
		apply, refresh, destroy := r.rows[i], r.rows[i+1], r.rows[i+2]
		fmt.Fprintf(&b, "\ntargets, N=%d (%d app-less, %d vhosts):\n", apply.N, apply.AppLess, vhostCount)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, c := range targets(apply, refresh, destroy) {
			status := "ok"
			if !c.met {
				status = "MISS"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", status, c.what, c.got, c.limit)
		}
		_ = tw.Flush()
	}
	return b.String()
}

// check is one target: what is measured, the figure, the bound.
type check struct {
	what, got, limit string
	met              bool
}

func targets(apply, refresh, destroy phaseResult) []check {
	n := apply.N
	refreshLimit := 2 * vhostCount
	perCallback := float64(apply.Total) / float64(n)
	destroyDescribeLimit := 2*destroy.AppLess + refreshLimit
	shown := apply.Shown + refresh.Shown + destroy.Shown
	exitCode := fmt.Sprint(refresh.ExitCode)
	if refresh.ExitCode == 2 {
		exitCode += " (the saved plan holds no drift or change)"
	}
	return []check{
		{"refresh-only plan exit code", exitCode, "= 0 (-detailed-exitcode)", refresh.ExitCode == 0},
		{"refresh-only plan DescribeCallback", fmt.Sprint(refresh.Describe),
			fmt.Sprintf("<= %d (2 per vhost)", refreshLimit), refresh.Describe <= refreshLimit},
		{"apply calls per callback", fmt.Sprintf("%.2f", perCallback),
			"<= 2 (UpdateCallback + read-back)", perCallback <= 2},
		{"destroy DeleteCallback", fmt.Sprint(destroy.Delete),
			fmt.Sprintf("<= %d (1 per callback)", n), destroy.Delete <= n},
		{"destroy DescribeCallback", fmt.Sprint(destroy.Describe),
			fmt.Sprintf("<= %d (2 per app-less callback + %d refresh)", destroyDescribeLimit, refreshLimit),
			destroy.Describe <= destroyDescribeLimit},
		{"apply wall / floor", fmt.Sprintf("%.2f", apply.ratio()),
			fmt.Sprintf("<= %.1f", maxWallOverFloor), apply.ratio() <= maxWallOverFloor},
		{"destroy wall / floor", fmt.Sprintf("%.2f", destroy.ratio()),
			fmt.Sprintf("<= %.1f", maxWallOverFloor), destroy.ratio() <= maxWallOverFloor},
		{"throttling errors shown to the user", fmt.Sprint(shown),
			fmt.Sprintf("= 0 (emulator answered %d 429s)", apply.Throttled+refresh.Throttled+destroy.Throttled), shown == 0},
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	r := report{header: "header"}
	r.add(
		phaseResult{Phase: "apply", N: 50, AppLess: 10, Wall: 12 * time.Second, Update: 50, Describe: 50, Total: 100},
		phaseResult{Phase: "refresh", N: 50, AppLess: 10, ExitCode: 2, Wall: time.Second, Describe: 9, Total: 9},
		phaseResult{Phase: "destroy", N: 50, AppLess: 10, Wall: 7 * time.Second, Update: 2, Describe: 24, Delete: 50,
			Total: 76, Throttled: 3, Shown: 1},
	)
	got := r.String()
	for _, want := range []string{
		"phase   N  wall s  Update  Describe  Delete  total calls  floor s  ratio  429s",
		"apply  50    12.0      50        50       0          100     10.0   1.20     0",
		"destroy  50     7.0       2        24      50           76      7.6   0.92     3",
		"targets, N=50 (10 app-less, 4 vhosts):",
		"MISS  refresh-only plan exit code          2 (the saved plan holds no drift or change)",
		"MISS  refresh-only plan DescribeCallback   9",
		"ok    apply calls per callback             2.00",
		"ok    destroy DescribeCallback             24",
		"<= 28 (2 per app-less callback + 8 refresh)",
		"ok    apply wall / floor                   1.20",
		"MISS  throttling errors shown to the user  1",
		"= 0 (emulator answered 3 429s)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}
