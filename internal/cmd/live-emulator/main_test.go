package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"
	live "github.com/volcengine/volc-sdk-golang/service/live/v20230101"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// syncBuffer lets the test read what run prints while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs the command until the test ends and returns its endpoint,
// read from the ready file, and its output.
func startRun(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append(args, "-ready-file", ready), out, out) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		if _, err := os.Stat(ready); !os.IsNotExist(err) {
			t.Errorf("the ready file is left behind: %v", err)
		}
	})

	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, out)
		default:
		}
		if b, err := os.ReadFile(ready); err == nil {
			return strings.TrimSpace(string(b)), out
		}
	}
	t.Fatalf("no ready file; output:\n%s", out)
	return "", nil
}

func describe(t *testing.T, endpoint, ak, sk, vhost string) (int, map[string]any) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	inst := live.NewInstance()
	inst.SetHost(u.Host)
	inst.SetScheme(u.Scheme)
	inst.SetCredential(base.Credentials{AccessKeyID: ak, SecretAccessKey: sk, Region: "cn-north-1", Service: "live"})
	body, status, _ := inst.CtxJson(context.Background(), "DescribeCallback", url.Values{}, `{"Vhost":"`+vhost+`"}`)
	var answer map[string]any
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatalf("HTTP %d, not JSON: %s", status, body)
	}
	return status, answer
}

func TestRunServesSignedCalls(t *testing.T) {
	endpoint, out := startRun(t, "-listen", "127.0.0.1:0")
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint = %q", endpoint)
	}
	for _, want := range []string{
		"export VOLCENGINE_LIVE_ENDPOINT=" + endpoint,
		"export VOLCENGINE_ACCESS_KEY=" + liveemu.DemoAccessKey,
		"export VOLCENGINE_SECRET_KEY=" + liveemu.DemoSecretKey,
		liveemu.DemoVhost, liveemu.DemoDomain,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	status, answer := describe(t, endpoint, liveemu.DemoAccessKey, liveemu.DemoSecretKey, liveemu.DemoVhost)
	if status != 200 {
		t.Fatalf("DescribeCallback: HTTP %d %v", status, answer)
	}
}

func TestRunWithSeed(t *testing.T) {
	seedPath := filepath.Join(t.TempDir(), "seed.json")
	seedJSON := `{
	  "NoDemoAccount": true,
	  "Accounts": [{"ID": "2100000002", "AccessKey": "AKLTTEAM", "SecretKey": "team secret",
	                "Vhosts": {"team.live.example.com": ["team.example.com"]}}],
	  "Callbacks": [{"Domain": "team.example.com", "MessageType": "push_end",
	                 "CallbackDetailList": [{"URL": "https://hooks.example.com/end", "CallbackType": "HTTP"}],
	                 "TranscodeCallback": true, "CreateTime": "2026-01-02T03:04:05Z"}]
	}`
	if err := os.WriteFile(seedPath, []byte(seedJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	endpoint, out := startRun(t, "-seed", seedPath, "-rps", "0")
	for _, want := range []string{"export VOLCENGINE_ACCESS_KEY=AKLTTEAM", "export VOLCENGINE_SECRET_KEY='team secret'", "team.live.example.com", "no rate limit"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	status, answer := describe(t, endpoint, "AKLTTEAM", "team secret", "team.live.example.com")
	list := answer["Result"].(map[string]any)["CallbackList"].([]any)
	if status != 200 || len(list) != 1 || list[0].(map[string]any)["CreateTimeUTC"] != "2026-01-02T03:04:05Z" ||
		list[0].(map[string]any)["TranscodeCallback"] != 1.0 {
		t.Errorf("DescribeCallback: HTTP %d %v", status, answer)
	}
	if status, _ := describe(t, endpoint, liveemu.DemoAccessKey, liveemu.DemoSecretKey, liveemu.DemoVhost); status != 401 {
		t.Errorf("the demo account answered HTTP %d with NoDemoAccount", status)
	}
}

func TestRunRejectsBadSeeds(t *testing.T) {
	for name, content := range map[string]string{
		"unknown field":    `{"Acounts": []}`,
		"no account":       `{"NoDemoAccount": true}`,
		"invalid callback": `{"Callbacks": [{"Vhost": "push.live.example.com", "MessageType": "pull"}]}`,
		"unknown vhost":    `{"Callbacks": [{"Vhost": "nope", "MessageType": "push", "CallbackDetailList": [{"URL": "https://e.com", "CallbackType": "HTTP"}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "seed.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := run(context.Background(), []string{"-seed", path}, &out, &out); err == nil {
				t.Error("run accepted the seed")
			}
		})
	}
}
