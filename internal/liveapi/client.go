package liveapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/volcengine/volc-sdk-golang/base"
	live "github.com/volcengine/volc-sdk-golang/service/live/v20230101"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultRegion            = "cn-north-1"
	DefaultRequestsPerSecond = 10
	DefaultRetryBaseDelay    = 200 * time.Millisecond
	DefaultRetryMaxDelay     = 5 * time.Second
)

const (
	// The SDK bounds every request with its own timeout on top of the
	// caller's context; it is set far out so the caller's context decides.
	sdkTimeout = 5 * time.Minute

	// A server that accepted the connection but never answers must not hold
	// a request forever when the caller's context has no deadline.
	responseHeaderTimeout = time.Minute

	maxAnswerBytes = 16 << 20
)

// Config configures a Client.
type Config struct {
	AccessKey    string
	SecretKey    string
	SessionToken string
	// Region signs requests; empty means DefaultRegion.
	Region string
	// Endpoint is a host ("live.volcengineapi.com"), optionally with a scheme
	// ("http://127.0.0.1:8080"); https is assumed without one. The API is
	// served at the root, so a path other than "/" is rejected.
	Endpoint string
	// MaxRetries is how many times a retryable failure is sent again after
	// the first attempt; negative means 0.
	MaxRetries int
	// RequestsPerSecond is the ceiling of the adaptive rate that every
	// Client of the process talking to the same endpoint with the same
	// access key shares: the lowest value any of them was given applies to
	// all. The rate falls below it while the API throttles (ratecontrol.go);
	// at the ceiling, single intervals vary by up to a fifth either side,
	// the mean rate unchanged. 0 means DefaultRequestsPerSecond.
	RequestsPerSecond float64
	// RetryBaseDelay and RetryMaxDelay shape the exponential backoff between
	// retries; 0 means DefaultRetryBaseDelay and DefaultRetryMaxDelay.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// UserAgent is appended to the SDK's User-Agent, e.g.
	// "terraform-provider-volcengine/1.2.3".
	UserAgent string
}

// Client calls the Live callback actions. It is safe for concurrent use.
type Client struct {
	sdk        *live.Live
	endpoint   string
	secrets    []string
	rate       *rateControl
	maxRetries int
	baseDelay  time.Duration
	maxDelay   time.Duration

	// mu guards the ListScope state below.
	mu sync.Mutex
	// generation counts writes; a read that began in an older generation
	// may have seen the account before a write and must not be kept.
	generation uint64
	kept       map[Scope][]Callback
	inflight   map[Scope]*scopeCall
}

// New checks cfg and builds a Client. It sends nothing.
func New(cfg Config) (*Client, error) {
	if cfg.AccessKey == "" {
		return nil, errors.New("liveapi: AccessKey must be set")
	}
	if cfg.SecretKey == "" {
		return nil, errors.New("liveapi: SecretKey must be set")
	}
	scheme, host, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.RequestsPerSecond < 0 {
		return nil, fmt.Errorf("liveapi: RequestsPerSecond must not be negative, got %v", cfg.RequestsPerSecond)
	}

	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	rps := cfg.RequestsPerSecond
	if rps == 0 {
		rps = DefaultRequestsPerSecond
	}
	baseDelay := cfg.RetryBaseDelay
	if baseDelay <= 0 {
		baseDelay = DefaultRetryBaseDelay
	}
	maxDelay := cfg.RetryMaxDelay
	if maxDelay <= 0 {
		maxDelay = DefaultRetryMaxDelay
	}

	// NewInstance, not NewInstanceWithRegion: the latter panics for any
	// region but cn-north-1, while the region only matters for signing.
	inst := live.NewInstance()
	inst.Client.Client = newHTTPClient(cfg.UserAgent)
	inst.SetScheme(scheme)
	inst.SetHost(host)
	inst.SetTimeout(sdkTimeout)
	// NewInstance has already read VOLC_ACCESSKEY, VOLC_SECRETKEY or
	// ~/.volc/config; replacing the credentials whole makes cfg the only
	// source, down to an empty session token.
	inst.ServiceInfo.Credentials = base.Credentials{
		AccessKeyID:     cfg.AccessKey,
		SecretAccessKey: cfg.SecretKey,
		SessionToken:    cfg.SessionToken,
		Region:          region,
		Service:         live.ServiceName,
	}
	// The SDK's retry is constant-interval and blind to throttling; ours
	// replaces it.
	inst.ServiceInfo.Retry = base.RetrySettings{}

	endpoint := scheme + "://" + host
	secrets := []string{cfg.SecretKey}
	if cfg.SessionToken != "" {
		secrets = append(secrets, cfg.SessionToken)
	}
	return &Client{
		sdk:        inst,
		endpoint:   endpoint,
		secrets:    secrets,
		rate:       sharedRate(endpoint, cfg.AccessKey, rps),
		maxRetries: max(cfg.MaxRetries, 0),
		baseDelay:  baseDelay,
		maxDelay:   max(maxDelay, baseDelay),
		kept:       map[Scope][]Callback{},
		inflight:   map[Scope]*scopeCall{},
	}, nil
}

// parseEndpoint splits an Endpoint setting into the SDK's scheme and host.
func parseEndpoint(raw string) (scheme, host string, err error) {
	if raw == "" {
		return "", "", errors.New("liveapi: Endpoint must be set")
	}
	full := raw
	if !strings.Contains(raw, "://") {
		full = "https://" + raw
	}
	u, err := url.Parse(full)
	if err != nil {
		return "", "", fmt.Errorf("liveapi: Endpoint %q is not a valid address: %w", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", "", fmt.Errorf("liveapi: Endpoint %q: the scheme must be http or https", raw)
	case u.Host == "":
		return "", "", fmt.Errorf("liveapi: Endpoint %q has no host", raw)
	case u.User != nil:
		return "", "", fmt.Errorf("liveapi: Endpoint %q must not carry user information", raw)
	case u.Path != "" && u.Path != "/":
		return "", "", fmt.Errorf("liveapi: Endpoint %q has the path %q; the Live API is served at the root, give only [scheme://]host[:port]", raw, u.Path)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", "", fmt.Errorf("liveapi: Endpoint %q must not have a query or fragment", raw)
	}
	return u.Scheme, u.Host, nil
}

// The gateway limits requests per account, so every Client of the process
// that reaches the same endpoint with the same access key shares one
// adaptive rate, whichever provider configuration created it. The registry
// holds them weakly: once no Client uses one, a new Client starts afresh
// rather than inherit the rate of one long gone.
var rates = struct {
	sync.Mutex
	byKey map[string]weak.Pointer[rateControl]
}{byKey: map[string]weak.Pointer[rateControl]{}}

// sharedRate keeps the lowest ceiling any Client asked for: a lower setting
// is usually there because other tools share the account, and a provider
// alias configured later must not spend their share.
func sharedRate(endpoint, accessKey string, rps float64) *rateControl {
	key := endpoint + "\x00" + accessKey
	rates.Lock()
	defer rates.Unlock()
	if r := rates.byKey[key].Value(); r != nil {
		r.lowerCeiling(rps)
		return r
	}
	r := newRateControl(rps, time.Now, nil)
	rates.byKey[key] = weak.Make(r)
	runtime.AddCleanup(r, func(key string) {
		rates.Lock()
		defer rates.Unlock()
		if rates.byKey[key].Value() == nil {
			delete(rates.byKey, key)
		}
	}, key)
	return r
}

func newHTTPClient(userAgent string) *http.Client {
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: responseHeaderTimeout,
	}
	return &http.Client{
		Transport: &exchangeTransport{next: transport, userAgent: userAgent},
		// A redirected POST would lose its body and signature; the 3xx is
		// reported instead, as a sign of a wrong endpoint.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Answers are small JSON documents; a larger one is not the Live API's.
var errAnswerTooLarge = fmt.Errorf("the answer is larger than %d bytes", maxAnswerBytes)

// exchange records one attempt as seen below the SDK, which reports a
// dropped connection and an error status both as a plain error string.
type exchange struct {
	status  int // 0 until an answer arrives
	readErr error
	// retryAfter is the answer's Retry-After, 0 without one.
	retryAfter time.Duration
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

// exchangeTransport appends our User-Agent after the SDK has set its own,
// and reads each answer whole so the attempt's exchange knows whether one
// arrived, with which status, and whether its body could be read.
type exchangeTransport struct {
	next      http.RoundTripper
	userAgent string
}

func (t *exchangeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.userAgent != "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", strings.TrimSpace(req.Header.Get("User-Agent")+" "+t.userAgent))
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	_ = resp.Body.Close()
	if readErr == nil && len(body) > maxAnswerBytes {
		readErr = errAnswerTooLarge
	}
	if ex, ok := req.Context().Value(exchangeKey{}).(*exchange); ok {
		ex.status = resp.StatusCode
		ex.readErr = readErr
		ex.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if readErr != nil {
		return nil, readErr
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// maxRetryAfter bounds what a Retry-After header can ask for: a gateway
// asking for longer is wrong rather than meant, and a call that waits it
// out would only fail later at its deadline.
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date;
// anything else, or a time already past, is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 || math.IsNaN(secs) {
			return 0
		}
		d = time.Duration(min(secs, maxRetryAfter.Seconds()) * float64(time.Second))
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}
