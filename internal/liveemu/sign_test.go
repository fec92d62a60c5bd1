package liveemu_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// mutate is a transport that changes a request after the SDK signed it.
type mutate func(*http.Request)

func (m mutate) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	m(r)
	return http.DefaultTransport.RoundTrip(r)
}

func rawPost(t *testing.T, url string, header http.Header, payload string) apiAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := apiAnswer{Status: resp.StatusCode, Raw: string(raw)}
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("answer is not JSON: %s", raw)
	}
	return a
}

func TestSignatureFailures(t *testing.T) {
	describe := body{"Vhost": liveemu.DemoVhost}

	t.Run("unknown access key", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{})
		inst := sdkClient(t, ts, base.Credentials{AccessKeyID: "AKUNKNOWN", SecretAccessKey: liveemu.DemoSecretKey})
		wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusUnauthorized, "InvalidAccessKey", 100009)
	})
	t.Run("wrong secret key", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{})
		inst := sdkClient(t, ts, base.Credentials{AccessKeyID: liveemu.DemoAccessKey, SecretAccessKey: "wrong"})
		wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusUnauthorized, "SignatureDoesNotMatch", 100010)
	})
	t.Run("tampered body", func(t *testing.T) {
		emu, ts := start(t, liveemu.Config{})
		inst := demoClient(t, ts)
		inst.Client.Client = &http.Client{Transport: mutate(func(r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			b = bytes.Replace(b, []byte("push"), []byte("snapshot"), 1)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		})}
		wantError(t, call(t, inst, "UpdateCallback", pushBody()), http.StatusUnauthorized, "SignatureDoesNotMatch", 100010)
		if len(emu.All()) != 0 {
			t.Error("a request with a bad signature changed state")
		}
	})
	t.Run("tampered body and body hash", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{})
		inst := demoClient(t, ts)
		inst.Client.Client = &http.Client{Transport: mutate(func(r *http.Request) {
			b := []byte(`{"Vhost":"push.live.example.com","App":"x"}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			r.Header.Set("X-Content-Sha256", "c0ffee")
		})}
		wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusUnauthorized, "SignatureDoesNotMatch", 100010)
	})
	t.Run("tampered query", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{})
		inst := demoClient(t, ts)
		inst.Client.Client = &http.Client{Transport: mutate(func(r *http.Request) {
			r.URL.RawQuery += "&Extra=1"
		})}
		wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusUnauthorized, "SignatureDoesNotMatch", 100010)
	})
	t.Run("stale X-Date", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{Now: func() time.Time { return time.Now().Add(16 * time.Minute) }})
		wantError(t, call(t, demoClient(t, ts), "DescribeCallback", describe), http.StatusBadRequest, "InvalidTimestamp", 100006)
	})
	t.Run("X-Date from the future", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{Now: func() time.Time { return time.Now().Add(-16 * time.Minute) }})
		wantError(t, call(t, demoClient(t, ts), "DescribeCallback", describe), http.StatusBadRequest, "InvalidTimestamp", 100006)
	})
	t.Run("X-Date within the skew", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{Now: func() time.Time { return time.Now().Add(14 * time.Minute) }})
		mustOK(t, demoClient(t, ts), "DescribeCallback", describe)
	})
	t.Run("missing body hash", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{})
		inst := demoClient(t, ts)
		inst.Client.Client = &http.Client{Transport: mutate(func(r *http.Request) { r.Header.Del("X-Content-Sha256") })}
		wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusBadRequest, "MissingRequestInfo", 100004)
	})
	t.Run("missing or malformed Authorization", func(t *testing.T) {
		_, ts := start(t, liveemu.Config{})
		url := ts.URL + "/?Action=DescribeCallback&Version=2023-01-01"
		for _, auth := range []string{"", "Bearer x", "HMAC-SHA256 Credential=AK/2026/cn-north-1/live/request, SignedHeaders=host, Signature=ab",
			"HMAC-SHA256 Credential=" + liveemu.DemoAccessKey + "/20260101/cn-north-1/live/request, Signature=ab"} {
			h := http.Header{"Content-Type": {"application/json"}}
			if auth != "" {
				h.Set("Authorization", auth)
			}
			wantError(t, rawPost(t, url, h, `{}`), http.StatusBadRequest, "MissingRequestInfo", 100004)
		}
	})
	t.Run("session token", func(t *testing.T) {
		emu, ts := start(t, liveemu.Config{})
		emu.AddAccount(liveemu.Account{ID: "2100000003", AccessKey: "AKTPSTS", SecretKey: "sts-secret", SessionToken: "token-1"})
		emu.AddVhost("2100000003", "sts.live.example.com")
		sts := body{"Vhost": "sts.live.example.com"}

		withoutToken := sdkClient(t, ts, base.Credentials{AccessKeyID: "AKTPSTS", SecretAccessKey: "sts-secret"})
		wantError(t, call(t, withoutToken, "DescribeCallback", sts), http.StatusUnauthorized, "InvalidAccessKey", 100009)
		wrongToken := sdkClient(t, ts, base.Credentials{AccessKeyID: "AKTPSTS", SecretAccessKey: "sts-secret", SessionToken: "token-2"})
		wantError(t, call(t, wrongToken, "DescribeCallback", sts), http.StatusUnauthorized, "InvalidAccessKey", 100009)
		withToken := sdkClient(t, ts, base.Credentials{AccessKeyID: "AKTPSTS", SecretAccessKey: "sts-secret", SessionToken: "token-1"})
		mustOK(t, withToken, "DescribeCallback", sts)
	})
}

// The gateway checks the credential scope's region, so that a client signing
// for the wrong region fails here as it would against the real API.
func TestSignatureRegion(t *testing.T) {
	describe := body{"Vhost": liveemu.DemoVhost}
	for _, tc := range []struct {
		name, serverRegion, signedRegion string
		ok                               bool
	}{
		{"default region", "", "cn-north-1", true},
		{"another region against the default", "", "cn-beijing", false},
		{"configured region", "ap-singapore-1", "ap-singapore-1", true},
		{"default region against a configured one", "ap-singapore-1", "cn-north-1", false},
		{"region differing in case", "", "CN-NORTH-1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ts := start(t, liveemu.Config{Region: tc.serverRegion})
			a := call(t, sdkClient(t, ts, demoCreds(tc.signedRegion)), "DescribeCallback", describe)
			want := tc.serverRegion
			if want == "" {
				want = "cn-north-1"
			}
			if a.ResponseMetadata.Region != want {
				t.Errorf("answer's Region = %q, want %q", a.ResponseMetadata.Region, want)
			}
			if tc.ok {
				if a.Status != http.StatusOK || a.ResponseMetadata.Error != nil {
					t.Fatalf("HTTP %d %s", a.Status, a.Raw)
				}
				return
			}
			wantError(t, a, http.StatusUnauthorized, "SignatureDoesNotMatch", 100010)
			msg := a.ResponseMetadata.Error.Message
			if !strings.Contains(msg, "region of the credential scope is wrong") || !strings.Contains(msg, strconv.Quote(tc.signedRegion)) ||
				!strings.Contains(msg, strconv.Quote(want)) {
				t.Errorf("message %q does not say which region is wrong and which is expected", msg)
			}
		})
	}
}

func TestActionAndVersionRouting(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	for _, tc := range []struct{ method, query string }{
		{http.MethodPost, "?Action=DescribeCallback&Version=2020-08-01"},
		{http.MethodPost, "?Action=ListDomainDetail&Version=2023-01-01"},
		{http.MethodPost, "?Version=2023-01-01"},
		{http.MethodGet, "?Action=DescribeCallback&Version=2023-01-01"},
	} {
		req, _ := http.NewRequest(tc.method, ts.URL+"/"+tc.query, strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var a apiAnswer
		_ = json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		a.Status = resp.StatusCode
		wantError(t, a, http.StatusNotFound, "InvalidActionOrVersion", 100008)
	}
	if emu.Calls("DescribeCallback") != 2 || emu.Calls("ListDomainDetail") != 1 || emu.TotalCalls() != 4 {
		t.Errorf("Calls: Describe %d, ListDomainDetail %d, total %d", emu.Calls("DescribeCallback"), emu.Calls("ListDomainDetail"), emu.TotalCalls())
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	clk := newClock()
	emu := liveemu.New(liveemu.Config{Now: clk.Now})
	ts := newServer(t, emu)
	emu.AddAccount(liveemu.Account{ID: "2100000002", AccessKey: "AKOTHER", SecretKey: "other-secret"})
	emu.AddVhost("2100000002", "other.live.example.com")
	inst := demoClient(t, ts)
	describe := body{"Vhost": liveemu.DemoVhost}

	for i := 0; i < 10; i++ {
		mustOK(t, inst, "DescribeCallback", describe)
	}
	a := call(t, inst, "DescribeCallback", describe)
	wantError(t, a, http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	if a.ResponseMetadata.Error.Message != "Request was denied due to flow control" {
		t.Errorf("message = %q", a.ResponseMetadata.Error.Message)
	}
	if emu.Throttled() != 1 {
		t.Errorf("Throttled = %d, want 1", emu.Throttled())
	}

	// Another account has its own bucket.
	other := sdkClient(t, ts, base.Credentials{AccessKeyID: "AKOTHER", SecretAccessKey: "other-secret"})
	mustOK(t, other, "DescribeCallback", body{"Vhost": "other.live.example.com"})

	// A tenth of a second refills one token at 10 per second.
	clk.Advance(100 * time.Millisecond)
	mustOK(t, inst, "DescribeCallback", describe)
	wantError(t, call(t, inst, "DescribeCallback", describe), http.StatusTooManyRequests, "FlowLimitExceeded", 0)

	// Bad signatures are refused before the limiter and take no token.
	bad := sdkClient(t, ts, base.Credentials{AccessKeyID: liveemu.DemoAccessKey, SecretAccessKey: "wrong"})
	clk.Advance(100 * time.Millisecond)
	wantError(t, call(t, bad, "DescribeCallback", describe), http.StatusUnauthorized, "SignatureDoesNotMatch", 100010)
	mustOK(t, inst, "DescribeCallback", describe)

	if emu.Throttled() != 2 {
		t.Errorf("Throttled = %d, want 2", emu.Throttled())
	}
}

func TestRateLimitConfig(t *testing.T) {
	clk := newClock()
	emu := liveemu.New(liveemu.Config{Now: clk.Now, RequestsPerSecond: 2, Burst: 3})
	inst := demoClient(t, newServer(t, emu))
	for i := 0; i < 3; i++ {
		mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
	}
	wantError(t, call(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}), http.StatusTooManyRequests, "FlowLimitExceeded", 0)
	clk.Advance(500 * time.Millisecond)
	mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})

	unlimited := liveemu.New(liveemu.Config{RequestsPerSecond: -1})
	inst = demoClient(t, newServer(t, unlimited))
	for i := 0; i < 30; i++ {
		mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
	}
}

func TestNoDemoAccount(t *testing.T) {
	emu, ts := start(t, liveemu.Config{NoDemoAccount: true})
	wantError(t, call(t, demoClient(t, ts), "DescribeCallback", body{"Vhost": liveemu.DemoVhost}), http.StatusUnauthorized, "InvalidAccessKey", 100009)
	if err := emu.Put(pushCallback(liveemu.DemoVhost)); err == nil {
		t.Error("Put succeeded under a vhost that was never added")
	}
}
