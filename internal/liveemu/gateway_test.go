package liveemu_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// A limit of one action holds on top of the account's: UpdateCallback at
// 1/s is refused while DescribeCallback goes on, and refusals count for
// nothing.
func TestActionLimitTokenBucket(t *testing.T) {
	clk := newClock()
	emu := liveemu.New(liveemu.Config{Now: clk.Now, RequestsPerSecond: 3,
		ActionRequestsPerSecond: map[string]float64{"UpdateCallback": 1}})
	ts := newServer(t, emu)
	inst := demoClient(t, ts)
	describe := body{"Vhost": liveemu.DemoVhost}

	mustOK(t, inst, "UpdateCallback", pushBody())
	wantError(t, call(t, inst, "UpdateCallback", pushBody()), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	mustOK(t, inst, "DescribeCallback", describe)
	mustOK(t, inst, "DescribeCallback", describe)
	// The account's 3 tokens are spent: one by the update, two by reads.
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	clk.Advance(time.Second)
	mustOK(t, inst, "UpdateCallback", pushBody())
	wantError(t, call(t, inst, "UpdateCallback", pushBody()), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	mustOK(t, inst, "DescribeCallback", describe)
	if got := emu.ThrottledCalls("UpdateCallback"); got != 2 {
		t.Errorf("%d UpdateCallback throttled, want 2", got)
	}
	if got := emu.Throttled(); got != 3 {
		t.Errorf("%d throttled in all, want 3", got)
	}
}

// Under the window model, a limit counts the requests of each clock
// second, whenever in the second they come; the refused ones do not count.
func TestFixedWindow(t *testing.T) {
	clk := newClock() // on a whole second
	emu := liveemu.New(liveemu.Config{Now: clk.Now, RequestsPerSecond: 3, Gateway: liveemu.FixedWindow,
		ActionRequestsPerSecond: map[string]float64{"DeleteCallback": 0.5}})
	ts := newServer(t, emu)
	inst := demoClient(t, ts)
	describe := body{"Vhost": liveemu.DemoVhost}
	del := body{"Vhost": liveemu.DemoVhost, "MessageType": "push"}

	clk.Advance(900 * time.Millisecond)
	for range 3 {
		mustOK(t, inst, "DescribeCallback", describe)
	}
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	// A new window 100 ms later: a token bucket would have refilled a
	// third of a token, the window is whole again.
	clk.Advance(100 * time.Millisecond)
	mustOK(t, inst, "DeleteCallback", del)
	mustOK(t, inst, "DescribeCallback", describe)
	// DeleteCallback at 0.5/s: one per two-second window.
	wantError(t, call(t, inst, "DeleteCallback", del), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	mustOK(t, inst, "DescribeCallback", describe)
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	clk.Advance(time.Second)
	mustOK(t, inst, "DescribeCallback", describe)
	if w := clk.Now().Truncate(2 * time.Second); w.Equal(clk.Now()) {
		mustOK(t, inst, "DeleteCallback", del)
	} else {
		wantError(t, call(t, inst, "DeleteCallback", del), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
		clk.Advance(time.Second)
		mustOK(t, inst, "DeleteCallback", del)
	}
}

// headerRecorder keeps the headers of the last answer.
type headerRecorder struct {
	mu     sync.Mutex
	header http.Header
}

func (h *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		h.mu.Lock()
		h.header = resp.Header.Clone()
		h.mu.Unlock()
	}
	return resp, err
}

func (h *headerRecorder) get(name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.header.Get(name)
}

func TestRetryAfter(t *testing.T) {
	for _, model := range liveemu.GatewayModels {
		t.Run(model.String(), func(t *testing.T) {
			clk := newClock()
			clk.Advance(200 * time.Millisecond)
			emu := liveemu.New(liveemu.Config{Now: clk.Now, RequestsPerSecond: 1, Gateway: model, RetryAfter: true})
			ts := newServer(t, emu)
			inst := demoClient(t, ts)
			rec := &headerRecorder{}
			inst.Client.Client = &http.Client{Transport: rec}
			describe := body{"Vhost": liveemu.DemoVhost}
			mustOK(t, inst, "DescribeCallback", describe)
			if got := rec.get("Retry-After"); got != "" {
				t.Errorf("Retry-After %q on a success", got)
			}
			wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
			if got := rec.get("Retry-After"); got != "1" {
				t.Errorf("Retry-After %q, want 1", got)
			}
		})
	}
}

func TestGatewayModelNames(t *testing.T) {
	var m liveemu.GatewayModel
	for _, name := range []string{"token-bucket", "window"} {
		if err := m.UnmarshalText([]byte(name)); err != nil || m.String() != name {
			t.Errorf("UnmarshalText(%q) = %v, %v", name, m, err)
		}
	}
	if err := m.UnmarshalText([]byte("leaky")); err == nil {
		t.Error("an unknown model was accepted")
	}
}
