package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// managedCallback is one resource as its state and private state stand
// after create.
type managedCallback struct {
	name    string
	state   *tfprotov6.DynamicValue
	private []byte
}

// planDestroy plans the destroy of m, as terraform destroy does, and returns
// the planned private state.
func (p *protoProvider) planDestroy(m managedCallback) []byte {
	p.t.Helper()
	null := p.dynamic(p.resourceType, tftypes.NewValue(p.resourceType, nil))
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: callbackType, PriorState: m.state, ProposedNewState: null, Config: null, PriorPrivate: m.private,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	failOnDiagnostics(p.t, "PlanResourceChange (destroy of "+m.name+")", resp.Diagnostics)
	return resp.PlannedPrivate
}

// applyDestroy applies a planned destroy of m.
func (p *protoProvider) applyDestroy(m managedCallback, plannedPrivate []byte) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	null := p.dynamic(p.resourceType, tftypes.NewValue(p.resourceType, nil))
	resp, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: callbackType, PriorState: m.state, PlannedState: null, Config: null, PlannedPrivate: plannedPrivate,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	failOnDiagnostics(p.t, "ApplyResourceChange (destroy of "+m.name+")", resp.Diagnostics)
	return resp
}

// TestProtocolDestroyPlanTakesPlannedAlong follows terraform destroy
// through its three provider instances (create, plan, apply) for a
// vhost-wide configuration, three apps' and one app's configuration made
// outside Terraform, all of one message type. When the vhost-wide
// configuration's destroy is planned after the apps', its delete takes the
// apps along: nothing is written back but the unmanaged configuration (the
// apps' own deletes still call DeleteCallback, which finds them gone).
// Planned first, it knows of nothing else the plan destroys, and writes
// back what its delete removed besides the unmanaged configuration, as it
// always has.
func TestProtocolDestroyPlanTakesPlannedAlong(t *testing.T) {
	t.Parallel()
	urls := details("https://hooks.example.com/destroy", "")
	for _, tc := range []struct {
		name                   string
		wideFirst              bool
		wantRestores, appCalls int
	}{
		{name: "vhost-wide planned last", wantRestores: 1, appCalls: 3},
		{name: "vhost-wide planned first", wideFirst: true, wantRestores: 4, appCalls: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newTestEmulator(t)
			unmanaged := liveemu.Callback{Vhost: vhost, App: "console", MessageType: "push",
				CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/console", CallbackType: "HTTP"}}}
			if err := emu.Put(unmanaged); err != nil {
				t.Fatal(err)
			}
			before, _ := emu.Get(vhost, "console", "push")

			creator := newProtoProvider(t, emu)
			var apps []managedCallback
			for _, app := range []string{"a1", "a2", "a3"} {
				created := creator.create(map[string]tftypes.Value{"vhost": str(vhost), "app": str(app), "message_type": str("push"),
					"callback_detail_list": urls})
				apps = append(apps, managedCallback{name: app, state: created.NewState, private: created.Private})
			}
			created := creator.create(map[string]tftypes.Value{"vhost": str(vhost), "message_type": str("push"),
				"callback_detail_list": urls})
			wide := managedCallback{name: "vhost-wide", state: created.NewState, private: created.Private}

			planner := newProtoProvider(t, emu)
			planned := map[string][]byte{}
			if tc.wideFirst {
				planned[wide.name] = planner.planDestroy(wide)
			}
			for _, app := range apps {
				planned[app.name] = planner.planDestroy(app)
			}
			if !tc.wideFirst {
				planned[wide.name] = planner.planDestroy(wide)
			}

			applier := newProtoProvider(t, emu)
			emu.ResetCounters()
			applier.applyDestroy(wide, planned[wide.name])
			if got := emu.Calls("UpdateCallback"); got != tc.wantRestores {
				t.Errorf("the vhost-wide delete wrote back %d configurations, want %d", got, tc.wantRestores)
			}
			emu.ResetCounters()
			for _, app := range apps {
				applier.applyDestroy(app, planned[app.name])
			}
			if got := emu.Calls("DeleteCallback"); got != tc.appCalls {
				t.Errorf("the apps' deletes made %d DeleteCallback calls, want %d", got, tc.appCalls)
			}

			for _, app := range []string{"a1", "a2", "a3", ""} {
				if c, ok := emu.Get(vhost, app, "push"); ok {
					t.Errorf("after destroy, %q is still stored: %+v", app, c)
				}
			}
			after, ok := emu.Get(vhost, "console", "push")
			after.CreateTime = before.CreateTime
			if !ok || !reflect.DeepEqual(after, before) {
				t.Errorf("the configuration made outside Terraform changed:\n before %+v\n after  %+v (stored: %v)", before, after, ok)
			}
		})
	}
}

// rename is a resource renamed without a moved block in the same apply as
// a vhost-wide configuration's destroy, planned: the plan destroys the
// app's configuration under the old name (old) and creates it under the
// new one (app), and destroys the vhost-wide one (wide) after the old one.
type rename struct {
	emu               *testEmulator
	app               map[string]tftypes.Value
	old, wide         managedCallback
	oldPlan, widePlan []byte
	appPlan           *tfprotov6.PlanResourceChangeResponse
}

func newRename(t *testing.T) rename {
	t.Helper()
	rn := rename{emu: newTestEmulator(t)}
	urls := details("https://hooks.example.com/rename", "")
	rn.app = map[string]tftypes.Value{"vhost": str(vhost), "app": str("a1"), "message_type": str("push"), "callback_detail_list": urls}
	creator := newProtoProvider(t, rn.emu)
	created := creator.create(rn.app)
	rn.old = managedCallback{name: "old a1", state: created.NewState, private: created.Private}
	created = creator.create(map[string]tftypes.Value{"vhost": str(vhost), "message_type": str("push"), "callback_detail_list": urls})
	rn.wide = managedCallback{name: "vhost-wide", state: created.NewState, private: created.Private}
	planner := newProtoProvider(t, rn.emu)
	rn.oldPlan = planner.planDestroy(rn.old)
	rn.widePlan = planner.planDestroy(rn.wide)
	// The create under the new name: the plan that destroys the old name
	// lets it take the configuration over.
	rn.appPlan = planner.planCreate(rn.app)
	return rn
}

// TestProtocolDestroyPlanKeepsWhatThisRunWrote covers a resource renamed
// without a moved block in the same apply as a vhost-wide configuration's
// destroy: the plan destroys the app's configuration under the old name and
// creates it under the new one. Once the new one has written it, the
// vhost-wide delete writes it back rather than take it along.
func TestProtocolDestroyPlanKeepsWhatThisRunWrote(t *testing.T) {
	t.Parallel()
	rn := newRename(t)
	emu, app, old, wide, oldPlan, widePlan := rn.emu, rn.app, rn.old, rn.wide, rn.oldPlan, rn.widePlan
	applier := newProtoProvider(t, emu)
	applier.applyDestroy(old, oldPlan)
	applier.create(app)
	emu.ResetCounters()
	applier.applyDestroy(wide, widePlan)
	if got := emu.Calls("UpdateCallback"); got != 1 {
		t.Errorf("the vhost-wide delete wrote back %d configurations, want 1 (the renamed resource's)", got)
	}
	if _, ok := emu.Get(vhost, "a1", "push"); !ok {
		t.Error("the renamed resource's configuration is gone after the vhost-wide delete")
	}
	if _, ok := emu.Get(vhost, "", "push"); ok {
		t.Error("the vhost-wide configuration is still stored")
	}
}

// TestProtocolDestroyPlanRenameWaitsForOldDelete: when a vhost-wide delete
// has taken along the configuration of a resource renamed without a moved
// block, the new resource's create must not write it before the old
// resource's delete has run, or that delete would remove it. The create
// waits for that delete, and is refused if it does not come.
func TestProtocolDestroyPlanRenameWaitsForOldDelete(t *testing.T) {
	t.Parallel()
	for _, oldDeleteComes := range []bool{false, true} {
		t.Run(fmt.Sprintf("old delete comes=%v", oldDeleteComes), func(t *testing.T) {
			t.Parallel()
			rn := newRename(t)
			emu, app, old, wide, oldPlan, widePlan := rn.emu, rn.app, rn.old, rn.wide, rn.oldPlan, rn.widePlan
			applier := newProtoProvider(t, emu)
			applier.applyDestroy(wide, widePlan)
			if _, ok := emu.Get(vhost, "a1", "push"); ok {
				t.Fatal("the vhost-wide delete did not take the planned app's configuration along; this test needs it to")
			}
			if !oldDeleteComes {
				resp := applier.applyCreate(app, rn.appPlan)
				if !strings.Contains(diagnosticsText(resp.Diagnostics), "not created yet") {
					t.Fatalf("creating the renamed resource with the old one's delete still to run: want it refused, got:\n%s",
						diagnosticsText(resp.Diagnostics))
				}
				return
			}

			// The old resource's delete is under way, its DeleteCallback held
			// at the emulator, when the create is applied: the create finds
			// that delete still to finish and waits for it. The delete is let
			// go once the scheduler shows the create waiting; a create that did
			// not wait would return first, refused or having written what the
			// delete then removes.
			plan := rn.appPlan
			oldDelete := emu.HoldRequests("DeleteCallback", nil)
			deleted := make(chan struct{})
			go func() {
				defer close(deleted)
				applier.applyDestroy(old, oldPlan)
			}()
			<-oldDelete.Arrived()
			created := make(chan *tfprotov6.ApplyResourceChangeResponse, 1)
			returned := make(chan struct{})
			go func() {
				defer close(returned)
				created <- applier.applyCreate(app, plan)
			}()
			if !awaitWaiters(applier.provider.configured.Load().sched, 1, returned) {
				oldDelete.Release()
				<-deleted
				t.Fatalf("the create returned without waiting for the old resource's delete:\n%s",
					diagnosticsText((<-created).Diagnostics))
			}
			oldDelete.Release()
			<-deleted
			resp := <-created
			failOnDiagnostics(t, "ApplyResourceChange (create of the renamed resource)", resp.Diagnostics)
			if _, ok := emu.Get(vhost, "a1", "push"); !ok {
				t.Error("the renamed resource's configuration is missing: the old resource's delete ran after its create")
			}
		})
	}
}
