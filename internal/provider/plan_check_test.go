package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// A plan that would fail at apply for a reason the provider can know fails
// at plan, with nothing written: the create of a configuration that exists,
// and credentials the API refuses. A configuration whose destroy the same
// plan holds (a rename without a moved block, a tainted resource) is no
// takeover.
func TestAccLiveCallback_planTellsTheTruth(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"merged", "separate"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, _ := readingEmulator(t, name)
			seed(t, emu, emuCallback(vhost, "", "console", "push", "https://console.example.com/push"))
			emu.ResetCounters()
			urls := []string{"https://hooks.example.com/truth"}
			takeover := callbackHCL("takeover", "vhost", vhost, "console", "push", urls)
			wrongSecret := strings.Replace(emu.providerConfig(callbackHCL("mine", "vhost", vhost, "mine", "push", urls)),
				liveemu.DemoSecretKey, "not-the-secret", 1)
			noWrites := func(*terraform.State) error {
				if n := emu.Calls("UpdateCallback") + emu.Calls("DeleteCallback"); n != 0 {
					return fmt.Errorf("%d writes", n)
				}
				return nil
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             emu.checkDestroyed,
				Steps: []resource.TestStep{
					{
						Config:      emu.providerConfig(takeover),
						PlanOnly:    true,
						ExpectError: regexp.MustCompile(`(?s)Live callback already exists.*import \{.*id = "vhost:` + regexp.QuoteMeta(vhost) + `:console:push"`),
					},
					{
						Config:      wrongSecret,
						PlanOnly:    true,
						ExpectError: regexp.MustCompile(`(?s)Error planning Live callback.*SignatureDoesNotMatch.*signature\s+was\s+rejected`),
					},
					{
						// Nothing above reached the API's writes.
						Config:           emu.providerConfig(callbackHCL("old", "vhost", vhost, "mine", "push", urls)),
						ConfigPlanChecks: emptyPlanAfterApply,
						PreConfig: func() {
							if err := noWrites(nil); err != nil {
								t.Fatalf("the refused plans wrote: %v", err)
							}
						},
					},
					{
						// Renamed without a moved block: the plan destroys the
						// old name, so the new one may take the configuration.
						Config:           emu.providerConfig(callbackHCL("renamed", "vhost", vhost, "mine", "push", urls)),
						ConfigPlanChecks: expectAction("volcengine_live_callback.renamed", plancheck.ResourceActionCreate),
						Check:            emu.expectStored(vhost, "mine", "push", urls...),
					},
					{
						// A tainted resource is replaced in place of itself.
						Taint:            []string{"volcengine_live_callback.renamed"},
						Config:           emu.providerConfig(callbackHCL("renamed", "vhost", vhost, "mine", "push", urls)),
						ConfigPlanChecks: expectAction("volcengine_live_callback.renamed", plancheck.ResourceActionReplace),
						Check:            emu.expectStored(vhost, "mine", "push", urls...),
					},
				},
			})
		})
	}
}

// The existence check of a plan is one DescribeCallback per scope, however
// many creates share it, and refuses the existing configuration alone.
func TestProtocolPlanChecksExistenceOncePerScope(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	seed(t, emu, emuCallback(vhost, "", "console", "record", "https://console.example.com/record"))
	emu.ResetCounters()
	p := newProtoProvider(t, emu)
	urls := details("https://hooks.example.com/once", "")
	for _, app := range []string{"a1", "a2", "a3"} {
		p.planCreate(map[string]tftypes.Value{"vhost": str(vhost), "app": str(app), "message_type": str("record"), "callback_detail_list": urls})
	}
	if n := emu.Calls("DescribeCallback"); n != 1 {
		t.Fatalf("planning three creates of one vhost made %d DescribeCallback calls, want 1", n)
	}
	cfg := objectOf(p.resourceType, map[string]tftypes.Value{"vhost": str(vhost), "app": str("console"), "message_type": str("record"), "callback_detail_list": urls})
	null := p.dynamic(p.resourceType, tftypes.NewValue(p.resourceType, nil))
	resp, err := p.server.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: callbackType, PriorState: null, ProposedNewState: p.dynamic(p.resourceType, cfg), Config: p.dynamic(p.resourceType, cfg),
	})
	if err != nil {
		t.Fatal(err)
	}
	if text := diagnosticsText(resp.Diagnostics); !strings.Contains(text, "Live callback already exists") {
		t.Fatalf("planning the create of an existing configuration: want it refused, got:\n%s", text)
	}
	if n := emu.Calls("DescribeCallback"); n != 1 {
		t.Fatalf("the plan made %d DescribeCallback calls in all, want 1", n)
	}
}
