package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

func TestAccLiveCallbacksDataSource(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	client := emu.client(t)
	detail := []liveapi.CallbackDetail{{URL: "https://hooks.example.com/", CallbackType: "HTTP"}}
	for _, c := range []liveapi.Callback{
		{Scope: liveapi.Scope{Vhost: vhost}, App: "", MessageType: "push", CallbackDetailList: detail},
		{Scope: liveapi.Scope{Vhost: vhost}, App: "app1", MessageType: "push", CallbackDetailList: detail, AuthEnable: true, AuthKeyPrimary: "hidden-key"},
		{Scope: liveapi.Scope{Vhost: vhost}, App: "app1", MessageType: "record", CallbackDetailList: detail},
		{Scope: liveapi.Scope{Vhost: vhost}, App: "app2", MessageType: "push_end", CallbackDetailList: detail, TranscodeCallback: true},
	} {
		if _, err := client.UpdateCallback(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(ids ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, 0, len(ids))
		for _, id := range ids {
			checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
		}
		return knownvalue.ListExact(checks)
	}
	callbacks := tfjsonpath.New("callbacks")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: emu.providerConfig(`
data "volcengine_live_callbacks" "missing" {
  vhost = "missing.live.example.com"
}
`),
				ExpectError: regexp.MustCompile(`(?s)Error listing Live callbacks.*VhostNotExist.*RequestId`),
			},
			{
				Config: emu.providerConfig(`
data "volcengine_live_callbacks" "bad" {
  vhost  = "` + vhost + `"
  domain = "` + liveemu.DemoDomain + `"
}
`),
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: emu.providerConfig(`
data "volcengine_live_callbacks" "all" {
  vhost = "` + vhost + `"
}
data "volcengine_live_callbacks" "app1" {
  vhost = "` + vhost + `"
  app   = "app1"
}
data "volcengine_live_callbacks" "push" {
  vhost        = "` + vhost + `"
  message_type = "push"
}
data "volcengine_live_callbacks" "none" {
  vhost        = "` + vhost + `"
  app          = "nobody"
}
data "volcengine_live_callbacks" "domain" {
  domain = "` + liveemu.DemoDomain + `"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.all", callbacks, ids(
						"vhost:"+vhost+"::push", "vhost:"+vhost+":app1:push", "vhost:"+vhost+":app1:record", "vhost:"+vhost+":app2:push_end")),
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.app1", callbacks, ids(
						"vhost:"+vhost+":app1:push", "vhost:"+vhost+":app1:record")),
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.push", callbacks, ids(
						"vhost:"+vhost+"::push", "vhost:"+vhost+":app1:push")),
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.none", callbacks, knownvalue.ListExact([]knownvalue.Check{})),
					// The emulator's default reading keeps the domain's
					// configuration as its vhost's app-less one: shown under
					// the identity that record has.
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.domain", callbacks, ids(
						"vhost:"+vhost+"::push")),
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.app1", callbacks.AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                 knownvalue.StringExact("vhost:" + vhost + ":app1:push"),
						"vhost":              knownvalue.StringExact(vhost),
						"domain":             knownvalue.Null(),
						"app":                knownvalue.StringExact("app1"),
						"message_type":       knownvalue.StringExact("push"),
						"auth_enable":        knownvalue.Bool(true),
						"transcode_callback": knownvalue.Bool(false),
						"create_time":        knownvalue.StringRegexp(regexp.MustCompile(`Z$`)),
						"callback_detail_list": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"url": knownvalue.StringExact("https://hooks.example.com/"), "callback_type": knownvalue.StringExact("HTTP"),
						})}),
					})),
					// Where there is no app, app is null, not "": a
					// vhost-wide configuration and a domain's.
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.push", callbacks.AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"vhost": knownvalue.StringExact(vhost), "domain": knownvalue.Null(), "app": knownvalue.Null(),
					})),
					statecheck.ExpectKnownValue("data.volcengine_live_callbacks.domain", callbacks.AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"vhost": knownvalue.StringExact(vhost), "domain": knownvalue.Null(), "app": knownvalue.Null(),
					})),
				},
			},
		},
	})
}
