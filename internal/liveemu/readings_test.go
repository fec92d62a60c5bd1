package liveemu_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

const (
	secondDomain = "second.example.com" // a second push domain of the demo vhost
	secondVhost  = "second.live.example.com"
)

func reading(t *testing.T, name string) liveemu.Readings {
	t.Helper()
	r, err := liveemu.ReadingByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// seedDomains stores, under the demo vhost, the configurations of
// seedStandard (app-less push and push_end, app1 push and record, app2 push,
// and one push under another vhost), then sends UpdateCallback by Domain for
// push and snapshot of the demo domain and record of a second domain.
func seedDomains(t *testing.T, emu *liveemu.Server, ts *httptest.Server) {
	t.Helper()
	seedStandard(t, emu)
	emu.AddVhost(liveemu.DemoAccountID, liveemu.DemoVhost, secondDomain)
	inst := demoClient(t, ts)
	for _, d := range [][2]string{{liveemu.DemoDomain, "push"}, {liveemu.DemoDomain, "snapshot"}, {secondDomain, "record"}} {
		mustOK(t, inst, "UpdateCallback", with(pushBody("https://by-domain.example.com/"+d[1]), "Vhost", nil, "Domain", d[0], "MessageType", d[1]))
	}
}

// recordKey names a configuration in test expectations: "app/type" for a
// vhost's own (app empty when it has none), "domain:type" for a domain's
// own record.
func recordKey(domain, app, messageType string) string {
	if domain != "" {
		return domain + ":" + messageType
	}
	return app + "/" + messageType
}

func itemKeys(items []describedItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, recordKey(it.Domain, it.App, it.MessageType))
	}
	return out
}

func storedKeys(cbs []liveemu.Callback) []string {
	var out []string
	for _, c := range cbs {
		out = append(out, recordKey(c.Domain, c.App, c.MessageType))
	}
	return out
}

// Under merged, the domain updates landed on the vhost's app-less
// configurations (push replaced, snapshot and record added).
var (
	mergedVhost   = []string{"/push", "/push_end", "/snapshot", "/record", "app1/push", "app1/record", "app2/push"}
	separateVhost = []string{"/push", "/push_end", "app1/push", "app1/record", "app2/push",
		"push.example.com:push", "push.example.com:snapshot", "second.example.com:record"}
)

func TestReadingsDescribe(t *testing.T) {
	cases := []struct {
		reading string
		filter  body
		want    []string
	}{
		{"merged", body{"Vhost": liveemu.DemoVhost}, mergedVhost},
		{"merged", body{"Domain": liveemu.DemoDomain}, []string{"/push", "/push_end", "/snapshot", "/record"}},
		{"merged", body{"Domain": secondDomain, "MessageType": "record"}, []string{"/record"}},
		{"merged-wide", body{"Domain": liveemu.DemoDomain}, mergedVhost},
		{"merged-wide", body{"Domain": liveemu.DemoDomain, "MessageType": "push"}, []string{"/push", "app1/push", "app2/push"}},
		{"separate", body{"Vhost": liveemu.DemoVhost}, separateVhost},
		{"separate", body{"Vhost": liveemu.DemoVhost, "App": "app1"}, []string{"app1/push", "app1/record"}},
		{"separate", body{"Vhost": liveemu.DemoVhost, "MessageType": "push"}, []string{"/push", "app1/push", "app2/push", "push.example.com:push"}},
		{"separate", body{"Domain": liveemu.DemoDomain}, separateVhost},
		{"separate", body{"Domain": secondDomain, "MessageType": "record"}, []string{"app1/record", "second.example.com:record"}},
		{"separate-own", body{"Vhost": liveemu.DemoVhost}, separateVhost},
		{"separate-own", body{"Domain": liveemu.DemoDomain}, []string{"push.example.com:push", "push.example.com:snapshot"}},
		{"separate-own", body{"Domain": liveemu.DemoDomain, "MessageType": "snapshot"}, []string{"push.example.com:snapshot"}},
		{"separate-own", body{"Domain": secondDomain}, []string{"second.example.com:record"}},
		{"separate-own", body{"Domain": secondDomain, "MessageType": "push"}, nil},
		{"all-hard", body{"Domain": liveemu.DemoDomain}, []string{"push.example.com:push", "push.example.com:snapshot"}},
	}
	for _, tc := range cases {
		t.Run(tc.reading+"/"+mustJSON(t, tc.filter), func(t *testing.T) {
			emu, ts := start(t, liveemu.Config{Readings: reading(t, tc.reading)})
			seedDomains(t, emu, ts)
			a := mustOK(t, demoClient(t, ts), "DescribeCallback", tc.filter)
			if got := itemKeys(a.items(t)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// In the separate model every item carries Domain and NotUseVhost, and a
// domain's record names its owning vhost; in the merged model no item
// carries either key.
func TestReadingsDomainKeysOnItems(t *testing.T) {
	for _, name := range []string{"merged", "merged-wide", "separate", "separate-own"} {
		t.Run(name, func(t *testing.T) {
			r := reading(t, name)
			emu, ts := start(t, liveemu.Config{Readings: r})
			seedDomains(t, emu, ts)
			a := mustOK(t, demoClient(t, ts), "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
			var raw struct{ CallbackList []map[string]json.RawMessage }
			if err := json.Unmarshal(a.Result, &raw); err != nil {
				t.Fatal(err)
			}
			separate := r.DomainModel == liveemu.DomainSeparate
			for i, it := range a.items(t) {
				_, hasDomain := raw.CallbackList[i]["Domain"]
				_, hasNotUseVhost := raw.CallbackList[i]["NotUseVhost"]
				if hasDomain != separate || hasNotUseVhost != separate {
					t.Errorf("item %s: Domain key %t, NotUseVhost key %t; want both %t", raw.CallbackList[i]["MessageType"], hasDomain, hasNotUseVhost, separate)
				}
				if it.Vhost != liveemu.DemoVhost || it.NotUseVhost != (it.Domain != "") || (it.Domain != "" && it.App != "") {
					t.Errorf("item %+v", it)
				}
			}
		})
	}
}

func TestReadingsDelete(t *testing.T) {
	all := func(keys []string, drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return slices.Contains(drop, k) })
	}
	cases := []struct {
		reading string
		delete  body
		left    []string
	}{
		// By Vhost without App: every app's configuration of the type, and in
		// the separate model the domains' records only when the reading says so.
		{"merged", body{"Vhost": liveemu.DemoVhost, "MessageType": "push"}, all(mergedVhost, "/push", "app1/push", "app2/push")},
		{"separate", body{"Vhost": liveemu.DemoVhost, "MessageType": "push"},
			all(separateVhost, "/push", "app1/push", "app2/push", "push.example.com:push")},
		{"separate-own", body{"Vhost": liveemu.DemoVhost, "MessageType": "push"}, all(separateVhost, "/push", "app1/push", "app2/push")},
		{"separate", body{"Vhost": liveemu.DemoVhost}, nil},
		{"separate-own", body{"Vhost": liveemu.DemoVhost}, []string{"push.example.com:push", "push.example.com:snapshot", "second.example.com:record"}},
		// By Vhost with App: that app only, whatever the reading.
		{"merged", body{"Vhost": liveemu.DemoVhost, "App": "app1"}, all(mergedVhost, "app1/push", "app1/record")},
		{"separate", body{"Vhost": liveemu.DemoVhost, "App": "app1"}, all(separateVhost, "app1/push", "app1/record")},
		{"all-hard", body{"Vhost": liveemu.DemoVhost, "App": "app1", "MessageType": "record"}, all(separateVhost, "app1/record")},
		// By Domain: its own records, and the vhost's apps when the reading
		// says so.
		{"merged", body{"Domain": liveemu.DemoDomain, "MessageType": "push"}, all(mergedVhost, "/push")},
		{"merged", body{"Domain": liveemu.DemoDomain}, []string{"app1/push", "app1/record", "app2/push"}},
		{"merged-wide", body{"Domain": liveemu.DemoDomain, "MessageType": "push"}, all(mergedVhost, "/push", "app1/push", "app2/push")},
		{"merged-wide", body{"Domain": liveemu.DemoDomain}, nil},
		{"separate", body{"Domain": liveemu.DemoDomain, "MessageType": "push"}, all(separateVhost, "push.example.com:push")},
		{"separate-own", body{"Domain": liveemu.DemoDomain}, all(separateVhost, "push.example.com:push", "push.example.com:snapshot")},
		{"separate-own-wide", body{"Domain": liveemu.DemoDomain, "MessageType": "push"},
			all(separateVhost, "push.example.com:push", "app1/push", "app2/push")},
		{"separate-own-wide", body{"Domain": liveemu.DemoDomain}, []string{"/push", "/push_end", "second.example.com:record"}},
		{"all-hard", body{"Domain": secondDomain, "MessageType": "record"}, all(separateVhost, "second.example.com:record", "app1/record")},
	}
	for _, tc := range cases {
		t.Run(tc.reading+"/"+mustJSON(t, tc.delete), func(t *testing.T) {
			emu, ts := start(t, liveemu.Config{Readings: reading(t, tc.reading)})
			seedDomains(t, emu, ts)
			mustOK(t, demoClient(t, ts), "DeleteCallback", tc.delete)
			if got := storedKeys(emu.List(liveemu.DemoVhost)); !reflect.DeepEqual(got, tc.left) {
				t.Errorf("left %v, want %v", got, tc.left)
			}
			if got := storedKeys(emu.List(secondVhost)); !reflect.DeepEqual(got, []string{"/push"}) {
				t.Errorf("another vhost's configurations became %v", got)
			}
		})
	}
}

func TestReadingsDirectAccessToDomains(t *testing.T) {
	for _, name := range []string{"merged", "separate"} {
		t.Run(name, func(t *testing.T) {
			emu, ts := start(t, liveemu.Config{Readings: reading(t, name)})
			seedDomains(t, emu, ts)
			separate := name == "separate"

			c, ok := emu.GetDomain(liveemu.DemoDomain, "snapshot")
			wantDomain := ""
			if separate {
				wantDomain = liveemu.DemoDomain
			}
			if !ok || c.Vhost != liveemu.DemoVhost || c.Domain != wantDomain || c.App != "" ||
				c.CallbackDetailList[0].URL != "https://by-domain.example.com/snapshot" {
				t.Fatalf("GetDomain = %+v, %v", c, ok)
			}
			if _, ok := emu.Get(liveemu.DemoVhost, "", "snapshot"); ok == separate {
				t.Errorf("Get of the vhost's app-less snapshot found %v; the domain's record is the vhost's only when merged", ok)
			}
			if _, ok := emu.GetDomain("missing.example.com", "snapshot"); ok {
				t.Error("GetDomain found a configuration of an unknown domain")
			}

			// What GetDomain returns can be changed and put back.
			c.CallbackDetailList[0].URL = "https://changed.example.com/"
			c.CreateTime = ""
			if err := emu.Put(c); err != nil {
				t.Fatalf("Put of GetDomain's value: %v", err)
			}
			if got, _ := emu.GetDomain(liveemu.DemoDomain, "snapshot"); got.CallbackDetailList[0].URL != "https://changed.example.com/" {
				t.Errorf("after Put: %+v", got)
			}
			if separate {
				c.Vhost = secondVhost
				var e *liveemu.Error
				if err := emu.Put(c); !errors.As(err, &e) || e.Code != "InvalidParam" || !strings.Contains(e.Message, secondVhost) {
					t.Errorf("Put of a Domain with a vhost that does not own it: %v", err)
				}
			}

			if !emu.RemoveDomain(liveemu.DemoDomain, "snapshot") || emu.RemoveDomain(liveemu.DemoDomain, "snapshot") {
				t.Error("RemoveDomain should report true once, then false")
			}
			if _, ok := emu.GetDomain(liveemu.DemoDomain, "snapshot"); ok {
				t.Error("RemoveDomain left the configuration")
			}
			if _, ok := emu.GetDomain(secondDomain, "record"); !ok {
				t.Error("RemoveDomain removed another domain's configuration")
			}

			// A domain's records go with its vhost.
			emu.RemoveVhost(liveemu.DemoVhost)
			if got := emu.All(); len(got) != 1 || got[0].Vhost != secondVhost {
				t.Errorf("after RemoveVhost: %v", storedKeys(got))
			}
		})
	}
}

func TestReadingsCallbackTypeSpelling(t *testing.T) {
	sent := []string{"HTTP", "http", "Http"}
	for _, tc := range []struct {
		reading string
		want    []string
	}{
		{"merged", []string{"HTTP", "HTTP", "HTTP"}},
		{"lower", []string{"http", "http", "http"}},
		{"as-sent", []string{"HTTP", "http", "Http"}},
		{"all-hard", []string{"http", "http", "http"}},
	} {
		t.Run(tc.reading, func(t *testing.T) {
			emu, ts := start(t, liveemu.Config{Readings: reading(t, tc.reading)})
			inst := demoClient(t, ts)
			var details []map[string]string
			for i, s := range sent {
				details = append(details, map[string]string{"URL": "https://h.example.com/" + string(rune('a'+i)), "CallbackType": s})
			}
			mustOK(t, inst, "UpdateCallback", with(pushBody(), "CallbackDetailList", details))
			wantError(t, call(t, inst, "UpdateCallback", with(pushBody(), "CallbackDetailList",
				[]map[string]string{{"URL": "https://h.example.com/", "CallbackType": "HTTPS"}})), http.StatusBadRequest, "InvalidParam.OutOfRange", 0)

			items := mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}).items(t)
			stored, _ := emu.Get(liveemu.DemoVhost, "", "push")
			for i, want := range tc.want {
				if got := items[0].CallbackDetailList[i].CallbackType; got != want {
					t.Errorf("sent %q, answered %q, want %q", sent[i], got, want)
				}
				if got := stored.CallbackDetailList[i].CallbackType; got != want {
					t.Errorf("sent %q, stored %q, want %q", sent[i], got, want)
				}
			}

			if err := emu.Put(liveemu.Callback{Vhost: liveemu.DemoVhost, MessageType: "record",
				CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://h.example.com/", CallbackType: "http"}}}); err != nil {
				t.Fatal(err)
			}
			if got, _ := emu.Get(liveemu.DemoVhost, "", "record"); got.CallbackDetailList[0].CallbackType != tc.want[1] {
				t.Errorf("Put with %q stored %q, want %q", "http", got.CallbackDetailList[0].CallbackType, tc.want[1])
			}
		})
	}
}

func TestReadingsMaskKeys(t *testing.T) {
	for _, tc := range []struct{ key, masked, second, secondMasked string }{
		{"5552abcdefe4e2", "5552*****e4e2", "second-key-0123", "seco*****0123"},
		{"123456789", "1234*****6789", "k2", "*****"},
		{"12345678", "*****", "abcdefghi", "abcd*****fghi"},
		{"k", "*****", "12345678", "*****"},
		{"密钥密钥密钥密钥密钥", "密钥密钥*****密钥密钥", "", ""},
	} {
		t.Run(tc.key, func(t *testing.T) {
			for _, name := range []string{"merged", "masked"} {
				emu, ts := start(t, liveemu.Config{Readings: reading(t, name)})
				err := emu.Put(liveemu.Callback{Vhost: liveemu.DemoVhost, MessageType: "push", AuthEnable: true, AuthKeyPrimary: tc.key,
					CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://h.example.com/", CallbackType: "HTTP"}},
					Extra:              map[string]json.RawMessage{"AuthKeySecond": json.RawMessage(mustJSON(t, tc.second))}})
				if err != nil {
					t.Fatal(err)
				}
				a := mustOK(t, demoClient(t, ts), "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
				var r struct {
					CallbackList []struct{ AuthKeyPrimary, AuthKeySecond string }
				}
				if err := json.Unmarshal(a.Result, &r); err != nil {
					t.Fatal(err)
				}
				wantPrimary, wantSecond := tc.key, tc.second
				if name == "masked" {
					wantPrimary, wantSecond = tc.masked, tc.secondMasked
				}
				if got := r.CallbackList[0]; got.AuthKeyPrimary != wantPrimary || got.AuthKeySecond != wantSecond {
					t.Errorf("%s: answered %q and %q, want %q and %q", name, got.AuthKeyPrimary, got.AuthKeySecond, wantPrimary, wantSecond)
				}
				if c, _ := emu.Get(liveemu.DemoVhost, "", "push"); c.AuthKeyPrimary != tc.key || string(c.Extra["AuthKeySecond"]) != mustJSON(t, tc.second) {
					t.Errorf("%s: stored keys changed: %q, %s", name, c.AuthKeyPrimary, c.Extra["AuthKeySecond"])
				}
			}
		})
	}

	t.Run("AuthKeySecond that is not a string", func(t *testing.T) {
		emu, ts := start(t, liveemu.Config{Readings: reading(t, "masked")})
		err := emu.Put(liveemu.Callback{Vhost: liveemu.DemoVhost, MessageType: "push",
			CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://h.example.com/", CallbackType: "HTTP"}},
			Extra:              map[string]json.RawMessage{"AuthKeySecond": json.RawMessage(`12345678901`)}})
		if err != nil {
			t.Fatal(err)
		}
		a := mustOK(t, demoClient(t, ts), "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
		if !strings.Contains(string(a.Result), `"AuthKeySecond":12345678901`) || !strings.Contains(string(a.Result), `"AuthKeyPrimary":""`) {
			t.Errorf("Result = %s", a.Result)
		}
	})
}

func TestReadingsExtraFields(t *testing.T) {
	first := with(pushBody(), "AuthKeySecond", "second-key", "RetryTimes", 3, "CallbackField", []string{"a", "b"},
		"TaskStatusCallback", map[string]any{"On": true}, "NotAField", "dropped", "authkeysecond", "wrong case")
	second := with(pushBody(), "AuthKeySecond", "other-key", "HttpMethod", "POST")
	extraOf := func(t *testing.T, a apiAnswer) map[string]string {
		t.Helper()
		var r struct{ CallbackList []map[string]json.RawMessage }
		if err := json.Unmarshal(a.Result, &r); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for k, v := range r.CallbackList[0] {
			switch k {
			case "Vhost", "App", "MessageType", "CallbackDetailList", "AuthEnable", "AuthKeyPrimary", "TranscodeCallback", "CreateTime", "CreateTimeUTC":
			default:
				out[k] = string(v)
			}
		}
		return out
	}
	storedExtra := func(emu *liveemu.Server) map[string]string {
		c, _ := emu.Get(liveemu.DemoVhost, "", "push")
		out := map[string]string{}
		for k, v := range c.Extra {
			out[k] = string(v)
		}
		return out
	}
	for _, tc := range []struct {
		reading       string
		first, second map[string]string
	}{
		{"merged", map[string]string{}, map[string]string{}},
		{"extra",
			map[string]string{"AuthKeySecond": `"second-key"`, "RetryTimes": `3`, "CallbackField": `["a","b"]`, "TaskStatusCallback": `{"On":true}`},
			map[string]string{"AuthKeySecond": `"other-key"`, "HttpMethod": `"POST"`}},
	} {
		t.Run(tc.reading, func(t *testing.T) {
			emu, ts := start(t, liveemu.Config{Readings: reading(t, tc.reading)})
			inst := demoClient(t, ts)
			mustOK(t, inst, "UpdateCallback", first)
			if got := extraOf(t, mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})); !reflect.DeepEqual(got, tc.first) {
				t.Errorf("after the first update, extra fields answered %v, want %v", got, tc.first)
			}
			if got := storedExtra(emu); !reflect.DeepEqual(got, tc.first) {
				t.Errorf("after the first update, extra fields stored %v, want %v", got, tc.first)
			}
			// UpdateCallback replaces the whole configuration: what the second
			// body leaves out is gone.
			mustOK(t, inst, "UpdateCallback", second)
			if got := extraOf(t, mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})); !reflect.DeepEqual(got, tc.second) {
				t.Errorf("after the second update, extra fields answered %v, want %v", got, tc.second)
			}
		})
	}

	t.Run("Put keeps them in every reading; an update resets them", func(t *testing.T) {
		emu, ts := start(t, liveemu.Config{})
		inst := demoClient(t, ts)
		c := pushCallback(liveemu.DemoVhost)
		c.Extra = map[string]json.RawMessage{"RetryTimes": json.RawMessage(` 5 `), "EncryptField": json.RawMessage(`[ "URL" ]`)}
		if err := emu.Put(c); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"RetryTimes": `5`, "EncryptField": `["URL"]`}
		if got := extraOf(t, mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})); !reflect.DeepEqual(got, want) {
			t.Errorf("answered %v, want %v", got, want)
		}
		if got := storedExtra(emu); !reflect.DeepEqual(got, want) {
			t.Errorf("stored %v, want %v", got, want)
		}
		// Get hands out copies: changing one leaves the stored configuration.
		got, _ := emu.Get(liveemu.DemoVhost, "", "push")
		got.Extra["RetryTimes"] = json.RawMessage(`9`)
		got.CallbackDetailList[0].URL = "https://changed.example.com/"
		if again, _ := emu.Get(liveemu.DemoVhost, "", "push"); string(again.Extra["RetryTimes"]) != `5` || again.CallbackDetailList[0].URL == got.CallbackDetailList[0].URL {
			t.Errorf("changing Get's value changed the stored one: %+v", again)
		}
		mustOK(t, inst, "UpdateCallback", with(pushBody(), "RetryTimes", 7))
		if got := extraOf(t, mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})); len(got) != 0 {
			t.Errorf("an UpdateCallback without extra fields kept %v", got)
		}
	})

	t.Run("Put refuses what is not an extra field, or not JSON", func(t *testing.T) {
		emu, _ := start(t, liveemu.Config{})
		for _, extra := range []map[string]json.RawMessage{
			{"Vhost": json.RawMessage(`"x"`)},
			{"Unknown": json.RawMessage(`1`)},
			{"RetryTimes": json.RawMessage(`{`)},
		} {
			c := pushCallback(liveemu.DemoVhost)
			c.Extra = extra
			var e *liveemu.Error
			if err := emu.Put(c); !errors.As(err, &e) || e.Code != "InvalidParam" {
				t.Errorf("Put with Extra %s: %v", extra, err)
			}
		}
		if len(emu.All()) != 0 {
			t.Errorf("refused Puts stored %v", storedKeys(emu.All()))
		}
	})
}

func TestReadingsVisibilityDelay(t *testing.T) {
	clk := newClock()
	_, ts := start(t, liveemu.Config{Now: clk.Now, Readings: liveemu.Readings{VisibilityDelay: 3 * time.Second}})
	inst := demoClient(t, ts)
	mustOK(t, inst, "UpdateCallback", pushBody())
	if items := mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}).items(t); len(items) != 0 {
		t.Fatalf("visible before the delay: %+v", items)
	}
	clk.Advance(3 * time.Second)
	if items := mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}).items(t); len(items) != 1 {
		t.Fatalf("not visible after the delay: %+v", items)
	}
}

func TestReadingPresets(t *testing.T) {
	want := map[string]liveemu.Readings{
		"merged":      {},
		"merged-wide": {DescribeByDomain: liveemu.DescribeVhost, DeleteByDomainReachesApps: true},
		"separate": {DomainModel: liveemu.DomainSeparate, DescribeByDomain: liveemu.DescribeVhost,
			DeleteByVhostReachesDomains: true},
		"separate-own":      {DomainModel: liveemu.DomainSeparate, DescribeByDomain: liveemu.DescribeOwn},
		"separate-own-wide": {DomainModel: liveemu.DomainSeparate, DescribeByDomain: liveemu.DescribeOwn, DeleteByDomainReachesApps: true},
		"lower":             {CallbackTypeSpelling: liveemu.SpellingLower},
		"as-sent":           {CallbackTypeSpelling: liveemu.SpellingAsSent},
		"masked":            {MaskKeys: true},
		"extra":             {ExtraFields: true},
		"all-hard": {DomainModel: liveemu.DomainSeparate, DescribeByDomain: liveemu.DescribeOwn,
			DeleteByVhostReachesDomains: true, DeleteByDomainReachesApps: true,
			CallbackTypeSpelling: liveemu.SpellingLower, MaskKeys: true, ExtraFields: true},
	}
	names := liveemu.ReadingNames()
	if names[0] != "merged" || len(names) != len(want) {
		t.Errorf("ReadingNames = %v", names)
	}
	for _, name := range names {
		got, err := liveemu.ReadingByName(name)
		if err != nil || got != want[name] {
			t.Errorf("ReadingByName(%q) = %+v, %v; want %+v", name, got, err, want[name])
		}
	}
	if _, err := liveemu.ReadingByName("strict"); err == nil || !strings.Contains(err.Error(), "separate-own-wide") {
		t.Errorf("an unknown reading: %v, want an error listing the readings", err)
	}
}

func TestReadingsString(t *testing.T) {
	got := reading(t, "all-hard").String()
	want := "-domain-model=separate -describe-by-domain=own -delete-by-vhost-reaches-domains=true -delete-by-domain-reaches-apps=true " +
		"-callback-type-spelling=http -mask-keys=true -extra-fields=true -visibility-delay=0s"
	if got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := (liveemu.Readings{CallbackTypeSpelling: liveemu.SpellingAsSent, VisibilityDelay: time.Minute}).String(); !strings.Contains(got, "-domain-model=merged ") ||
		!strings.Contains(got, "-callback-type-spelling=as-sent ") || !strings.HasSuffix(got, "-visibility-delay=1m0s") {
		t.Errorf("String = %q", got)
	}
}

func TestReadingsText(t *testing.T) {
	for _, tc := range []struct {
		text string
		into interface {
			UnmarshalText([]byte) error
			MarshalText() ([]byte, error)
		}
	}{
		{"merged", new(liveemu.DomainModel)}, {"separate", new(liveemu.DomainModel)},
		{"own", new(liveemu.DescribeScope)}, {"vhost", new(liveemu.DescribeScope)},
		{"HTTP", new(liveemu.Spelling)}, {"http", new(liveemu.Spelling)}, {"as-sent", new(liveemu.Spelling)},
	} {
		if err := tc.into.UnmarshalText([]byte(tc.text)); err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if b, _ := tc.into.MarshalText(); string(b) != tc.text {
			t.Errorf("%q became %q", tc.text, b)
		}
	}
	for _, bad := range []string{"", "Separate", "HTTPS", "own "} {
		var m liveemu.DomainModel
		var d liveemu.DescribeScope
		var s liveemu.Spelling
		if m.UnmarshalText([]byte(bad)) == nil || d.UnmarshalText([]byte(bad)) == nil || s.UnmarshalText([]byte(bad)) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRequestLogBound(t *testing.T) {
	for _, tc := range []struct {
		max, sent, kept int
	}{
		{0, 7, 7},
		{3, 7, 3},
		{7, 7, 7},
	} {
		emu, ts := start(t, liveemu.Config{MaxRequestLog: tc.max})
		inst := demoClient(t, ts)
		for i := range tc.sent {
			mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost, "App": string(rune('a' + i))})
		}
		got := emu.Requests()
		if len(got) != tc.kept || emu.TotalCalls() != tc.sent {
			t.Fatalf("max %d: %d records, %d calls; want %d, %d", tc.max, len(got), emu.TotalCalls(), tc.kept, tc.sent)
		}
		for i, r := range got {
			want := mustJSON(t, body{"Vhost": liveemu.DemoVhost, "App": string(rune('a' + tc.sent - tc.kept + i))})
			if string(r.Body) != want || r.HTTPStatus != http.StatusOK {
				t.Errorf("max %d: record %d = %s %d, want the latest requests in order (%s)", tc.max, i, r.Body, r.HTTPStatus, want)
			}
		}
	}
}
