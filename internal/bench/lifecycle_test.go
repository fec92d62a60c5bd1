package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// accountRPS is the account's limit for all Live actions together; the
// emulator enforces it and the provider's default requests_per_second
// matches it.
const accountRPS = 10

// commandTimeout bounds one terraform command, far above what the largest
// case needs at the account limit.
const commandTimeout = 15 * time.Minute

// BenchmarkLifecycle applies, refreshes and destroys N callback
// configurations with the real terraform binary and reports, per phase, the
// wall time against the floor set by the account's rate limit.
func BenchmarkLifecycle(b *testing.B) {
	h := newHarness(b)
	var rep report
	rep.header = fmt.Sprintf("BenchmarkLifecycle: %s, provider built from this tree, emulator at %d req/s, "+
		"%d vhosts, -parallelism=10 (%s)", h.terraformVersion, accountRPS, vhostCount, time.Now().UTC().Format(time.RFC3339))
	for _, n := range []int{50, 200} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			rep.add(runLifecycle(b, h, n)...)
		})
	}
	text := rep.String()
	fmt.Print("\n" + text)
	path := resultsPath(h.root)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatalf("creating the results folder: %v", err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		b.Fatalf("writing the results: %v", err)
	}
	fmt.Printf("results written to %s\n", path)
}

// resultsPath is BENCH_RESULTS, taken relative to the module root like every
// other path of the make targets, or build/bench-results.txt.
func resultsPath(root string) string {
	p := os.Getenv("BENCH_RESULTS")
	if p == "" {
		p = filepath.Join("build", "bench-results.txt")
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	return p
}

// harness is what every case shares: terraform, the provider binary built
// from this tree, and a CLI configuration that installs it.
type harness struct {
	root             string
	terraform        string
	terraformVersion string
	env              []string
}

func newHarness(b *testing.B) *harness {
	b.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			b.Skip("terraform not found: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (scripts/ensure-terraform.sh installs one)")
		}
	}
	version, err := exec.Command(tf, "version").Output()
	if err != nil {
		b.Fatalf("%s version: %v", tf, err)
	}

	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		b.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		b.Fatalf("the module root %q has no main.go: %v", root, err)
	}

	pluginDir := b.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-volcengine"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(pluginDir, "terraform.rc")
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "liveops/volcengine" = %s
  }
  direct {}
}
`, strconv.Quote(pluginDir))
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		b.Fatal(err)
	}

	return &harness{
		root:             root,
		terraform:        tf,
		terraformVersion: strings.TrimSpace(strings.SplitN(string(version), "\n", 2)[0]),
		env: append(cleanEnv(os.Environ()),
			"TF_CLI_CONFIG_FILE="+cliConfig,
			"CHECKPOINT_DISABLE=1",
			"TF_IN_AUTOMATION=1",
			"TF_INPUT=0",
			"VOLCENGINE_SECRET_KEY="+liveemu.DemoSecretKey,
		),
	}
}

// cleanEnv drops what could aim terraform or the provider elsewhere (another
// CLI configuration, extra arguments, reattached providers, other
// credentials or endpoints), keeping terraform's logging switches.
func cleanEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := strings.HasPrefix(name, "TF_") && !strings.HasPrefix(name, "TF_LOG") ||
			strings.HasPrefix(name, "VOLC") || name == "CHECKPOINT_DISABLE"
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// workspace is one case: its own emulator and Terraform working directory.
type workspace struct {
	h     *harness
	n     int
	specs []callbackSpec
	emu   *liveemu.Server
	dir   string
}

func runLifecycle(b *testing.B, h *harness, n int) []phaseResult {
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: accountRPS})
	for i := range vhostCount {
		emu.AddVhost(liveemu.DemoAccountID, vhostName(i))
	}
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	w := &workspace{h: h, n: n, specs: layout(n), emu: emu, dir: b.TempDir()}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(mainTF(srv.URL, w.specs)), 0o644); err != nil {
		b.Fatal(err)
	}

	refreshPlan := filepath.Join(w.dir, "refresh.tfplan")
	var all []phaseResult
	var sum struct{ apply, refresh, destroy phaseResult }
	iterations := 0
	for b.Loop() {
		apply := w.phase(b, "apply", "apply", "-auto-approve", "-parallelism=10", "-input=false", "-no-color")
		w.expectStored(b)
		refresh := w.phase(b, "refresh", "plan", "-refresh-only", "-input=false", "-detailed-exitcode", "-no-color",
			"-out="+refreshPlan)
		if refresh.ExitCode == 2 {
			w.expectNoDrift(b, refreshPlan)
		}
		w.expectStored(b)
		destroy := w.phase(b, "destroy", "destroy", "-auto-approve", "-parallelism=10", "-input=false", "-no-color")
		if left := emu.All(); len(left) != 0 {
			b.Fatalf("N=%d: after destroy the emulator still holds %d configurations: %s", n, len(left), keysOf(left))
		}
		all = append(all, apply, refresh, destroy)
		sum.apply.addCounts(apply)
		sum.refresh.addCounts(refresh)
		sum.destroy.addCounts(destroy)
		iterations++
	}
	per := func(v int) float64 { return float64(v) / float64(iterations) }
	b.ReportMetric(per(sum.apply.Total), "apply-calls/op")
	b.ReportMetric(per(sum.refresh.Describe), "refresh-describes/op")
	b.ReportMetric(per(sum.destroy.Total), "destroy-calls/op")
	b.ReportMetric(sum.apply.ratio(), "apply-ratio")
	b.ReportMetric(sum.destroy.ratio(), "destroy-ratio")
	b.ReportMetric(per(sum.apply.Throttled+sum.refresh.Throttled+sum.destroy.Throttled), "throttled/op")
	return all
}

// throttlingShown finds throttling reported to the user in terraform's
// output; the provider is meant to absorb it with its limiter and retries.
var throttlingShown = regexp.MustCompile(`(?i)FlowLimitExceeded|too many requests|HTTP 429|throttl`)

// phase runs one terraform command with fresh emulator counters and fails
// the benchmark, with terraform's output, unless it exits 0 or, for a
// -detailed-exitcode plan, 2 (changes, checked by the caller).
func (w *workspace) phase(b *testing.B, name string, args ...string) phaseResult {
	b.Helper()
	w.emu.ResetCounters()
	start := time.Now()
	out, err := w.terraform(b, args...)
	wall := time.Since(start)
	exitCode := 0
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !slices.Contains(args, "-detailed-exitcode") {
			b.Fatalf("N=%d: terraform %s: %v\n%s", w.n, strings.Join(args, " "), err, out)
		}
		exitCode = 2
	}
	return phaseResult{
		Phase:     name,
		N:         w.n,
		AppLess:   appLess(w.specs),
		ExitCode:  exitCode,
		Wall:      wall,
		Update:    w.emu.Calls("UpdateCallback"),
		Describe:  w.emu.Calls("DescribeCallback"),
		Delete:    w.emu.Calls("DeleteCallback"),
		Total:     w.emu.TotalCalls(),
		Throttled: w.emu.Throttled(),
		Shown:     len(throttlingShown.FindAllString(out, -1)),
	}
}

func (w *workspace) terraform(b *testing.B, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(b.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.h.terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = w.h.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// expectNoDrift fails the benchmark unless a saved refresh-only plan that
// terraform reported as applyable holds neither drift nor changes. Terraform
// 1.11 calls a refresh-only plan applyable when the refreshed state differs
// from the prior one in any way, including the order of the recorded
// sensitive attribute paths, which varies from run to run when a resource
// type has more than one sensitive attribute.
func (w *workspace) expectNoDrift(b *testing.B, planFile string) {
	b.Helper()
	out, err := w.terraform(b, "show", "-json", "-no-color", planFile)
	if err != nil {
		b.Fatalf("N=%d: terraform show -json %s: %v\n%s", w.n, planFile, err, out)
	}
	var plan struct {
		ResourceDrift   []json.RawMessage `json:"resource_drift"`
		ResourceChanges []struct {
			Address string
			Change  struct{ Actions []string }
		} `json:"resource_changes"`
		OutputChanges map[string]json.RawMessage `json:"output_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		b.Fatalf("N=%d: decoding the refresh-only plan: %v", w.n, err)
	}
	var changed []string
	for _, rc := range plan.ResourceChanges {
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) {
			changed = append(changed, rc.Address)
		}
	}
	if len(plan.ResourceDrift) > 0 || len(changed) > 0 || len(plan.OutputChanges) > 0 {
		b.Fatalf("N=%d: the refresh-only plan right after apply found %d drifted objects, changes to %v and %d output changes:\n%s",
			w.n, len(plan.ResourceDrift), changed, len(plan.OutputChanges), out)
	}
}

// expectStored checks that the emulator holds exactly the configured
// callbacks.
func (w *workspace) expectStored(b *testing.B) {
	b.Helper()
	var missing []string
	for _, s := range w.specs {
		if _, ok := w.emu.Get(s.Vhost, s.App, s.MessageType); !ok {
			missing = append(missing, s.resourceName())
		}
	}
	if all := w.emu.All(); len(missing) > 0 || len(all) != w.n {
		b.Fatalf("N=%d: the emulator holds %d configurations, want %d; missing: %v", w.n, len(all), w.n, missing)
	}
}

func keysOf(cbs []liveemu.Callback) string {
	keys := make([]string, 0, len(cbs))
	for _, c := range cbs {
		keys = append(keys, c.Vhost+"/"+c.App+"/"+c.MessageType)
	}
	return strings.Join(keys, ", ")
}
