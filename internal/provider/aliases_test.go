package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// A vhost-wide resource and a domain resource of one message type name one
// record where the API keeps a domain's configuration as its vhost's
// app-less one: the plan refuses them, naming both, with nothing written.
// Where a domain's record is its own, both are created as two records.
func TestAccLiveCallback_aliasesDeclared(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"merged", "merged-wide", "separate", "separate-own"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, r := readingEmulator(t, name)
			// A configuration of the vhost, so that the domain's answer
			// tells which reading the API follows.
			seed(t, emu, emuCallback(vhost, "", "", "snapshot", "https://console.example.com/snapshot"))
			emu.ResetCounters()
			urls := func(u string) []string { return []string{u} }
			config := emu.providerConfig(
				callbackHCL("wide", "vhost", vhost, "", "push", urls("https://hooks.example.com/wide")),
				callbackHCL("domain", "domain", liveemu.DemoDomain, "", "push", urls("https://hooks.example.com/domain")))
			var steps []resource.TestStep
			if r.DomainModel == liveemu.DomainMerged {
				steps = append(steps, resource.TestStep{
					Config: config,
					ExpectError: regexp.MustCompile(`(?s)declared twice under two IDs.*(vhost:` + regexp.QuoteMeta(vhost) + `::push and domain:` +
						regexp.QuoteMeta(liveemu.DemoDomain) + `:push|domain:` + regexp.QuoteMeta(liveemu.DemoDomain) + `:push and vhost:` +
						regexp.QuoteMeta(vhost) + `::push)`),
				}, resource.TestStep{
					Config:   emu.providerConfig(),
					PlanOnly: true,
					PreConfig: func() {
						if n := emu.Calls("UpdateCallback") + emu.Calls("DeleteCallback"); n != 0 {
							t.Fatalf("the refused plan wrote %d times", n)
						}
					},
				})
			} else {
				steps = append(steps, resource.TestStep{
					Config:           config,
					ConfigPlanChecks: emptyPlanAfterApply,
					Check: resource.ComposeTestCheckFunc(
						emu.expectStored(vhost, "", "push", "https://hooks.example.com/wide"),
						func(*terraform.State) error {
							c, ok := emu.GetDomain(liveemu.DemoDomain, "push")
							if !ok || c.CallbackDetailList[0].URL != "https://hooks.example.com/domain" {
								return fmt.Errorf("the domain's record: %+v (found %t)", c, ok)
							}
							return nil
						},
					),
				})
			}
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
		})
	}
}

// With both aliases of one record in the state, removing one of the two
// resources never deletes the record the other manages: the plan refuses,
// with the removed block that forgets it instead, which then works.
func TestAccLiveCallback_aliasDestroyRefused(t *testing.T) {
	t.Parallel()
	urls := []string{"https://console.example.com/push"}
	blocks := map[string]string{
		"wide":   callbackHCL("wide", "vhost", vhost, "", "push", urls),
		"domain": callbackHCL("domain", "domain", liveemu.DemoDomain, "", "push", urls),
	}
	for removed, kept := range map[string]string{"domain": "wide", "wide": "domain"} {
		t.Run("removing "+removed, func(t *testing.T) {
			t.Parallel()
			emu, _ := readingEmulator(t, "merged")
			seed(t, emu, emuCallback(vhost, "", "", "push", "https://console.example.com/push"))
			both := emu.providerConfig(blocks["wide"], blocks["domain"])
			stored := func(*terraform.State) error {
				if _, ok := emu.Get(vhost, "", "push"); !ok {
					return fmt.Errorf("the configuration both resources named is gone")
				}
				return nil
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					// Both imported, as a provider that did not know aliases
					// let happen.
					{Config: both, ResourceName: "volcengine_live_callback.wide", ImportState: true, ImportStatePersist: true,
						ImportStateId: "vhost:" + vhost + "::push"},
					{Config: both, ResourceName: "volcengine_live_callback.domain", ImportState: true, ImportStatePersist: true,
						ImportStateId: "domain:" + liveemu.DemoDomain + ":push"},
					{
						Config:      emu.providerConfig(blocks[kept]),
						ExpectError: regexp.MustCompile(`(?s)not destroyed: another resource manages it.*removed \{`),
						Check:       stored,
					},
					{
						Config: emu.providerConfig(blocks[kept], `
removed {
  from = volcengine_live_callback.`+removed+`
  lifecycle {
    destroy = false
  }
}
`),
						Check: stored,
					},
				},
			})
			if _, ok := emu.Get(vhost, "", "push"); ok {
				t.Fatal("destroying the remaining resource left its configuration")
			}
		})
	}
}

// At protocol level: the second of two plans naming one record is refused,
// in either order, under the merged reading only.
func TestProtocolAliasesRefusedAtPlan(t *testing.T) {
	t.Parallel()
	urls := details("https://hooks.example.com/alias", "")
	wide := map[string]tftypes.Value{"vhost": str(vhost), "message_type": str("push"), "callback_detail_list": urls}
	domain := map[string]tftypes.Value{"domain": str(liveemu.DemoDomain), "message_type": str("push"), "callback_detail_list": urls}
	for _, name := range []string{"merged", "separate"} {
		for _, order := range [][2]map[string]tftypes.Value{{wide, domain}, {domain, wide}} {
			emu, r := readingEmulator(t, name)
			seed(t, emu, emuCallback(vhost, "", "", "snapshot", "https://console.example.com/snapshot"))
			p := newProtoProvider(t, emu)
			p.planCreate(order[0])
			cfg := objectOf(p.resourceType, order[1])
			resp, err := p.server.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
				TypeName: callbackType, PriorState: p.dynamic(p.resourceType, tftypes.NewValue(p.resourceType, nil)),
				ProposedNewState: p.dynamic(p.resourceType, cfg), Config: p.dynamic(p.resourceType, cfg),
			})
			if err != nil {
				t.Fatal(err)
			}
			refused := strings.Contains(diagnosticsText(resp.Diagnostics), "declared twice under two IDs")
			if want := r.DomainModel == liveemu.DomainMerged; refused != want {
				t.Errorf("%s: second plan refused %t, want %t:\n%s", name, refused, want, diagnosticsText(resp.Diagnostics))
			}
		}
	}
}
