package liveapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem names this package's tflog subsystem. Its level follows
// TF_LOG_PROVIDER_VOLCENGINE_LIVEAPI when set, the provider's level otherwise.
const logSubsystem = "liveapi"

// throttlePause is the longest a throttled call waits before it asks the
// rate for a slot again, when the gateway sends no Retry-After; the wait is
// drawn between half of it and all of it. It assumes the gateway counts per
// account in windows of about a second: a retry inside the window that
// refused the call would likely be refused again. Shorter, a throttled call
// is refused more often; longer, the last calls of a run idle. The rate
// (ratecontrol.go), not this pause, is what slows the process down.
const throttlePause = time.Second

// throttleBudget bounds how long a call with no deadline keeps waiting out
// throttling. Operations with a timeout wait until it ends instead; reads
// during a plan have none. It assumes no account stays saturated this long
// for one call's sake; when one does, the call fails as throttled.
const throttleBudget = 30 * time.Minute

// snippetBytes is how much of an unexpected body an error quotes.
const snippetBytes = 100

// target is what an action is about, for logs.
type target struct {
	scope       Scope
	app         string
	messageType string
}

// envelope is the Live API's answer. Every answer is decoded here rather
// than by the SDK, which loses non-2xx bodies and ignores errors whose CodeN
// is 0.
type envelope struct {
	ResponseMetadata *struct {
		RequestID string `json:"RequestId"`
		Error     *struct {
			// CodeN is kept raw: a gateway writing it as a string must not
			// hide the error it reports.
			CodeN   json.RawMessage
			Code    string
			Message string
		}
	}
	Result json.RawMessage
}

// send runs one action with the retry policy and answers the decoded
// envelope of its successful attempt. secrets are values of this request
// (auth keys) that must not reach logs or errors.
func (c *Client) send(ctx context.Context, action string, tg target, payload any, secrets ...string) (*envelope, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding the request: %w", action, err)
	}
	// An empty secret would match between every two characters, masking
	// and scrubbing every message into noise.
	secrets = nonEmpty(append(secrets, c.secrets...))
	ctx = c.logContext(ctx, action, tg, secrets)
	tflog.SubsystemTrace(ctx, logSubsystem, "Live API request", map[string]any{"body": redactBody(body)})

	var (
		last      error
		retries   int       // retries of errors other than throttling
		throttled int       // throttled answers
		firstHeld time.Time // when the first throttled answer came
	)
	// A throttled call waits until its deadline, or throttleBudget.
	throttleDeadline, hasDeadline := ctx.Deadline()
	if !hasDeadline {
		throttleDeadline = time.Now().Add(throttleBudget)
	}
	logHeld := func() {
		if throttled > 0 {
			tflog.SubsystemDebug(ctx, logSubsystem, "Live API call waited for throttling", map[string]any{
				"throttled": throttled, "waited_ms": time.Since(firstHeld).Milliseconds(),
			})
		}
	}
	defer logHeld()
	for attempt := 1; ; attempt++ {
		sent, err := c.rate.Wait(ctx, action)
		if err != nil {
			if ctx.Err() != nil {
				return nil, canceled(action, ctx.Err(), attempt-1, last)
			}
			if last != nil {
				return nil, fmt.Errorf("%w (stopped after %d attempts: the client-side rate would delay the next past the deadline)", last, attempt-1)
			}
			return nil, fmt.Errorf("%s: %w", action, err)
		}
		env, retryAfter, err := c.attempt(ctx, action, attempt, body, secrets)
		c.observe(action, sent, err)
		if err == nil {
			return env, nil
		}
		if ctx.Err() != nil {
			return nil, canceled(action, ctx.Err(), attempt, last)
		}
		last = err
		if !IsRetryable(err) {
			if attempt == 1 {
				return nil, err
			}
			return nil, fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		var wait time.Duration
		deadline, bounded := ctx.Deadline()
		if IsThrottled(err) {
			throttled++
			if throttled == 1 {
				firstHeld = time.Now()
			}
			wait = c.throttleWait(retryAfter)
			deadline, bounded = throttleDeadline, true
		} else {
			retries++
			if retries > c.maxRetries {
				if attempt == 1 {
					return nil, err
				}
				return nil, fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
			}
			wait = c.backoff(retries)
		}
		if bounded && time.Until(deadline) < wait {
			return nil, fmt.Errorf("%w (stopped after %d attempts, %d throttled: the next would start past the deadline)", err, attempt, throttled)
		}
		tflog.SubsystemDebug(ctx, logSubsystem, "Live API retry scheduled", map[string]any{
			"attempt": attempt, "wait_ms": wait.Milliseconds(), "throttled": IsThrottled(err),
		})
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, canceled(action, ctx.Err(), attempt, last)
		case <-timer.C:
		}
	}
}

// observe tells the rate how the gateway answered a request sent at sent:
// throttled, or let through (whatever the API then answered). A request
// that got no answer tells it nothing.
func (c *Client) observe(action string, sent time.Time, err error) {
	now := time.Now()
	switch {
	case err == nil:
		c.rate.Succeeded(action, now)
	case IsThrottled(err):
		c.rate.Throttled(action, sent, now)
	default:
		if _, ok := AsAPIError(err); ok {
			c.rate.Succeeded(action, now)
		}
	}
}

// logContext prepares the subsystem logger of one action: its fields, and
// masks for every secret the action knows of, in case one ever slips into a
// message or field.
func (c *Client) logContext(ctx context.Context, action string, tg target, secrets []string) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem,
		tflog.WithLevelFromEnv("TF_LOG_PROVIDER_VOLCENGINE", logSubsystem),
		tflog.WithRootFields())
	ctx = tflog.SubsystemMaskLogStrings(ctx, logSubsystem, secrets...)
	fields := map[string]any{"action": action, "endpoint": c.endpoint}
	if tg.scope.Vhost != "" {
		fields["vhost"] = tg.scope.Vhost
	}
	if tg.scope.Domain != "" {
		fields["domain"] = tg.scope.Domain
	}
	if tg.app != "" {
		fields["app"] = tg.app
	}
	if tg.messageType != "" {
		fields["message_type"] = tg.messageType
	}
	for k, v := range fields {
		ctx = tflog.SubsystemSetField(ctx, logSubsystem, k, v)
	}
	return ctx
}

// attempt sends the request once and decodes whatever came back, with the
// wait the answer's Retry-After header asks for (0 without one).
func (c *Client) attempt(ctx context.Context, action string, n int, body []byte, secrets []string) (*envelope, time.Duration, error) {
	ex := &exchange{}
	start := time.Now()
	raw, _, sdkErr := c.sdk.CtxJson(withExchange(ctx, ex), action, url.Values{}, string(body))
	elapsed := time.Since(start)
	env, err := decode(action, c.endpoint, ex, raw, sdkErr, secrets)

	fields := map[string]any{
		"attempt":     n,
		"http_status": ex.status,
		"duration_ms": elapsed.Milliseconds(),
	}
	if err == nil {
		fields["request_id"] = env.ResponseMetadata.RequestID
	} else {
		if apiErr, ok := AsAPIError(err); ok {
			fields["error_code"] = apiErr.Code
			fields["request_id"] = apiErr.RequestID
		}
		fields["error"] = err.Error()
	}
	tflog.SubsystemDebug(ctx, logSubsystem, "Live API attempt", fields)
	if ex.status != 0 {
		tflog.SubsystemTrace(ctx, logSubsystem, "Live API answer", map[string]any{
			"attempt": n, "http_status": ex.status, "body": redactBody(raw),
		})
	}
	return env, ex.retryAfter, err
}

// decode turns one attempt's outcome into the envelope or a typed error.
func decode(action, endpoint string, ex *exchange, raw []byte, sdkErr error, secrets []string) (*envelope, error) {
	if ex.status == 0 {
		if sdkErr == nil {
			sdkErr = errors.New("no answer")
		}
		if hint := mismatchHint(sdkErr, endpoint); hint != "" {
			return nil, &EndpointError{Action: action, Endpoint: endpoint, Err: sdkErr, Hint: hint}
		}
		return nil, &TransportError{Action: action, Err: sdkErr}
	}
	if ex.readErr != nil {
		// An answer cut short may come whole next time, unless its status
		// already says that the request cannot succeed there.
		err := fmt.Errorf("reading the answer: %w", ex.readErr)
		if !errors.Is(ex.readErr, errAnswerTooLarge) && (isSuccess(ex.status) || retryableStatus(ex.status)) {
			return nil, &TransportError{Action: action, HTTPStatus: ex.status, Err: err}
		}
		return nil, &EndpointError{Action: action, Endpoint: endpoint, HTTPStatus: ex.status, Err: err, Hint: notLiveAPIHint}
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.ResponseMetadata == nil {
		// A gateway or proxy in front of the API answers its own pages when
		// overloaded; any other page comes from a server that is not the
		// Live API, and asking it again cannot help.
		if retryableStatus(ex.status) {
			return nil, &TransportError{Action: action, HTTPStatus: ex.status, Err: notEnvelope(raw, secrets)}
		}
		return nil, &EndpointError{Action: action, Endpoint: endpoint, HTTPStatus: ex.status, Err: notEnvelope(raw, secrets), Hint: notLiveAPIHint}
	}
	md := env.ResponseMetadata
	if e := md.Error; e != nil {
		codeN := parseCodeN(e.CodeN)
		if e.Code != "" || e.Message != "" || codeN != 0 {
			return nil, &APIError{
				Action:     action,
				HTTPStatus: ex.status,
				Code:       e.Code,
				CodeN:      codeN,
				Message:    scrub(e.Message, secrets),
				RequestID:  md.RequestID,
			}
		}
	}
	if !isSuccess(ex.status) {
		return nil, &APIError{
			Action:     action,
			HTTPStatus: ex.status,
			Message:    http.StatusText(ex.status),
			RequestID:  md.RequestID,
		}
	}
	return &env, nil
}

// EndpointError is a failure that sending the request again cannot mend:
// the server answered something other than the Live API would (a web
// server's 404 page, a 501), or the connection failed because the
// endpoint's scheme or certificate does not fit the server. IsRetryable
// reports it as final, unlike a TransportError.
type EndpointError struct {
	Action     string
	Endpoint   string
	HTTPStatus int // 0 when the connection failed before an answer
	Err        error
	// Hint says what to check in the endpoint setting.
	Hint string
}

func (e *EndpointError) Error() string {
	if e.HTTPStatus != 0 {
		return fmt.Sprintf("%s failed: HTTP %d from %s: %v; %s", e.Action, e.HTTPStatus, e.Endpoint, e.Err, e.Hint)
	}
	return fmt.Sprintf("%s failed: %v; %s", e.Action, e.Err, e.Hint)
}

func (e *EndpointError) Unwrap() error { return e.Err }

const notLiveAPIHint = "the server there does not answer like the Live API: check that endpoint is the Live API's " +
	"address (live.volcengineapi.com) or a running emulator's"

// mismatchHint says what to correct in the endpoint when a connection
// failed in a way no retry can change: TLS against a plain HTTP server or
// the reverse, or a certificate this machine does not trust. It answers ""
// for failures that may pass, such as a refused, reset or timed-out
// connection.
func mismatchHint(err error, endpoint string) string {
	scheme, host, _ := strings.Cut(endpoint, "://")
	var recordErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var badCert x509.CertificateInvalidError
	var alert tls.AlertError
	switch {
	case errors.Is(err, http.ErrSchemeMismatch):
		return fmt.Sprintf("the server at %s speaks plain HTTP, not HTTPS: if that is intended (a local emulator), write http:// in endpoint: http://%s", host, host)
	case errors.As(err, &recordErr):
		return fmt.Sprintf("the server at %s does not speak TLS: if it serves plain HTTP, write http:// in endpoint: http://%s; otherwise check the port", host, host)
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &badCert):
		return fmt.Sprintf("the TLS certificate of %s is not trusted here: check the host name in endpoint, or this machine's trusted certificate authorities", host)
	case errors.As(err, &alert):
		return fmt.Sprintf("the server at %s refused the TLS handshake: check the scheme and port in endpoint", host)
	// net/http reports bytes that are not HTTP only in its message; they
	// are typically a TLS server's alert to a plain-HTTP client.
	case scheme == "http" && strings.Contains(err.Error(), "malformed HTTP response"):
		return fmt.Sprintf("the server at %s did not answer in plain HTTP: if it serves HTTPS, write https:// in endpoint: https://%s", host, host)
	}
	return ""
}

func isSuccess(status int) bool { return status >= 200 && status <= 299 }

// retryableStatus reports a status worth another attempt whatever the body
// says, by the same rule as for the API's own errors.
func retryableStatus(status int) bool { return (&APIError{HTTPStatus: status}).Retryable() }

func parseCodeN(raw json.RawMessage) int {
	n, err := strconv.Atoi(strings.Trim(string(raw), `"`))
	if err != nil {
		return 0
	}
	return n
}

// notEnvelope describes a body that is not the API's JSON, such as a
// proxy's HTML page, quoting its start.
func notEnvelope(raw []byte, secrets []string) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errors.New("the answer's body was empty, not the Live API's JSON")
	}
	quoted := scrub(redactBody(raw), secrets)
	more := ""
	if len(quoted) > snippetBytes {
		cut := snippetBytes
		for cut > 0 && !utf8.RuneStart(quoted[cut]) {
			cut--
		}
		quoted, more = quoted[:cut], "..."
	}
	return fmt.Errorf("the answer's body was not the Live API's JSON (%d bytes): %q%s", len(raw), quoted, more)
}

// authKeyValue matches a member holding a key or a secret (AuthKeyPrimary,
// and AuthKeySecond and the like among the fields the provider does not
// model) with a non-empty string value, also when the body is cut short
// inside that value.
var authKeyValue = regexp.MustCompile(`(?i)("[A-Za-z]*(?:key|secret)[A-Za-z]*"\s*:\s*)"(?:[^"\\]|\\.)+"?`)

// redactBody renders a request or answer body for logs and errors with
// every auth key replaced: DescribeCallback returns them in plain text.
func redactBody(body []byte) string {
	return authKeyValue.ReplaceAllString(string(body), `${1}"<redacted>"`)
}

// scrub removes known secret values from text that came from the server.
func scrub(s string, secrets []string) string {
	for _, secret := range secrets {
		s = strings.ReplaceAll(s, secret, "<redacted>")
	}
	return s
}

func nonEmpty(values []string) []string {
	out := values[:0:0]
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// backoff is the wait before retry number n (1 for the first retry) after
// a server error or a transport failure: base·2^(n-1) capped at the
// maximum, with full jitter, which spreads clients best.
func (c *Client) backoff(n int) time.Duration {
	d := c.baseDelay
	for i := 1; i < n && d < c.maxDelay; i++ {
		d *= 2
	}
	return rand.N(min(d, c.maxDelay) + 1)
}

// throttleWait is the pause after a throttled answer: what Retry-After
// asked for when it asked for more, else between half of throttlePause and
// all of it, with the configured maximum delay capping the latter.
func (c *Client) throttleWait(retryAfter time.Duration) time.Duration {
	pause := min(throttlePause, c.maxDelay)
	return max(retryAfter, pause/2+rand.N(pause/2+1))
}

// canceled reports the caller's context ending, which is never retried.
func canceled(action string, ctxErr error, attempts int, last error) error {
	if last == nil {
		return fmt.Errorf("%s: %w", action, ctxErr)
	}
	return fmt.Errorf("%s: %w after %d attempts (last error: %v)", action, ctxErr, attempts, last)
}
