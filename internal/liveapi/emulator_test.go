package liveapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// startEmulator serves a fresh emulator with the demo account. Its rate
// limit is off unless rps is set, so only the rate-limit test waits on it.
func startEmulator(t *testing.T, rps float64) (*liveemu.Server, string) {
	t.Helper()
	if rps == 0 {
		rps = -1
	}
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: rps})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

func demoClient(t *testing.T, endpoint string, modify ...func(*liveapi.Config)) *liveapi.Client {
	t.Helper()
	cfg := liveapi.Config{
		AccessKey:         liveemu.DemoAccessKey,
		SecretKey:         liveemu.DemoSecretKey,
		Endpoint:          endpoint,
		MaxRetries:        4,
		RequestsPerSecond: 1000,
		RetryBaseDelay:    time.Millisecond,
		RetryMaxDelay:     5 * time.Millisecond,
		UserAgent:         "terraform-provider-volcengine/test",
	}
	for _, m := range modify {
		m(&cfg)
	}
	c, err := liveapi.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func demoCallback() liveapi.Callback {
	return liveapi.Callback{
		Scope:       liveapi.Scope{Vhost: liveemu.DemoVhost},
		App:         "live",
		MessageType: liveapi.MessageTypePush,
		CallbackDetailList: []liveapi.CallbackDetail{
			{URL: "https://hooks.example.com/live/push", CallbackType: liveapi.CallbackTypeHTTP},
			{URL: "https://backup.example.com/live/push", CallbackType: liveapi.CallbackTypeHTTP},
		},
		AuthEnable:        true,
		AuthKeyPrimary:    "callback-key",
		TranscodeCallback: true,
	}
}

func TestEmulatorRoundTrip(t *testing.T) {
	t.Parallel()
	emu, endpoint := startEmulator(t, 0)
	c := demoClient(t, endpoint)
	ctx := context.Background()

	want := demoCallback()
	if _, err := c.UpdateCallback(ctx, want); err != nil {
		t.Fatalf("UpdateCallback: %v", err)
	}
	list, requestID, err := c.DescribeCallback(ctx, liveapi.DescribeCallbackInput{Scope: want.Scope, App: "live", MessageType: "push"})
	if err != nil || requestID == "" {
		t.Fatalf("DescribeCallback = %q, %v", requestID, err)
	}
	if len(list) != 1 {
		t.Fatalf("DescribeCallback returned %d configurations, want 1", len(list))
	}
	got := list[0]
	if got.CreateTime == "" {
		t.Error("no CreateTime")
	} else if _, err := time.Parse(time.RFC3339, got.CreateTime); err != nil {
		t.Errorf("CreateTime %q is not RFC 3339: %v", got.CreateTime, err)
	}
	got.CreateTime = ""
	if got.Vhost != want.Vhost || got.App != want.App || got.MessageType != want.MessageType ||
		got.AuthEnable != want.AuthEnable || got.AuthKeyPrimary != want.AuthKeyPrimary ||
		got.TranscodeCallback != want.TranscodeCallback || len(got.CallbackDetailList) != 2 ||
		got.CallbackDetailList[1] != want.CallbackDetailList[1] {
		t.Errorf("described %#v, want %#v", got, want)
	}

	// A configuration made by domain is described under its vhost.
	byDomain := liveapi.Callback{
		Scope:              liveapi.Scope{Domain: liveemu.DemoDomain},
		MessageType:        liveapi.MessageTypeRecord,
		CallbackDetailList: []liveapi.CallbackDetail{{URL: "https://hooks.example.com/record", CallbackType: "HTTP"}},
	}
	if _, err := c.UpdateCallback(ctx, byDomain); err != nil {
		t.Fatalf("UpdateCallback by domain: %v", err)
	}
	for _, r := range emu.Requests() {
		if r.Action == liveapi.ActionUpdateCallback && strings.Contains(string(r.Body), `"App"`) && !strings.Contains(string(r.Body), `"App":"live"`) {
			t.Errorf("UpdateCallback sent an empty App: %s", r.Body)
		}
	}
	all, err := c.ListScope(ctx, liveapi.Scope{Vhost: liveemu.DemoVhost})
	if err != nil {
		t.Fatalf("ListScope: %v", err)
	}
	if len(all) != 2 {
		t.Fatalf("ListScope returned %d configurations, want 2: %#v", len(all), all)
	}
	for _, cb := range all {
		if cb.Vhost != liveemu.DemoVhost || cb.Domain != "" {
			t.Errorf("listed scope %+v, want the vhost only", cb.Scope)
		}
	}

	if _, err := c.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: want.Scope, App: "live", MessageType: "push"}); err != nil {
		t.Fatalf("DeleteCallback: %v", err)
	}
	if _, ok := emu.Get(liveemu.DemoVhost, "live", "push"); ok {
		t.Error("the configuration is still stored after DeleteCallback")
	}
	if _, ok := emu.Get(liveemu.DemoVhost, "", "record"); !ok {
		t.Error("DeleteCallback of one app removed the scope-wide record configuration")
	}
	after, err := c.ListScope(ctx, liveapi.Scope{Vhost: liveemu.DemoVhost})
	if err != nil || len(after) != 1 {
		t.Errorf("ListScope after the delete = %v, %v; want the record configuration only", after, err)
	}
}

func TestEmulatorRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    liveemu.Fault
		action   string
		attempts int
	}{
		{"429 three times", liveemu.Fault{Action: liveapi.ActionDescribeCallback, Times: 3, HTTPStatus: 429, Code: "FlowLimitExceeded"}, liveapi.ActionDescribeCallback, 4},
		{"CommonErr with 200", liveemu.Fault{Action: liveapi.ActionUpdateCallback, Times: 2, HTTPStatus: 200, Code: "CommonErr"}, liveapi.ActionUpdateCallback, 3},
		{"500", liveemu.Fault{Action: liveapi.ActionUpdateCallback, HTTPStatus: 500, Code: "InternalError"}, liveapi.ActionUpdateCallback, 2},
		{"502 HTML", liveemu.Fault{Action: liveapi.ActionDescribeCallback, HTTPStatus: 502, RawBody: "<html>bad gateway</html>"}, liveapi.ActionDescribeCallback, 2},
		{"502 typed", liveemu.Fault{Action: liveapi.ActionDeleteCallback, Times: 2, HTTPStatus: 502, Code: "InternalServiceError"}, liveapi.ActionDeleteCallback, 3},
		{"504", liveemu.Fault{Action: liveapi.ActionDeleteCallback, HTTPStatus: 504, Code: "InternalServiceTimeout"}, liveapi.ActionDeleteCallback, 2},
		{"dropped connection", liveemu.Fault{Action: liveapi.ActionUpdateCallback, Drop: true}, liveapi.ActionUpdateCallback, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			emu, endpoint := startEmulator(t, 0)
			c := demoClient(t, endpoint)
			emu.InjectFault(tt.fault)
			if err := callAction(context.Background(), c, tt.action); err != nil {
				t.Fatalf("%s: %v", tt.action, err)
			}
			if got := emu.Calls(tt.action); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
		})
	}
}

func callAction(ctx context.Context, c *liveapi.Client, action string) error {
	switch action {
	case liveapi.ActionUpdateCallback:
		_, err := c.UpdateCallback(ctx, demoCallback())
		return err
	case liveapi.ActionDescribeCallback:
		_, _, err := c.DescribeCallback(ctx, liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: liveemu.DemoVhost}})
		return err
	default:
		_, err := c.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: liveapi.Scope{Vhost: liveemu.DemoVhost}, App: "live", MessageType: "push"})
		return err
	}
}

func TestEmulatorRetriesExhausted(t *testing.T) {
	t.Parallel()
	emu, endpoint := startEmulator(t, 0)
	c := demoClient(t, endpoint, func(cfg *liveapi.Config) { cfg.MaxRetries = 2 })
	emu.InjectFault(liveemu.Fault{Action: liveapi.ActionUpdateCallback, Times: 5, HTTPStatus: 200, Code: "CommonErr"})
	_, err := c.UpdateCallback(context.Background(), demoCallback())
	apiErr, ok := liveapi.AsAPIError(err)
	if !ok || apiErr.Code != "CommonErr" || apiErr.HTTPStatus != 200 || apiErr.RequestID == "" {
		t.Fatalf("error %v, want the CommonErr APIError with its RequestId", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("error %q does not count the attempts", err)
	}
	if got := emu.Calls(liveapi.ActionUpdateCallback); got != 3 {
		t.Errorf("%d attempts, want 3", got)
	}
}

func TestEmulatorClientErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(emu *liveemu.Server, cfg *liveapi.Config, cb *liveapi.Callback)
		check  func(error) bool
		status int
	}{
		{
			name: "injected 400",
			setup: func(emu *liveemu.Server, _ *liveapi.Config, _ *liveapi.Callback) {
				emu.InjectFault(liveemu.Fault{Action: liveapi.ActionUpdateCallback, HTTPStatus: 400, Code: "InvalidParam"})
			},
			status: 400,
		},
		{
			name: "wrong secret key",
			setup: func(_ *liveemu.Server, cfg *liveapi.Config, _ *liveapi.Callback) {
				cfg.SecretKey = "not-the-demo-secret"
			},
			status: 401,
		},
		{
			name: "unknown vhost",
			setup: func(_ *liveemu.Server, _ *liveapi.Config, cb *liveapi.Callback) {
				cb.Vhost = "missing.live.example.com"
			},
			check:  liveapi.IsNotFound,
			status: 404,
		},
		{
			name: "invalid app",
			setup: func(_ *liveemu.Server, _ *liveapi.Config, cb *liveapi.Callback) {
				cb.App = "not valid!"
			},
			status: 400,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			emu, endpoint := startEmulator(t, 0)
			cb := demoCallback()
			c := demoClient(t, endpoint, func(cfg *liveapi.Config) { tt.setup(emu, cfg, &cb) })
			_, err := c.UpdateCallback(context.Background(), cb)
			apiErr, ok := liveapi.AsAPIError(err)
			if !ok || apiErr.HTTPStatus != tt.status {
				t.Fatalf("error %v, want an APIError with HTTP %d", err, tt.status)
			}
			if tt.check != nil && !tt.check(err) {
				t.Errorf("error %v fails its predicate", err)
			}
			if got := emu.Calls(liveapi.ActionUpdateCallback); got != 1 {
				t.Errorf("%d attempts, want 1", got)
			}
		})
	}
}

func TestEmulatorNonJSONBody(t *testing.T) {
	t.Parallel()
	emu, endpoint := startEmulator(t, 0)
	c := demoClient(t, endpoint, func(cfg *liveapi.Config) { cfg.MaxRetries = 0 })
	emu.InjectFault(liveemu.Fault{RawBody: "<html>bad gateway</html>", HTTPStatus: 502})
	_, _, err := c.DescribeCallback(context.Background(), liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: liveemu.DemoVhost}})
	var te *liveapi.TransportError
	if !errors.As(err, &te) || te.HTTPStatus != 502 {
		t.Fatalf("error %v, want a TransportError with HTTP 502", err)
	}
	want := `DescribeCallback failed: HTTP 502: the answer's body was not the Live API's JSON (24 bytes): "<html>bad gateway</html>"`
	if err.Error() != want {
		t.Errorf("message\n got %q\nwant %q", err, want)
	}
}

func TestEmulatorDeadline(t *testing.T) {
	t.Parallel()
	emu, endpoint := startEmulator(t, 0)
	c := demoClient(t, endpoint)
	emu.InjectFault(liveemu.Fault{Action: liveapi.ActionDescribeCallback, Latency: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err := c.DescribeCallback(ctx, liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: liveemu.DemoVhost}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	if got := emu.Calls(liveapi.ActionDescribeCallback); got != 1 {
		t.Errorf("%d attempts, want 1: a deadline is not retried", got)
	}
}

// The one slow test: 30 concurrent calls through the client-side limit of
// 10 per second against an emulator enforcing the API's 10 per second.
func TestEmulatorRateLimit(t *testing.T) {
	t.Parallel()
	emu, endpoint := startEmulator(t, 10)
	c := demoClient(t, endpoint, func(cfg *liveapi.Config) {
		cfg.RequestsPerSecond = 10
		cfg.MaxRetries = 8
		cfg.RetryBaseDelay = 0
		cfg.RetryMaxDelay = 0
	})
	const calls = 30
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			var err error
			if i%3 == 0 {
				_, err = c.UpdateCallback(context.Background(), demoCallback())
			} else {
				_, _, err = c.DescribeCallback(context.Background(), liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: liveemu.DemoVhost}})
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			t.Errorf("call failed: %v", err)
		}
	}
	throttled := emu.Throttled()
	t.Logf("%d calls, %d requests, %d answered 429 by the emulator", calls, emu.TotalCalls(), throttled)
	if failed != 0 {
		t.Errorf("%d of %d calls failed", failed, calls)
	}
	if throttled > 3 {
		t.Errorf("the emulator throttled %d requests; the client-side limit should keep it near 0", throttled)
	}
	if got := emu.TotalCalls(); got != calls+throttled {
		t.Errorf("%d requests for %d calls and %d throttled", got, calls, throttled)
	}
}
