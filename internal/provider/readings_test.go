package provider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// The lifecycle of a vhost-wide, an app and a domain configuration, next to
// configurations made outside Terraform, under every reading of the API:
// create, refresh, import, update, drift, disappearance and destroy each
// converge to an empty plan, and whatever Terraform does not manage is
// exactly as it was at the end, or has only a new create time where a
// delete's reach made the provider write it back.
func TestAccLiveCallback_everyReading(t *testing.T) {
	t.Parallel()
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testLifecycleUnderReading(t, name)
		})
	}
}

func testLifecycleUnderReading(t *testing.T, reading string) {
	emu, r := readingEmulator(t, reading)
	separate := r.DomainModel == liveemu.DomainSeparate

	// Made outside Terraform: an app configuration of the same message type
	// as the managed vhost-wide one, with settings the provider does not
	// model; another message type; and, where a domain's configuration is a
	// record of its own, the domain's push and the vhost's own snapshot.
	unmanaged := []liveemu.Callback{consoleMade(r, "console", "push", false), consoleMade(r, "console", "record", true)}
	if separate {
		unmanaged = append(unmanaged,
			emuCallback(vhost, liveemu.DemoDomain, "", "push", "https://console.example.com/domain-push"),
			emuCallback(vhost, "", "", "snapshot", "https://console.example.com/vhost-snapshot"))
	}
	seed(t, emu, unmanaged...)
	isUnmanaged := func(c liveemu.Callback) bool {
		for _, u := range unmanaged {
			if u.Vhost == c.Vhost && u.Domain == c.Domain && u.App == c.App && u.MessageType == c.MessageType {
				return true
			}
		}
		return false
	}
	snapshot := func() []liveemu.Callback {
		return without(emu.All(), func(c liveemu.Callback) bool { return !isUnmanaged(c) })
	}
	before := snapshot()
	intact := func(exact bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			after := snapshot()
			if exact && !reflect.DeepEqual(before, after) {
				return fmt.Errorf("unmanaged configurations changed:\n before %+v\n after  %+v", before, after)
			}
			return sameExceptCreateTime(before, after)
		}
	}

	urls := func(u ...string) []string { return u }
	wide := callbackHCL("wide", "vhost", vhost, "", "push", urls("https://hooks.example.com/wide"))
	app := callbackHCL("app", "vhost", vhost, "tfapp", "push", urls("https://hooks.example.com/app"),
		`auth_enable = true`, `auth_key_primary = "tfkey0123456789"`)
	domain := callbackHCL("domain", "domain", liveemu.DemoDomain, "", "snapshot", urls("https://hooks.example.com/domain"))
	wide2 := callbackHCL("wide", "vhost", vhost, "", "push", urls("https://hooks.example.com/wide", "https://hooks.example.com/wide2"))

	domainVhost := vhost
	domainGet := func() (liveemu.Callback, bool) { return emu.GetDomain(liveemu.DemoDomain, "snapshot") }
	importIgnore := slices.Clone(createdByTerraform)
	if r.MaskKeys {
		// A masked key cannot be read back; the state keeps the configured one.
		importIgnore = append(importIgnore, "auth_key_primary")
	}
	if r.CallbackTypeSpelling == liveemu.SpellingLower {
		// An import takes the API's spelling; the state of a configured
		// resource keeps the configuration's, which plans as no change.
		importIgnore = append(importIgnore, "callback_detail_list.0.callback_type")
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			func(*terraform.State) error {
				if _, ok := emu.Get(vhost, "", "push"); ok {
					return fmt.Errorf("the vhost-wide configuration is left")
				}
				if _, ok := emu.Get(vhost, "tfapp", "push"); ok {
					return fmt.Errorf("the app configuration is left")
				}
				if _, ok := domainGet(); ok {
					return fmt.Errorf("the domain configuration is left")
				}
				return nil
			},
			intact(false),
		),
		Steps: []resource.TestStep{
			{
				Config: emu.providerConfig(wide, app, domain),
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "", "push", "https://hooks.example.com/wide"),
					emu.expectStored(vhost, "tfapp", "push", "https://hooks.example.com/app"),
					func(*terraform.State) error {
						c, ok := domainGet()
						if !ok || c.Vhost != domainVhost || c.CallbackDetailList[0].URL != "https://hooks.example.com/domain" {
							return fmt.Errorf("domain configuration on the emulator: %+v (found %t)", c, ok)
						}
						return nil
					},
					intact(true),
				),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				RefreshState: true,
				Check: resource.TestMatchResourceAttr("volcengine_live_callback.wide", "create_time",
					regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
			},
			{ResourceName: "volcengine_live_callback.wide", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
			{ResourceName: "volcengine_live_callback.app", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
			{ResourceName: "volcengine_live_callback.domain", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
			{
				Config:           emu.providerConfig(wide2, app, domain),
				ConfigPlanChecks: expectAction("volcengine_live_callback.wide", plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "", "push", "https://hooks.example.com/wide", "https://hooks.example.com/wide2"),
					intact(true),
				),
			},
			{
				// Drift made in the console shows and is undone.
				PreConfig: func() {
					c, _ := emu.Get(vhost, "tfapp", "push")
					c.CallbackDetailList = []liveemu.CallbackDetail{{URL: "https://elsewhere.example.com/", CallbackType: "HTTP"}}
					if err := emu.Put(c); err != nil {
						t.Fatal(err)
					}
				},
				Config:           emu.providerConfig(wide2, app, domain),
				ConfigPlanChecks: expectAction("volcengine_live_callback.app", plancheck.ResourceActionUpdate),
				Check:            emu.expectStored(vhost, "tfapp", "push", "https://hooks.example.com/app"),
			},
			{
				// A configuration deleted outside Terraform is created again.
				PreConfig: func() {
					if !emu.RemoveDomain(liveemu.DemoDomain, "snapshot") {
						t.Fatal("nothing to remove")
					}
				},
				Config:           emu.providerConfig(wide2, app, domain),
				ConfigPlanChecks: expectAction("volcengine_live_callback.domain", plancheck.ResourceActionCreate),
				Check:            intact(true),
			},
			{
				// Removing the vhost-wide configuration alone: its delete
				// reaches the app configurations of its message type, managed
				// or not, and the provider writes back what it removed.
				Config:           emu.providerConfig(app, domain),
				ConfigPlanChecks: expectAction("volcengine_live_callback.wide", plancheck.ResourceActionDestroy),
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "tfapp", "push", "https://hooks.example.com/app"),
					expectGone(emu, vhost, "", "push"),
					intact(false),
				),
				ExpectError: maskedRefusal(r),
			},
		},
	})
}

// maskedRefusal is the error a wide delete gives where a configuration in
// its reach has a masked key: the app configuration "tfapp" that the same
// test keeps.
func maskedRefusal(r liveemu.Readings) *regexp.Regexp {
	if !r.MaskKeys {
		return nil
	}
	return regexp.MustCompile(`(?s)could remove other configurations.*app "tfapp".*removed \{`)
}

// Adopting a configuration made in the console plans no change, whatever
// the API's spelling, and updating it keeps the settings the provider does
// not model, where the API keeps them at all.
func TestAccLiveCallback_updateKeepsUnmodelledSettings(t *testing.T) {
	t.Parallel()
	for _, reading := range []string{"extra", "all-hard"} {
		t.Run(reading, func(t *testing.T) {
			t.Parallel()
			testUpdateKeepsUnmodelledSettings(t, reading)
		})
	}
}

func testUpdateKeepsUnmodelledSettings(t *testing.T, reading string) {
	emu, r := readingEmulator(t, reading)
	adopted := consoleMade(r, "adopted", "record", false)
	seed(t, emu, adopted)
	adopted, _ = emu.Get(vhost, "adopted", "record")
	config := func(url string) string {
		return emu.providerConfig(callbackHCL("adopted", "vhost", vhost, "adopted", "record", []string{url}),
			`import {
  to = volcengine_live_callback.adopted
  id = "vhost:`+vhost+`:adopted:record"
}`)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(adopted.CallbackDetailList[0].URL),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("volcengine_live_callback.adopted", plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if got, _ := emu.Get(vhost, "adopted", "record"); !reflect.DeepEqual(got, adopted) {
						return fmt.Errorf("adopting changed the configuration: %+v, want %+v", got, adopted)
					}
					return nil
				},
			},
			{
				Config:           config("https://hooks.example.com/new"),
				ConfigPlanChecks: expectAction("volcengine_live_callback.adopted", plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					got, _ := emu.Get(vhost, "adopted", "record")
					if got.CallbackDetailList[0].URL != "https://hooks.example.com/new" {
						return fmt.Errorf("not updated: %+v", got)
					}
					if !reflect.DeepEqual(got.Extra, adopted.Extra) {
						return fmt.Errorf("unmodelled settings %s, want %s", jsonOf(got.Extra), jsonOf(adopted.Extra))
					}
					return nil
				},
			},
		},
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A configuration that exists already, made by another workspace or in the
// console, is never taken over by a create; two resources of one
// configuration that declare the same configuration are refused at plan.
func TestAccLiveCallback_noSilentTakeover(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	theirs := consoleMade(liveemu.Readings{}, "theirs", "push", true)
	seed(t, emu, theirs)
	mine := callbackHCL("mine", "vhost", vhost, "theirs", "push", []string{"https://mine.example.com/"})
	twice := callbackHCL("one", "vhost", vhost, "mine", "push_end", []string{"https://mine.example.com/1"}) +
		callbackHCL("two", "vhost", vhost, "mine", "push_end", []string{"https://mine.example.com/2"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: emu.providerConfig(mine),
				ExpectError: regexp.MustCompile(`(?s)already exists.*import \{.*id = "vhost:` + regexp.QuoteMeta(vhost) +
					`:theirs:push"`),
			},
			{
				Config:      emu.providerConfig(twice),
				ExpectError: regexp.MustCompile(`(?s)declared twice.*vhost:` + regexp.QuoteMeta(vhost) + `:mine:push_end`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			got, _ := emu.Get(vhost, "theirs", "push")
			theirs.CreateTime = got.CreateTime
			if !reflect.DeepEqual(got, theirs) {
				return fmt.Errorf("the existing configuration changed: %+v", got)
			}
			if _, ok := emu.Get(vhost, "mine", "push_end"); ok {
				return fmt.Errorf("a configuration declared twice was created")
			}
			if n := emu.Calls("UpdateCallback"); n != 0 {
				return fmt.Errorf("UpdateCallback called %d times", n)
			}
			return nil
		},
	})
}
