package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

func TestIdentityOfKeepsScopesApart(t *testing.T) {
	wide := identityOf(callbackKey{Scope: liveapi.Scope{Vhost: vhost}, MessageType: "push"})
	domain := identityOf(callbackKey{Scope: liveapi.Scope{Domain: vhost}, MessageType: "push"})
	if wide == domain {
		t.Fatalf("a vhost-wide and a domain configuration of the same name share the identity %+v", wide)
	}
	if !wide.App.IsNull() || !wide.Domain.IsNull() || !domain.Vhost.IsNull() || !domain.App.IsNull() {
		t.Fatalf("what a configuration lacks must be null: %+v, %+v", wide, domain)
	}
	for _, k := range []callbackKey{
		{Scope: liveapi.Scope{Vhost: vhost}, App: "app1", MessageType: "record"},
		{Scope: liveapi.Scope{Vhost: vhost}, MessageType: "push_end"},
		{Scope: liveapi.Scope{Domain: liveemu.DemoDomain}, MessageType: "snapshot"},
	} {
		back, err := keyOfIdentity(identityOf(k))
		if err != nil || back != k {
			t.Errorf("identity of %s reads back as %s (%v)", k, back, err)
		}
	}
	// An import block may spell "none" as "".
	k, err := keyOfIdentity(identityModel{Vhost: types.StringValue(vhost), Domain: types.StringValue(""), App: types.StringValue(""), MessageType: types.StringValue("push")})
	if err != nil || k.String() != "vhost:"+vhost+"::push" {
		t.Errorf("empty strings read as %s (%v)", k, err)
	}
}

// Create records an identity, and import blocks with that identity adopt
// each kind of configuration (Terraform 1.12 and later).
func TestAccLiveCallbackIdentity_importBlock(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	urls := []string{"https://hooks.example.com/identity"}
	config := emu.providerConfig(
		callbackHCL("app", "vhost", vhost, "app1", "push", urls),
		callbackHCL("wide", "vhost", vhost, "", "push_end", urls),
		callbackHCL("domain", "domain", liveemu.DemoDomain, "", "record", urls),
	)
	identity := func(vhostName, domain, app, messageType string) map[string]knownvalue.Check {
		value := func(s string) knownvalue.Check {
			if s == "" {
				return knownvalue.Null()
			}
			return knownvalue.StringExact(s)
		}
		return map[string]knownvalue.Check{
			"vhost": value(vhostName), "domain": value(domain), "app": value(app), "message_type": value(messageType),
		}
	}
	importStep := func(name string) resource.TestStep {
		return resource.TestStep{
			Config:          config,
			ResourceName:    "volcengine_live_callback." + name,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		}
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("volcengine_live_callback.app", identity(vhost, "", "app1", "push")),
					statecheck.ExpectIdentity("volcengine_live_callback.wide", identity(vhost, "", "", "push_end")),
					statecheck.ExpectIdentity("volcengine_live_callback.domain", identity("", liveemu.DemoDomain, "", "record")),
					statecheck.ExpectIdentityValueMatchesState("volcengine_live_callback.app", tfjsonpath.New("app")),
					statecheck.ExpectIdentityValueMatchesState("volcengine_live_callback.domain", tfjsonpath.New("domain")),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			importStep("app"),
			importStep("wide"),
			importStep("domain"),
			{
				Config: config + `
import {
  to       = volcengine_live_callback.both
  identity = { vhost = "` + vhost + `", domain = "` + liveemu.DemoDomain + `", message_type = "push" }
}
` + callbackHCL("both", "vhost", vhost, "", "push", urls),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid import identity.*give exactly one`),
			},
		},
	})
}
