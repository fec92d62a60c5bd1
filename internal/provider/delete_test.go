package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// The safe delete is checked under every reading of the API: whatever a
// DeleteCallback without an app reaches, everything but its target ends as
// it was, or the delete refuses before deleting anything.

var (
	pushKey   = callbackKey{Scope: liveapi.Scope{Vhost: vhost}, MessageType: "push"}
	domainKey = callbackKey{Scope: liveapi.Scope{Domain: liveemu.DemoDomain}, MessageType: "push"}
)

func emuCallback(vhostName, domain, app, messageType, url string) liveemu.Callback {
	return liveemu.Callback{
		Vhost: vhostName, Domain: domain, App: app, MessageType: messageType,
		CallbackDetailList: []liveemu.CallbackDetail{{URL: url, CallbackType: "HTTP"}},
	}
}

// consoleMade is an app configuration as the console makes it, with
// settings the provider does not model where the API has them (an API that
// answers them takes them in UpdateCallback; see
// TestDeleteReportsSettingsTheAPIDoesNotTake for one that does not).
func consoleMade(r liveemu.Readings, app, messageType string, auth bool) liveemu.Callback {
	c := emuCallback(vhost, "", app, messageType, "https://console.example.com/"+app)
	if r.ExtraFields {
		c.Extra = map[string]json.RawMessage{"RetryTimes": json.RawMessage(`3`), "HttpMethod": json.RawMessage(`"POST"`)}
	}
	if auth {
		c.AuthEnable, c.AuthKeyPrimary = true, "consolekey"+app
	}
	return c
}

func readingEmulator(t *testing.T, name string) (*testEmulator, liveemu.Readings) {
	t.Helper()
	r, err := liveemu.ReadingByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return newTestEmulatorWith(t, liveemu.Config{Readings: r}), r
}

func seed(t *testing.T, emu *testEmulator, cbs ...liveemu.Callback) {
	t.Helper()
	for _, c := range cbs {
		if err := emu.Put(c); err != nil {
			t.Fatalf("seeding %+v: %v", c, err)
		}
	}
}

// sameExceptCreateTime compares two snapshots of the emulator; a restored
// configuration has a new creation time and nothing else new.
func sameExceptCreateTime(before, after []liveemu.Callback) error {
	strip := func(cbs []liveemu.Callback) []liveemu.Callback {
		out := make([]liveemu.Callback, len(cbs))
		for i, c := range cbs {
			c.CreateTime = ""
			out[i] = c
		}
		return out
	}
	if b, a := strip(before), strip(after); !reflect.DeepEqual(b, a) {
		return fmt.Errorf("configurations changed:\n before %+v\n after  %+v", b, a)
	}
	return nil
}

func without(cbs []liveemu.Callback, drop func(liveemu.Callback) bool) []liveemu.Callback {
	return slices.DeleteFunc(slices.Clone(cbs), drop)
}

func runDelete(t *testing.T, emu *testEmulator, k callbackKey) diag.Diagnostics {
	t.Helper()
	data := emu.providerData(t)
	diags, _ := data.deleter.delete(context.Background(), k, nil, nil)
	return diags
}

func TestDeleteVhostWideUnderEveryReading(t *testing.T) {
	t.Parallel()
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, r := readingEmulator(t, name)
			seed(t, emu,
				emuCallback(vhost, "", "", "push", "https://hooks.example.com/target"),
				consoleMade(r, "keep", "push", true),
				consoleMade(r, "other", "record", false),
			)
			if r.DomainModel == liveemu.DomainSeparate {
				seed(t, emu, emuCallback(vhost, liveemu.DemoDomain, "", "push", "https://hooks.example.com/domain"))
			}
			before := emu.All()
			emu.ResetCounters()

			diags := runDelete(t, emu, pushKey)

			if r.MaskKeys {
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `app "keep"`) ||
					!strings.Contains(diags.Errors()[0].Detail(), "removed {") {
					t.Fatalf("want a refusal naming app \"keep\" and a removed block, got %v", diags)
				}
				if n := emu.Calls("DeleteCallback"); n != 0 {
					t.Errorf("DeleteCallback called %d times after refusing", n)
				}
				if err := sameExceptCreateTime(before, emu.All()); err != nil {
					t.Error(err)
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("delete failed: %v", diags)
			}
			if _, ok := emu.Get(vhost, "", "push"); ok {
				t.Error("the vhost-wide configuration was not deleted")
			}
			want := without(before, func(c liveemu.Callback) bool { return c.Domain == "" && c.App == "" && c.MessageType == "push" })
			if err := sameExceptCreateTime(want, emu.All()); err != nil {
				t.Error(err)
			}
			if got := emu.Calls("DeleteCallback"); got != 1 {
				t.Errorf("DeleteCallback calls = %d, want 1", got)
			}
			if len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), `app "keep"`) {
				t.Errorf("want one warning naming the restored app, got %v", diags.Warnings())
			}
		})
	}
}

func TestDeleteDomainUnderEveryReading(t *testing.T) {
	t.Parallel()
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, r := readingEmulator(t, name)
			separate := r.DomainModel == liveemu.DomainSeparate
			seed(t, emu, consoleMade(r, "keep", "push", false), consoleMade(r, "keep", "record", false))
			if separate {
				seed(t, emu,
					emuCallback(vhost, liveemu.DemoDomain, "", "push", "https://hooks.example.com/domain"),
					emuCallback(vhost, "", "", "push", "https://hooks.example.com/vhost"))
			} else {
				seed(t, emu, emuCallback(vhost, "", "", "push", "https://hooks.example.com/domain"))
			}
			before := emu.All()
			emu.ResetCounters()

			if diags := runDelete(t, emu, domainKey); diags.HasError() {
				t.Fatalf("delete failed: %v", diags)
			}
			if _, ok := emu.GetDomain(liveemu.DemoDomain, "push"); ok {
				t.Error("the domain's configuration was not deleted")
			}
			want := without(before, func(c liveemu.Callback) bool {
				if separate {
					return c.Domain == liveemu.DemoDomain && c.MessageType == "push"
				}
				return c.App == "" && c.MessageType == "push"
			})
			if err := sameExceptCreateTime(want, emu.All()); err != nil {
				t.Error(err)
			}
		})
	}
}

// A delete whose target is gone calls no DeleteCallback, which without an
// app would still reach the app configurations.
func TestDeleteWideOfMissingTargetDeletesNothing(t *testing.T) {
	t.Parallel()
	for _, k := range []callbackKey{pushKey, domainKey} {
		t.Run(k.String(), func(t *testing.T) {
			emu := newTestEmulator(t)
			seed(t, emu, consoleMade(liveemu.Readings{}, "keep", "push", true))
			before := emu.All()
			emu.ResetCounters()
			if diags := runDelete(t, emu, k); diags.HasError() || len(diags.Warnings()) > 0 {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if n := emu.Calls("DeleteCallback"); n != 0 {
				t.Errorf("DeleteCallback called %d times for a configuration that does not exist", n)
			}
			if err := sameExceptCreateTime(before, emu.All()); err != nil {
				t.Error(err)
			}
		})
	}
}

// What the same run deletes is not restored; the rest is, with no call
// beyond the snapshot, the delete, the check and the restore.
func TestDeleteWideSkipsWhatTheRunDeletes(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	seed(t, emu,
		emuCallback(vhost, "", "", "push", "https://hooks.example.com/target"),
		consoleMade(liveemu.Readings{}, "keep", "push", false),
		consoleMade(liveemu.Readings{}, "going", "push", false))
	data := emu.providerData(t)
	done := data.deletes.beginDelete(callbackKey{Scope: liveapi.Scope{Vhost: vhost}, App: "going", MessageType: "push"})
	defer done()
	// Nothing else is working in this instance, so the delete does not
	// wait for "going" to be deleted first.
	emu.ResetCounters()
	diags, _ := data.deleter.delete(context.Background(), pushKey, nil, nil)
	if diags.HasError() {
		t.Fatalf("delete failed: %v", diags)
	}
	if _, ok := emu.Get(vhost, "keep", "push"); !ok {
		t.Error("the kept app configuration was not restored")
	}
	if _, ok := emu.Get(vhost, "going", "push"); ok {
		t.Error("the configuration this run deletes was restored")
	}
	got := [3]int{emu.Calls("DescribeCallback"), emu.Calls("DeleteCallback"), emu.Calls("UpdateCallback")}
	if want := [3]int{4, 1, 1}; got != want {
		t.Errorf("calls (describe, delete, update) = %v, want %v: view, snapshot, check and verify; the delete; one restore", got, want)
	}
	if w := diags.Warnings(); len(w) != 1 || strings.Contains(w[0].Detail(), `app "going"`) {
		t.Errorf("the warning must name the restored app only: %v", w)
	}
}

// A wide delete waits while this instance is still deleting configurations
// in its reach, and then neither removes nor restores them. The app deletes
// run only once the wide delete is waiting: its first read of the vhost, the
// one that counts what it waits for, is held at the emulator until then.
func TestDeleteWideWaitsForTheRunsOwnDeletes(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	seed(t, emu,
		emuCallback(vhost, "", "", "push", "https://hooks.example.com/target"),
		consoleMade(liveemu.Readings{}, "a", "push", false),
		consoleMade(liveemu.Readings{}, "b", "push", false))
	data := emu.providerData(t)
	ctx := context.Background()
	firstRead := emu.HoldRequests("DescribeCallback", nil)

	// Another operation is at work in the instance, as when Terraform runs
	// the app deletes in other slots.
	end := data.sched.begin()
	result := make(chan diag.Diagnostics)
	go func() {
		defer data.sched.begin()()
		diags, _ := data.deleter.delete(ctx, pushKey, nil, nil)
		result <- diags
	}()
	<-firstRead.Arrived()
	firstRead.Release()
	// The shared read of the vhost is the wide delete's: once it is in, the
	// wide delete counts both app configurations as still to be deleted.
	if items, err := data.views.read(ctx, liveapi.Scope{Vhost: vhost}); err != nil || len(items) != 3 {
		t.Fatalf("the vhost's shared read: %d configurations, error %v; want 3", len(items), err)
	}
	if n := emu.Calls("DescribeCallback"); n != 1 {
		t.Fatalf("DescribeCallback called %d times before the app deletes, want 1 (the shared read)", n)
	}
	for _, app := range []string{"a", "b"} {
		if diags, _ := data.deleter.delete(ctx, callbackKey{Scope: liveapi.Scope{Vhost: vhost}, App: app, MessageType: "push"}, nil, nil); diags.HasError() {
			t.Fatal(diags)
		}
	}
	end()
	if diags := <-result; diags.HasError() || len(diags.Warnings()) > 0 {
		t.Fatalf("the wide delete should neither fail nor restore anything: %v", diags)
	}
	if n := emu.Calls("UpdateCallback"); n != 0 {
		t.Errorf("UpdateCallback called %d times: something was restored", n)
	}
	if left := emu.All(); len(left) != 0 {
		t.Errorf("left on the emulator: %+v", left)
	}
}

// An API that answers a setting but does not take it in UpdateCallback
// cannot have it written back: the provider says so instead of reporting a
// restore that lost it.
func TestDeleteReportsSettingsTheAPIDoesNotTake(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	console := consoleMade(liveemu.Readings{ExtraFields: true}, "keep", "push", false)
	seed(t, emu, emuCallback(vhost, "", "", "push", "https://hooks.example.com/target"), console)
	diags := runDelete(t, emu, pushKey)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), `app "keep"`) ||
		!strings.Contains(diags.Errors()[0].Detail(), "RetryTimes") {
		t.Fatalf("want an error naming app \"keep\" and the lost RetryTimes, got %v", diags)
	}
	if got, ok := emu.Get(vhost, "keep", "push"); !ok || got.CallbackDetailList[0].URL != console.CallbackDetailList[0].URL {
		t.Errorf("the app configuration was not written back: %+v", got)
	}
}
