package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// sentCallbackTypes returns the CallbackType of every receiver the
// emulator's UpdateCallback requests carried.
func sentCallbackTypes(t *testing.T, emu *testEmulator) []string {
	t.Helper()
	var out []string
	for _, r := range emu.Requests() {
		if r.Action != liveapi.ActionUpdateCallback {
			continue
		}
		var body struct {
			CallbackDetailList []struct{ CallbackType string }
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("UpdateCallback body %s: %v", r.Body, err)
		}
		for _, d := range body.CallbackDetailList {
			out = append(out, d.CallbackType)
		}
	}
	return out
}

// Writes spell CallbackType as the reference documents it, whatever the
// state holds: an imported configuration answered as "http", and a
// configuration that writes "http" itself. The spelling alone is no change,
// before and after the writes, refresh included.
func TestAccLiveCallback_documentedSpelling(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"merged", "lower", "as-sent", "separate"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, _ := readingEmulator(t, name)
			adopted := emuCallback(vhost, "", "adopted", "record", "https://console.example.com/adopted")
			adopted.CallbackDetailList[0].CallbackType = "http"
			seed(t, emu, adopted)
			emu.ResetCounters()

			onlyDocumented := func(*terraform.State) error {
				sent := sentCallbackTypes(t, emu)
				if len(sent) == 0 {
					return fmt.Errorf("no UpdateCallback was sent")
				}
				for _, s := range sent {
					if s != liveapi.CallbackTypeHTTP {
						return fmt.Errorf("UpdateCallback sent CallbackType %q, want %q (all sent: %q)", s, liveapi.CallbackTypeHTTP, sent)
					}
				}
				return nil
			}
			importBlock := `
import {
  to = volcengine_live_callback.adopted
  id = "vhost:` + vhost + `:adopted:record"
}
`
			adoptedHCL := func(url string) string {
				return callbackHCL("adopted", "vhost", vhost, "adopted", "record", []string{url})
			}
			lowerHCL := `
resource "volcengine_live_callback" "lower" {
  vhost        = "` + vhost + `"
  app          = "lower"
  message_type = "push"
  callback_detail_list = [{ url = "https://hooks.example.com/lower", callback_type = "http" }]
}
`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						// Adopted as it is: the answer's spelling is no change.
						Config:           emu.providerConfig(importBlock, adoptedHCL("https://console.example.com/adopted")),
						ConfigPlanChecks: expectAction("volcengine_live_callback.adopted", plancheck.ResourceActionNoop),
					},
					{
						// An update of the adopted one and a create spelt "http".
						Config:           emu.providerConfig(adoptedHCL("https://hooks.example.com/adopted"), lowerHCL),
						ConfigPlanChecks: expectAction("volcengine_live_callback.adopted", plancheck.ResourceActionUpdate),
						Check: resource.ComposeTestCheckFunc(
							onlyDocumented,
							emu.expectStored(vhost, "adopted", "record", "https://hooks.example.com/adopted"),
						),
					},
				},
			})
		})
	}
}

// A create whose configuration spells the type "http" sends "HTTP", under
// readings that answer either spelling.
func TestProtocolCreateSendsDocumentedSpelling(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"merged", "lower", "as-sent"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, _ := readingEmulator(t, name)
			p := newProtoProvider(t, emu)
			p.create(map[string]tftypes.Value{
				"vhost": str(vhost), "app": str("spelt"), "message_type": str("push"),
				"callback_detail_list": details("https://hooks.example.com/spelt", "http"),
			})
			if sent := sentCallbackTypes(t, emu); !slices.Equal(sent, []string{liveapi.CallbackTypeHTTP}) {
				t.Fatalf("UpdateCallback sent CallbackType %q, want [%q]", sent, liveapi.CallbackTypeHTTP)
			}
		})
	}
}
