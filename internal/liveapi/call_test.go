package liveapi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAnswerDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply func(w http.ResponseWriter, action string)
		check func(t *testing.T, err error)
	}{
		{
			name: "200 with an error whose CodeN is 0",
			reply: func(w http.ResponseWriter, action string) {
				writeEnvelope(w, http.StatusOK, action, &wireError{Code: "InvalidParam.OutOfRange", Message: "App is too long"}, nil)
			},
			check: func(t *testing.T, err error) {
				apiErr := wantAPIError(t, err)
				if apiErr.HTTPStatus != 200 || apiErr.Code != "InvalidParam.OutOfRange" || apiErr.CodeN != 0 ||
					apiErr.Message != "App is too long" || apiErr.RequestID != "req-UpdateCallback" || apiErr.Action != "UpdateCallback" {
					t.Errorf("APIError = %+v", apiErr)
				}
				if IsRetryable(err) {
					t.Error("an invalid parameter is reported retryable")
				}
			},
		},
		{
			name: "400 typed",
			reply: func(w http.ResponseWriter, action string) {
				writeEnvelope(w, http.StatusBadRequest, action, &wireError{CodeN: 100002, Code: "MissingParameter", Message: "MessageType"}, nil)
			},
			check: func(t *testing.T, err error) {
				apiErr := wantAPIError(t, err)
				if apiErr.HTTPStatus != 400 || apiErr.Code != "MissingParameter" || apiErr.CodeN != 100002 {
					t.Errorf("APIError = %+v", apiErr)
				}
				want := "UpdateCallback failed: HTTP 400, MissingParameter (100002): MessageType [RequestId req-UpdateCallback]"
				if err.Error() != want {
					t.Errorf("message = %q, want %q", err, want)
				}
			},
		},
		{
			name: "404 vhost not found",
			reply: func(w http.ResponseWriter, action string) {
				writeEnvelope(w, http.StatusNotFound, action, &wireError{Code: "ResourceNotFound.VhostNotExist", Message: "vhost not found"}, nil)
			},
			check: func(t *testing.T, err error) {
				if !IsNotFound(err) || !IsVhostNotFound(err) {
					t.Errorf("error %v is not reported as a missing vhost", err)
				}
			},
		},
		{
			name: "CodeN written as a string",
			reply: func(w http.ResponseWriter, action string) {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"ResponseMetadata":{"RequestId":"r1","Error":{"CodeN":"100010","Code":"SignatureDoesNotMatch","Message":"bad signature"}}}`)
			},
			check: func(t *testing.T, err error) {
				apiErr := wantAPIError(t, err)
				if apiErr.CodeN != 100010 || apiErr.Code != "SignatureDoesNotMatch" || apiErr.RequestID != "r1" {
					t.Errorf("APIError = %+v", apiErr)
				}
			},
		},
		{
			name: "non-2xx envelope without an error",
			reply: func(w http.ResponseWriter, action string) {
				writeEnvelope(w, http.StatusForbidden, action, nil, nil)
			},
			check: func(t *testing.T, err error) {
				apiErr := wantAPIError(t, err)
				if apiErr.HTTPStatus != 403 || apiErr.Code != "" || apiErr.Message != "Forbidden" || apiErr.RequestID != "req-UpdateCallback" {
					t.Errorf("APIError = %+v", apiErr)
				}
			},
		},
		{
			name: "HTML from a proxy",
			reply: func(w http.ResponseWriter, _ string) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, "<html><body>\n<h1>403 Forbidden</h1>"+strings.Repeat("x", 300)+"</body></html>")
			},
			check: func(t *testing.T, err error) {
				ee := wantEndpointError(t, err)
				if ee.HTTPStatus != 403 {
					t.Errorf("HTTPStatus = %d, want 403", ee.HTTPStatus)
				}
				msg := err.Error()
				if !strings.Contains(msg, "not the Live API's JSON") || !strings.Contains(msg, `<h1>403 Forbidden</h1>`) {
					t.Errorf("message %q does not say the body was not the API's JSON, quoting it", msg)
				}
				if strings.Contains(msg, "\n") || strings.Contains(msg, "</html>") {
					t.Errorf("message %q is not sanitized and cut short", msg)
				}
			},
		},
		{
			name: "empty body",
			reply: func(w http.ResponseWriter, _ string) {
				w.WriteHeader(http.StatusOK)
			},
			check: func(t *testing.T, err error) {
				ee := wantEndpointError(t, err)
				if ee.HTTPStatus != 200 || !strings.Contains(err.Error(), "empty") {
					t.Errorf("EndpointError = %v (status %d)", err, ee.HTTPStatus)
				}
			},
		},
		{
			name: "JSON that is not the envelope",
			reply: func(w http.ResponseWriter, _ string) {
				w.WriteHeader(http.StatusOK)
				fmt.Fprint(w, `{"message":"hello"}`)
			},
			check: func(t *testing.T, err error) {
				if ee := wantEndpointError(t, err); ee.HTTPStatus != http.StatusOK {
					t.Errorf("endpoint error carries HTTP %d, want 200", ee.HTTPStatus)
				}
			},
		},
		{
			name: "dropped connection",
			reply: func(w http.ResponseWriter, _ string) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					panic(err)
				}
				_ = conn.Close()
			},
			check: func(t *testing.T, err error) {
				te := wantTransportError(t, err)
				if te.HTTPStatus != 0 {
					t.Errorf("HTTPStatus = %d, want 0 for no answer", te.HTTPStatus)
				}
			},
		},
		{
			name: "empty error object is success",
			reply: func(w http.ResponseWriter, action string) {
				writeEnvelope(w, http.StatusOK, action, &wireError{}, nil)
			},
			check: func(t *testing.T, err error) {
				if err != nil {
					t.Errorf("error %v, want success", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { tt.reply(w, action) })
			cfg := testConfig(srv.URL)
			cfg.MaxRetries = 0
			c := newTestClient(t, cfg)
			_, err := c.UpdateCallback(context.Background(), pushCallback())
			tt.check(t, err)
			if n := f.count(ActionUpdateCallback); n != 1 {
				t.Errorf("%d attempts, want 1 with MaxRetries 0", n)
			}
		})
	}
}

func wantAPIError(t *testing.T, err error) *APIError {
	t.Helper()
	apiErr, ok := AsAPIError(err)
	if !ok {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	return apiErr
}

func wantTransportError(t *testing.T, err error) *TransportError {
	t.Helper()
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *TransportError", err, err)
	}
	if !IsRetryable(err) {
		t.Errorf("transport error %v is not retryable", err)
	}
	return te
}

// wantEndpointError checks that err is final and tells the user to check
// the endpoint setting.
func wantEndpointError(t *testing.T, err error) *EndpointError {
	t.Helper()
	var ee *EndpointError
	if !errors.As(err, &ee) {
		t.Fatalf("error %v (%T) is not an *EndpointError", err, err)
	}
	if IsRetryable(err) {
		t.Errorf("error %v is reported retryable", err)
	}
	if !strings.Contains(err.Error(), "endpoint") {
		t.Errorf("error %q does not point at the endpoint setting", err)
	}
	return ee
}

// failThenSucceed answers the first `failures` calls of every action with
// fail, then succeeds.
func failThenSucceed(failures int, fail func(w http.ResponseWriter, action string)) func(http.ResponseWriter, *http.Request, string, int) {
	return func(w http.ResponseWriter, _ *http.Request, action string, n int) {
		if n <= failures {
			fail(w, action)
			return
		}
		writeOK(w, action)
	}
}

func apiFailure(status int, code string) func(http.ResponseWriter, string) {
	return func(w http.ResponseWriter, action string) {
		writeEnvelope(w, status, action, &wireError{Code: code, Message: "injected"}, nil)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	dropped := func(w http.ResponseWriter, _ string) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		_ = conn.Close()
	}
	tests := []struct {
		name       string
		maxRetries int
		reply      func(http.ResponseWriter, *http.Request, string, int)
		attempts   int
		wantErr    bool
	}{
		{"3 throttled then success", 3, failThenSucceed(3, apiFailure(429, "FlowLimitExceeded")), 4, false},
		{"CommonErr with 200 then success", 3, failThenSucceed(2, apiFailure(200, "CommonErr")), 3, false},
		{"500 then success", 3, failThenSucceed(1, apiFailure(500, "InternalError")), 2, false},
		{"502 then success", 3, failThenSucceed(1, apiFailure(502, "InternalServiceError")), 2, false},
		{"503 without code then success", 3, failThenSucceed(1, apiFailure(503, "")), 2, false},
		{"504 then success", 3, failThenSucceed(1, apiFailure(504, "InternalServiceTimeout")), 2, false},
		{"dropped connection then success", 3, failThenSucceed(2, dropped), 3, false},
		{"HTML 503 then success", 3, failThenSucceed(1, htmlPage(503)), 2, false},
		{"HTML 429 then success", 3, failThenSucceed(1, htmlPage(429)), 2, false},
		{"400 is final", 3, failThenSucceed(5, apiFailure(400, "InvalidParam")), 1, true},
		{"401 is final", 3, failThenSucceed(5, apiFailure(401, "SignatureDoesNotMatch")), 1, true},
		{"404 is final", 3, failThenSucceed(5, apiFailure(404, "ResourceNotFound")), 1, true},
		{"MaxRetries bounds attempts", 2, failThenSucceed(10, apiFailure(500, "InternalError")), 3, true},
		{"no retries", 0, failThenSucceed(10, apiFailure(500, "InternalError")), 1, true},
		{"throttling is not bounded by MaxRetries", 0, failThenSucceed(10, apiFailure(429, "FlowLimitExceeded")), 11, false},
		{"HTML 429 is throttling", 0, failThenSucceed(5, htmlPage(429)), 6, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, srv := newFakeAPI(t, tt.reply)
			cfg := testConfig(srv.URL)
			cfg.MaxRetries = tt.maxRetries
			c := newTestClient(t, cfg)
			list, requestID, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
			if got := f.count(ActionDescribeCallback); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
			if !tt.wantErr {
				if err != nil || requestID != "req-DescribeCallback" || list == nil {
					t.Errorf("DescribeCallback = %v, %q, %v; want an empty list and the request id", list, requestID, err)
				}
				return
			}
			if err == nil {
				t.Fatal("DescribeCallback succeeded, want an error")
			}
			if _, ok := AsAPIError(err); !ok {
				t.Errorf("error %v cannot be read as an *APIError", err)
			}
			mentionsAttempts := strings.Contains(err.Error(), fmt.Sprintf("after %d attempts", tt.attempts))
			if tt.attempts > 1 && !mentionsAttempts {
				t.Errorf("error %q does not say how many attempts were made", err)
			}
		})
	}
}

func htmlPage(status int) func(http.ResponseWriter, string) {
	return func(w http.ResponseWriter, _ string) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status))
	}
}

// Answers that only a server other than the Live API gives fail at once:
// asking the same server again cannot change them.
func TestAnswersOfAnotherServerAreFinal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reply  func(http.ResponseWriter, string)
		status int
	}{
		{"HTML 404 of a web server", htmlPage(404), 404},
		{"501 of a server without POST", func(w http.ResponseWriter, _ string) {
			w.WriteHeader(http.StatusNotImplemented)
			fmt.Fprint(w, "Unsupported method ('POST')")
		}, 501},
		{"301 to another address", func(w http.ResponseWriter, _ string) {
			w.Header().Set("Location", "https://example.com/")
			w.WriteHeader(http.StatusMovedPermanently)
		}, 301},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { tt.reply(w, action) })
			c := newTestClient(t, testConfig(srv.URL))
			_, _, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
			if n := f.count(ActionDescribeCallback); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
			if ee := wantEndpointError(t, err); ee.HTTPStatus != tt.status {
				t.Errorf("HTTPStatus = %d, want %d", ee.HTTPStatus, tt.status)
			}
			if !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q does not name the endpoint %s", err, srv.URL)
			}
		})
	}
}

// connCounter counts the connections a server accepts, which is the number
// of attempts when each fails before an HTTP exchange.
type connCounter struct {
	mu sync.Mutex
	n  int
}

func (c *connCounter) hook(_ net.Conn, state http.ConnState) {
	if state == http.StateNew {
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
	}
}

func (c *connCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func startCounted(t *testing.T, useTLS bool) (*httptest.Server, *connCounter) {
	t.Helper()
	conns := &connCounter{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeOK(w, r.URL.Query().Get("Action"))
	}))
	srv.Config.ConnState = conns.hook
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if useTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, conns
}

// A scheme that does not fit the server, or a certificate this machine
// does not trust, fails the same way on every attempt.
func TestConnectionMismatchesAreFinal(t *testing.T) {
	t.Parallel()
	t.Run("https to a plain HTTP server", func(t *testing.T) {
		t.Parallel()
		srv, conns := startCounted(t, false)
		host := srv.Listener.Addr().String()
		c := newTestClient(t, testConfig("https://"+host))
		_, _, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
		_ = wantEndpointError(t, err)
		if n := conns.count(); n != 1 {
			t.Errorf("%d connections, want 1", n)
		}
		if want := "write http:// in endpoint: http://" + host; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not suggest %q", err, want)
		}
	})
	t.Run("https to a server answering without a status line", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ln.Close() })
		conns := &connCounter{}
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				conns.hook(conn, http.StateNew)
				// Python's http.server answers a request line it cannot
				// parse (a TLS hello) in HTTP/0.9: a page without headers.
				_, _ = conn.Write([]byte("<!DOCTYPE HTML>\n<html><body>Bad request</body></html>\n"))
				// Closing with the hello unread would reset the connection
				// before the page arrives: drain it until the client hangs up.
				_ = conn.(*net.TCPConn).CloseWrite()
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, _ = io.Copy(io.Discard, conn)
				_ = conn.Close()
			}
		}()
		host := ln.Addr().String()
		c := newTestClient(t, testConfig("https://"+host))
		_, _, err = c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
		_ = wantEndpointError(t, err)
		if n := conns.count(); n != 1 {
			t.Errorf("%d connections, want 1", n)
		}
		if want := "write http:// in endpoint: http://" + host; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not suggest %q", err, want)
		}
	})
	t.Run("http to a TLS server", func(t *testing.T) {
		t.Parallel()
		srv, conns := startCounted(t, true)
		c := newTestClient(t, testConfig("http://"+srv.Listener.Addr().String()))
		_, _, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
		// Go's TLS server answers plain HTTP with a 400 page.
		if ee := wantEndpointError(t, err); ee.HTTPStatus != http.StatusBadRequest {
			t.Errorf("HTTPStatus = %d, want 400", ee.HTTPStatus)
		}
		if n := conns.count(); n != 1 {
			t.Errorf("%d connections, want 1", n)
		}
	})
	t.Run("http to a server that answers a TLS alert", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ln.Close() })
		conns := &connCounter{}
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				conns.hook(conn, http.StateNew)
				// Read the whole request first: closing with unread data
				// would reset the connection before the alert arrives.
				if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
					_, _ = io.Copy(io.Discard, req.Body)
				}
				// A TLS alert record: fatal, protocol_version.
				_, _ = conn.Write([]byte{0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46})
				_ = conn.Close()
			}
		}()
		host := ln.Addr().String()
		c := newTestClient(t, testConfig("http://"+host))
		_, _, err = c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
		_ = wantEndpointError(t, err)
		if n := conns.count(); n != 1 {
			t.Errorf("%d connections, want 1", n)
		}
		if want := "write https:// in endpoint: https://" + host; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not suggest %q", err, want)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		t.Parallel()
		srv, conns := startCounted(t, true)
		c := newTestClient(t, testConfig(srv.URL))
		_, _, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
		_ = wantEndpointError(t, err)
		if n := conns.count(); n != 1 {
			t.Errorf("%d connections, want 1", n)
		}
		if !strings.Contains(err.Error(), "certificate") {
			t.Errorf("error %q does not name the certificate", err)
		}
	})
}

// A connection that no server accepts may be accepted later: it is retried.
func TestRefusedConnectionIsRetried(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c := newTestClient(t, testConfig("http://"+addr))
	_, _, err = c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
	_ = wantTransportError(t, err)
	if !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("error %q, want 4 attempts with MaxRetries 3", err)
	}
}

func TestRetryStopsAtNonRetryableError(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, n int) {
		if n == 1 {
			apiFailure(502, "InternalServiceError.BadResponse")(w, action)
			return
		}
		apiFailure(400, "InvalidParam")(w, action)
	})
	c := newTestClient(t, testConfig(srv.URL))
	_, err := c.DeleteCallback(context.Background(), DeleteCallbackInput{Scope: Scope{Vhost: "v"}, MessageType: "push"})
	if got := f.count(ActionDeleteCallback); got != 2 {
		t.Errorf("%d attempts, want 2", got)
	}
	if apiErr := wantAPIError(t, err); apiErr.Code != "InvalidParam" {
		t.Errorf("last error code %q, want InvalidParam", apiErr.Code)
	}
	if !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("error %q does not count the attempts", err)
	}
}

// A throttled call waits at least half of throttlePause before it tries
// again; with less than that left before the deadline, it gives up at once.
func TestRetryRespectsDeadline(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, failThenSucceed(10, apiFailure(429, "FlowLimitExceeded")))
	cfg := testConfig(srv.URL)
	cfg.MaxRetries = 5
	cfg.RetryBaseDelay = 2 * time.Second
	cfg.RetryMaxDelay = 10 * time.Second
	c := newTestClient(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := c.UpdateCallback(ctx, pushCallback())
	if got := f.count(ActionUpdateCallback); got != 1 {
		t.Errorf("%d attempts, want 1", got)
	}
	if !IsThrottled(err) {
		t.Errorf("error %v, want the throttling error", err)
	}
	if !strings.Contains(fmt.Sprint(err), "deadline") {
		t.Errorf("error %q does not say the deadline stopped the retries", err)
	}
}

func TestCancellationIsNotRetried(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) {
		cancel()
		apiFailure(500, "InternalError")(w, action)
	})
	c := newTestClient(t, testConfig(srv.URL))
	_, err := c.UpdateCallback(ctx, pushCallback())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if got := f.count(ActionUpdateCallback); got != 1 {
		t.Errorf("%d attempts, want 1", got)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	c := &Client{baseDelay: 100 * time.Millisecond, maxDelay: 5 * time.Second}
	for retry, ceiling := range map[int]time.Duration{
		1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond,
		7: 5 * time.Second, 60: 5 * time.Second,
	} {
		for range 200 {
			if d := c.backoff(retry); d < 0 || d > ceiling {
				t.Fatalf("retry %d after a server error waits %v, want within [0, %v]", retry, d, ceiling)
			}
		}
	}
}

func TestThrottleWait(t *testing.T) {
	t.Parallel()
	c := &Client{baseDelay: 100 * time.Millisecond, maxDelay: 5 * time.Second}
	for range 200 {
		if d := c.throttleWait(0); d < throttlePause/2 || d > throttlePause {
			t.Fatalf("throttled wait %v, want within [%v, %v]", d, throttlePause/2, throttlePause)
		}
		if d := c.throttleWait(3 * time.Second); d != 3*time.Second {
			t.Fatalf("throttled wait %v with Retry-After 3s, want 3s", d)
		}
	}
	low := &Client{baseDelay: time.Millisecond, maxDelay: 4 * time.Millisecond}
	if d := low.throttleWait(0); d < 2*time.Millisecond || d > 4*time.Millisecond {
		t.Errorf("throttled wait %v, want the pause lowered to RetryMaxDelay (2ms to 4ms)", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"2":                             2 * time.Second,
		" 1.5 ":                         1500 * time.Millisecond,
		"0":                             0,
		"-4":                            0,
		"soon":                          0,
		"86400":                         maxRetryAfter,
		"Fri, 02 Jan 2026 03:04:08 GMT": 3 * time.Second,
		"Fri, 02 Jan 2026 03:04:00 GMT": 0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

// A throttled answer's Retry-After sets the wait before the next attempt.
func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	var first time.Time
	var gap time.Duration
	_, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, n int) {
		if n == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			apiFailure(429, "FlowLimitExceeded")(w, action)
			return
		}
		gap = time.Since(first)
		writeOK(w, action)
	})
	c := newTestClient(t, testConfig(srv.URL))
	if _, err := c.UpdateCallback(context.Background(), pushCallback()); err != nil {
		t.Fatal(err)
	}
	if gap < time.Second {
		t.Errorf("the retry came %v after the answer asking for 1 s", gap)
	}
}

func TestRateLimitAppliesToEveryAttempt(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, failThenSucceed(2, apiFailure(500, "InternalError")))
	cfg := testConfig(srv.URL)
	cfg.RequestsPerSecond = 20
	c := newTestClient(t, cfg)
	// Take a slot so that each of the three attempts must wait its turn.
	if d := c.rate.Take(ActionUpdateCallback, time.Now()); d != 0 {
		t.Fatalf("fresh rate refused a slot for %v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Millisecond)
	defer cancel()
	// Three attempts at 20/s need 150 ms of slots: the rate must refuse
	// to wait past the deadline instead of sending them.
	_, err := c.UpdateCallback(ctx, pushCallback())
	if err == nil {
		t.Fatal("UpdateCallback succeeded, want the deadline to stop it")
	}
	if got := f.count(ActionUpdateCallback); got >= 3 {
		t.Errorf("%d attempts within 120 ms at 20 requests per second", got)
	}
}
