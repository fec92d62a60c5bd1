package liveemu_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

const (
	otherAccountID = "2100000002"
	otherVhost     = "other.live.example.com"
)

// fuzzSeeds are bodies that reach every branch of request decoding:
// valid bodies of each action, broken JSON, wrong types, oversized and
// non-ASCII values.
func fuzzSeeds() []string {
	details := `"CallbackDetailList":[{"URL":"https://hooks.example.com/live/push","CallbackType":"HTTP"}]`
	return []string{
		// Valid bodies of UpdateCallback, DescribeCallback and DeleteCallback.
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","App":"app1","MessageType":"push_end","AuthEnable":true,"AuthKeyPrimary":"k","TranscodeCallback":1,` + details + `}`,
		`{"Domain":"` + liveemu.DemoDomain + `","MessageType":"record",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `"}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","App":"app1","MessageType":"push"}`,
		`{"Domain":"` + liveemu.DemoDomain + `"}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"snapshot"}`,
		`{"Vhost":"` + otherVhost + `","MessageType":"push",` + details + `}`,
		`{"Vhost":"missing.live.example.com"}`,
		`{"Domain":"missing.example.com"}`,
		// Broken JSON.
		``, `{`, `}`, `[`, `null`, `"x"`, `0`, `{"Vhost":"push.live`, `{"Vhost":}`, `{"Vhost":"v",}`,
		`{"Vhost":"` + liveemu.DemoVhost + `"}{"Vhost":"x"}`, `{"Vhost":"` + liveemu.DemoVhost + `"} trailing`,
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		// Wrong types and values.
		`{"Vhost":1}`, `{"Vhost":null,"Domain":null}`, `{"Vhost":["a"]}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","CallbackDetailList":"x"}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","CallbackDetailList":[null]}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","CallbackDetailList":[{"URL":5}]}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","CallbackDetailList":[{"URL":"ftp://h/x","CallbackType":"HTTP"}]}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","CallbackDetailList":[{"URL":"https://h/x","CallbackType":"http"}]}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","TranscodeCallback":"1",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","TranscodeCallback":1.5,` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","TranscodeCallback":2,` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","TranscodeCallback":1e400,` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","AuthEnable":"true",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","AuthEnable":true,` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","Domain":"` + liveemu.DemoDomain + `","MessageType":"push"}`,
		`{"Domain":"` + liveemu.DemoDomain + `","App":"a","MessageType":"push",` + details + `}`,
		`{"vhost":"` + liveemu.DemoVhost + `","messagetype":"push","callbackdetaillist":[{"url":"https://h/x","callbacktype":"HTTP"}]}`,
		`{"Vhost":"x","Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","MessageType":"record",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"PUSH",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","App":"a b","MessageType":"push",` + details + `}`,
		// Oversized values.
		`{"Vhost":"` + liveemu.DemoVhost + `","App":"` + strings.Repeat("a", 31) + `","MessageType":"push",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","CallbackDetailList":[{"URL":"https://h/` +
			strings.Repeat("x", 92) + `","CallbackType":"HTTP"}]}`,
		`{"Vhost":"` + strings.Repeat("v", 4096) + `"}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","AuthEnable":true,"AuthKeyPrimary":"` +
			strings.Repeat("k", 4096) + `",` + details + `}`,
		// Unicode and bytes that are not UTF-8.
		`{"Vhost":"直播.example.com"}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","App":"应用","MessageType":"push",` + details + `}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","CallbackDetailList":[{"URL":"https://例子.example.com/回调","CallbackType":"HTTP"}]}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","AuthEnable":true,"AuthKeyPrimary":"\ud83d\ude00\u0000",` + details + `}`,
		"{\"Vhost\":\"" + liveemu.DemoVhost + "\",\"MessageType\":\"push\",\"AuthEnable\":true,\"AuthKeyPrimary\":\"\xff\xfe\"," + details + "}",
		"\ufeff{\"Vhost\":\"" + liveemu.DemoVhost + "\"}",
		"{\"Vhost\":\"" + liveemu.DemoVhost + "\u0000\"}",
	}
}

// fuzzEmulator is a fresh emulator with configurations to describe and
// delete, and a vhost of another account.
func fuzzEmulator(t *testing.T) *liveemu.Server {
	t.Helper()
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: -1})
	emu.AddAccount(liveemu.Account{ID: otherAccountID, AccessKey: "AKOTHERACCOUNT", SecretKey: "other-secret"})
	emu.AddVhost(otherAccountID, otherVhost)
	for _, c := range []liveemu.Callback{
		pushCallback(liveemu.DemoVhost),
		{Vhost: liveemu.DemoVhost, App: "app1", MessageType: "push",
			CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/app1", CallbackType: "HTTP"}}},
		{Vhost: liveemu.DemoVhost, App: "app2", MessageType: "record",
			AuthEnable: true, AuthKeyPrimary: "key",
			CallbackDetailList: []liveemu.CallbackDetail{{URL: "http://hooks.example.com/app2", CallbackType: "HTTP"}}},
		pushCallback(otherVhost),
	} {
		if err := emu.Put(c); err != nil {
			t.Fatalf("seeding %s: %v", describeStored(c), err)
		}
	}
	return emu
}

// FuzzRequestDecoding sends each body, signed by the SDK, to UpdateCallback,
// DescribeCallback and DeleteCallback in turn, each run on a fresh emulator.
func FuzzRequestDecoding(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add([]byte(seed))
	}
	fs := newFuzzServer(f)
	f.Fuzz(fs.exercise)
}

// TestLargeBodies runs the fuzz checks on bodies too large to keep in the
// fuzz corpus, where every mutation and minimisation would copy them.
func TestLargeBodies(t *testing.T) {
	t.Parallel()
	fs := newFuzzServer(t)
	for _, payload := range []string{
		`{"Vhost":"` + liveemu.DemoVhost + `","MessageType":"push","AuthEnable":true,"AuthKeyPrimary":"` +
			strings.Repeat("k", 1<<16) + `","CallbackDetailList":[{"URL":"https://h/x","CallbackType":"HTTP"}]}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","Pad":"` + strings.Repeat("p", maxBodyBytes-64) + `"}`,
		`{"Vhost":"` + liveemu.DemoVhost + `","Pad":"` + strings.Repeat("p", maxBodyBytes) + `"}`,
	} {
		fs.exercise(t, []byte(payload))
	}
}

// fuzzServer is one listener for every input; each input gets its own
// emulator so that the answers depend on the input alone.
type fuzzServer struct {
	ts      *httptest.Server
	current atomic.Pointer[liveemu.Server]
}

func newFuzzServer(tb testing.TB) *fuzzServer {
	fs := &fuzzServer{}
	fs.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.current.Load().ServeHTTP(w, r)
	}))
	tb.Cleanup(fs.ts.Close)
	return fs
}

func (fs *fuzzServer) exercise(t *testing.T, payload []byte) {
	emu := fuzzEmulator(t)
	fs.current.Store(emu)
	inst := demoClient(t, fs.ts)

	update := call(t, inst, "UpdateCallback", string(payload))
	checkAnswer(t, "UpdateCallback", payload, update)
	checkStoredValid(t, emu)

	describe := call(t, inst, "DescribeCallback", string(payload))
	checkAnswer(t, "DescribeCallback", payload, describe)

	del := call(t, inst, "DeleteCallback", string(payload))
	checkAnswer(t, "DeleteCallback", payload, del)

	if update.Status == http.StatusOK {
		checkAcceptedUpdate(t, emu, payload, describe, del)
	}
}

// maxBodyBytes is the emulator's request size limit: a larger body is
// refused for its size before its signature is checked.
const maxBodyBytes = 1 << 20

// signatureCodes are the answers to a request whose signature or
// credentials do not verify, which an SDK-signed request must never get.
var signatureCodes = map[string]bool{
	"MissingRequestInfo": true, "InvalidAccessKey": true, "SignatureDoesNotMatch": true, "InvalidTimestamp": true,
}

// checkAnswer holds every answer to the envelope: a RequestId and the
// request's action always; HTTP 200 without Error, or a 4xx with a coded
// Error and no Result; never a 5xx, and never a signature refusal.
func checkAnswer(t *testing.T, action string, payload []byte, a apiAnswer) {
	t.Helper()
	md := a.ResponseMetadata
	if md.RequestID == "" || md.Action != action || md.Version != liveemu.APIVersion {
		t.Fatalf("%s of %s: envelope without RequestId, Action or Version: %s", action, short(payload), a.Raw)
	}
	if md.Error != nil && signatureCodes[md.Error.Code] {
		t.Fatalf("%s of %s: the SDK-signed request was refused for its signature: %s", action, short(payload), a.Raw)
	}
	switch {
	case a.Status == http.StatusOK:
		if md.Error != nil {
			t.Fatalf("%s of %s: HTTP 200 with an Error: %s", action, short(payload), a.Raw)
		}
		if action == "DescribeCallback" {
			a.items(t)
		}
	case a.Status >= 400 && a.Status < 500:
		if md.Error == nil || md.Error.Code == "" || md.Error.Message == "" {
			t.Fatalf("%s of %s: HTTP %d without an Error code and message: %s", action, short(payload), a.Status, a.Raw)
		}
		if a.Result != nil {
			t.Fatalf("%s of %s: HTTP %d with a Result: %s", action, short(payload), a.Status, a.Raw)
		}
	default:
		t.Fatalf("%s of %s: HTTP %d: %s", action, short(payload), a.Status, a.Raw)
	}
}

// short quotes a body for a message, cut to a readable length.
func short(payload []byte) string {
	const limit = 300
	if len(payload) <= limit {
		return fmt.Sprintf("%q", payload)
	}
	return fmt.Sprintf("%q... (%d bytes)", payload[:limit], len(payload))
}

var (
	storedAppPattern       = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,30}$`)
	documentedMessageTypes = []string{"push", "push_end", "snapshot", "record", "audit_snapshot"}
)

// checkStoredValid fails when the emulator stored a configuration that
// breaks a documented rule, whatever body got it there.
func checkStoredValid(t *testing.T, emu *liveemu.Server) {
	t.Helper()
	for _, c := range emu.All() {
		switch {
		case c.Vhost == "" || c.Domain != "":
			t.Fatalf("stored without its vhost: %s", describeStored(c))
		case c.App != "" && !storedAppPattern.MatchString(c.App):
			t.Fatalf("stored with an invalid app: %s", describeStored(c))
		case !slices.Contains(documentedMessageTypes, c.MessageType):
			t.Fatalf("stored with an unknown message type: %s", describeStored(c))
		case len(c.CallbackDetailList) == 0:
			t.Fatalf("stored without callback details: %s", describeStored(c))
		case c.AuthEnable && c.AuthKeyPrimary == "":
			t.Fatalf("stored with auth and no key: %s", describeStored(c))
		}
		for _, d := range c.CallbackDetailList {
			u, err := url.Parse(d.URL)
			if n := utf8.RuneCountInString(d.URL); n < 1 || n > 100 || err != nil ||
				(u.Scheme != "http" && u.Scheme != "https") || d.CallbackType != "HTTP" {
				t.Fatalf("stored with an invalid callback detail %+v: %s", d, describeStored(c))
			}
		}
	}
}

// describeStored spells out a configuration's fields.
func describeStored(c liveemu.Callback) string {
	return fmt.Sprintf("{Vhost:%q Domain:%q App:%q MessageType:%q CallbackDetailList:%+v AuthEnable:%t AuthKeyPrimary:%q TranscodeCallback:%t}",
		c.Vhost, c.Domain, c.App, c.MessageType, c.CallbackDetailList, c.AuthEnable, c.AuthKeyPrimary, c.TranscodeCallback)
}

// checkAcceptedUpdate follows an accepted UpdateCallback body through the
// other two actions: describing with the same body shows the configuration,
// and deleting with it removes it.
func checkAcceptedUpdate(t *testing.T, emu *liveemu.Server, payload []byte, describe, del apiAnswer) {
	t.Helper()
	var req struct{ Vhost, Domain, App, MessageType string }
	if err := json.Unmarshal(payload, &req); err != nil {
		t.Fatalf("UpdateCallback accepted %s, which does not decode: %v", short(payload), err)
	}
	if describe.Status != http.StatusOK || del.Status != http.StatusOK {
		t.Fatalf("UpdateCallback accepted %s, but DescribeCallback answered %s and DeleteCallback %s",
			short(payload), describe.Raw, del.Raw)
	}
	found := false
	for _, it := range describe.items(t) {
		found = found || (it.App == req.App && it.MessageType == req.MessageType)
	}
	if !found {
		t.Fatalf("UpdateCallback accepted %s, but DescribeCallback with it does not show it: %s", short(payload), describe.Raw)
	}
	c, ok := emu.Get(req.Vhost, req.App, req.MessageType)
	if req.Domain != "" {
		c, ok = emu.GetDomain(req.Domain, req.MessageType)
	}
	if ok {
		t.Fatalf("DeleteCallback with %s answered 200 but left %s", short(payload), describeStored(c))
	}
}
