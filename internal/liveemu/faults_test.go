package liveemu_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

func TestFaultAnswers(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)

	emu.InjectFault(liveemu.Fault{Action: "UpdateCallback", HTTPStatus: 500, Code: "InternalError", CodeN: 100014})
	a := call(t, inst, "UpdateCallback", pushBody())
	wantError(t, a, http.StatusInternalServerError, "InternalError", 100014)
	if a.ResponseMetadata.Error.Message != "an internal error occurred, please contact the administrator." {
		t.Errorf("message = %q", a.ResponseMetadata.Error.Message)
	}
	if len(emu.All()) != 0 {
		t.Error("a fault without AfterApply applied the update")
	}
	mustOK(t, inst, "UpdateCallback", pushBody())

	emu.InjectFault(liveemu.Fault{Code: "CommonErr", HTTPStatus: 200, Message: "try again"})
	a = call(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
	wantError(t, a, http.StatusOK, "CommonErr", 0)
	if a.ResponseMetadata.Error.Message != "try again" {
		t.Errorf("message = %q", a.ResponseMetadata.Error.Message)
	}

	emu.InjectFault(liveemu.Fault{Code: "FlowLimitExceeded"})
	wantError(t, call(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	if emu.Throttled() != 0 {
		t.Errorf("an injected 429 counted as throttled")
	}

	emu.InjectFault(liveemu.Fault{HTTPStatus: http.StatusServiceUnavailable})
	wantError(t, call(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}), http.StatusServiceUnavailable, "InternalError", 0)
}

func TestFaultOrderTimesAndAction(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)
	describe := body{"Vhost": liveemu.DemoVhost}
	del := body{"Vhost": liveemu.DemoVhost, "App": "a", "MessageType": "push"}

	emu.InjectFault(liveemu.Fault{Action: "DeleteCallback", Code: "InternalError.DB"})
	emu.InjectFault(liveemu.Fault{Times: 2, Code: "InternalServiceTimeout"})
	emu.InjectFault(liveemu.Fault{Action: "DescribeCallback", Code: "InternalServiceError"})

	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusGatewayTimeout, "InternalServiceTimeout", 0)
	wantError(t, call(t, inst, "DeleteCallback", del), http.StatusInternalServerError, "InternalError.DB", 0)
	wantError(t, call(t, inst, "DeleteCallback", del), http.StatusGatewayTimeout, "InternalServiceTimeout", 0)
	mustOK(t, inst, "DeleteCallback", del)
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusBadGateway, "InternalServiceError", 0)
	mustOK(t, inst, "DescribeCallback", describe)

	emu.InjectFault(liveemu.Fault{Code: "InternalError"})
	emu.ClearFaults()
	mustOK(t, inst, "DescribeCallback", describe)
}

func TestPendingFaultsCountsUsesLeft(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)
	describe := body{"Vhost": liveemu.DemoVhost}
	pending := func(want int) {
		t.Helper()
		if got := emu.PendingFaults(); got != want {
			t.Fatalf("PendingFaults() = %d, want %d", got, want)
		}
	}

	pending(0)
	emu.InjectFault(liveemu.Fault{Action: "DeleteCallback", Code: "InternalError"})
	emu.InjectFault(liveemu.Fault{Action: "DescribeCallback", Code: "InternalError", Times: 2})
	emu.InjectFault(liveemu.Fault{Action: "DescribeCallback", Latency: time.Millisecond})
	pending(4)
	call(t, inst, "DescribeCallback", describe)
	pending(3)
	call(t, inst, "DescribeCallback", describe)
	call(t, inst, "DescribeCallback", describe)
	// Only the DeleteCallback fault is left: no other action takes it.
	mustOK(t, inst, "DescribeCallback", describe)
	pending(1)
	emu.ClearFaults()
	pending(0)
}

func TestFaultAfterSignatureAndRateLimit(t *testing.T) {
	clk := newClock()
	emu := liveemu.New(liveemu.Config{Now: clk.Now, RequestsPerSecond: 1, Burst: 1})
	ts := newServer(t, emu)
	inst := demoClient(t, ts)
	describe := body{"Vhost": liveemu.DemoVhost}

	emu.InjectFault(liveemu.Fault{Code: "InternalError"})
	bad := sdkClient(t, ts, base.Credentials{AccessKeyID: liveemu.DemoAccessKey, SecretAccessKey: "wrong"})
	wantError(t, call(t, bad, "DescribeCallback", describe), http.StatusUnauthorized, "SignatureDoesNotMatch", 100010)
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusInternalServerError, "InternalError", 0)

	emu.InjectFault(liveemu.Fault{Code: "InternalError"})
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	clk.Advance(time.Second)
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusInternalServerError, "InternalError", 0)
}

func TestFaultAfterApply(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)

	emu.InjectFault(liveemu.Fault{Action: "UpdateCallback", HTTPStatus: 502, Code: "InternalServiceError.BadResponse", AfterApply: true})
	wantError(t, call(t, inst, "UpdateCallback", pushBody()), http.StatusBadGateway, "InternalServiceError.BadResponse", 0)
	if _, ok := emu.Get(liveemu.DemoVhost, "", "push"); !ok {
		t.Fatal("AfterApply did not apply the update")
	}

	emu.InjectFault(liveemu.Fault{Action: "DeleteCallback", Drop: true, AfterApply: true})
	_, _, err := inst.CtxJson(context.Background(), "DeleteCallback", url.Values{}, `{"Vhost":"`+liveemu.DemoVhost+`"}`)
	if err == nil {
		t.Fatal("a dropped connection answered")
	}
	if len(emu.All()) != 0 {
		t.Error("AfterApply with Drop did not apply the delete")
	}
}

func TestFaultTransport(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)

	emu.InjectFault(liveemu.Fault{Drop: true})
	resp, _, err := inst.CtxJson(context.Background(), "DescribeCallback", url.Values{}, `{"Vhost":"`+liveemu.DemoVhost+`"}`)
	if err == nil || len(resp) != 0 {
		t.Fatalf("Drop: got %q, %v; want a transport error", resp, err)
	}

	emu.InjectFault(liveemu.Fault{RawBody: "<html>bad gateway</html>"})
	resp, status, _ := inst.CtxJson(context.Background(), "DescribeCallback", url.Values{}, `{"Vhost":"`+liveemu.DemoVhost+`"}`)
	if status != http.StatusBadGateway || string(resp) != "<html>bad gateway</html>" {
		t.Errorf("RawBody: got %d %q", status, resp)
	}
	emu.InjectFault(liveemu.Fault{RawBody: "upstream timeout", HTTPStatus: 504})
	resp, status, _ = inst.CtxJson(context.Background(), "DescribeCallback", url.Values{}, `{"Vhost":"`+liveemu.DemoVhost+`"}`)
	if status != http.StatusGatewayTimeout || string(resp) != "upstream timeout" {
		t.Errorf("RawBody with status: got %d %q", status, resp)
	}

	// Latency alone delays a normal answer.
	emu.InjectFault(liveemu.Fault{Action: "UpdateCallback", Latency: 20 * time.Millisecond})
	mustOK(t, inst, "UpdateCallback", pushBody())
	if _, ok := emu.Get(liveemu.DemoVhost, "", "push"); !ok {
		t.Error("the delayed update was not applied")
	}

	records := emu.Requests()
	if got := records[0]; got.HTTPStatus != 0 || got.Code != "" || got.RequestID != "" {
		t.Errorf("dropped request recorded as %+v", got)
	}
	if got := records[1]; got.HTTPStatus != http.StatusBadGateway {
		t.Errorf("raw body recorded as %+v", got)
	}
}

func TestFaultLatencyEndsWithTheClient(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)

	// Were the handler to sleep the full hour, or apply the update once the
	// client left, ts.Close below would hang or All would not be empty.
	emu.InjectFault(liveemu.Fault{Action: "UpdateCallback", Latency: time.Hour, Code: "InternalError", AfterApply: true})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := inst.CtxJson(ctx, "UpdateCallback", url.Values{}, mustJSON(t, pushBody())); err == nil {
		t.Fatal("the call answered before its deadline")
	}
	ts.Close()
	if len(emu.All()) != 0 {
		t.Error("the abandoned update was applied")
	}
	if r := emu.Requests(); len(r) != 1 || r[0].HTTPStatus != 0 {
		t.Errorf("requests = %+v", r)
	}
}

func TestCountersAndRequestLog(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)

	mustOK(t, inst, "UpdateCallback", pushBody())
	wantError(t, call(t, inst, "UpdateCallback", with(pushBody(), "MessageType", "x")), http.StatusBadRequest, "InvalidParam.OutOfRange", 0)
	mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
	bad := sdkClient(t, ts, base.Credentials{AccessKeyID: "AKNOBODY", SecretAccessKey: "x"})
	wantError(t, call(t, bad, "DeleteCallback", body{"Vhost": liveemu.DemoVhost}), http.StatusUnauthorized, "InvalidAccessKey", 100009)

	if emu.Calls("UpdateCallback") != 2 || emu.Calls("DescribeCallback") != 1 || emu.Calls("DeleteCallback") != 1 || emu.TotalCalls() != 4 {
		t.Errorf("counters: update %d describe %d delete %d total %d",
			emu.Calls("UpdateCallback"), emu.Calls("DescribeCallback"), emu.Calls("DeleteCallback"), emu.TotalCalls())
	}
	records := emu.Requests()
	if len(records) != 4 {
		t.Fatalf("%d records", len(records))
	}
	want := []struct {
		action, ak string
		status     int
		code       string
	}{
		{"UpdateCallback", liveemu.DemoAccessKey, 200, ""},
		{"UpdateCallback", liveemu.DemoAccessKey, 400, "InvalidParam.OutOfRange"},
		{"DescribeCallback", liveemu.DemoAccessKey, 200, ""},
		{"DeleteCallback", "AKNOBODY", 401, "InvalidAccessKey"},
	}
	seen := map[string]bool{}
	for i, w := range want {
		r := records[i]
		if r.Action != w.action || r.AccessKey != w.ak || r.HTTPStatus != w.status || r.Code != w.code || r.Time.IsZero() {
			t.Errorf("record %d = %+v, want %+v", i, r, w)
		}
		if r.RequestID == "" || seen[r.RequestID] {
			t.Errorf("record %d RequestID %q is empty or repeated", i, r.RequestID)
		}
		seen[r.RequestID] = true
	}
	if string(records[0].Body) != mustJSON(t, pushBody()) {
		t.Errorf("body recorded as %s", records[0].Body)
	}

	emu.ResetCounters()
	if emu.TotalCalls() != 0 || emu.Calls("UpdateCallback") != 0 || emu.Throttled() != 0 || len(emu.Requests()) != 0 {
		t.Error("ResetCounters left counts behind")
	}
	if len(emu.All()) != 1 {
		t.Error("ResetCounters touched the stored configurations")
	}
}
