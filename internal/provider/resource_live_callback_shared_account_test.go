package provider

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// Several workspaces apply and destroy at once on one account whose limit
// is far below what their providers offer together. Each reaches the
// emulator through an endpoint of its own, so that each provider learns its
// own rate as a separate process would. The API throttles, and every run
// succeeds all the same, without a throttling error.
func TestAccLiveCallback_sharedAccount(t *testing.T) {
	t.Parallel()
	const workspaces, perWorkspace = 3, 4
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: 5})
	t.Cleanup(func() {
		if emu.Throttled() == 0 {
			t.Error("the account never throttled: the test did not exercise sharing it")
		}
		if left := emu.All(); len(left) != 0 {
			t.Errorf("%d configurations left after every workspace's destroy", len(left))
		}
	})
	for w := range workspaces {
		scope := fmt.Sprintf("w%d.live.example.com", w)
		emu.AddVhost(liveemu.DemoAccountID, scope)
		srv := httptest.NewServer(emu)
		t.Cleanup(srv.Close)
		te := &testEmulator{Server: emu, URL: srv.URL}
		var resources []string
		for i := range perWorkspace {
			resources = append(resources, callbackHCL(fmt.Sprintf("c%d", i), "vhost", scope, fmt.Sprintf("app%d", i),
				liveapi.MessageTypes[i%len(liveapi.MessageTypes)], []string{"https://hooks.example.com/"}))
		}
		t.Run(fmt.Sprintf("workspace_%d", w), func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					if n := stored(emu, scope); n != 0 {
						return fmt.Errorf("%d configurations of %s left after destroy", n, scope)
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config:           te.providerConfig(resources...),
					ConfigPlanChecks: emptyPlanAfterApply,
					Check: func(*terraform.State) error {
						if n := stored(emu, scope); n != perWorkspace {
							return fmt.Errorf("the emulator holds %d configurations of %s, want %d", n, scope, perWorkspace)
						}
						return nil
					},
				}},
			})
		})
	}
}

// stored counts the emulator's configurations of one vhost.
func stored(emu *liveemu.Server, vhostName string) int {
	n := 0
	for _, c := range emu.All() {
		if c.Vhost == vhostName {
			n++
		}
	}
	return n
}
