package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
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
	return describeBody(t, endpoint, ak, sk, `{"Vhost":"`+vhost+`"}`)
}

func describeBody(t *testing.T, endpoint, ak, sk, body string) (int, map[string]any) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	inst := live.NewInstance()
	inst.SetHost(u.Host)
	inst.SetScheme(u.Scheme)
	inst.SetCredential(base.Credentials{AccessKeyID: ak, SecretAccessKey: sk, Region: "cn-north-1", Service: "live"})
	raw, status, _ := inst.CtxJson(context.Background(), "DescribeCallback", url.Values{}, body)
	var answer map[string]any
	if err := json.Unmarshal(raw, &answer); err != nil {
		t.Fatalf("HTTP %d, not JSON: %s", status, raw)
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
		"export VOLCENGINE_REGION=cn-north-1",
		liveemu.DemoVhost, liveemu.DemoDomain,
		"readings:   " + liveemu.Readings{}.String(),
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

// A bad seed is refused with a message that names what is wrong.
func TestRunRejectsBadSeeds(t *testing.T) {
	for name, tc := range map[string]struct{ content, want string }{
		"unknown field":    {`{"Acounts": []}`, `unknown field "Acounts"`},
		"no account":       {`{"NoDemoAccount": true}`, "no account"},
		"invalid callback": {`{"Callbacks": [{"Vhost": "push.live.example.com", "MessageType": "pull"}]}`, "MessageType"},
		"unknown vhost": {`{"Callbacks": [{"Vhost": "nope", "MessageType": "push", "CallbackDetailList": [{"URL": "https://e.com", "CallbackType": "HTTP"}]}]}`,
			"nope"},
		"no callback type": {`{"Callbacks": [{"Vhost": "push.live.example.com", "MessageType": "push", "CallbackDetailList": [{"URL": "https://e.com"}]}]}`,
			"CallbackDetailList[0].CallbackType is missing"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "seed.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run(context.Background(), []string{"-seed", path}, &out, &out)
			if err == nil {
				t.Fatal("run accepted the seed")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
}

func TestParseFlagsReadings(t *testing.T) {
	preset := func(name string) liveemu.Readings {
		r, err := liveemu.ReadingByName(name)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	allHardMerged := preset("all-hard")
	allHardMerged.DomainModel, allHardMerged.ExtraFields = liveemu.DomainMerged, false
	lowerMasked := preset("lower")
	lowerMasked.MaskKeys = true
	for _, tc := range []struct {
		args []string
		want liveemu.Readings
	}{
		{nil, liveemu.Readings{}},
		{[]string{"-reading", "separate"}, preset("separate")},
		{[]string{"-reading", "all-hard", "-domain-model", "merged", "-extra-fields=false"}, allHardMerged},
		{[]string{"-mask-keys", "-reading", "lower"}, lowerMasked},
		{[]string{"-reading", "separate", "-describe-by-domain=own", "-delete-by-vhost-reaches-domains=false"}, preset("separate-own")},
		{[]string{"-domain-model", "separate", "-delete-by-domain-reaches-apps"}, preset("separate-own-wide")},
		{[]string{"-callback-type-spelling", "as-sent", "-visibility-delay", "3s"},
			liveemu.Readings{CallbackTypeSpelling: liveemu.SpellingAsSent, VisibilityDelay: 3 * time.Second}},
		{[]string{"-describe-by-domain", "vhost", "-callback-type-spelling", "http", "-delete-by-vhost-reaches-domains"},
			liveemu.Readings{DescribeByDomain: liveemu.DescribeVhost, CallbackTypeSpelling: liveemu.SpellingLower, DeleteByVhostReachesDomains: true}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			o, err := parseFlags(tc.args, &stderr)
			if err != nil {
				t.Fatalf("%v\n%s", err, &stderr)
			}
			if o.readings != tc.want {
				t.Errorf("readings %s, want %s", o.readings, tc.want)
			}
		})
	}

	o, err := parseFlags([]string{"-listen", "127.0.0.1:9", "-rps", "2.5", "-seed", "s.json", "-ready-file", "r"}, io.Discard)
	if err != nil || o.listen != "127.0.0.1:9" || o.rps != 2.5 || o.seedFile != "s.json" || o.readyFile != "r" ||
		len(o.actionRPS) != 0 || o.gateway != liveemu.TokenBucket || o.retryAfter {
		t.Errorf("parseFlags = %+v, %v", o, err)
	}
	o, err = parseFlags([]string{"-update-rps", "1", "-delete-rps", "0.5", "-describe-rps", "0", "-gateway", "window", "-retry-after"}, io.Discard)
	if want := map[string]float64{"UpdateCallback": 1, "DeleteCallback": 0.5}; err != nil || !maps.Equal(o.actionRPS, want) ||
		o.gateway != liveemu.FixedWindow || !o.retryAfter {
		t.Errorf("parseFlags of the rate limits = %+v, %v", o, err)
	}

	for _, args := range [][]string{
		{"-reading", "strict"},
		{"-domain-model", "split"},
		{"-describe-by-domain", "all"},
		{"-callback-type-spelling", "HTTPS"},
		{"-visibility-delay", "-1s"},
		{"-mask-keys=maybe"},
		{"-update-rps", "-1"},
		{"-gateway", "leaky"},
		{"extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// The README shows the exports to copy; they must be what the command prints.
func TestRunPrintsTheREADMEExports(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Running the emulator by hand\n")
	if !ok {
		t.Fatal("README.md has no section \"Running the emulator by hand\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var documented []string
	for i, block := range strings.Split(section, "```") {
		if i%2 == 1 && strings.Contains(block, "export VOLCENGINE_LIVE_ENDPOINT=") {
			documented = exportLines(block)
			break
		}
	}
	if len(documented) == 0 {
		t.Fatal("the README section has no code block with the emulator's exports")
	}
	endpoint, out := startRun(t)
	printed := exportLines(out.String())
	for i := range documented {
		if strings.HasPrefix(documented[i], "export VOLCENGINE_LIVE_ENDPOINT=") {
			documented[i] = "export VOLCENGINE_LIVE_ENDPOINT=" + endpoint
		}
	}
	if !slices.Equal(documented, printed) {
		t.Errorf("README shows\n%s\nthe command prints\n%s", strings.Join(documented, "\n"), strings.Join(printed, "\n"))
	}
}

func exportLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "export VOLCENGINE_") {
			out = append(out, line)
		}
	}
	return out
}

func TestRunWithReadingsAndSeedDomainAndExtra(t *testing.T) {
	seedPath := filepath.Join(t.TempDir(), "seed.json")
	seedJSON := `{"Callbacks": [
	  {"Domain": "push.example.com", "MessageType": "record",
	   "CallbackDetailList": [{"URL": "https://hooks.example.com/rec", "CallbackType": "http"}],
	   "AuthEnable": true, "AuthKeyPrimary": "5552abcdefe4e2",
	   "Extra": {"RetryTimes": 3, "AuthKeySecond": "backup-key-0001"}},
	  {"Vhost": "push.live.example.com", "App": "app1", "MessageType": "record",
	   "CallbackDetailList": [{"URL": "https://hooks.example.com/app1", "CallbackType": "HTTP"}]}
	]}`
	if err := os.WriteFile(seedPath, []byte(seedJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	endpoint, out := startRun(t, "-seed", seedPath, "-reading", "separate-own", "-mask-keys", "-callback-type-spelling", "as-sent")
	want := liveemu.Readings{DomainModel: liveemu.DomainSeparate, MaskKeys: true, CallbackTypeSpelling: liveemu.SpellingAsSent}
	if !strings.Contains(out.String(), "readings:   "+want.String()+"\n") {
		t.Errorf("output does not show the readings %s:\n%s", want, out)
	}

	status, answer := describeBody(t, endpoint, liveemu.DemoAccessKey, liveemu.DemoSecretKey, `{"Domain":"`+liveemu.DemoDomain+`"}`)
	list, _ := answer["Result"].(map[string]any)["CallbackList"].([]any)
	if status != 200 || len(list) != 1 {
		t.Fatalf("DescribeCallback by Domain: HTTP %d %v", status, answer)
	}
	item := list[0].(map[string]any)
	details := item["CallbackDetailList"].([]any)
	for k, v := range map[string]any{
		"Domain": liveemu.DemoDomain, "NotUseVhost": true, "Vhost": liveemu.DemoVhost,
		"AuthKeyPrimary": "5552*****e4e2", "AuthKeySecond": "back*****0001", "RetryTimes": 3.0,
	} {
		if item[k] != v {
			t.Errorf("item %s = %v, want %v: %v", k, item[k], v, item)
		}
	}
	if ct := details[0].(map[string]any)["CallbackType"]; ct != "http" {
		t.Errorf("CallbackType = %v, want it as seeded", ct)
	}

	status, answer = describe(t, endpoint, liveemu.DemoAccessKey, liveemu.DemoSecretKey, liveemu.DemoVhost)
	if list, _ := answer["Result"].(map[string]any)["CallbackList"].([]any); status != 200 || len(list) != 2 {
		t.Errorf("DescribeCallback by Vhost: HTTP %d %v", status, answer)
	}
}

// The request log is served as JSON lines, the API's requests in order.
func TestRunServesTheRequestLog(t *testing.T) {
	endpoint, out := startRun(t)
	if !strings.Contains(out.String(), "requests:   "+endpoint+requestLogPath) {
		t.Errorf("the banner does not show the request log's address:\n%s", out)
	}
	describe(t, endpoint, liveemu.DemoAccessKey, liveemu.DemoSecretKey, liveemu.DemoVhost)
	describe(t, endpoint, liveemu.DemoAccessKey, liveemu.DemoSecretKey, "missing.live.example.com")
	resp, err := http.Get(endpoint + requestLogPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", requestLogPath, resp.StatusCode)
	}
	var got []loggedRequest
	dec := json.NewDecoder(resp.Body)
	for dec.More() {
		var r loggedRequest
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests logged, want 2: %+v", len(got), got)
	}
	if got[0].Action != "DescribeCallback" || string(got[0].Body) != `{"Vhost":"`+liveemu.DemoVhost+`"}` ||
		got[0].HTTPStatus != 200 || got[0].AccessKey != liveemu.DemoAccessKey || got[0].RequestID == "" {
		t.Errorf("first request logged as %+v", got[0])
	}
	if got[1].HTTPStatus != 404 || got[1].Code != "ResourceNotFound.VhostNotExist" {
		t.Errorf("second request logged as %+v, want the 404 answer", got[1])
	}
}

// The banner says which limits the emulator plays and how it counts them.
func TestBannerShowsTheLimits(t *testing.T) {
	t.Parallel()
	o, err := parseFlags([]string{"-update-rps", "1", "-gateway", "window"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printBanner(&out, "http://127.0.0.1:1", o, shownAccount{Account: liveemu.Account{AccessKey: "AK", SecretKey: "SK"}})
	if want := "10 requests/s per account, UpdateCallback 1/s, counted by window"; !strings.Contains(out.String(), want) {
		t.Errorf("banner lacks %q:\n%s", want, &out)
	}
}
