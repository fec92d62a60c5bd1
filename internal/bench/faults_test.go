package bench

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// retryableFaults are the answers the API documents as worth retrying.
var retryableFaults = []liveemu.Fault{
	{HTTPStatus: http.StatusTooManyRequests, Code: "FlowLimitExceeded"},
	{HTTPStatus: http.StatusOK, Code: "CommonErr"},
	{HTTPStatus: http.StatusInternalServerError, Code: "InternalError"},
	{HTTPStatus: http.StatusBadGateway, Code: "InternalServiceError"},
	{HTTPStatus: http.StatusGatewayTimeout, Code: "InternalServiceTimeout"},
}

// faultyAPI answers a random share of the requests with a retryable fault.
// It queues the fault in the emulator rather than answering itself, so that
// the fault comes after the signature and rate-limit checks and spends the
// account's quota, as a failure behind the real gateway does.
type faultyAPI struct {
	emu  *liveemu.Server
	rate float64

	mu  sync.Mutex
	rng *rand.Rand
}

func newFaultyAPI(emu *liveemu.Server, rate float64, seed uint64) *faultyAPI {
	return &faultyAPI{emu: emu, rate: rate, rng: rand.New(rand.NewPCG(seed, 0xfa17))}
}

func (f *faultyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hit := f.rng.Float64() < f.rate
	fault := retryableFaults[f.rng.IntN(len(retryableFaults))]
	f.mu.Unlock()
	if hit {
		// A request of the same action that passes the rate limit first
		// takes it; the share of faulted requests is the same.
		fault.Action = r.URL.Query().Get("Action")
		f.emu.InjectFault(fault)
	}
	f.emu.ServeHTTP(w, r)
}

// faultsAnswered counts the injected faults in the emulator's request log:
// the rate limiter's own 429s carry the same code and are counted apart.
func faultsAnswered(emu *liveemu.Server) int {
	n := 0
	for _, r := range emu.Requests() {
		if slices.ContainsFunc(retryableFaults, func(f liveemu.Fault) bool { return f.Code == r.Code }) {
			n++
		}
	}
	return n - emu.Throttled()
}

func TestFaultyAPI(t *testing.T) {
	t.Parallel()
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: -1})
	srv := httptest.NewServer(newFaultyAPI(emu, 0.5, 1))
	t.Cleanup(srv.Close)
	client, err := liveapi.New(liveapi.Config{AccessKey: liveemu.DemoAccessKey, SecretKey: liveemu.DemoSecretKey,
		Endpoint: srv.URL, RequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	const requests = 200
	for range requests {
		// Faults are what is counted here; MaxRetries 0 shows each one, and
		// a deadline closer than the pause after throttling each throttled
		// one (throttling is waited out until the deadline).
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		_, _, _ = client.DescribeCallback(ctx, liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: liveemu.DemoVhost}})
		cancel()
	}
	if calls := emu.TotalCalls(); calls != requests {
		t.Fatalf("the emulator received %d requests, want %d", calls, requests)
	}
	got := faultsAnswered(emu)
	if got < requests/4 || got > requests*3/4 {
		t.Errorf("%d of %d requests answered a fault, want about half", got, requests)
	}
	codes := map[string]bool{}
	for _, r := range emu.Requests() {
		codes[r.Code] = true
	}
	for _, f := range retryableFaults {
		if !codes[f.Code] {
			t.Errorf("no request was answered %s", f.Code)
		}
	}
}
