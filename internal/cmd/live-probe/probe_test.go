package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// hook sees each request as the emulator receives it; after says whether
// the emulator has already answered it.
type hook func(action string, body map[string]any, after bool)

// startEmulator serves an emulator playing r, without a rate limit, through
// an optional hook.
func startEmulator(t *testing.T, r liveemu.Readings, h hook) (*liveemu.Server, string) {
	t.Helper()
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: -1, Readings: r})
	handler := http.Handler(emu)
	if h != nil {
		handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			raw, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(raw))
			var body map[string]any
			_ = json.Unmarshal(raw, &body)
			action := req.URL.Query().Get("Action")
			h(action, body, false)
			emu.ServeHTTP(w, req)
			h(action, body, true)
		})
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

func testClient(t *testing.T, endpoint string) *liveapi.Client {
	t.Helper()
	api, err := liveapi.New(liveapi.Config{
		AccessKey: liveemu.DemoAccessKey, SecretKey: liveemu.DemoSecretKey, Endpoint: endpoint,
		RequestsPerSecond: 10000, MaxRetries: 2, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func testOptions(endpoint, domain string) options {
	return options{
		vhost: liveemu.DemoVhost, domain: domain, endpoint: endpoint,
		callbackURL: "https://callback.invalid/tfprobe", bound: 5 * time.Second, wide: true,
	}
}

// runProbe probes the emulator at endpoint and returns the result with its
// report.
func runProbe(t *testing.T, ctx context.Context, endpoint string, o options) (*result, string) {
	t.Helper()
	res, err := probe(ctx, testClient(t, endpoint), o, io.Discard)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	var report strings.Builder
	res.write(&report)
	return res, report.String()
}

func reading(t *testing.T, name string) liveemu.Readings {
	t.Helper()
	r, err := liveemu.ReadingByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// kind is how a foreign configuration is written: by an app of the vhost,
// by the vhost without App, or by the domain.
type kind int

const (
	kindApp kind = iota
	kindAppless
	kindDomain
)

// seedForeign puts configurations the probe did not make, with the fields it
// does not model and a key, as a console would leave them.
func seedForeign(t *testing.T, emu *liveemu.Server, kinds map[string]kind) {
	t.Helper()
	for mt, k := range kinds {
		cb := liveemu.Callback{
			Vhost: liveemu.DemoVhost, MessageType: mt,
			CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/" + mt, CallbackType: "HTTP"}},
			AuthEnable:         true, AuthKeyPrimary: "foreignKey0123456789",
			CreateTime: "2026-01-02T03:04:05Z",
			Extra:      map[string]json.RawMessage{"AuthKeySecond": json.RawMessage(`"backupKey0123456789"`), "RetryTimes": json.RawMessage(`2`)},
		}
		switch k {
		case kindApp:
			cb.App = "live"
		case kindDomain:
			cb.Vhost, cb.Domain = "", liveemu.DemoDomain
		}
		if err := emu.Put(cb); err != nil {
			t.Fatalf("seeding %s: %v", mt, err)
		}
	}
}

// checkRequests fails on any request that could reach a configuration the
// probe did not make: a delete without MessageType, and a write or delete
// without App on another message type than wide (none when wide is "").
func checkRequests(t *testing.T, emu *liveemu.Server, wide string) {
	t.Helper()
	for _, rec := range emu.Requests() {
		if rec.Action == liveapi.ActionDescribeCallback {
			continue
		}
		var body struct{ Vhost, Domain, App, MessageType string }
		if err := json.Unmarshal(rec.Body, &body); err != nil {
			t.Fatalf("%s body %s: %v", rec.Action, rec.Body, err)
		}
		switch {
		case body.MessageType == "":
			t.Errorf("%s without MessageType: %s", rec.Action, rec.Body)
		case body.App == "" && (wide == "" || body.MessageType != wide):
			t.Errorf("%s without App on %s (wide questions allowed on %q): %s", rec.Action, body.MessageType, wide, rec.Body)
		}
	}
}

func noneDetermined(t *testing.T, res *result, why string, qs ...question) {
	t.Helper()
	for _, q := range qs {
		if f := res.findings[q]; f.answer != "" || !strings.Contains(f.why, why) {
			t.Errorf("%s: answer %q, why %q; want not determined because %q", questionText[q], f.answer, f.why, why)
		}
	}
}

func TestProbe_namesEveryReading(t *testing.T) {
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			r := reading(t, name)
			emu, endpoint := startEmulator(t, r, nil)
			res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, liveemu.DemoDomain))

			if got := res.preset(); got != name {
				t.Errorf("preset %q, want %q; found %s, undetermined %v, outside %v\n%s", got, name, res.readings, res.unknownFlags(), res.outside, report)
			}
			if res.readings != r {
				t.Errorf("found %s\nwant  %s", res.readings, r)
			}
			for _, want := range []string{"preset:  " + name + "\n", "flags:   " + r.String() + "\n", "every scratch configuration is gone"} {
				if !strings.Contains(report, want) {
					t.Errorf("the report lacks %q:\n%s", want, report)
				}
			}
			if strings.Contains(report, "spare vhost") {
				t.Errorf("every question answered, yet the report suggests a spare vhost:\n%s", report)
			}
			if all := emu.All(); len(all) != 0 || len(res.leftovers) != 0 {
				t.Errorf("left behind: %+v (reported: %v)", all, res.leftovers)
			}
			checkRequests(t, emu, liveapi.MessageTypeAuditSnapshot)
		})
	}
}

func TestProbe_visibilityDelay(t *testing.T) {
	t.Parallel()
	const delay = 200 * time.Millisecond
	r := reading(t, "separate-own-wide")
	r.VisibilityDelay = delay
	emu, endpoint := startEmulator(t, r, nil)
	res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, liveemu.DemoDomain))

	found := res.readings
	if found.VisibilityDelay < delay-delayResolution || found.VisibilityDelay > delay+4*delayResolution {
		t.Errorf("visibility delay %s, want about %s\n%s", found.VisibilityDelay, delay, report)
	}
	found.VisibilityDelay = delay
	if found != r || len(res.unknownFlags()) > 0 {
		t.Errorf("found %s (undetermined %v)\nwant  %s", res.readings, res.unknownFlags(), r)
	}
	if res.preset() != "" || strings.Contains(report, "preset:  none") ||
		!strings.Contains(report, fmt.Sprintf("preset:  separate-own-wide with -visibility-delay=%s (no preset has a delay)\n", res.readings.VisibilityDelay)) ||
		!strings.Contains(report, "flags:   "+res.readings.String()+"\n") ||
		!strings.Contains(report, fmt.Sprintf("run:     go run ./internal/cmd/live-emulator -reading separate-own-wide -visibility-delay=%s\n", res.readings.VisibilityDelay)) {
		t.Errorf("a delay matches no preset; the report must name the preset it otherwise is, with the delay, in its preset line and its command:\n%s", report)
	}
	if all := emu.All(); len(all) != 0 {
		t.Errorf("left behind: %+v", all)
	}
}

func TestProbe_foreignOnEveryType(t *testing.T) {
	kinds := map[string]kind{}
	for i, mt := range liveapi.MessageTypes {
		kinds[mt] = kind(i % 3)
	}
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			emu, endpoint := startEmulator(t, reading(t, name), nil)
			seedForeign(t, emu, kinds)
			before := emu.All()
			res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, liveemu.DemoDomain))

			if after := emu.All(); !reflect.DeepEqual(after, before) {
				t.Errorf("the configurations changed:\nbefore %+v\nafter  %+v", before, after)
			}
			noneDetermined(t, res, "every message type has configurations the probe did not make", wideQuestions...)
			if !strings.Contains(report, "Run the probe again on a spare vhost") {
				t.Errorf("the report does not suggest a spare vhost for the questions left open:\n%s", report)
			}
			for _, q := range appQuestions {
				if res.findings[q].answer == "" {
					t.Errorf("%s: not determined (%s); an app of its own answers it", questionText[q], res.findings[q].why)
				}
			}
			if !slices.Contains(res.consistentPresets(), name) || res.preset() != "" {
				t.Errorf("consistent presets %v, preset %q; want %s among them and no single one\n%s", res.consistentPresets(), res.preset(), name, report)
			}
			if len(res.leftovers) != 0 {
				t.Errorf("leftovers reported: %v", res.leftovers)
			}
			checkRequests(t, emu, "")
		})
	}
}

func TestProbe_choosesFreeType(t *testing.T) {
	cases := []struct {
		free  string
		kinds map[string]kind
	}{
		{liveapi.MessageTypePush, map[string]kind{
			liveapi.MessageTypeAuditSnapshot: kindApp, liveapi.MessageTypeSnapshot: kindAppless,
			liveapi.MessageTypeRecord: kindDomain, liveapi.MessageTypePushEnd: kindApp,
		}},
		{liveapi.MessageTypeRecord, map[string]kind{
			liveapi.MessageTypeAuditSnapshot: kindDomain, liveapi.MessageTypeSnapshot: kindApp,
			liveapi.MessageTypePushEnd: kindAppless, liveapi.MessageTypePush: kindApp,
		}},
	}
	for _, name := range liveemu.ReadingNames() {
		for _, c := range cases {
			t.Run(name+"/"+c.free, func(t *testing.T) {
				r := reading(t, name)
				emu, endpoint := startEmulator(t, r, nil)
				seedForeign(t, emu, c.kinds)
				before := emu.All()
				res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, liveemu.DemoDomain))

				if after := emu.All(); !reflect.DeepEqual(after, before) {
					t.Errorf("the configurations changed:\nbefore %+v\nafter  %+v", before, after)
				}
				if !slices.Contains(res.typeNotes, "used for the wide questions: "+c.free) {
					t.Errorf("type notes %q; want %s used", res.typeNotes, c.free)
				}
				if res.preset() != name || res.readings != r {
					t.Errorf("preset %q, found %s; want %s\n%s", res.preset(), res.readings, name, report)
				}
				if len(res.leftovers) != 0 {
					t.Errorf("leftovers reported: %v", res.leftovers)
				}
				checkRequests(t, emu, c.free)
			})
		}
	}
}

// A configuration that appears on the wide questions' message type while
// they run stops them before anything without App reaches it, cleanup
// included: the probe's own domain record then stays, reported.
func TestProbe_foreignAppearsMidway(t *testing.T) {
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			var emu *liveemu.Server
			var once sync.Once
			appeared := false
			intruder := liveemu.Callback{
				Vhost: liveemu.DemoVhost, App: "intruder", MessageType: liveapi.MessageTypeAuditSnapshot,
				CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/intruder", CallbackType: "HTTP"}},
			}
			var afterIntruder []string
			emu, endpoint := startEmulator(t, reading(t, name), func(action string, body map[string]any, after bool) {
				if appeared && !after && action == liveapi.ActionDeleteCallback && body["App"] == nil {
					afterIntruder = append(afterIntruder, fmt.Sprint(body))
				}
				if after && action == liveapi.ActionUpdateCallback && body["Domain"] != nil {
					once.Do(func() {
						if err := emu.Put(intruder); err != nil {
							t.Error(err)
						}
						appeared = true
					})
				}
			})
			res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, liveemu.DemoDomain))

			if !appeared {
				t.Fatalf("the probe never wrote by Domain:\n%s", report)
			}
			if len(afterIntruder) > 0 {
				t.Errorf("deletes without App after the intruder appeared: %v", afterIntruder)
			}
			if _, ok := emu.Get(liveemu.DemoVhost, intruder.App, intruder.MessageType); !ok {
				t.Errorf("the intruder's configuration is gone")
			}
			noneDetermined(t, res, "now holds configurations the probe did not make", qDeleteByDomain, qDeleteByVhost)
			domainRecord := "record of audit_snapshot"
			if r := reading(t, name); r.DomainModel == liveemu.DomainMerged {
				domainRecord = "the app-less configuration of audit_snapshot"
			}
			if len(res.leftovers) != 1 || !strings.Contains(res.leftovers[0], domainRecord) || !strings.Contains(report, "LEFT BEHIND") {
				t.Errorf("leftovers %q; want the probe's domain record (%s) alone\n%s", res.leftovers, domainRecord, report)
			}
			for _, cb := range emu.All() {
				if strings.HasPrefix(cb.App, "tfprobe-") {
					t.Errorf("scratch app configuration left: %+v", cb)
				}
			}
		})
	}
}

// Whatever request an interrupt comes at, even one the emulator then
// applies with its answer lost, cleanup leaves only what was there before.
func TestProbe_interruptedAnywhere(t *testing.T) {
	for _, name := range []string{"merged", "separate", "separate-own-wide"} {
		t.Run(name, func(t *testing.T) {
			r := reading(t, name)
			// The number of requests an uninterrupted run sends.
			counted, endpoint := startEmulator(t, r, nil)
			runProbe(t, context.Background(), endpoint, testOptions(endpoint, liveemu.DemoDomain))
			total := counted.TotalCalls()

			for n := 1; n <= total; n++ {
				ctx, cancel := context.WithCancel(context.Background())
				calls := 0
				emu, endpoint := startEmulator(t, r, func(_ string, _ map[string]any, after bool) {
					if !after {
						if calls++; calls == n {
							cancel()
						}
					}
				})
				seedForeign(t, emu, map[string]kind{liveapi.MessageTypePush: kindApp, liveapi.MessageTypeRecord: kindDomain})
				before := emu.All()
				res, err := probe(ctx, testClient(t, endpoint), testOptions(endpoint, liveemu.DemoDomain), io.Discard)
				cancel()
				if after := emu.All(); !reflect.DeepEqual(after, before) {
					t.Errorf("interrupted at request %d of %d: the configurations changed:\nbefore %+v\nafter  %+v", n, total, before, after)
				}
				if err == nil && (!res.interrupted || len(res.leftovers) > 0) {
					t.Errorf("interrupted at request %d of %d: interrupted %t, leftovers %v", n, total, res.interrupted, res.leftovers)
				}
			}
		})
	}
}

func TestProbe_domainOfAnotherVhost(t *testing.T) {
	const otherVhost, otherDomain = "other.live.example.com", "other.example.com"
	t.Run("seen at the start", func(t *testing.T) {
		emu, endpoint := startEmulator(t, liveemu.Readings{}, nil)
		emu.AddVhost(liveemu.DemoAccountID, otherVhost, otherDomain)
		if err := emu.Put(liveemu.Callback{Domain: otherDomain, MessageType: liveapi.MessageTypePush,
			CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/other", CallbackType: "HTTP"}}}); err != nil {
			t.Fatal(err)
		}
		_, err := probe(context.Background(), testClient(t, endpoint), testOptions(endpoint, otherDomain), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "belongs to vhost "+otherVhost) {
			t.Errorf("error %v; want the domain's vhost named", err)
		}
		if n := emu.Calls(liveapi.ActionUpdateCallback) + emu.Calls(liveapi.ActionDeleteCallback); n != 0 {
			t.Errorf("%d writes or deletes sent", n)
		}
	})
	for _, name := range []string{"merged", "separate-own-wide"} {
		t.Run("seen after its write/"+name, func(t *testing.T) {
			emu, endpoint := startEmulator(t, reading(t, name), nil)
			emu.AddVhost(liveemu.DemoAccountID, otherVhost, otherDomain)
			res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, otherDomain))

			noneDetermined(t, res, "belongs to vhost "+otherVhost, wideQuestions...)
			if all := emu.All(); len(all) != 0 || len(res.leftovers) != 0 {
				t.Errorf("left behind: %+v (reported %v)\n%s", all, res.leftovers, report)
			}
		})
	}
}

func TestProbe_noDomain(t *testing.T) {
	emu, endpoint := startEmulator(t, reading(t, "separate"), nil)
	res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, ""))

	noneDetermined(t, res, "no -domain was given", qDomainModel, qDescribeByDomain, qDeleteByDomain)
	if !strings.Contains(report, "make probe VHOST=<spare vhost> DOMAIN=<its push domain>") {
		t.Errorf("the report does not say how to answer the domain questions:\n%s", report)
	}
	if f := res.findings[qDeleteByVhost]; !strings.HasPrefix(f.answer, "every app's configuration") {
		t.Errorf("delete by vhost: %q; the scratch app shows that it reaches apps", f.answer)
	}
	want := []string{flagDomainModel, flagDescribeByDomain, flagVhostReachesDoms, flagDomainReachesApp}
	if got := res.unknownFlags(); !slices.Equal(got, want) {
		t.Errorf("undetermined %v, want %v", got, want)
	}
	if got := res.consistentPresets(); !slices.Equal(got, []string{"merged", "merged-wide", "separate", "separate-own", "separate-own-wide"}) {
		t.Errorf("consistent presets %v\n%s", got, report)
	}
	if all := emu.All(); len(all) != 0 {
		t.Errorf("left behind: %+v", all)
	}
	checkRequests(t, emu, liveapi.MessageTypeAuditSnapshot)
}

func TestProbe_wideOff(t *testing.T) {
	emu, endpoint := startEmulator(t, reading(t, "all-hard"), nil)
	o := testOptions(endpoint, liveemu.DemoDomain)
	o.wide = false
	res, _ := runProbe(t, context.Background(), endpoint, o)

	noneDetermined(t, res, "-wide=false", wideQuestions...)
	checkRequests(t, emu, "")
	if all := emu.All(); len(all) != 0 {
		t.Errorf("left behind: %+v", all)
	}
}

// Should a delete without App reach further than the message type it names,
// the probe notices the loss of a configuration it did not make, stops the
// wide questions and sends no other delete without App.
func TestProbe_stopsWhenADeleteReachesTooFar(t *testing.T) {
	var emu *liveemu.Server
	wideDeletes := 0
	emu, endpoint := startEmulator(t, liveemu.Readings{}, func(action string, body map[string]any, after bool) {
		if after && action == liveapi.ActionDeleteCallback && body["App"] == nil {
			wideDeletes++
			emu.Remove(liveemu.DemoVhost, "live", liveapi.MessageTypePush)
		}
	})
	seedForeign(t, emu, map[string]kind{liveapi.MessageTypePush: kindApp})
	res, report := runProbe(t, context.Background(), endpoint, testOptions(endpoint, liveemu.DemoDomain))

	if wideDeletes != 1 {
		t.Errorf("%d deletes without App; want the first alone", wideDeletes)
	}
	noneDetermined(t, res, "vanished after DeleteCallback by domain", qDeleteByDomain, qDeleteByVhost)
	if !strings.Contains(report, "Warnings\n  - app live of push, which the probe did not make, is no longer listed by vhost") {
		t.Errorf("no warning about the lost configuration:\n%s", report)
	}
	for _, cb := range emu.All() {
		if strings.HasPrefix(cb.App, "tfprobe-") {
			t.Errorf("scratch app configuration left: %+v", cb)
		}
	}
}

// A write that becomes visible between the two reads of one poll, by Vhost
// and by Domain, must not be read as missing from the vhost's listing: the
// emulator's clock moves past the visibility delay right after every read
// by Vhost.
func TestProbe_writeShowsBetweenReads(t *testing.T) {
	t.Parallel()
	const delay = time.Second
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			// Each run mostly sleeps between polls.
			t.Parallel()
			r := reading(t, name)
			r.VisibilityDelay = delay
			var mu sync.Mutex
			now := time.Now()
			emu := liveemu.New(liveemu.Config{RequestsPerSecond: -1, Readings: r, Now: func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				return now
			}})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				raw, _ := io.ReadAll(req.Body)
				req.Body = io.NopCloser(bytes.NewReader(raw))
				emu.ServeHTTP(w, req)
				if req.URL.Query().Get("Action") == liveapi.ActionDescribeCallback && bytes.Contains(raw, []byte(`"Vhost"`)) {
					mu.Lock()
					now = now.Add(delay)
					mu.Unlock()
				}
			}))
			t.Cleanup(srv.Close)
			res, report := runProbe(t, context.Background(), srv.URL, testOptions(srv.URL, liveemu.DemoDomain))

			found := res.readings
			if found.VisibilityDelay <= 0 {
				t.Errorf("visibility delay %s; every write showed late", found.VisibilityDelay)
			}
			found.VisibilityDelay = delay
			if found != r || len(res.unknownFlags()) > 0 || len(res.outside) > 0 {
				t.Errorf("found %s (undetermined %v, outside %v)\nwant  %s\n%s", res.readings, res.unknownFlags(), res.outside, r, report)
			}
			if all := emu.All(); len(all) != 0 {
				t.Errorf("left behind: %+v", all)
			}
		})
	}
}

// Where DescribeCallback by Vhost leaves out the domains' records, other
// domains' records are out of sight: the probe reports it and sends no
// delete by Vhost without App, nor writes what only such a delete removes.
func TestProbe_vhostListingHidesDomains(t *testing.T) {
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: -1, Readings: reading(t, "separate-own")})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		raw, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(raw))
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, req)
		answer := rec.Body.Bytes()
		if req.URL.Query().Get("Action") == liveapi.ActionDescribeCallback && bytes.Contains(raw, []byte(`"Vhost"`)) {
			var env map[string]any
			if err := json.Unmarshal(answer, &env); err != nil {
				t.Error(err)
			}
			if result, ok := env["Result"].(map[string]any); ok {
				list, _ := result["CallbackList"].([]any)
				result["CallbackList"] = slices.DeleteFunc(list, func(item any) bool { return item.(map[string]any)["NotUseVhost"] == true })
			}
			answer, _ = json.Marshal(env)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	res, report := runProbe(t, context.Background(), srv.URL, testOptions(srv.URL, liveemu.DemoDomain))

	if !slices.Contains(res.outside, "DescribeCallback by Vhost does not list the vhost's domains' records") {
		t.Errorf("outside %q; want the hidden domain records named\n%s", res.outside, report)
	}
	noneDetermined(t, res, "does not list domains' records", qDeleteByVhost)
	if f := res.findings[qDeleteByDomain]; f.answer == "" {
		t.Errorf("delete by domain not determined: %s", f.why)
	}
	for _, rec := range emu.Requests() {
		var body struct{ Vhost, App string }
		_ = json.Unmarshal(rec.Body, &body)
		if rec.Action != liveapi.ActionDescribeCallback && body.Vhost != "" && body.App == "" {
			t.Errorf("%s by Vhost without App: %s", rec.Action, rec.Body)
		}
	}
	if all := emu.All(); len(all) != 0 || len(res.leftovers) != 0 {
		t.Errorf("left behind: %+v (reported %v)", all, res.leftovers)
	}
}

// The report sends its reader to the guide on the open questions, which
// must be in the repository.
func TestReportPointsToTheGuide(t *testing.T) {
	var b strings.Builder
	newResult().write(&b)
	const guide = "docs/guides/api-open-questions.md"
	if !strings.Contains(b.String(), guide) {
		t.Fatalf("the report does not name %s:\n%s", guide, b.String())
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", guide)); err != nil {
		t.Errorf("the report names %s: %v", guide, err)
	}
}
