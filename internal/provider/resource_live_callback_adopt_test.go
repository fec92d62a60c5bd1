package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// storedKeyOff is a configuration made in the console with a key stored
// and signing off.
func storedKeyOff() liveemu.Callback {
	c := emuCallback(vhost, "", "quiet", "record", "https://console.example.com/quiet")
	c.AuthKeyPrimary = "storedkey456"
	return c
}

// Adopting a configuration whose key is stored while signing is off, with
// no key in the configuration, plans nothing, writes nothing and leaves
// the server as it was; a later update keeps the key, or, where the API
// masks keys and the update could not send it, refuses.
func TestAccLiveCallback_adoptStoredKeyWithSigningOff(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"merged", "separate", "masked", "extra", "all-hard"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, r := readingEmulator(t, name)
			seed(t, emu, storedKeyOff())
			before := emu.All()
			emu.ResetCounters()
			const addr = "volcengine_live_callback.quiet"
			config := func(url string) string {
				return emu.providerConfig(callbackHCL("quiet", "vhost", vhost, "quiet", "record", []string{url}), `
import {
  to = `+addr+`
  id = "vhost:`+vhost+`:quiet:record"
}
`)
			}
			unchanged := func(*terraform.State) error {
				if n := emu.Calls("UpdateCallback") + emu.Calls("DeleteCallback"); n != 0 {
					return fmt.Errorf("the adoption wrote %d times", n)
				}
				if after := emu.All(); !reflect.DeepEqual(before, after) {
					return fmt.Errorf("the server changed:\n before %+v\n after  %+v", before, after)
				}
				return nil
			}
			update := resource.TestStep{
				Config:           config("https://hooks.example.com/quiet"),
				ConfigPlanChecks: expectAction(addr, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					c, ok := emu.Get(vhost, "quiet", "record")
					if !ok || c.AuthKeyPrimary != "storedkey456" || c.AuthEnable || c.CallbackDetailList[0].URL != "https://hooks.example.com/quiet" {
						return fmt.Errorf("after the update the server holds %+v (found %t)", c, ok)
					}
					return nil
				},
			}
			if r.MaskKeys {
				// Refused at plan already, with nothing written.
				update = resource.TestStep{
					Config:      config("https://hooks.example.com/quiet"),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)cannot be updated without losing its key.*Set\s+auth_key_primary`),
				}
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:           config("https://console.example.com/quiet"),
						ConfigPlanChecks: expectAction(addr, plancheck.ResourceActionNoop),
						Check:            unchanged,
					},
					update,
				},
			})
		})
	}
}

// A key stored while signing is off stays out of the state of an adopted
// configuration that sets none, so that its plan is empty, and an update
// sends it back from the private state.
func TestProtocolStoredKeyKeptThroughUpdate(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	seed(t, emu, storedKeyOff())
	p := newProtoProvider(t, emu)
	imported := p.importResource("vhost:"+vhost+":quiet:record", nil)
	failOnDiagnostics(t, "ImportResourceState", imported.Diagnostics)
	read := p.read(imported.ImportedResources[0].State, imported.ImportedResources[0].Private, imported.ImportedResources[0].Identity)
	failOnDiagnostics(t, "ReadResource", read.Diagnostics)
	state := p.attrs(p.resourceType, read.NewState)
	if !state["auth_key_primary"].IsNull() {
		t.Fatalf("the adopted state holds the unused key: %s", state["auth_key_primary"])
	}
	config := func(url string) map[string]tftypes.Value {
		return map[string]tftypes.Value{
			"vhost": str(vhost), "app": str("quiet"), "message_type": str("record"),
			"callback_detail_list": details(url, "HTTP"),
		}
	}

	same := p.planUpdate(read.NewState, read.Private, config("https://console.example.com/quiet"))
	for name, v := range p.attrs(p.resourceType, same.PlannedState) {
		if !v.Equal(state[name]) {
			t.Errorf("the plan of the configuration as adopted changes %s from %s to %s", name, state[name], v)
		}
	}

	// The next run changes the receiver.
	p = newProtoProvider(t, emu)
	cfg := config("https://hooks.example.com/quiet")
	changed := p.planUpdate(read.NewState, read.Private, cfg)
	apply, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: callbackType, PriorState: read.NewState, PlannedState: changed.PlannedState,
		Config: p.dynamic(p.resourceType, objectOf(p.resourceType, cfg)), PlannedPrivate: changed.PlannedPrivate,
		PlannedIdentity: changed.PlannedIdentity,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "ApplyResourceChange", apply.Diagnostics)
	if c, _ := emu.Get(vhost, "quiet", "record"); c.AuthKeyPrimary != "storedkey456" || c.AuthEnable {
		t.Fatalf("after the update the server holds %+v", c)
	}
}

// planUpdate plans config against the state, with Terraform's proposed new
// state: the configuration, and the state's value of a computed attribute
// the configuration leaves null.
func (p *protoProvider) planUpdate(state *tfprotov6.DynamicValue, private []byte, config map[string]tftypes.Value) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	prior := p.attrs(p.resourceType, state)
	proposed := map[string]tftypes.Value{}
	for name, v := range config {
		proposed[name] = v
	}
	for _, name := range []string{"id", "create_time", "auth_enable", "transcode_callback"} {
		if v, ok := proposed[name]; !ok || v.IsNull() {
			proposed[name] = prior[name]
		}
	}
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: callbackType, PriorState: state, PriorPrivate: private,
		ProposedNewState: p.dynamic(p.resourceType, objectOf(p.resourceType, proposed)),
		Config:           p.dynamic(p.resourceType, objectOf(p.resourceType, config)),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	failOnDiagnostics(p.t, "PlanResourceChange", resp.Diagnostics)
	return resp
}
