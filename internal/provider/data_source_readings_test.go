package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// Under every reading, a vhost lists its own configurations and a domain
// its own, each under its own ID, whatever else the API answers.
func TestAccLiveCallbacksDataSource_everyReading(t *testing.T) {
	t.Parallel()
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, r := readingEmulator(t, name)
			seed(t, emu,
				emuCallback(vhost, "", "app1", "push", "https://hooks.example.com/app"),
				emuCallback(vhost, "", "", "record", "https://hooks.example.com/vhost-record"))
			vhostIDs := []string{"vhost:" + vhost + "::record", "vhost:" + vhost + ":app1:push"}
			// Where the domain's configuration is its vhost's app-less one,
			// the domain shows that record under the identity it has.
			domainIDs := []string{"vhost:" + vhost + "::record"}
			domainItem := map[string]knownvalue.Check{"vhost": knownvalue.StringExact(vhost), "domain": knownvalue.Null(), "app": knownvalue.Null()}
			if r.DomainModel == liveemu.DomainSeparate {
				seed(t, emu, emuCallback(vhost, liveemu.DemoDomain, "", "push_end", "https://hooks.example.com/domain"))
				domainIDs = []string{"domain:" + liveemu.DemoDomain + ":push_end"}
				domainItem = map[string]knownvalue.Check{"domain": knownvalue.StringExact(liveemu.DemoDomain), "app": knownvalue.Null()}
			}
			ids := func(ids []string) knownvalue.Check {
				checks := make([]knownvalue.Check, 0, len(ids))
				for _, id := range ids {
					checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
				}
				return knownvalue.ListExact(checks)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: emu.providerConfig(`
data "volcengine_live_callbacks" "vhost" {
  vhost = "` + vhost + `"
}
data "volcengine_live_callbacks" "domain" {
  domain = "` + liveemu.DemoDomain + `"
}
`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.volcengine_live_callbacks.vhost", tfjsonpath.New("callbacks"), ids(vhostIDs)),
						statecheck.ExpectKnownValue("data.volcengine_live_callbacks.domain", tfjsonpath.New("callbacks"), ids(domainIDs)),
						statecheck.ExpectKnownValue("data.volcengine_live_callbacks.domain", tfjsonpath.New("callbacks").AtSliceIndex(0),
							knownvalue.ObjectPartial(domainItem)),
						statecheck.ExpectKnownValue("data.volcengine_live_callbacks.vhost", tfjsonpath.New("callbacks").AtSliceIndex(0),
							knownvalue.ObjectPartial(map[string]knownvalue.Check{
								"vhost": knownvalue.StringExact(vhost), "domain": knownvalue.Null(), "app": knownvalue.Null(),
							})),
					},
				}},
			})
		})
	}
}
