package liveapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAPI is a scripted Live API: reply decides each answer from the action
// and how many times that action has been called (1 for the first).
type fakeAPI struct {
	t     *testing.T
	reply func(w http.ResponseWriter, r *http.Request, action string, n int)

	mu       sync.Mutex
	calls    map[string]int
	requests []fakeRequest
}

type fakeRequest struct {
	action  string
	method  string
	host    string
	header  http.Header
	query   string
	rawBody []byte
	body    map[string]any
}

func newFakeAPI(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, action string, n int)) (*fakeAPI, *httptest.Server) {
	t.Helper()
	f := &fakeAPI{t: t, reply: reply, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("reading request body: %v", err)
	}
	var body map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			f.t.Errorf("request body is not JSON: %v: %s", err, raw)
		}
	}
	action := r.URL.Query().Get("Action")
	f.mu.Lock()
	f.calls[action]++
	n := f.calls[action]
	f.requests = append(f.requests, fakeRequest{
		action: action, method: r.Method, host: r.Host, header: r.Header.Clone(),
		query: r.URL.RawQuery, rawBody: raw, body: body,
	})
	f.mu.Unlock()
	f.reply(w, r, action, n)
}

func (f *fakeAPI) count(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[action]
}

func (f *fakeAPI) last() fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		f.t.Fatal("no request received")
	}
	return f.requests[len(f.requests)-1]
}

type wireError struct {
	CodeN   int    `json:",omitempty"`
	Code    string `json:",omitempty"`
	Message string `json:",omitempty"`
}

// writeEnvelope answers like the API: metadata, an optional error, an
// optional result.
func writeEnvelope(w http.ResponseWriter, status int, action string, apiErr *wireError, result any) {
	md := map[string]any{
		"RequestId": "req-" + action,
		"Action":    action,
		"Version":   "2023-01-01",
		"Service":   "live",
		"Region":    "cn-north-1",
	}
	if apiErr != nil {
		md["Error"] = apiErr
	}
	env := map[string]any{"ResponseMetadata": md}
	if result != nil {
		env["Result"] = result
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(env)
}

func writeOK(w http.ResponseWriter, action string) {
	writeEnvelope(w, http.StatusOK, action, nil, map[string]any{})
}

// testConfig is fast: no practical rate limit and millisecond backoff.
func testConfig(endpoint string) Config {
	return Config{
		AccessKey:         "AKLTtest",
		SecretKey:         "SK-do-not-log",
		Endpoint:          endpoint,
		MaxRetries:        3,
		RequestsPerSecond: 10000,
		RetryBaseDelay:    time.Millisecond,
		RetryMaxDelay:     4 * time.Millisecond,
	}
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func pushCallback() Callback {
	return Callback{
		Scope:              Scope{Vhost: "push.live.example.com"},
		App:                "live",
		MessageType:        MessageTypePush,
		CallbackDetailList: []CallbackDetail{{URL: "https://hooks.example.com/push", CallbackType: CallbackTypeHTTP}},
	}
}

// verifySignature checks a request's HMAC-SHA256 signature independently of
// the SDK, following the canonical form of the API's signature V4.
func verifySignature(t *testing.T, req fakeRequest, secretKey string) {
	t.Helper()
	auth := req.header.Get("Authorization")
	var credential, signedHeaders, signature string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "HMAC-SHA256 "), ", ") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signedHeaders = v
		case "Signature":
			signature = v
		}
	}
	scope := strings.SplitN(credential, "/", 2)
	if len(scope) != 2 || signedHeaders == "" || signature == "" {
		t.Fatalf("malformed Authorization %q", auth)
	}
	var headers strings.Builder
	for _, name := range strings.Split(signedHeaders, ";") {
		value := req.header.Get(name)
		if name == "host" {
			value = req.host
		}
		fmt.Fprintf(&headers, "%s:%s\n", name, strings.TrimSpace(value))
	}
	query, err := url.ParseQuery(req.query)
	if err != nil {
		t.Fatal(err)
	}
	bodyHash := sha256.Sum256(req.rawBody)
	if got := req.header.Get("X-Content-Sha256"); got != hex.EncodeToString(bodyHash[:]) {
		t.Errorf("X-Content-Sha256 = %q does not match the body", got)
	}
	canonical := strings.Join([]string{
		req.method, "/", strings.ReplaceAll(query.Encode(), "+", "%20"),
		headers.String(), signedHeaders, hex.EncodeToString(bodyHash[:]),
	}, "\n")
	canonicalHash := sha256.Sum256([]byte(canonical))
	stringToSign := strings.Join([]string{"HMAC-SHA256", req.header.Get("X-Date"), scope[1], hex.EncodeToString(canonicalHash[:])}, "\n")

	parts := strings.Split(scope[1], "/") // date/region/service/request
	key := []byte(secretKey)
	for _, p := range parts {
		key = hmacSHA256(key, p)
	}
	if want := hex.EncodeToString(hmacSHA256(key, stringToSign)); want != signature {
		t.Errorf("signature %s does not verify with the expected secret key", signature)
	}
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
