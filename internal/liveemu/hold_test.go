package liveemu_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// A held request waits before its action runs, other requests go by, and
// Release lets it finish as if it had never waited.
func TestHoldKeepsARequestUntilReleased(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)
	mustOK(t, inst, "UpdateCallback", body{"Vhost": liveemu.DemoVhost, "App": "a", "MessageType": "push",
		"CallbackDetailList": []map[string]string{{"URL": "https://hooks.example.com/a", "CallbackType": "HTTP"}}})

	hold := emu.HoldRequests("DeleteCallback", func(b []byte) bool { return bytes.Contains(b, []byte(`"App":"a"`)) })
	answered := make(chan apiAnswer)
	go func() {
		answered <- call(t, inst, "DeleteCallback", body{"Vhost": liveemu.DemoVhost, "App": "a", "MessageType": "push"})
	}()
	<-hold.Arrived()
	if _, ok := emu.Get(liveemu.DemoVhost, "a", "push"); !ok {
		t.Fatal("the held delete ran before it was released")
	}
	// Requests the hold does not match are answered meanwhile.
	mustOK(t, inst, "DeleteCallback", body{"Vhost": liveemu.DemoVhost, "App": "b", "MessageType": "push"})
	mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
	select {
	case a := <-answered:
		t.Fatalf("the held delete was answered before it was released: HTTP %d %s", a.Status, a.Raw)
	default:
	}

	hold.Release()
	if a := <-answered; a.Status != http.StatusOK || a.ResponseMetadata.Error != nil {
		t.Fatalf("the released delete: HTTP %d %s", a.Status, a.Raw)
	}
	if _, ok := emu.Get(liveemu.DemoVhost, "a", "push"); ok {
		t.Error("the released delete did not run")
	}
	if n := hold.Held(); n != 1 {
		t.Errorf("Held() = %d, want 1", n)
	}
	// Once released, a hold lets later requests straight through.
	mustOK(t, inst, "DeleteCallback", body{"Vhost": liveemu.DemoVhost, "App": "a", "MessageType": "push"})
}
