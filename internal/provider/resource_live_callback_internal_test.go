package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// A scope-wide delete restores the app configurations the API's wildcard
// removed, except those this process is itself deleting.
func TestDeleteScopeWideRestoresOnlyWhatIsKept(t *testing.T) {
	emu := newTestEmulator(t)
	client := emu.client(t)
	ctx := context.Background()
	detail := []liveapi.CallbackDetail{{URL: "https://hooks.example.com/", CallbackType: "HTTP"}}
	for _, app := range []string{"", "keep", "going"} {
		if _, err := client.UpdateCallback(ctx, liveapi.Callback{Scope: liveapi.Scope{Vhost: vhost}, App: app, MessageType: "push", CallbackDetailList: detail}); err != nil {
			t.Fatal(err)
		}
	}
	done := beginDelete(callbackKey{Scope: liveapi.Scope{Vhost: vhost}, App: "going", MessageType: "push"})
	defer done()
	emu.ResetCounters()

	r := &liveCallbackResource{client: client}
	diags := r.deleteScopeWide(ctx, callbackKey{Scope: liveapi.Scope{Vhost: vhost}, MessageType: "push"})
	if diags.HasError() {
		t.Fatalf("delete failed: %v", diags)
	}
	if _, ok := emu.Get(vhost, "keep", "push"); !ok {
		t.Error("the kept app configuration was not restored")
	}
	if _, ok := emu.Get(vhost, "going", "push"); ok {
		t.Error("the configuration being deleted by this process was restored")
	}
	if _, ok := emu.Get(vhost, "", "push"); ok {
		t.Error("the scope-wide configuration was not deleted")
	}
	if got := [3]int{emu.Calls("DescribeCallback"), emu.Calls("DeleteCallback"), emu.Calls("UpdateCallback")}; got != [3]int{2, 1, 1} {
		t.Errorf("calls (describe, delete, update) = %v, want snapshot+check, one delete, one restore", got)
	}
	if len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), `app "keep"`) ||
		strings.Contains(diags.Warnings()[0].Detail(), `app "going"`) {
		t.Errorf("warning should name the restored app only: %v", diags.Warnings())
	}
}

func TestDeleteScopeWideWithoutSiblingsMakesTwoCalls(t *testing.T) {
	emu := newTestEmulator(t)
	client := emu.client(t)
	ctx := context.Background()
	detail := []liveapi.CallbackDetail{{URL: "https://hooks.example.com/", CallbackType: "HTTP"}}
	if _, err := client.UpdateCallback(ctx, liveapi.Callback{Scope: liveapi.Scope{Vhost: vhost}, MessageType: "record", CallbackDetailList: detail}); err != nil {
		t.Fatal(err)
	}
	emu.ResetCounters()
	r := &liveCallbackResource{client: client}
	if diags := r.deleteScopeWide(ctx, callbackKey{Scope: liveapi.Scope{Vhost: vhost}, MessageType: "record"}); diags.HasError() || len(diags.Warnings()) != 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if got := [3]int{emu.Calls("DescribeCallback"), emu.Calls("DeleteCallback"), emu.Calls("UpdateCallback")}; got != [3]int{1, 1, 0} {
		t.Errorf("calls (describe, delete, update) = %v, want one snapshot and one delete", got)
	}
}
