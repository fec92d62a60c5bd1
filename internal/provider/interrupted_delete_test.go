package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// A delete without an app cut short at any step loses nothing: stopped
// before its DeleteCallback, it deletes nothing; stopped after, it finishes
// its write-back anyway; killed, it leaves its write-back to the next run,
// from the restore journal on the same machine or from the resource's
// private state on another.

// gate stands between the provider and an emulator. From the moment it is
// shut, no request reaches the emulator, the way a provider process that
// was killed sends nothing more; onArrive and onAnswered, when set, see
// each request before the emulator does and once it has answered.
type gate struct {
	mu         sync.Mutex
	shut       bool
	onArrive   func(action string)
	onAnswered func(action string)
}

// on sets what the gate does as a request arrives and once it is answered.
func (g *gate) on(arrive, answered func(action string)) {
	g.mu.Lock()
	g.onArrive, g.onAnswered = arrive, answered
	g.mu.Unlock()
}

func (g *gate) close() {
	g.mu.Lock()
	g.shut = true
	g.mu.Unlock()
}

func (g *gate) open() {
	g.mu.Lock()
	g.shut = false
	g.mu.Unlock()
}

// newGatedEmulator is an emulator of reading r behind a gate.
func newGatedEmulator(t *testing.T, r liveemu.Readings) (*testEmulator, *gate) {
	t.Helper()
	emu := liveemu.New(liveemu.Config{Readings: r, RequestsPerSecond: -1})
	g := &gate{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		g.mu.Lock()
		shut, onArrive, onAnswered := g.shut, g.onArrive, g.onAnswered
		g.mu.Unlock()
		if shut {
			// Refused without effect, and not worth a retry: the request
			// is as good as never sent.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"gate","Error":{"Code":"GateShut","Message":"the provider is gone"}}}`))
			return
		}
		action := req.URL.Query().Get("Action")
		if onArrive != nil {
			onArrive(action)
		}
		emu.ServeHTTP(w, req)
		if onAnswered != nil {
			onAnswered(action)
		}
	}))
	t.Cleanup(srv.Close)
	return &testEmulator{Server: emu, URL: srv.URL, JournalDir: t.TempDir()}, g
}

// quickClient gives up on a dropped request at once (the tests drop every
// request of a provider they have "killed"), and is not held back by the
// client-side rate limit, which the emulator does not enforce here.
func (e *testEmulator) quickClient(t *testing.T) *liveapi.Client {
	t.Helper()
	c, err := liveapi.New(liveapi.Config{Endpoint: e.URL, AccessKey: liveemu.DemoAccessKey, SecretKey: liveemu.DemoSecretKey,
		MaxRetries: 1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond, RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *testEmulator) journal(c *liveapi.Client) *journal.Journal {
	return journal.Open(e.JournalDir, c.Endpoint(), c.AccessKey())
}

// seedNeighbours stores a vhost-wide push configuration and, in its reach,
// two app configurations made in the console (one signed), another message
// type's, and under the separate reading the domain's own.
func seedNeighbours(t *testing.T, emu *testEmulator, r liveemu.Readings) {
	t.Helper()
	seed(t, emu,
		emuCallback(vhost, "", "", "push", "https://hooks.example.com/target"),
		consoleMade(r, "keep", "push", true),
		consoleMade(r, "keep2", "push", false),
		consoleMade(r, "other", "record", false),
	)
	if r.DomainModel == liveemu.DomainSeparate {
		seed(t, emu, emuCallback(vhost, liveemu.DemoDomain, "", "push", "https://hooks.example.com/domain"))
	}
}

func isTarget(c liveemu.Callback) bool {
	return c.Domain == "" && c.App == "" && c.MessageType == "push"
}

// cut is a point of a delete without an app at which it is interrupted:
// before it starts (step ""), or the nth time it reaches step.
type cut struct {
	name string
	step string
	n    int
	// deletes says whether DeleteCallback has been sent at this point.
	deletes bool
}

var cuts = []cut{
	{name: "before the read"},
	{name: "after the read", step: stepRead, n: 1},
	{name: "after recording", step: stepRecorded, n: 1},
	{name: "after the delete", step: stepDeleted, n: 1, deletes: true},
	{name: "after one write-back", step: stepWroteBack, n: 1, deletes: true},
	{name: "after two write-backs", step: stepWroteBack, n: 2, deletes: true},
}

// at calls f when the deleter reaches c; it reports whether it did.
func (c cut) at(d *deleter, f func()) (reached func() bool) {
	var mu sync.Mutex
	seen, hit := 0, false
	d.onStep = func(step string) {
		mu.Lock()
		defer mu.Unlock()
		if step == c.step {
			if seen++; seen == c.n {
				hit = true
				f()
			}
		}
	}
	return func() bool {
		mu.Lock()
		defer mu.Unlock()
		return hit
	}
}

func readingsWithoutMasks(t *testing.T) map[string]liveemu.Readings {
	t.Helper()
	out := map[string]liveemu.Readings{}
	for _, name := range liveemu.ReadingNames() {
		r, err := liveemu.ReadingByName(name)
		if err != nil {
			t.Fatal(err)
		}
		// Under masked keys such a delete refuses before deleting.
		if !r.MaskKeys {
			out[name] = r
		}
	}
	return out
}

func pendingEntries(t *testing.T, j *journal.Journal) []string {
	t.Helper()
	paths, err := j.Pending()
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// Cancelled (Ctrl-C, a cancelled job: Terraform stops the provider, which
// cancels the request's context) at each step, a delete stops if it has not
// sent DeleteCallback and finishes if it has. Either way nothing is lost
// and nothing is left in the journal.
func TestInterruptedDeleteCancelledAtEveryStep(t *testing.T) {
	t.Parallel()
	for name, r := range readingsWithoutMasks(t) {
		for _, c := range cuts {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				emu, _ := newGatedEmulator(t, r)
				seedNeighbours(t, emu, r)
				before := emu.All()
				client := emu.quickClient(t)
				data := newProviderData(client, emu.journal(client), nil)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if c.step == "" {
					cancel()
				}
				reached := c.at(data.deleter, cancel)

				diags, owed := data.deleter.delete(ctx, pushKey, nil, nil)

				if c.step != "" && !reached() {
					// This reading removed nothing more than the target,
					// so nothing was written back.
					t.Logf("the delete never reached %q", c.name)
				}
				if owed != nil {
					t.Errorf("the delete owes a write-back: %+v", owed)
				}
				if n := len(pendingEntries(t, emu.journal(client))); n != 0 {
					t.Errorf("%d journal entries left", n)
				}
				for _, d := range diags.Errors() {
					if strings.Contains(d.Summary(), "may") {
						t.Errorf("a delete cut at %q reports a loss it does not know of: %s: %s", c.name, d.Summary(), d.Detail())
					}
				}
				if !c.deletes {
					if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "nothing was deleted") {
						t.Errorf("want an error saying nothing was deleted, got %v", diags)
					}
					if n := emu.Calls("DeleteCallback"); n != 0 {
						t.Errorf("DeleteCallback sent %d times after the cut", n)
					}
					if err := sameExceptCreateTime(before, emu.All()); err != nil {
						t.Error(err)
					}
					return
				}
				if diags.HasError() {
					t.Fatalf("a delete cut after its DeleteCallback must still finish: %v", diags)
				}
				if err := sameExceptCreateTime(without(before, isTarget), emu.All()); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// Killed at each step (nothing more reaches the API), a delete leaves what
// it owes in the journal and in the resource's private state; the next run
// completes it from either, and the result is what an uncut delete leaves.
func TestInterruptedDeleteKilledAtEveryStep(t *testing.T) {
	t.Parallel()
	for name, r := range readingsWithoutMasks(t) {
		for _, tg := range cutTargets(r) {
			for _, c := range cuts {
				for _, next := range []string{"journal", "private state"} {
					t.Run(name+"/"+tg.key.String()+"/"+c.name+"/"+next, func(t *testing.T) {
						t.Parallel()
						killAndRecover(t, r, tg, c, next)
					})
				}
			}
		}
	}
}

// cutTarget is the configuration whose delete is cut: the vhost-wide one,
// or the push domain's; is tells the stored configuration it names.
type cutTarget struct {
	key callbackKey
	is  func(liveemu.Callback) bool
}

func cutTargets(r liveemu.Readings) []cutTarget {
	domain := isTarget
	if r.DomainModel == liveemu.DomainSeparate {
		domain = func(c liveemu.Callback) bool { return c.Domain == liveemu.DemoDomain && c.MessageType == "push" }
	}
	return []cutTarget{{key: pushKey, is: isTarget}, {key: domainKey, is: domain}}
}

func killAndRecover(t *testing.T, r liveemu.Readings, tg cutTarget, c cut, next string) {
	emu, g := newGatedEmulator(t, r)
	seedNeighbours(t, emu, r)
	before := emu.All()
	client := emu.quickClient(t)
	data := newProviderData(client, emu.journal(client), nil)
	if c.step == "" {
		g.close()
	}
	reached := c.at(data.deleter, g.close)

	_, owed := data.deleter.delete(context.Background(), tg.key, nil, nil)
	g.open()
	present := slices.ContainsFunc(emu.All(), tg.is)
	if c.step != "" && reached() && present == c.deletes {
		t.Fatalf("killed %s, the target is stored: %v", c.name, present)
	}
	want := before
	if !present {
		want = without(before, tg.is)
	}

	var diags diag.Diagnostics
	switch next {
	case "journal":
		// The next run on this machine, for any command.
		diags = recoverJournal(context.Background(), client, emu.journal(client), 0)
	case "private state":
		// The next destroy on another machine.
		if owed == nil {
			// Killed before it could owe anything.
			if err := sameExceptCreateTime(want, emu.All()); err != nil {
				t.Error(err)
			}
			return
		}
		// That destroy deletes the target too, if the cut one had not.
		want = without(before, tg.is)
		other := newProviderData(client, journal.Open(t.TempDir(), client.Endpoint(), client.AccessKey()), nil)
		diags, owed = other.deleter.delete(context.Background(), tg.key, nil, owed)
		if owed != nil {
			t.Errorf("the completed delete still owes %+v", owed)
		}
	}
	if diags.HasError() {
		t.Fatalf("the next run failed: %v", diags)
	}
	if err := sameExceptCreateTime(want, emu.All()); err != nil {
		t.Error(err)
	}
	if next == "journal" {
		if n := len(pendingEntries(t, emu.journal(client))); n != 0 {
			t.Errorf("%d journal entries left after recovery", n)
		}
	}
}

// killedAfterDelete runs a delete of pushKey whose provider is killed once
// DeleteCallback has answered, and returns what it owes.
func killedAfterDelete(t *testing.T, emu *testEmulator, g *gate, client *liveapi.Client) *pendingRestore {
	t.Helper()
	data := newProviderData(client, emu.journal(client), nil)
	cut{step: stepDeleted, n: 1}.at(data.deleter, g.close)
	diags, owed := data.deleter.delete(context.Background(), pushKey, nil, nil)
	g.open()
	if !diags.HasError() || owed == nil {
		t.Fatalf("want a failed write-back that is owed, got %v, %+v", diags, owed)
	}
	return owed
}

// The error of a failed write-back gives what recreating each configuration
// by hand takes (settings with their values) but never a key, and says
// where the keys are kept.
func TestInterruptedDeleteErrorGivesEverySetting(t *testing.T) {
	t.Parallel()
	r := liveemu.Readings{ExtraFields: true}
	emu, g := newGatedEmulator(t, r)
	seedNeighbours(t, emu, r)
	client := emu.quickClient(t)
	data := newProviderData(client, emu.journal(client), nil)
	cut{step: stepDeleted, n: 1}.at(data.deleter, g.close)
	diags, owed := data.deleter.delete(context.Background(), pushKey, nil, nil)
	if !diags.HasError() || owed == nil {
		t.Fatalf("want a failed write-back, got %v", diags)
	}
	detail := diags.Errors()[0].Detail()
	entries := pendingEntries(t, emu.journal(client))
	if len(entries) != 1 {
		t.Fatalf("journal entries: %v, want one", entries)
	}
	for _, want := range []string{`app "keep"`, `app "keep2"`, "https://console.example.com/keep", "RetryTimes: 3",
		`HttpMethod: "POST"`, "AuthEnable true", "AuthKeyPrimary: set, not shown", entries[0]} {
		if !strings.Contains(detail, want) {
			t.Errorf("the error does not give %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "consolekeykeep") {
		t.Errorf("the error shows a key:\n%s", detail)
	}
	raw, err := os.ReadFile(entries[0])
	if err != nil || !strings.Contains(string(raw), "consolekeykeep") {
		t.Errorf("the journal entry does not hold the key to write back (%v)", err)
	}
}

// Recovery writes back what is missing, leaves a configuration made again
// meanwhile as it is and says so, and is idempotent: two providers of the
// account recovering at once write each record once.
func TestJournalRecovery(t *testing.T) {
	t.Parallel()
	emu, g := newGatedEmulator(t, liveemu.Readings{})
	seedNeighbours(t, emu, liveemu.Readings{})
	client := emu.quickClient(t)
	killedAfterDelete(t, emu, g, client)
	if _, ok := emu.Get(vhost, "keep", "push"); ok {
		t.Fatal("the delete did not remove the app configuration: nothing to recover")
	}
	remade := consoleMade(liveemu.Readings{}, "keep2", "push", false)
	remade.CallbackDetailList[0].URL = "https://remade.example.com/"
	seed(t, emu, remade)
	emu.ResetCounters()

	var wg sync.WaitGroup
	results := make([]diag.Diagnostics, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = recoverJournal(context.Background(), client, emu.journal(client), 0)
		}()
	}
	wg.Wait()

	if n := emu.Calls("UpdateCallback"); n != 1 {
		t.Errorf("UpdateCallback called %d times, want 1: the missing configuration, once", n)
	}
	got, ok := emu.Get(vhost, "keep", "push")
	if !ok || !got.AuthEnable || got.AuthKeyPrimary != "consolekeykeep" {
		t.Errorf("the signed configuration was not written back exactly: %+v", got)
	}
	if got, _ := emu.Get(vhost, "keep2", "push"); got.CallbackDetailList[0].URL != "https://remade.example.com/" {
		t.Errorf("the configuration made again was overwritten: %+v", got)
	}
	var restored, left int
	for _, diags := range results {
		if diags.HasError() {
			t.Errorf("recovery failed: %v", diags)
		}
		for _, w := range diags.Warnings() {
			switch {
			case strings.Contains(w.Summary(), "Restored") && strings.Contains(w.Detail(), `app "keep"`):
				restored++
			case strings.Contains(w.Summary(), "left as they are") && strings.Contains(w.Detail(), `app "keep2"`):
				left++
			}
		}
	}
	if restored != 1 || left != 1 {
		t.Errorf("want one warning naming the restored configuration and one naming the one left, got %v", results)
	}
	if n := len(pendingEntries(t, emu.journal(client))); n != 0 {
		t.Errorf("%d journal entries left", n)
	}

	// Replayed again, a completed journal does nothing.
	emu.ResetCounters()
	if diags := recoverJournal(context.Background(), client, emu.journal(client), 0); diags.HasError() || len(diags.Warnings()) > 0 {
		t.Errorf("a second recovery said %v", diags)
	}
	if n := emu.TotalCalls(); n != 0 {
		t.Errorf("a second recovery made %d calls", n)
	}
}

// An entry that a running provider holds is its own to finish; one that
// cannot be read stops the run with its file named, and nothing is written
// or deleted.
func TestJournalRecoveryLeavesHeldAndCorruptEntries(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	seed(t, emu, consoleMade(liveemu.Readings{}, "keep", "push", false))
	client := emu.client(t)
	j := emu.journal(client)
	entry := journal.Entry{Created: time.Now(), Target: pushKey.String(), Vhost: vhost, MessageType: "push",
		Records: []liveapi.Callback{{Scope: liveapi.Scope{Vhost: vhost}, App: "gone", MessageType: "push",
			CallbackDetailList: []liveapi.CallbackDetail{{URL: "https://hooks.example.com/gone", CallbackType: "HTTP"}}}}}
	held, err := j.Begin(entry)
	if err != nil {
		t.Fatal(err)
	}
	emu.ResetCounters()
	if diags := recoverJournal(context.Background(), client, emu.journal(client), 0); diags.HasError() || len(diags.Warnings()) > 0 {
		t.Errorf("recovery of a held entry said %v", diags)
	}
	if n := emu.TotalCalls(); n != 0 {
		t.Errorf("recovery of a held entry made %d calls", n)
	}
	held.Keep()
	if err := os.WriteFile(held.Path(), []byte(`{"vhost": `), 0o600); err != nil {
		t.Fatal(err)
	}
	diags := recoverJournal(context.Background(), client, emu.journal(client), 0)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), held.Path()) {
		t.Errorf("want an error naming %s, got %v", held.Path(), diags)
	}
	if n := emu.TotalCalls(); n != 0 {
		t.Errorf("recovery of a corrupt entry made %d calls", n)
	}
	if _, err := os.Stat(held.Path()); err != nil {
		t.Errorf("the corrupt entry is gone: %v", err)
	}
}

// A delete that needs the journal and has none refuses before deleting.
func TestDeleteWithoutJournalRefuses(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	seedNeighbours(t, emu, liveemu.Readings{})
	before := emu.All()
	data := newProviderData(emu.client(t), nil, os.ErrPermission)
	diags, _ := data.deleter.delete(context.Background(), pushKey, nil, nil)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "Nothing was deleted") ||
		!strings.Contains(diags.Errors()[0].Detail(), "journal_dir") {
		t.Fatalf("want a refusal naming journal_dir, got %v", diags)
	}
	if err := sameExceptCreateTime(before, emu.All()); err != nil {
		t.Error(err)
	}
}

// wideAndNeighbours creates a vhost-wide push configuration through the
// provider beside two console-made app configurations, and returns it.
func wideAndNeighbours(t *testing.T, emu *testEmulator) (managedCallback, map[string]tftypes.Value) {
	t.Helper()
	seed(t, emu, consoleMade(liveemu.Readings{}, "keep", "push", true), consoleMade(liveemu.Readings{}, "keep2", "push", false))
	config := map[string]tftypes.Value{"vhost": str(vhost), "message_type": str("push"),
		"callback_detail_list": details("https://hooks.example.com/wide", "")}
	created := newProtoProvider(t, emu).create(config)
	return managedCallback{name: "vhost-wide", state: created.NewState, private: created.Private}, config
}

// Terraform asks the provider to stop on Ctrl-C (StopProvider, which
// cancels every request's context) and waits for what is in flight: a
// delete stopped once its DeleteCallback is on its way still writes back
// what it removed.
func TestProtocolDestroyStoppedMidDeleteWritesBack(t *testing.T) {
	t.Parallel()
	emu, g := newGatedEmulator(t, liveemu.Readings{})
	wide, _ := wideAndNeighbours(t, emu)
	before := emu.All()
	planned := newProtoProvider(t, emu).planDestroy(wide)
	applier := newProtoProvider(t, emu)
	stopped := false
	g.on(func(action string) {
		if action == liveapi.ActionDeleteCallback && !stopped {
			stopped = true
			if _, err := applier.server.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
				t.Error(err)
			}
		}
	}, nil)
	applier.applyDestroy(wide, planned)
	if !stopped {
		t.Fatal("the delete sent no DeleteCallback")
	}
	if err := sameExceptCreateTime(without(before, isTarget), emu.All()); err != nil {
		t.Error(err)
	}
}

// A delete that fails after DeleteCallback keeps its resource in the state,
// with the write-back it owes in its private state and no key in its
// messages; on another machine (no journal) the next refresh keeps it, and
// the next destroy, or an apply that keeps it, completes the write-back.
func TestProtocolFailedDeleteOwesItsWriteBack(t *testing.T) {
	t.Parallel()
	for _, next := range []string{"destroy", "apply"} {
		t.Run(next, func(t *testing.T) {
			t.Parallel()
			emu, g := newGatedEmulator(t, liveemu.Readings{})
			wide, config := wideAndNeighbours(t, emu)
			before := emu.All()
			planned := newProtoProvider(t, emu).planDestroy(wide)
			applier := newProtoProvider(t, emu)
			null := applier.dynamic(applier.resourceType, tftypes.NewValue(applier.resourceType, nil))
			g.on(nil, func(action string) {
				if action == liveapi.ActionDeleteCallback {
					g.close()
				}
			})
			resp, err := applier.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
				TypeName: callbackType, PriorState: wide.state, PlannedState: null, Config: null, PlannedPrivate: planned,
			})
			g.open()
			if err != nil {
				t.Fatal(err)
			}
			text := diagnosticsText(resp.Diagnostics)
			if !strings.Contains(text, "ERROR") || strings.Contains(text, "consolekeykeep") {
				t.Fatalf("want an error without the key, got:\n%s", text)
			}
			if resp.NewState == nil || applier.attrs(applier.resourceType, resp.NewState)["id"].IsNull() {
				t.Fatal("the failed delete dropped the resource from the state")
			}
			if owed := privateOf(t, resp.Private).PendingRestore; owed == nil || len(owed.Records) != 2 {
				t.Fatalf("the private state does not owe the two app configurations: %+v", owed)
			}
			if _, ok := emu.Get(vhost, "keep", "push"); ok {
				t.Fatal("the app configuration was not removed: nothing is owed")
			}

			elsewhere := *emu
			elsewhere.JournalDir = t.TempDir()
			p := newProtoProvider(t, &elsewhere)
			read := p.read(resp.NewState, resp.Private, nil)
			if read.NewState == nil || p.attrs(p.resourceType, read.NewState)["id"].IsNull() {
				t.Fatalf("the refresh dropped the resource that owes a write-back: %s", diagnosticsText(read.Diagnostics))
			}
			if !strings.Contains(diagnosticsText(read.Diagnostics), "write-back still owed") {
				t.Errorf("the refresh does not say a write-back is owed: %s", diagnosticsText(read.Diagnostics))
			}
			current := managedCallback{name: wide.name, state: read.NewState, private: read.Private}
			switch next {
			case "destroy":
				p.applyDestroy(current, p.planDestroy(current))
				if err := sameExceptCreateTime(without(before, isTarget), emu.All()); err != nil {
					t.Error(err)
				}
			case "apply":
				cfg := p.dynamic(p.resourceType, objectOf(p.resourceType, config))
				plan, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
					TypeName: callbackType, PriorState: current.state, ProposedNewState: cfg, Config: cfg, PriorPrivate: current.private,
				})
				if err != nil {
					t.Fatal(err)
				}
				failOnDiagnostics(t, "PlanResourceChange", plan.Diagnostics)
				apply, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
					TypeName: callbackType, PriorState: current.state, PlannedState: plan.PlannedState, Config: cfg,
					PlannedPrivate: plan.PlannedPrivate,
				})
				if err != nil {
					t.Fatal(err)
				}
				failOnDiagnostics(t, "ApplyResourceChange", apply.Diagnostics)
				if owed := privateOf(t, apply.Private).PendingRestore; owed != nil {
					t.Errorf("the update left the write-back owed: %+v", owed)
				}
				if err := sameExceptCreateTime(before, emu.All()); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// privateOf decodes the resource's part of a protocol private state.
func privateOf(t *testing.T, raw []byte) privateData {
	t.Helper()
	var keys map[string][]byte
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &keys); err != nil {
			t.Fatalf("private state %s: %v", raw, err)
		}
	}
	var d privateData
	if len(keys[privateKey]) > 0 {
		if err := json.Unmarshal(keys[privateKey], &d); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// Terraform drops the warnings of the refresh that terraform destroy runs
// first, in a walk of its own: what recovery said there is said again by
// the command's next walk, once, and by no other command.
func TestJournalRecoveryIsSaidAgainInTheCommandsNextWalk(t *testing.T) {
	t.Parallel()
	emu, g := newGatedEmulator(t, liveemu.Readings{})
	seedNeighbours(t, emu, liveemu.Readings{})
	client := emu.quickClient(t)
	killedAfterDelete(t, emu, g, client)
	restored := func(diags diag.Diagnostics) int {
		n := 0
		for _, w := range diags.Warnings() {
			if strings.Contains(w.Summary(), "Restored configurations after an interrupted delete") {
				n++
			}
		}
		return n
	}
	const command = 4242
	walks := []struct {
		command, want int
	}{{command, 1}, {command, 1}, {command, 0}, {command + 1, 0}}
	for i, w := range walks {
		diags := recoverJournal(context.Background(), client, emu.journal(client), w.command)
		if got := restored(diags); got != w.want {
			t.Errorf("walk %d of command %d said it %d times, want %d: %v", i+1, w.command, got, w.want, diags)
		}
	}
	// Another command forgets what the first said.
	seed(t, emu, emuCallback(vhost, "", "", "push", "https://hooks.example.com/target"))
	killedAfterDelete(t, emu, g, client)
	recoverJournal(context.Background(), client, emu.journal(client), command)
	if got := restored(recoverJournal(context.Background(), client, emu.journal(client), command+1)); got != 0 {
		t.Errorf("another command said it %d times", got)
	}
	if got := restored(recoverJournal(context.Background(), client, emu.journal(client), command)); got != 0 {
		t.Errorf("a report outlived the command after it: said %d times", got)
	}
}
