package liveapi

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"
)

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		scheme     string
		host       string
		errContain string
	}{
		{in: "live.volcengineapi.com", scheme: "https", host: "live.volcengineapi.com"},
		{in: "https://live.volcengineapi.com", scheme: "https", host: "live.volcengineapi.com"},
		{in: "https://live.volcengineapi.com/", scheme: "https", host: "live.volcengineapi.com"},
		{in: "http://127.0.0.1:8080", scheme: "http", host: "127.0.0.1:8080"},
		{in: "HTTP://127.0.0.1:8080/", scheme: "http", host: "127.0.0.1:8080"},
		{in: "localhost:8080", scheme: "https", host: "localhost:8080"},
		{in: "", errContain: "Endpoint must be set"},
		{in: "https://live.volcengineapi.com/api", errContain: `path "/api"`},
		{in: "live.volcengineapi.com/v1/", errContain: `path "/v1/"`},
		{in: "ftp://live.volcengineapi.com", errContain: "scheme must be http or https"},
		{in: "https://", errContain: "has no host"},
		{in: "https://user:pw@live.volcengineapi.com", errContain: "user information"},
		{in: "https://live.volcengineapi.com/?x=1", errContain: "query or fragment"},
		{in: "https://live.volcengineapi.com:port", errContain: "not a valid address"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			scheme, host, err := parseEndpoint(tt.in)
			if tt.errContain != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errContain) {
					t.Fatalf("parseEndpoint(%q) error = %v, want one containing %q", tt.in, err, tt.errContain)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseEndpoint(%q): %v", tt.in, err)
			}
			if scheme != tt.scheme || host != tt.host {
				t.Errorf("parseEndpoint(%q) = %q, %q; want %q, %q", tt.in, scheme, host, tt.scheme, tt.host)
			}
		})
	}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	t.Parallel()
	valid := Config{AccessKey: "AK", SecretKey: "SK", Endpoint: "live.volcengineapi.com"}
	tests := []struct {
		name   string
		modify func(*Config)
		field  string
	}{
		{"access key", func(c *Config) { c.AccessKey = "" }, "AccessKey"},
		{"secret key", func(c *Config) { c.SecretKey = "" }, "SecretKey"},
		{"endpoint", func(c *Config) { c.Endpoint = "" }, "Endpoint"},
		{"endpoint path", func(c *Config) { c.Endpoint = "https://h/x" }, "Endpoint"},
		{"rate", func(c *Config) { c.RequestsPerSecond = -1 }, "RequestsPerSecond"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.modify(&cfg)
			c, err := New(cfg)
			if err == nil {
				t.Fatalf("New succeeded, want an error naming %s", tt.field)
			}
			if c != nil {
				t.Errorf("New returned a client along with error %v", err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "SK") && tt.field != "SecretKey" {
				t.Errorf("error %q shows the secret key", err)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, Config{AccessKey: "AK", SecretKey: "SK", Endpoint: "defaults.invalid", MaxRetries: -3})
	creds := c.sdk.ServiceInfo.Credentials
	if creds.Region != "cn-north-1" || creds.Service != "live" {
		t.Errorf("credentials region/service = %q/%q, want cn-north-1/live", creds.Region, creds.Service)
	}
	if c.maxRetries != 0 {
		t.Errorf("maxRetries = %d, want 0 for a negative setting", c.maxRetries)
	}
	if c.baseDelay != DefaultRetryBaseDelay || c.maxDelay != DefaultRetryMaxDelay {
		t.Errorf("delays = %v/%v, want %v/%v", c.baseDelay, c.maxDelay, DefaultRetryBaseDelay, DefaultRetryMaxDelay)
	}
	if got := c.rate.Ceiling(); got != DefaultRequestsPerSecond {
		t.Errorf("ceiling = %v, want %v", got, DefaultRequestsPerSecond)
	}
	if c.sdk.ServiceInfo.Retry.AutoRetry {
		t.Error("the SDK's own retry is on")
	}
	if c.sdk.ServiceInfo.Scheme != "https" || c.sdk.ServiceInfo.Host != "defaults.invalid" {
		t.Errorf("scheme/host = %q/%q", c.sdk.ServiceInfo.Scheme, c.sdk.ServiceInfo.Host)
	}
	if c.sdk.Client.Client == http.DefaultClient || c.sdk.Client.Client == nil {
		t.Error("the client does not have its own http.Client")
	}
	other := newTestClient(t, Config{AccessKey: "AK2", SecretKey: "SK", Endpoint: "defaults.invalid"})
	if other.sdk.Client.Client == c.sdk.Client.Client {
		t.Error("two clients share one http.Client")
	}
}

func TestSharedRate(t *testing.T) {
	t.Parallel()
	base := Config{AccessKey: "AK-limiter", SecretKey: "SK", Endpoint: "http://limiter.invalid", RequestsPerSecond: 5}
	a := newTestClient(t, base)

	sameCfg := base
	sameCfg.Endpoint = "limiter.invalid" // https: another endpoint
	b := newTestClient(t, sameCfg)
	if a.rate == b.rate {
		t.Error("clients of different endpoints share a rate")
	}

	otherKey := base
	otherKey.AccessKey = "AK-limiter-2"
	if newTestClient(t, otherKey).rate == a.rate {
		t.Error("clients of different access keys share a rate")
	}

	// Provider aliases of one account: the lowest setting holds, whichever
	// is configured last.
	faster := base
	faster.RequestsPerSecond = 7
	c := newTestClient(t, faster)
	if c.rate != a.rate {
		t.Fatal("clients of one endpoint and access key have separate rates")
	}
	if got := a.rate.Ceiling(); got != 5 {
		t.Errorf("shared ceiling = %v after a later New asked for 7, want the lower 5 kept", got)
	}
	slower := base
	slower.RequestsPerSecond = 2
	newTestClient(t, slower)
	if got := c.rate.Ceiling(); got != 2 {
		t.Errorf("shared ceiling = %v after a later New asked for 2, want 2", got)
	}
	newTestClient(t, base)
	if got := a.rate.Ceiling(); got != 2 {
		t.Errorf("shared ceiling = %v after New asked for 5 again, want 2 kept", got)
	}
}

// A shared rate outlives no Client: a Client made after every earlier one of
// its endpoint and access key is gone takes its own rate, not theirs (tests
// of the process reuse loopback ports).
func TestRateForgottenWithItsClients(t *testing.T) {
	t.Parallel()
	cfg := Config{AccessKey: "AK-forgotten", SecretKey: "SK", Endpoint: "http://forgotten.invalid", RequestsPerSecond: 1}
	func() {
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.rate.Ceiling(); got != 1 {
			t.Fatalf("limit = %v, want 1", got)
		}
	}()
	runtime.GC()
	cfg.RequestsPerSecond = 10
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.rate.Ceiling(); got != 10 {
		t.Errorf("limit = %v once the slower Client is gone, want 10", got)
	}
}

// The SDK reads VOLC_ACCESSKEY/VOLC_SECRETKEY and ~/.volc/config on its own;
// only the Config may count.
func TestCredentialsComeOnlyFromConfig(t *testing.T) {
	t.Setenv("VOLC_ACCESSKEY", "AK-from-env")
	t.Setenv("VOLC_SECRETKEY", "SK-from-env")
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".volc"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".volc", "config"), []byte(`{"ak":"AK-from-file","sk":"SK-from-file"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)

	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { writeOK(w, action) })
	cfg := testConfig(srv.URL)
	cfg.AccessKey = "AK-configured"
	cfg.SecretKey = "SK-configured"
	cfg.SessionToken = "STS-token"
	cfg.Region = "ap-southeast-1"
	c := newTestClient(t, cfg)
	if _, err := c.DeleteCallback(context.Background(), DeleteCallbackInput{Scope: Scope{Vhost: "v"}, App: "a", MessageType: "push"}); err != nil {
		t.Fatalf("DeleteCallback: %v", err)
	}

	req := f.last()
	auth := req.header.Get("Authorization")
	day := time.Now().UTC().Format("20060102")
	if !strings.HasPrefix(auth, "HMAC-SHA256 Credential=AK-configured/") || !strings.Contains(auth, "/ap-southeast-1/live/request") {
		t.Errorf("Authorization = %q, want the configured access key and region (date about %s)", auth, day)
	}
	if got := req.header.Get("X-Security-Token"); got != "STS-token" {
		t.Errorf("X-Security-Token = %q, want the configured session token", got)
	}
	verifySignature(t, req, "SK-configured")
}

func TestRequestIsSigned(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { writeOK(w, action) })
	c := newTestClient(t, testConfig(srv.URL))
	if _, err := c.UpdateCallback(context.Background(), pushCallback()); err != nil {
		t.Fatalf("UpdateCallback: %v", err)
	}
	got := f.last()
	for _, h := range []string{"X-Date", "X-Content-Sha256", "Authorization"} {
		if got.header.Get(h) == "" {
			t.Errorf("request lacks the %s header", h)
		}
	}
	if !strings.Contains(got.header.Get("Authorization"), "SignedHeaders=") {
		t.Errorf("Authorization %q lacks SignedHeaders", got.header.Get("Authorization"))
	}
	if got.query != "Action=UpdateCallback&Version=2023-01-01" {
		t.Errorf("query = %q", got.query)
	}
	verifySignature(t, got, testConfig("").SecretKey)
}

func TestUserAgentAppended(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { writeOK(w, action) })
	cfg := testConfig(srv.URL)
	cfg.UserAgent = "terraform-provider-volcengine/1.2.3"
	c := newTestClient(t, cfg)
	if _, _, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}}); err != nil {
		t.Fatalf("DescribeCallback: %v", err)
	}
	want := base.SDKName + "/" + base.SDKVersion + " terraform-provider-volcengine/1.2.3"
	if got := f.last().header.Get("User-Agent"); got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
}
