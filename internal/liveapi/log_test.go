package liveapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// Every secret below ends in this marker, so one search covers them all.
const secretMarker = "do-not-log"

func TestLogsAndErrorsKeepSecrets(t *testing.T) {
	t.Parallel()
	_, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, n int) {
		switch action {
		case ActionUpdateCallback:
			// A server that echoes the key it was sent.
			writeEnvelope(w, http.StatusBadRequest, action, &wireError{
				Code: "InvalidParam", Message: "AuthKeyPrimary AUTH-KEY-do-not-log is not accepted",
			}, nil)
		case ActionDescribeCallback:
			if n == 1 {
				// Cut short inside another configuration's key.
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprint(w, `{"Result":{"CallbackList":[{"AuthKeyPrimary":"CUT-KEY-do-not-log`)
				return
			}
			writeEnvelope(w, http.StatusOK, action, nil, map[string]any{"CallbackList": []map[string]any{{
				"Vhost": "v.example.com", "App": "a", "MessageType": "push", "AuthEnable": true,
				"AuthKeyPrimary": "OTHER-KEY-do-not-log", "TranscodeCallback": 0,
				"CallbackDetailList": []map[string]any{{"URL": "https://h.example.com", "CallbackType": "HTTP"}},
			}}})
		}
	})
	cfg := testConfig(srv.URL)
	cfg.SecretKey = "SECRET-do-not-log"
	cfg.SessionToken = "TOKEN-do-not-log"
	c := newTestClient(t, cfg)

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)

	cb := pushCallback()
	cb.AuthEnable = true
	cb.AuthKeyPrimary = "AUTH-KEY-do-not-log"
	_, updateErr := c.UpdateCallback(ctx, cb)
	if updateErr == nil {
		t.Fatal("UpdateCallback succeeded, want the scripted failure")
	}
	list, _, err := c.DescribeCallback(ctx, DescribeCallbackInput{Scope: Scope{Vhost: "v.example.com"}})
	if err != nil {
		t.Fatalf("DescribeCallback: %v", err)
	}
	if len(list) != 1 || list[0].AuthKeyPrimary != "OTHER-KEY-do-not-log" {
		t.Fatalf("DescribeCallback = %#v; the caller must still get the key", list)
	}

	for _, err := range []error{updateErr} {
		if strings.Contains(err.Error(), secretMarker) {
			t.Errorf("error %q shows a secret", err)
		}
	}
	if strings.Contains(logs.String(), secretMarker) {
		t.Errorf("logs show a secret:\n%s", logs.String())
	}

	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatalf("decoding logs: %v", err)
	}
	var attempts, traces, redacted int
	for _, e := range entries {
		switch e["@message"] {
		case "Live API attempt":
			attempts++
			if e["@level"] != "debug" || e["action"] == nil || e["attempt"] == nil || e["http_status"] == nil ||
				e["duration_ms"] == nil || e["vhost"] == nil || e["@module"] != "provider.liveapi" {
				t.Errorf("attempt entry lacks fields: %v", e)
			}
			if e["action"] == ActionUpdateCallback && (e["error_code"] != "InvalidParam" || e["request_id"] != "req-UpdateCallback" ||
				e["app"] != "live" || e["message_type"] != "push") {
				t.Errorf("UpdateCallback attempt entry: %v", e)
			}
		case "Live API request", "Live API answer":
			traces++
			if e["@level"] != "trace" {
				t.Errorf("body logged at %v", e["@level"])
			}
			if strings.Contains(fmt.Sprint(e["body"]), `"AuthKeyPrimary":"<redacted>"`) {
				redacted++
			}
		}
	}
	// Update: 1 attempt. Describe: the cut-short answer, then the list.
	if attempts != 3 {
		t.Errorf("%d attempt entries, want 3", attempts)
	}
	// Request and answer bodies: update, describe, and describe's 2 answers.
	if traces != 5 {
		t.Errorf("%d body entries, want 5", traces)
	}
	// The update request, the cut-short answer and the list answer.
	if redacted != 3 {
		t.Errorf("%d body entries show a redacted key, want 3", redacted)
	}
}

func TestNotEnvelopeRedactsAndScrubs(t *testing.T) {
	t.Parallel()
	err := notEnvelope([]byte(`<p>key S3CRET</p> {"authkeyprimary" : "abc\"def"}`), []string{"S3CRET"})
	msg := err.Error()
	if strings.Contains(msg, "S3CRET") || strings.Contains(msg, "abc") || strings.Contains(msg, "def") {
		t.Errorf("message %q shows a secret", msg)
	}
	if !strings.Contains(msg, "<p>key <redacted></p>") {
		t.Errorf("message %q does not quote the body", msg)
	}

	long := notEnvelope([]byte(strings.Repeat("é", 200)), nil).Error()
	if !strings.HasSuffix(long, `"...`) || strings.Contains(long, `\x`) {
		t.Errorf("long body quoted as %q, want a clean cut with an ellipsis", long)
	}
}

// Masking an empty string would put the mask between every two characters
// of every message: no session token and no auth key must mask nothing.
func TestLogsWithoutOptionalSecretsAreReadable(t *testing.T) {
	t.Parallel()
	_, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { writeOK(w, action) })
	cfg := testConfig(srv.URL)
	cfg.SessionToken = ""
	c := newTestClient(t, cfg)

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	cb := pushCallback()
	cb.AuthKeyPrimary = ""
	if _, err := c.UpdateCallback(ctx, cb); err != nil {
		t.Fatalf("UpdateCallback: %v", err)
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatalf("decoding logs: %v", err)
	}
	var messages []string
	for _, e := range entries {
		messages = append(messages, fmt.Sprint(e["@message"]))
		if strings.Contains(fmt.Sprint(e), "***") {
			t.Errorf("entry masked although no secret occurs in it: %v", e)
		}
	}
	if want := "Live API request|Live API attempt|Live API answer"; strings.Join(messages, "|") != want {
		t.Errorf("messages %q, want %q", strings.Join(messages, "|"), want)
	}
}

// Answers of an API that keeps settings the provider does not model carry a
// second key in plain text: logs and errors never show it.
func TestRedactBodyHidesEveryKey(t *testing.T) {
	t.Parallel()
	body := `{"CallbackList":[{"App":"a","AuthKeyPrimary":"first-key","AuthKeySecond":"second-key","RetryTimes":3}]}`
	got := redactBody([]byte(body))
	if strings.Contains(got, "first-key") || strings.Contains(got, "second-key") {
		t.Errorf("redacted body %s shows a key", got)
	}
	if !strings.Contains(got, `"RetryTimes":3`) || !strings.Contains(got, `"App":"a"`) {
		t.Errorf("redacted body %s lost what is not a key", got)
	}
}

// A call that was throttled says at DEBUG how long throttling held it and
// how often, once, with the action's fields and no secret.
func TestThrottlingWaitIsLogged(t *testing.T) {
	t.Parallel()
	_, srv := newFakeAPI(t, failThenSucceed(2, apiFailure(429, "FlowLimitExceeded")))
	cfg := testConfig(srv.URL)
	cfg.SecretKey = "SECRET-do-not-log"
	c := newTestClient(t, cfg)

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	cb := pushCallback()
	cb.AuthEnable = true
	cb.AuthKeyPrimary = "AUTH-KEY-do-not-log"
	if _, err := c.UpdateCallback(ctx, cb); err != nil {
		t.Fatalf("UpdateCallback: %v", err)
	}
	if strings.Contains(logs.String(), secretMarker) {
		t.Errorf("logs show a secret:\n%s", logs.String())
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatalf("decoding logs: %v", err)
	}
	var waits []map[string]any
	for _, e := range entries {
		if e["@message"] == "Live API call waited for throttling" {
			waits = append(waits, e)
		}
	}
	if len(waits) != 1 {
		t.Fatalf("%d throttling wait entries, want 1:\n%s", len(waits), logs.String())
	}
	e := waits[0]
	if e["@level"] != "debug" || e["action"] != ActionUpdateCallback || e["throttled"] != float64(2) || e["waited_ms"] == nil {
		t.Errorf("throttling wait entry: %v", e)
	}
}
