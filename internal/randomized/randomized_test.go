package randomized

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
	"github.com/liveops/terraform-provider-volcengine/internal/tfrun"
)

// TestRandomizedApplies runs RANDOMIZED_SEEDS seeds (20 by default) from
// RANDOMIZED_FIRST_SEED (1): each a random reading of the API, random
// configurations made outside Terraform, and three applies with random
// parallelism and injected retryable faults: create, a mix of removals,
// additions, in-place updates and replacements that share vhosts and
// message types, and a destroy, sometimes targeted first.
func TestRandomizedApplies(t *testing.T) {
	h, err := tfrun.Get()
	if errors.Is(err, tfrun.ErrNoTerraform) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	seeds := envInt(t, "RANDOMIZED_SEEDS", 20)
	first := envInt(t, "RANDOMIZED_FIRST_SEED", 1)
	for seed := first; seed < first+seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			newRun(t, h, uint64(seed)).run()
		})
	}
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q is not a count", name, v)
	}
	return n
}

const otherVhost = "v2.live.example.com"

// key names one configuration as the resource's arguments do.
type key struct {
	Vhost, Domain, App, MessageType string
}

func (k key) String() string {
	if k.Domain != "" {
		return "domain:" + k.Domain + ":" + k.MessageType
	}
	return "vhost:" + k.Vhost + ":" + k.App + ":" + k.MessageType
}

// settings are what a resource declares besides its key.
type settings struct {
	URLs      []string
	Auth      string // the key; empty means auth_enable = false
	Transcode bool
}

type resourceSpec struct {
	Name string
	Key  key
	settings
	// DependsOn names resources of the configuration this one depends on.
	DependsOn []string
}

type run struct {
	t        *testing.T
	rng      *rand.Rand
	seed     uint64
	reading  string
	readings liveemu.Readings
	emu      *liveemu.Server
	url      string
	ws       *tfrun.Workspace
	log      []string

	unmanaged        []liveemu.Callback
	free             []key // keys neither managed nor unmanaged yet
	nextName         int
	fixedParallelism int // 0: random
	// blocks are written after the resources: moved blocks, say.
	blocks string
}

func newRun(t *testing.T, h *tfrun.Harness, seed uint64) *run {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	names := liveemu.ReadingNames()
	return newRunWith(t, h, seed, rng, names[rng.IntN(len(names))])
}

func newRunWith(t *testing.T, h *tfrun.Harness, seed uint64, rng *rand.Rand, reading string) *run {
	r, err := liveemu.ReadingByName(reading)
	if err != nil {
		t.Fatal(err)
	}
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: -1, Readings: r})
	emu.AddVhost(liveemu.DemoAccountID, otherVhost)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &run{
		t: t, rng: rng, seed: seed, reading: reading, readings: r, emu: emu, url: srv.URL,
		ws: h.Workspace(t.TempDir(), "VOLCENGINE_SECRET_KEY="+liveemu.DemoSecretKey),
	}
}

// fail stops the seed with what happened so far, so that it can be read
// and repeated with RANDOMIZED_FIRST_SEED and RANDOMIZED_SEEDS=1.
func (r *run) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("seed %d, reading %s (%s):\n%s\n%s", r.seed, r.reading, r.readings,
		strings.Join(r.log, "\n"), fmt.Sprintf(format, args...))
}

func (r *run) logf(format string, args ...any) { r.log = append(r.log, fmt.Sprintf(format, args...)) }

// universe lists every key a seed may use. Where a domain's configuration
// is its vhost's app-less one, a seed uses one of the two names per message
// type, never both.
func (r *run) universe() []key {
	var keys []key
	types := []string{"push", "push_end", "record"}
	for _, mt := range types {
		for _, v := range []string{liveemu.DemoVhost, otherVhost} {
			for _, app := range []string{"", "a1", "a2", "a3"} {
				keys = append(keys, key{Vhost: v, App: app, MessageType: mt})
			}
		}
		domain := key{Domain: liveemu.DemoDomain, MessageType: mt}
		if r.readings.DomainModel == liveemu.DomainSeparate {
			keys = append(keys, domain)
		} else if r.rng.IntN(2) == 0 {
			i := slices.Index(keys, key{Vhost: liveemu.DemoVhost, MessageType: mt})
			keys[i] = domain
		}
	}
	return keys
}

func (r *run) randomSettings(k key) settings {
	s := settings{URLs: []string{fmt.Sprintf("https://hooks.example.com/%d", r.rng.IntN(1000))}}
	if r.rng.IntN(3) == 0 {
		s.URLs = append(s.URLs, fmt.Sprintf("https://backup.example.com/%d", r.rng.IntN(1000)))
	}
	// Masked keys make a wide delete refuse when a configuration it would
	// reach has one (tested on its own); the random runs keep auth off there.
	if !r.readings.MaskKeys && r.rng.IntN(3) == 0 {
		s.Auth = fmt.Sprintf("key%d", r.rng.IntN(1_000_000))
	}
	s.Transcode = (k.MessageType == "push" || k.MessageType == "push_end") && r.rng.IntN(3) == 0
	return s
}

func (r *run) run() {
	keys := r.universe()
	var managed []resourceSpec
	for _, k := range keys {
		switch r.rng.IntN(10) {
		case 0, 1, 2:
			r.unmanaged = append(r.unmanaged, r.consoleMade(k))
		case 3, 4, 5, 6:
			managed = append(managed, r.newResource(k))
		default:
			r.free = append(r.free, k)
		}
	}
	for _, c := range r.unmanaged {
		if err := r.emu.Put(c); err != nil {
			r.fail("seeding %+v: %v", c, err)
		}
	}
	before := r.unmanagedNow()
	r.logf("unmanaged: %d, managed: %d", len(r.unmanaged), len(managed))

	// The mixed apply's counts show whether create converged: a resource it
	// left differing from its configuration would be changed there too.
	r.apply("create", managed, &changes{add: len(managed)}, false)
	if now := r.unmanagedNow(); !reflect.DeepEqual(before, now) {
		r.fail("creating changed configurations made outside Terraform:\n before %+v\n after  %+v", before, now)
	}
	managed, want := r.mix(managed)
	r.apply("mixed", managed, &want, true)
	r.expectUnmanaged(before)

	if len(managed) > 1 && r.rng.IntN(2) == 0 {
		r.rng.Shuffle(len(managed), func(i, j int) { managed[i], managed[j] = managed[j], managed[i] })
		n := 1 + r.rng.IntN(len(managed)-1)
		var targets []string
		for _, m := range managed[:n] {
			targets = append(targets, "-target=volcengine_live_callback."+m.Name)
		}
		r.terraform("targeted destroy", append([]string{"destroy", "-auto-approve", r.parallelism()}, targets...)...)
		r.expectManaged(managed[n:], managed[:n])
		r.expectUnmanaged(before)
		managed = managed[n:]
	}
	r.terraform("destroy", "destroy", "-auto-approve", r.parallelism())
	r.expectManaged(nil, managed)
	r.expectUnmanaged(before)
	if testing.Verbose() {
		r.t.Logf("seed %d, reading %s:\n%s", r.seed, r.reading, strings.Join(r.log, "\n"))
	}
}

func (r *run) newResource(k key) resourceSpec {
	r.nextName++
	return resourceSpec{Name: fmt.Sprintf("r%d", r.nextName), Key: k, settings: r.randomSettings(k)}
}

// mix removes, updates, replaces and adds resources. A configuration that
// one resource gives up is not taken by another in the same apply: that is
// a rename, which needs a moved block (without one, the create may run
// before the delete and is refused as a takeover).
func (r *run) mix(managed []resourceSpec) ([]resourceSpec, changes) {
	var next, released []resourceSpec
	var want changes
	defer func() {
		for _, m := range released {
			r.free = append(r.free, m.Key)
		}
	}()
	for _, m := range managed {
		switch r.rng.IntN(8) {
		case 0, 1:
			released = append(released, m)
			want.destroy++
			r.logf("remove %s %s", m.Name, m.Key)
		case 2, 3:
			m.settings = r.randomSettings(m.Key)
			want.change++ // at most: the new settings may be the old ones
			r.logf("update %s %s", m.Name, m.Key)
			next = append(next, m)
		case 4:
			if len(r.free) == 0 {
				next = append(next, m)
				continue
			}
			i := r.rng.IntN(len(r.free))
			old := m.Key
			released = append(released, m)
			m.Key = r.free[i]
			r.free = slices.Delete(r.free, i, i+1)
			m.settings = r.randomSettings(m.Key)
			want.add++
			want.destroy++
			r.logf("replace %s %s -> %s", m.Name, old, m.Key)
			next = append(next, m)
		default:
			next = append(next, m)
		}
	}
	r.rng.Shuffle(len(r.free), func(i, j int) { r.free[i], r.free[j] = r.free[j], r.free[i] })
	for len(r.free) > 0 && r.rng.IntN(3) != 0 {
		k := r.free[0]
		r.free = r.free[1:]
		m := r.newResource(k)
		want.add++
		r.logf("add %s %s", m.Name, m.Key)
		next = append(next, m)
	}
	return next, want
}

func (r *run) consoleMade(k key) liveemu.Callback {
	s := r.randomSettings(k)
	c := liveemu.Callback{Vhost: k.Vhost, Domain: k.Domain, App: k.App, MessageType: k.MessageType,
		AuthEnable: s.Auth != "", AuthKeyPrimary: s.Auth, TranscodeCallback: s.Transcode}
	if k.Domain != "" {
		c.Vhost = liveemu.DemoVhost
		if r.readings.DomainModel != liveemu.DomainSeparate {
			c.Domain = ""
		}
	}
	for _, u := range s.URLs {
		c.CallbackDetailList = append(c.CallbackDetailList, liveemu.CallbackDetail{URL: u, CallbackType: "HTTP"})
	}
	if r.readings.ExtraFields && r.rng.IntN(2) == 0 {
		c.Extra = map[string]json.RawMessage{}
		c.Extra["RetryTimes"] = json.RawMessage(strconv.Itoa(1 + r.rng.IntN(5)))
	}
	return c
}

// unmanagedNow is the emulator's copy of every configuration made outside
// Terraform.
func (r *run) unmanagedNow() []liveemu.Callback {
	var out []liveemu.Callback
	for _, c := range r.unmanaged {
		if got, ok := r.stored(keyOf(c)); ok {
			out = append(out, got)
		}
	}
	return out
}

func keyOf(c liveemu.Callback) key {
	if c.Domain != "" {
		return key{Domain: c.Domain, MessageType: c.MessageType}
	}
	return key{Vhost: c.Vhost, App: c.App, MessageType: c.MessageType}
}

func (r *run) stored(k key) (liveemu.Callback, bool) {
	if k.Domain != "" {
		return r.emu.GetDomain(k.Domain, k.MessageType)
	}
	return r.emu.Get(k.Vhost, k.App, k.MessageType)
}

// expectUnmanaged fails unless every configuration made outside Terraform
// is as it was, but for the create time of one a delete wrote back.
func (r *run) expectUnmanaged(before []liveemu.Callback) {
	r.t.Helper()
	strip := func(cbs []liveemu.Callback) []liveemu.Callback {
		out := slices.Clone(cbs)
		for i := range out {
			out[i].CreateTime = ""
		}
		return out
	}
	if now := r.unmanagedNow(); !reflect.DeepEqual(strip(before), strip(now)) {
		r.fail("configurations made outside Terraform changed:\n before %+v\n after  %+v", before, now)
	}
}

// expectManaged fails unless every resource of present is stored exactly as
// declared and every key of gone is absent.
func (r *run) expectManaged(present, gone []resourceSpec) {
	r.t.Helper()
	for _, m := range present {
		c, ok := r.stored(m.Key)
		if !ok {
			r.fail("%s (%s) is missing", m.Name, m.Key)
		}
		var urls []string
		for _, d := range c.CallbackDetailList {
			urls = append(urls, d.URL)
		}
		if !slices.Equal(urls, m.URLs) || c.AuthKeyPrimary != m.Auth || c.AuthEnable != (m.Auth != "") || c.TranscodeCallback != m.Transcode {
			r.fail("%s (%s) is stored as %+v, declared %+v", m.Name, m.Key, c, m.settings)
		}
	}
	for _, m := range gone {
		if _, ok := r.stored(m.Key); ok && !slices.ContainsFunc(present, func(p resourceSpec) bool { return p.Key == m.Key }) {
			r.fail("%s (%s) was destroyed but is still stored", m.Name, m.Key)
		}
	}
}

func (r *run) parallelism() string {
	if r.fixedParallelism > 0 {
		return fmt.Sprintf("-parallelism=%d", r.fixedParallelism)
	}
	return fmt.Sprintf("-parallelism=%d", 1+r.rng.IntN(10))
}

// injectFaults queues up to a fifth as many retryable faults as an apply of
// n resources makes calls.
func (r *run) injectFaults(n int) {
	kinds := []liveemu.Fault{
		{HTTPStatus: 429, Code: "FlowLimitExceeded"},
		{HTTPStatus: 200, Code: "CommonErr"},
		{HTTPStatus: 500, Code: "InternalError"},
		{HTTPStatus: 502, Code: "InternalServiceError"},
		{HTTPStatus: 504, Code: "InternalServiceTimeout"},
		{Drop: true},
		{Drop: true, AfterApply: true},
	}
	actions := []string{"UpdateCallback", "DescribeCallback", "DeleteCallback"}
	count := r.rng.IntN(n/5 + 2)
	for range count {
		f := kinds[r.rng.IntN(len(kinds))]
		f.Action = actions[r.rng.IntN(len(actions))]
		r.emu.InjectFault(f)
	}
	r.logf("  %d faults injected", count)
}

var inconsistent = regexp.MustCompile(`(?i)inconsistent result|Error:`)

// changes are what an apply must report: exactly add and destroy, at most
// change.
type changes struct{ add, change, destroy int }

// savedPlan is the plan file of the applies made through a saved plan.
const savedPlan = "step.tfplan"

var applyComplete = regexp.MustCompile(`Apply complete! Resources: (?:\d+ imported, )?(\d+) added, (\d+) changed, (\d+) destroyed`)

// apply writes managed as the configuration and applies it, half of the
// time through a saved plan (plan -out, then apply of the file), as a
// pipeline that plans, waits for approval and applies does; want, when set,
// holds the apply to its counts. A refresh-only plan right after it must be
// empty, and planAfter checks that a plan made right after it is too.
func (r *run) apply(phase string, managed []resourceSpec, want *changes, planAfter bool) {
	r.t.Helper()
	if err := r.ws.WriteConfig(r.config(managed)); err != nil {
		r.t.Fatal(err)
	}
	var out string
	if r.rng.IntN(2) == 0 {
		r.terraform(phase+" (saved plan)", "plan", "-out="+savedPlan, r.parallelism())
		out = r.terraform(phase, "apply", r.parallelism(), savedPlan)
	} else {
		out = r.terraform(phase, "apply", "-auto-approve", r.parallelism())
	}
	r.expectManaged(managed, nil)
	if want != nil {
		m := applyComplete.FindStringSubmatch(out)
		if m == nil {
			r.fail("terraform apply (%s) reported no counts:\n%s", phase, out)
		}
		got := changes{add: atoi(m[1]), change: atoi(m[2]), destroy: atoi(m[3])}
		if got.add != want.add || got.destroy != want.destroy || got.change > want.change {
			r.fail("terraform apply (%s) reported %+v, want %d added, at most %d changed, %d destroyed:\n%s",
				phase, got, want.add, want.change, want.destroy, out)
		}
	}
	r.emu.ClearFaults()
	if out, code := r.terraformCode("refresh-only plan after "+phase, "plan", "-refresh-only", "-detailed-exitcode"); code != 0 {
		r.fail("the refresh-only plan after %s is not empty (exit %d):\n%s", phase, code, out)
	}
	if !planAfter {
		return
	}
	out, code := r.terraformCode("plan after "+phase, "plan", "-detailed-exitcode")
	if code != 0 {
		r.fail("the plan after %s is not empty (exit %d):\n%s", phase, code, out)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (r *run) terraform(phase string, args ...string) string {
	r.t.Helper()
	r.injectFaults(len(r.unmanaged) + 20)
	out, code := r.terraformCode(phase, args...)
	if code != 0 || inconsistent.MatchString(out) {
		r.fail("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

func (r *run) terraformCode(phase string, args ...string) (string, int) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), 3*time.Minute)
	defer cancel()
	// The flags go right after the command, before a plan file.
	args = append([]string{args[0], "-no-color", "-input=false"}, args[1:]...)
	start := time.Now()
	out, code, err := r.ws.Run(ctx, args...)
	r.logf("%s: terraform %s -> exit %d in %.1fs", phase, strings.Join(args, " "), code, time.Since(start).Seconds())
	if err != nil {
		r.fail("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out, code
}

func (r *run) config(managed []resourceSpec) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    volcengine = { source = "liveops/volcengine" }
  }
}

provider "volcengine" {
  endpoint   = %q
  access_key = %q
  max_retries = 10
}
`, r.url, liveemu.DemoAccessKey)
	for _, m := range managed {
		fmt.Fprintf(&b, "\nresource \"volcengine_live_callback\" %q {\n", m.Name)
		if m.Key.Domain != "" {
			fmt.Fprintf(&b, "  domain = %q\n", m.Key.Domain)
		} else {
			fmt.Fprintf(&b, "  vhost = %q\n", m.Key.Vhost)
		}
		if m.Key.App != "" {
			fmt.Fprintf(&b, "  app = %q\n", m.Key.App)
		}
		fmt.Fprintf(&b, "  message_type = %q\n  callback_detail_list = [\n", m.Key.MessageType)
		for _, u := range m.URLs {
			fmt.Fprintf(&b, "    { url = %q },\n", u)
		}
		b.WriteString("  ]\n")
		if m.Auth != "" {
			fmt.Fprintf(&b, "  auth_enable = true\n  auth_key_primary = %q\n", m.Auth)
		}
		if m.Transcode {
			b.WriteString("  transcode_callback = true\n")
		}
		if len(m.DependsOn) > 0 {
			fmt.Fprintf(&b, "  depends_on = [volcengine_live_callback.%s]\n", strings.Join(m.DependsOn, ", volcengine_live_callback."))
		}
		b.WriteString("}\n")
	}
	b.WriteString(r.blocks)
	return b.String()
}
