package liveemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"
	live "github.com/volcengine/volc-sdk-golang/service/live/v20230101"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// clock is a settable clock for Config.Now, starting at the real time so that
// the SDK's X-Date stays within the allowed skew.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start runs an emulator behind httptest. Unless the test sets a limit, the
// rate limit is off so that tests may send as many requests as they need.
func start(t *testing.T, cfg liveemu.Config) (*liveemu.Server, *httptest.Server) {
	t.Helper()
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond = -1
	}
	emu := liveemu.New(cfg)
	return emu, newServer(t, emu)
}

func newServer(t *testing.T, emu *liveemu.Server) *httptest.Server {
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return ts
}

func pushCallback(vhost string) liveemu.Callback {
	return liveemu.Callback{
		Vhost: vhost, MessageType: "push",
		CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/live/push", CallbackType: "HTTP"}},
	}
}

// sdkClient is the real SDK client aimed at the test server.
func sdkClient(t *testing.T, ts *httptest.Server, creds base.Credentials) *live.Live {
	t.Helper()
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Region == "" {
		creds.Region = "cn-north-1"
	}
	creds.Service = "live"
	inst := live.NewInstance()
	inst.SetHost(u.Host)
	inst.SetScheme("http")
	inst.SetCredential(creds)
	return inst
}

func demoClient(t *testing.T, ts *httptest.Server) *live.Live {
	return sdkClient(t, ts, base.Credentials{AccessKeyID: liveemu.DemoAccessKey, SecretAccessKey: liveemu.DemoSecretKey})
}

type apiAnswer struct {
	Status           int
	Raw              string
	ResponseMetadata struct {
		RequestID                        string `json:"RequestId"`
		Action, Version, Service, Region string
		Error                            *struct {
			Code    string
			CodeN   int
			Message string
		}
	}
	Result json.RawMessage
}

func (a apiAnswer) code() string {
	if a.ResponseMetadata.Error == nil {
		return ""
	}
	return a.ResponseMetadata.Error.Code
}

type describedItem struct {
	Vhost, Domain, App, MessageType string
	NotUseVhost                     bool
	CallbackDetailList              []struct{ URL, CallbackType string }
	AuthEnable                      bool
	AuthKeyPrimary                  string
	TranscodeCallback               int
	CreateTime                      string
	CreateTimeUTC                   string
}

func (a apiAnswer) items(t *testing.T) []describedItem {
	t.Helper()
	var r struct{ CallbackList []describedItem }
	if err := json.Unmarshal(a.Result, &r); err != nil {
		t.Fatalf("decoding Result %s: %v", a.Result, err)
	}
	return r.CallbackList
}

// call sends one action through the SDK; body is JSON-encoded unless it is a
// string already.
func call(t *testing.T, inst *live.Live, action string, body any) apiAnswer {
	t.Helper()
	return callCtx(t, context.Background(), inst, action, body)
}

func callCtx(t *testing.T, ctx context.Context, inst *live.Live, action string, body any) apiAnswer {
	t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	resp, status, err := inst.CtxJson(ctx, action, url.Values{}, raw)
	if status == 0 || len(resp) == 0 {
		t.Fatalf("%s: no answer (status %d): %v", action, status, err)
	}
	a := apiAnswer{Status: status, Raw: string(resp)}
	if err := json.Unmarshal(resp, &a); err != nil {
		t.Fatalf("%s: answer is not JSON: %s", action, resp)
	}
	return a
}

// mustOK calls an action and fails the test unless it succeeded.
func mustOK(t *testing.T, inst *live.Live, action string, body any) apiAnswer {
	t.Helper()
	a := call(t, inst, action, body)
	if a.Status != http.StatusOK || a.ResponseMetadata.Error != nil {
		t.Fatalf("%s: HTTP %d %s", action, a.Status, a.Raw)
	}
	return a
}

// wantError checks an error answer's status, code and, when given, CodeN.
func wantError(t *testing.T, a apiAnswer, status int, code string, codeN int) {
	t.Helper()
	if a.Status != status || a.code() != code {
		t.Fatalf("got HTTP %d code %q, want HTTP %d code %q: %s", a.Status, a.code(), status, code, a.Raw)
	}
	if a.ResponseMetadata.Error.CodeN != codeN {
		t.Fatalf("got CodeN %d, want %d: %s", a.ResponseMetadata.Error.CodeN, codeN, a.Raw)
	}
	if a.ResponseMetadata.Error.Message == "" {
		t.Fatalf("error without message: %s", a.Raw)
	}
	if a.Result != nil {
		t.Fatalf("error answer carries a Result: %s", a.Raw)
	}
}

// body is an UpdateCallback/DescribeCallback/DeleteCallback body.
type body = map[string]any

func pushBody(urls ...string) body {
	if len(urls) == 0 {
		urls = []string{"https://hooks.example.com/live/push"}
	}
	var list []map[string]string
	for _, u := range urls {
		list = append(list, map[string]string{"URL": u, "CallbackType": "HTTP"})
	}
	return body{"Vhost": liveemu.DemoVhost, "MessageType": "push", "CallbackDetailList": list}
}

func with(b body, kv ...any) body {
	out := body{}
	for k, v := range b {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
