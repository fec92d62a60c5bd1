package liveemu_test

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

func TestUpdateThenDescribe(t *testing.T) {
	clk := newClock()
	emu, ts := start(t, liveemu.Config{Now: clk.Now})
	inst := demoClient(t, ts)

	up := mustOK(t, inst, "UpdateCallback", with(pushBody("https://a.example.com/x", "http://b.example.com:8080/y"),
		"App", "live_app-1.0", "AuthEnable", true, "AuthKeyPrimary", "s3cret", "TranscodeCallback", 1,
		"CallbackDetailList", []map[string]string{
			{"URL": "https://a.example.com/x", "CallbackType": "http"},
			{"URL": "http://b.example.com:8080/y", "CallbackType": "HTTP"},
		}))
	if string(up.Result) != "{}" {
		t.Errorf("UpdateCallback Result = %s, want {}", up.Result)
	}
	md := up.ResponseMetadata
	if md.Action != "UpdateCallback" || md.Version != "2023-01-01" || md.Service != "live" || md.Region != "cn-north-1" || md.RequestID == "" {
		t.Errorf("ResponseMetadata = %+v", md)
	}

	got := mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}).items(t)
	if len(got) != 1 {
		t.Fatalf("DescribeCallback returned %d items, want 1", len(got))
	}
	item := got[0]
	created := clk.Now()
	if item.Vhost != liveemu.DemoVhost || item.App != "live_app-1.0" || item.MessageType != "push" ||
		!item.AuthEnable || item.AuthKeyPrimary != "s3cret" || item.TranscodeCallback != 1 {
		t.Errorf("item = %+v", item)
	}
	if len(item.CallbackDetailList) != 2 || item.CallbackDetailList[0].CallbackType != "HTTP" ||
		item.CallbackDetailList[1].URL != "http://b.example.com:8080/y" {
		t.Errorf("CallbackDetailList = %+v (callback types are stored as HTTP)", item.CallbackDetailList)
	}
	if want := created.UTC().Format(time.RFC3339); item.CreateTimeUTC != want {
		t.Errorf("CreateTimeUTC = %q, want %q", item.CreateTimeUTC, want)
	}
	if want := created.In(time.FixedZone("", 8*3600)).Format(time.RFC3339); item.CreateTime != want {
		t.Errorf("CreateTime = %q, want %q", item.CreateTime, want)
	}

	stored, ok := emu.Get(liveemu.DemoVhost, "live_app-1.0", "push")
	want := liveemu.Callback{
		Vhost: liveemu.DemoVhost, App: "live_app-1.0", MessageType: "push",
		CallbackDetailList: []liveemu.CallbackDetail{
			{URL: "https://a.example.com/x", CallbackType: "HTTP"},
			{URL: "http://b.example.com:8080/y", CallbackType: "HTTP"},
		},
		AuthEnable: true, AuthKeyPrimary: "s3cret", TranscodeCallback: true,
		CreateTime: created.UTC().Format(time.RFC3339),
	}
	if !ok || !reflect.DeepEqual(stored, want) {
		t.Errorf("Get = %+v, %v; want %+v", stored, ok, want)
	}
}

func TestUpdateValidation(t *testing.T) {
	_, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)
	long := "https://example.com/" + strings.Repeat("a", 81) // 101 characters
	cases := []struct {
		name string
		body any
		code string
		msg  string
	}{
		{"neither vhost nor domain", with(pushBody(), "Vhost", nil), "InvalidParam", "Vhost"},
		{"both vhost and domain", with(pushBody(), "Domain", liveemu.DemoDomain), "InvalidParam", "Vhost"},
		{"app with domain", with(pushBody(), "Vhost", nil, "Domain", liveemu.DemoDomain, "App", "a"), "InvalidParam", "App"},
		{"message type missing", with(pushBody(), "MessageType", nil), "InvalidParam", "MessageType"},
		{"message type unknown", with(pushBody(), "MessageType", "pull"), "InvalidParam.OutOfRange",
			"MessageType should be one of {[push push_end snapshot record audit_snapshot]}"},
		{"app too long", with(pushBody(), "App", strings.Repeat("a", 31)), "InvalidParam", "App"},
		{"app bad character", with(pushBody(), "App", "a/b"), "InvalidParam", "App"},
		{"no callback details", with(pushBody(), "CallbackDetailList", []any{}), "InvalidParam", "CallbackDetailList"},
		{"callback details missing", with(pushBody(), "CallbackDetailList", nil), "InvalidParam", "CallbackDetailList"},
		{"empty url", pushBody(""), "InvalidParam", "URL"},
		{"url too long", pushBody(long), "InvalidParam", "URL"},
		{"url not http", pushBody("ftp://example.com/x"), "InvalidParam", "URL"},
		{"url relative", pushBody("/live/push"), "InvalidParam", "URL"},
		{"url without host", pushBody("https:///x"), "InvalidParam", "URL"},
		{"callback type", with(pushBody(), "CallbackDetailList", []map[string]string{{"URL": "https://e.com", "CallbackType": "RPC"}}),
			"InvalidParam.OutOfRange", "CallbackType should be one of {[HTTP]}"},
		{"callback type missing", with(pushBody(), "CallbackDetailList", []map[string]string{{"URL": "https://e.com"}}),
			"InvalidParam", "CallbackDetailList[0].CallbackType is missing"},
		{"auth without key", with(pushBody(), "AuthEnable", true), "InvalidParam", "AuthKeyPrimary"},
		{"transcode out of range", with(pushBody(), "TranscodeCallback", 2), "InvalidParam.OutOfRange", "TranscodeCallback should be between 0 and 1"},
		{"not json", `{"Vhost":`, "InvalidParam.BindError", "Request parameter error, please check input data"},
		{"wrong type", with(pushBody(), "Vhost", 5), "InvalidParam.BindError", "Request parameter error"},
		{"transcode as string", with(pushBody(), "TranscodeCallback", "1"), "InvalidParam.BindError", "Request parameter error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, inst, "UpdateCallback", tc.body)
			wantError(t, a, http.StatusBadRequest, tc.code, 0)
			if !strings.Contains(a.ResponseMetadata.Error.Message, tc.msg) {
				t.Errorf("message %q does not mention %q", a.ResponseMetadata.Error.Message, tc.msg)
			}
		})
	}

	// What the rules allow.
	mustOK(t, inst, "UpdateCallback", with(pushBody("https://"+strings.Repeat("h", 88)+".com"), "App", strings.Repeat("A", 30)))
	mustOK(t, inst, "UpdateCallback", with(pushBody(), "App", "", "Unknown", "ignored", "AuthEnable", false, "AuthKeyPrimary", ""))
}

func TestDescribeAndDeleteValidation(t *testing.T) {
	_, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)
	for _, action := range []string{"DescribeCallback", "DeleteCallback"} {
		for name, tc := range map[string]struct {
			body body
			code string
		}{
			"no scope":          {body{}, "InvalidParam"},
			"both scopes":       {body{"Vhost": liveemu.DemoVhost, "Domain": liveemu.DemoDomain}, "InvalidParam"},
			"app with domain":   {body{"Domain": liveemu.DemoDomain, "App": "a"}, "InvalidParam"},
			"bad app":           {body{"Vhost": liveemu.DemoVhost, "App": "a b"}, "InvalidParam"},
			"bad message type":  {body{"Vhost": liveemu.DemoVhost, "MessageType": "PUSH"}, "InvalidParam.OutOfRange"},
			"wrong type of App": {body{"Vhost": liveemu.DemoVhost, "App": []int{1}}, "InvalidParam.BindError"},
		} {
			t.Run(action+"/"+name, func(t *testing.T) {
				wantError(t, call(t, inst, action, tc.body), http.StatusBadRequest, tc.code, 0)
			})
		}
	}
}

func TestOwnership(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	emu.AddAccount(liveemu.Account{ID: "2100000002", AccessKey: "AKOTHER", SecretKey: "other-secret"})
	emu.AddVhost("2100000002", "other.live.example.com", "other.example.com")
	inst := demoClient(t, ts)

	for _, action := range []string{"UpdateCallback", "DescribeCallback", "DeleteCallback"} {
		t.Run(action, func(t *testing.T) {
			a := call(t, inst, action, with(pushBody(), "Vhost", "missing.example.com"))
			wantError(t, a, http.StatusNotFound, "ResourceNotFound.VhostNotExist", 0)
			if a.ResponseMetadata.Error.Message != "vhost not found" {
				t.Errorf("message = %q", a.ResponseMetadata.Error.Message)
			}

			a = call(t, inst, action, with(pushBody(), "Vhost", "other.live.example.com"))
			wantError(t, a, http.StatusForbidden, "RequestForbidden.AccountIDNotAllow", 0)
			if !strings.HasPrefix(a.ResponseMetadata.Error.Message, "this AccountID does not have permission") {
				t.Errorf("message = %q", a.ResponseMetadata.Error.Message)
			}

			a = call(t, inst, action, with(pushBody(), "Vhost", nil, "Domain", "other.example.com"))
			wantError(t, a, http.StatusForbidden, "RequestForbidden.AccountIDNotAllow", 0)

			a = call(t, inst, action, with(pushBody(), "Vhost", nil, "Domain", "missing.example.com"))
			wantError(t, a, http.StatusNotFound, "ResourceNotFound", 0)
			if a.ResponseMetadata.Error.Message != "domain not found" {
				t.Errorf("message = %q", a.ResponseMetadata.Error.Message)
			}
		})
	}
	if len(emu.All()) != 0 {
		t.Errorf("refused updates stored %+v", emu.All())
	}

	emu.SetUnbilled(liveemu.DemoAccountID, true)
	for _, action := range []string{"UpdateCallback", "DescribeCallback", "DeleteCallback"} {
		a := call(t, inst, action, pushBody())
		wantError(t, a, http.StatusForbidden, "RequestForbidden.BillingStatus", 0)
		if !strings.HasPrefix(a.ResponseMetadata.Error.Message, "Billing status is not available") {
			t.Errorf("message = %q", a.ResponseMetadata.Error.Message)
		}
	}
	emu.SetUnbilled(liveemu.DemoAccountID, false)
	mustOK(t, inst, "UpdateCallback", pushBody())

	emu.RemoveVhost(liveemu.DemoVhost)
	wantError(t, call(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}), http.StatusNotFound, "ResourceNotFound.VhostNotExist", 0)
	wantError(t, call(t, inst, "DescribeCallback", body{"Domain": liveemu.DemoDomain}), http.StatusNotFound, "ResourceNotFound", 0)
	if len(emu.All()) != 0 {
		t.Errorf("RemoveVhost left %+v", emu.All())
	}
}

func TestUpdateIsFullReplacementKeepingCreateTime(t *testing.T) {
	clk := newClock()
	emu, ts := start(t, liveemu.Config{Now: clk.Now})
	inst := demoClient(t, ts)

	mustOK(t, inst, "UpdateCallback", with(pushBody("https://a.example.com", "https://b.example.com"),
		"AuthEnable", true, "AuthKeyPrimary", "k1", "TranscodeCallback", 1))
	first, _ := emu.Get(liveemu.DemoVhost, "", "push")
	clk.Advance(10 * time.Minute)
	mustOK(t, inst, "UpdateCallback", pushBody("https://c.example.com"))

	items := mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}).items(t)
	if len(items) != 1 {
		t.Fatalf("items = %+v", items)
	}
	got := items[0]
	if got.AuthEnable || got.AuthKeyPrimary != "" || got.TranscodeCallback != 0 ||
		len(got.CallbackDetailList) != 1 || got.CallbackDetailList[0].URL != "https://c.example.com" {
		t.Errorf("fields left out were kept: %+v", got)
	}
	if got.CreateTimeUTC != first.CreateTime {
		t.Errorf("CreateTimeUTC = %q, want the original %q", got.CreateTimeUTC, first.CreateTime)
	}

	// A configuration deleted and made again is new.
	mustOK(t, inst, "DeleteCallback", body{"Vhost": liveemu.DemoVhost, "MessageType": "push"})
	mustOK(t, inst, "UpdateCallback", pushBody())
	again, _ := emu.Get(liveemu.DemoVhost, "", "push")
	if again.CreateTime != clk.Now().UTC().Format(time.RFC3339) {
		t.Errorf("re-created CreateTime = %q, want now", again.CreateTime)
	}
}

// seedStandard stores, under the demo vhost, the app-less push and push_end
// configurations and a few per-app ones, plus one under another vhost.
func seedStandard(t *testing.T, emu *liveemu.Server) {
	t.Helper()
	emu.AddVhost(liveemu.DemoAccountID, "second.live.example.com")
	for _, k := range [][3]string{
		{liveemu.DemoVhost, "", "push"},
		{liveemu.DemoVhost, "", "push_end"},
		{liveemu.DemoVhost, "app1", "record"},
		{liveemu.DemoVhost, "app1", "push"},
		{liveemu.DemoVhost, "app2", "push"},
		{"second.live.example.com", "", "push"},
	} {
		err := emu.Put(liveemu.Callback{
			Vhost: k[0], App: k[1], MessageType: k[2],
			CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/" + k[2], CallbackType: "HTTP"}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func keysOf(items []describedItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.App+"/"+it.MessageType)
	}
	return out
}

func listKeys(cbs []liveemu.Callback) []string {
	var out []string
	for _, c := range cbs {
		out = append(out, c.App+"/"+c.MessageType)
	}
	return out
}

func TestDescribeFilters(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	seedStandard(t, emu)
	inst := demoClient(t, ts)
	cases := []struct {
		filter body
		want   []string
	}{
		{body{}, []string{"/push", "/push_end", "app1/push", "app1/record", "app2/push"}},
		{body{"App": "app1"}, []string{"app1/push", "app1/record"}},
		{body{"MessageType": "push"}, []string{"/push", "app1/push", "app2/push"}},
		{body{"App": "app2", "MessageType": "push"}, []string{"app2/push"}},
		{body{"App": "app3"}, nil},
		{body{"MessageType": "snapshot"}, nil},
	}
	for _, tc := range cases {
		a := mustOK(t, inst, "DescribeCallback", with(tc.filter, "Vhost", liveemu.DemoVhost))
		if got := keysOf(a.items(t)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("filter %v: got %v, want %v", tc.filter, got, tc.want)
		}
		if tc.want == nil && !strings.Contains(string(a.Result), `"CallbackList":[]`) {
			t.Errorf("empty answer Result = %s, want an empty CallbackList", a.Result)
		}
	}
	if got, want := listKeys(emu.List(liveemu.DemoVhost)), []string{"/push", "/push_end", "app1/push", "app1/record", "app2/push"}; !reflect.DeepEqual(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	all := emu.All()
	if len(all) != 6 || all[5].Vhost != "second.live.example.com" {
		t.Errorf("All = %+v", all)
	}
}

func TestDeleteWildcards(t *testing.T) {
	cases := []struct {
		name   string
		delete body
		left   []string
	}{
		{"no app deletes the message type under every app", body{"MessageType": "push"},
			[]string{"/push_end", "app1/record"}},
		{"no message type deletes every type of the app", body{"App": "app1"},
			[]string{"/push", "/push_end", "app2/push"}},
		{"both delete exactly one", body{"App": "app1", "MessageType": "push"},
			[]string{"/push", "/push_end", "app1/record", "app2/push"}},
		{"neither deletes everything under the vhost", body{}, nil},
		{"nothing matching is success", body{"App": "app9", "MessageType": "snapshot"},
			[]string{"/push", "/push_end", "app1/push", "app1/record", "app2/push"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu, ts := start(t, liveemu.Config{})
			seedStandard(t, emu)
			a := mustOK(t, demoClient(t, ts), "DeleteCallback", with(tc.delete, "Vhost", liveemu.DemoVhost))
			if a.Result != nil {
				t.Errorf("DeleteCallback Result = %s, want none", a.Result)
			}
			if got := listKeys(emu.List(liveemu.DemoVhost)); !reflect.DeepEqual(got, tc.left) {
				t.Errorf("left %v, want %v", got, tc.left)
			}
			if len(emu.List("second.live.example.com")) != 1 {
				t.Error("another vhost's configuration was deleted")
			}
		})
	}
}

func TestDomainActsOnOwningVhostWithoutApp(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	seedStandard(t, emu)
	inst := demoClient(t, ts)

	mustOK(t, inst, "UpdateCallback", with(pushBody("https://by-domain.example.com"), "Vhost", nil, "Domain", liveemu.DemoDomain, "MessageType", "snapshot"))
	got, ok := emu.Get(liveemu.DemoVhost, "", "snapshot")
	if !ok || got.Vhost != liveemu.DemoVhost || got.Domain != "" {
		t.Fatalf("Update by Domain stored %+v, %v; want it under the owning vhost with no app", got, ok)
	}

	a := mustOK(t, inst, "DescribeCallback", body{"Domain": liveemu.DemoDomain})
	if keys := keysOf(a.items(t)); !reflect.DeepEqual(keys, []string{"/push", "/push_end", "/snapshot"}) {
		t.Errorf("Describe by Domain = %v, want the app-less configurations", keys)
	}
	if strings.Contains(string(a.Result), "Domain") {
		t.Errorf("described items carry Domain: %s", a.Result)
	}
	for _, it := range a.items(t) {
		if it.Vhost != liveemu.DemoVhost {
			t.Errorf("item Vhost = %q", it.Vhost)
		}
	}

	mustOK(t, inst, "DeleteCallback", body{"Domain": liveemu.DemoDomain, "MessageType": "push"})
	if got := listKeys(emu.List(liveemu.DemoVhost)); !reflect.DeepEqual(got, []string{"/push_end", "/snapshot", "app1/push", "app1/record", "app2/push"}) {
		t.Errorf("Delete by Domain and type left %v", got)
	}
	mustOK(t, inst, "DeleteCallback", body{"Domain": liveemu.DemoDomain})
	if got := listKeys(emu.List(liveemu.DemoVhost)); !reflect.DeepEqual(got, []string{"app1/push", "app1/record", "app2/push"}) {
		t.Errorf("Delete by Domain left %v, want only per-app configurations", got)
	}
}

func TestVisibilityDelay(t *testing.T) {
	clk := newClock()
	emu, ts := start(t, liveemu.Config{Now: clk.Now})
	emu.SetVisibilityDelay(5 * time.Second)
	inst := demoClient(t, ts)
	describe := func() []describedItem {
		return mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost}).items(t)
	}

	mustOK(t, inst, "UpdateCallback", pushBody("https://v1.example.com"))
	if items := describe(); len(items) != 0 {
		t.Fatalf("a new configuration is visible before the delay: %+v", items)
	}
	if _, ok := emu.Get(liveemu.DemoVhost, "", "push"); !ok {
		t.Error("Get does not show the stored configuration")
	}
	clk.Advance(5 * time.Second)
	if items := describe(); len(items) != 1 || items[0].CallbackDetailList[0].URL != "https://v1.example.com" {
		t.Fatalf("after the delay: %+v", items)
	}

	mustOK(t, inst, "UpdateCallback", pushBody("https://v2.example.com"))
	clk.Advance(2 * time.Second)
	mustOK(t, inst, "UpdateCallback", pushBody("https://v3.example.com"))
	if items := describe(); len(items) != 1 || items[0].CallbackDetailList[0].URL != "https://v1.example.com" {
		t.Fatalf("during the delay Describe should show the previous version: %+v", items)
	}
	clk.Advance(3 * time.Second)
	if items := describe(); len(items) != 1 || items[0].CallbackDetailList[0].URL != "https://v2.example.com" {
		t.Fatalf("v2's delay has passed: %+v", items)
	}
	clk.Advance(2 * time.Second)
	if items := describe(); len(items) != 1 || items[0].CallbackDetailList[0].URL != "https://v3.example.com" {
		t.Fatalf("v3's delay has passed: %+v", items)
	}

	mustOK(t, inst, "UpdateCallback", pushBody("https://v4.example.com"))
	mustOK(t, inst, "DeleteCallback", body{"Vhost": liveemu.DemoVhost})
	if items := describe(); len(items) != 0 {
		t.Fatalf("a delete is immediate: %+v", items)
	}
}

func TestDirectAccess(t *testing.T) {
	emu, _ := start(t, liveemu.Config{})
	cb := liveemu.Callback{
		Domain: liveemu.DemoDomain, MessageType: "record",
		CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://e.example.com", CallbackType: "http"}},
		CreateTime:         "2026-01-02T03:04:05Z",
	}
	if err := emu.Put(cb); err != nil {
		t.Fatal(err)
	}
	got, ok := emu.Get(liveemu.DemoVhost, "", "record")
	if !ok || got.CreateTime != "2026-01-02T03:04:05Z" || got.CallbackDetailList[0].CallbackType != "HTTP" || got.Domain != "" {
		t.Errorf("Get = %+v, %v", got, ok)
	}

	cb.CreateTime = ""
	cb.AuthEnable = true
	err := emu.Put(cb)
	var apiErr *liveemu.Error
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != http.StatusBadRequest || apiErr.Code != "InvalidParam" || apiErr.Action != "UpdateCallback" {
		t.Errorf("Put with AuthEnable and no key: %v", err)
	}
	err = emu.Put(liveemu.Callback{Vhost: "nope", MessageType: "push",
		CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://e.example.com", CallbackType: "HTTP"}}})
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != http.StatusNotFound || apiErr.Code != "ResourceNotFound.VhostNotExist" {
		t.Errorf("Put under a missing vhost: %v", err)
	}

	if !emu.Remove(liveemu.DemoVhost, "", "record") || emu.Remove(liveemu.DemoVhost, "", "record") {
		t.Error("Remove should report true once, then false")
	}
}
