package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

const vhost = liveemu.DemoVhost

// emptyPlanAfterApply holds the plan right after an apply to no change, and
// its refresh to no drift: what the apply left in the state is what the
// refresh reads, as terraform plan -refresh-only would show.
var emptyPlanAfterApply = resource.ConfigPlanChecks{
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectNoDrift{}},
}

func expectAction(name string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(name, action)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectNoDrift{}},
	}
}

// expectNoDrift fails a plan whose refresh changed a resource: Terraform
// reports it as changed outside of Terraform.
type expectNoDrift struct{}

func (expectNoDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var drifted []string
	for _, d := range req.Plan.ResourceDrift {
		before, _ := json.Marshal(d.Change.Before)
		after, _ := json.Marshal(d.Change.After)
		drifted = append(drifted, fmt.Sprintf("%s:\n  before %s\n  after  %s", d.Address, before, after))
	}
	if len(drifted) > 0 {
		resp.Error = fmt.Errorf("the refresh after apply changed %d resources:\n%s", len(drifted), strings.Join(drifted, "\n"))
	}
}

// callbackHCL renders one volcengine_live_callback resource; extra holds
// further attribute lines.
// createdByTerraform is what an import of a configuration that Terraform
// created may read differently from the state: create_time, which the state
// holds as the provider saw the create accepted and the import reads from
// the API, a second apart when the request straddles one.
var createdByTerraform = []string{"create_time"}

func callbackHCL(name, scopeAttr, scope, app, messageType string, urls []string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"volcengine_live_callback\" %q {\n  %s = %q\n", name, scopeAttr, scope)
	if app != "" {
		fmt.Fprintf(&b, "  app = %q\n", app)
	}
	fmt.Fprintf(&b, "  message_type = %q\n  callback_detail_list = [\n", messageType)
	for _, u := range urls {
		fmt.Fprintf(&b, "    { url = %q },\n", u)
	}
	b.WriteString("  ]\n")
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func TestAccLiveCallback_basic(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	name := "volcengine_live_callback.test"
	id := "vhost:" + vhost + ":app1:push"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: emu.providerConfig(callbackHCL("test", "vhost", vhost, "app1", "push",
					[]string{"https://hooks.example.com/a", "http://backup.example.com/b"})),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(name, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("callback_detail_list").AtSliceIndex(0).AtMapKey("callback_type"), knownvalue.StringExact("HTTP")),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("auth_enable"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("transcode_callback"), knownvalue.Bool(false)),
					// Known at create, with no call to read it back.
					statecheck.ExpectKnownValue(name, tfjsonpath.New("create_time"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				},
				Check:            emu.expectStored(vhost, "app1", "push", "https://hooks.example.com/a", "http://backup.example.com/b"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				RefreshState: true,
				Check:        resource.TestMatchResourceAttr(name, "create_time", regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
			},
			{
				ResourceName:            name,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: createdByTerraform,
			},
			{
				ResourceName:    name,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id,
			},
			{
				ResourceName:  name,
				ImportState:   true,
				ImportStateId: "vhost:" + vhost + ":nobody:push",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				ResourceName:  name,
				ImportState:   true,
				ImportStateId: "vhost:" + vhost + ":push",
				ExpectError:   regexp.MustCompile(`(?s)vhost:<vhost>:<app>:<message_type>.*domain:<domain>:<message_type>`),
			},
			{
				Config: emu.providerConfig(callbackHCL("test", "vhost", vhost, "app1", "push",
					[]string{"https://hooks.example.com/c"},
					`auth_enable = true`, `auth_key_primary = "key-one"`, `transcode_callback = true`)),
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "app1", "push", "https://hooks.example.com/c"),
					func(*terraform.State) error {
						c, _ := emu.Get(vhost, "app1", "push")
						if !c.AuthEnable || c.AuthKeyPrimary != "key-one" || !c.TranscodeCallback {
							return fmt.Errorf("emulator has %+v", c)
						}
						return nil
					},
				),
			},
			{
				ResourceName:            name,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: createdByTerraform,
			},
			{
				Config: emu.providerConfig(callbackHCL("test", "vhost", vhost, "app1", "push",
					[]string{"https://hooks.example.com/c", "https://hooks.example.com/d"})),
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "app1", "push", "https://hooks.example.com/c", "https://hooks.example.com/d"),
					resource.TestCheckNoResourceAttr(name, "auth_key_primary"),
				),
			},
		},
	})
}

func TestAccLiveCallback_replace(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	name := "volcengine_live_callback.test"
	urls := []string{"https://hooks.example.com/x"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:           emu.providerConfig(callbackHCL("test", "vhost", vhost, "a1", "push", urls)),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				Config:           emu.providerConfig(callbackHCL("test", "vhost", vhost, "a2", "push", urls)),
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionReplace),
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "a2", "push", urls...),
					expectGone(emu, vhost, "a1", "push"),
				),
			},
			{
				Config:           emu.providerConfig(callbackHCL("test", "vhost", vhost, "a2", "push_end", urls)),
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionReplace),
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "a2", "push_end", urls...),
					expectGone(emu, vhost, "a2", "push"),
				),
			},
		},
	})
}

func expectGone(emu *testEmulator, vhost, app, messageType string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := emu.Get(vhost, app, messageType); ok {
			return fmt.Errorf("configuration %s/%q/%s should be gone", vhost, app, messageType)
		}
		return nil
	}
}

func TestAccLiveCallback_domainAndVhostWide(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	urls := []string{"https://hooks.example.com/rec"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: emu.providerConfig(
					callbackHCL("domain", "domain", liveemu.DemoDomain, "", "record", urls),
					callbackHCL("wide", "vhost", vhost, "", "snapshot", urls),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("volcengine_live_callback.domain", tfjsonpath.New("id"),
						knownvalue.StringExact("domain:"+liveemu.DemoDomain+":record")),
					statecheck.ExpectKnownValue("volcengine_live_callback.wide", tfjsonpath.New("id"),
						knownvalue.StringExact("vhost:"+vhost+"::snapshot")),
				},
				Check: resource.ComposeTestCheckFunc(
					emu.expectStored(vhost, "", "record", urls...),
					emu.expectStored(vhost, "", "snapshot", urls...),
				),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{RefreshState: true},
			{
				ResourceName:            "volcengine_live_callback.domain",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: createdByTerraform,
			},
			{
				ResourceName:            "volcengine_live_callback.wide",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: createdByTerraform,
			},
		},
	})
}

func TestAccLiveCallback_disappears(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	name := "volcengine_live_callback.test"
	config := emu.providerConfig(callbackHCL("test", "vhost", vhost, "app1", "push_end", []string{"https://hooks.example.com/end"}))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply},
			{
				PreConfig: func() {
					if !emu.Remove(vhost, "app1", "push_end") {
						t.Fatal("nothing to remove")
					}
				},
				Config:           config,
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionCreate),
				Check:            emu.expectStored(vhost, "app1", "push_end", "https://hooks.example.com/end"),
			},
			{
				// The vhost itself disappearing also leaves the state with a
				// warning instead of failing the refresh.
				PreConfig:          func() { emu.RemoveVhost(vhost) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[name]; ok {
						return fmt.Errorf("%s still in state after its vhost disappeared", name)
					}
					return nil
				},
			},
		},
	})
}

func TestAccLiveCallback_drift(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	name := "volcengine_live_callback.test"
	config := emu.providerConfig(callbackHCL("test", "vhost", vhost, "app1", "record",
		[]string{"https://hooks.example.com/rec"}, `auth_enable = true`, `auth_key_primary = "key-one"`))
	tamper := func(change func(*liveemu.Callback)) func() {
		return func() {
			c, ok := emu.Get(vhost, "app1", "record")
			if !ok {
				t.Fatal("configuration missing")
			}
			change(&c)
			if err := emu.Put(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply},
			{
				PreConfig: tamper(func(c *liveemu.Callback) {
					c.CallbackDetailList = []liveemu.CallbackDetail{{URL: "https://evil.example.com/", CallbackType: "HTTP"}}
				}),
				Config:           config,
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionUpdate),
				Check:            emu.expectStored(vhost, "app1", "record", "https://hooks.example.com/rec"),
			},
			{
				PreConfig:        tamper(func(c *liveemu.Callback) { c.AuthKeyPrimary = "changed-elsewhere" }),
				Config:           config,
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if c, _ := emu.Get(vhost, "app1", "record"); c.AuthKeyPrimary != "key-one" {
						return fmt.Errorf("auth key not restored: %q", c.AuthKeyPrimary)
					}
					return nil
				},
			},
			{
				PreConfig:        tamper(func(c *liveemu.Callback) { c.TranscodeCallback = true }),
				Config:           config,
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionUpdate),
			},
		},
	})
}

// Destroying a configuration without an app must leave the app
// configurations of the same message type, which the API's wildcard delete
// would otherwise remove.
func TestAccLiveCallback_destroyKeepsAppConfigurations(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	client := emu.client(t)
	ctx := context.Background()
	siblings := []liveapi.Callback{
		{Scope: liveapi.Scope{Vhost: vhost}, App: "other1", MessageType: "push",
			CallbackDetailList: []liveapi.CallbackDetail{{URL: "https://o1.example.com/", CallbackType: "HTTP"}},
			AuthEnable:         true, AuthKeyPrimary: "sibling-key"},
		{Scope: liveapi.Scope{Vhost: vhost}, App: "other2", MessageType: "push", TranscodeCallback: true,
			CallbackDetailList: []liveapi.CallbackDetail{{URL: "https://o2.example.com/", CallbackType: "HTTP"}}},
		{Scope: liveapi.Scope{Vhost: vhost}, App: "other1", MessageType: "push_end",
			CallbackDetailList: []liveapi.CallbackDetail{{URL: "https://o3.example.com/", CallbackType: "HTTP"}}},
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			emu.checkDestroyed,
			func(*terraform.State) error {
				for _, want := range siblings {
					got, ok := emu.Get(vhost, want.App, want.MessageType)
					if !ok {
						return fmt.Errorf("sibling %s/%s was lost by the destroy", want.App, want.MessageType)
					}
					if got.AuthKeyPrimary != want.AuthKeyPrimary || got.TranscodeCallback != want.TranscodeCallback ||
						got.CallbackDetailList[0].URL != want.CallbackDetailList[0].URL {
						return fmt.Errorf("sibling %s/%s restored as %+v", want.App, want.MessageType, got)
					}
				}
				// Two restores: the push_end sibling was never touched.
				if n := emu.Calls("UpdateCallback"); n != 2 {
					return fmt.Errorf("UpdateCallback called %d times during destroy, want 2 restores", n)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					for _, s := range siblings {
						if _, err := client.UpdateCallback(ctx, s); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: emu.providerConfig(callbackHCL("wide", "vhost", vhost, "", "push", []string{"https://wide.example.com/"})),
				Check: func(*terraform.State) error {
					emu.ResetCounters()
					return nil
				},
			},
		},
	})
}

func TestAccLiveCallback_serverErrors(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	emu.AddAccount(liveemu.Account{ID: "2100000002", AccessKey: "AKLTOTHER", SecretKey: "other-secret"})
	emu.AddVhost("2100000002", "other.live.example.com")
	urls := []string{"https://hooks.example.com/"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:      emu.providerConfig(callbackHCL("test", "vhost", "missing.live.example.com", "", "push", urls)),
				ExpectError: regexp.MustCompile(`(?s)ResourceNotFound.VhostNotExist.*RequestId.*vhost\s+does\s+not\s+exist`),
			},
			{
				Config:      emu.providerConfig(callbackHCL("test", "vhost", "other.live.example.com", "", "push", urls)),
				ExpectError: regexp.MustCompile(`(?s)RequestForbidden.AccountIDNotAllow.*RequestId.*another\s+account`),
			},
		},
	})
}

// Credentials of an account that needs an STS session token work only
// with it, and an account whose billing is suspended gets an answer that
// says so.
func TestAccLiveCallback_accountStates(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	emu.AddAccount(liveemu.Account{ID: "2100000003", AccessKey: "AKLTSTS", SecretKey: "sts-secret", SessionToken: "sts-token"})
	emu.AddVhost("2100000003", "sts.live.example.com")
	emu.AddAccount(liveemu.Account{ID: "2100000004", AccessKey: "AKLTUNBILLED", SecretKey: "unbilled-secret", Unbilled: true})
	emu.AddVhost("2100000004", "unbilled.live.example.com")
	config := func(ak, sk, token, scope string) string {
		return fmt.Sprintf(`
provider "volcengine" {
  endpoint      = %q
  access_key    = %q
  secret_key    = %q
  session_token = %q
}
`, emu.URL, ak, sk, token) + callbackHCL("test", "vhost", scope, "", "push", []string{"https://hooks.example.com/"})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(emu.All()); n != 0 {
				return fmt.Errorf("%d configurations left", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      config("AKLTUNBILLED", "unbilled-secret", "", "unbilled.live.example.com"),
				ExpectError: regexp.MustCompile(`(?s)RequestForbidden.BillingStatus.*RequestId.*not\s+activated`),
			},
			{
				Config:      config("AKLTSTS", "sts-secret", "wrong-token", "sts.live.example.com"),
				ExpectError: regexp.MustCompile(`(?s)InvalidAccessKey.*access\s+key\s+was\s+rejected`),
			},
			{
				Config: config("AKLTSTS", "sts-secret", "sts-token", "sts.live.example.com"),
				Check:  emu.expectStored("sts.live.example.com", "", "push", "https://hooks.example.com/"),
			},
		},
	})
}

func TestAccLiveCallback_validation(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	urls := []string{"https://hooks.example.com/"}
	cases := []struct {
		name   string
		config string
		want   string
	}{
		{"vhost and domain", `
resource "volcengine_live_callback" "t" {
  vhost = "a.example.com"
  domain = "b.example.com"
  message_type = "push"
  callback_detail_list = [{ url = "https://h.example.com/" }]
}`, `(?s)Invalid Attribute Combination.*vhost.*domain`},
		{"neither vhost nor domain", `
resource "volcengine_live_callback" "t" {
  message_type = "push"
  callback_detail_list = [{ url = "https://h.example.com/" }]
}`, `(?s)Exactly one of these attributes must be configured: \[vhost,domain\]`},
		{"app with domain", `
resource "volcengine_live_callback" "t" {
  domain = "b.example.com"
  app = "a1"
  message_type = "push"
  callback_detail_list = [{ url = "https://h.example.com/" }]
}`, `Attribute "domain" cannot be specified when "app" is specified`},
		{"message type", callbackHCL("t", "vhost", vhost, "", "stream", urls), `(?s)message_type.*value must be one of.*push_end`},
		{"app alphabet", callbackHCL("t", "vhost", vhost, "bad app!", "push", urls), `(?s)Invalid app name.*app "bad app!" contains ' ', '!'`},
		{"app length", callbackHCL("t", "vhost", vhost, strings.Repeat("a", 31), "push", urls), `(?s)App name too long.*app is 31 characters long, over the\s+API's\s+limit\s+of\s+30`},
		{"app empty", callbackHCL("t", "vhost", vhost, "", "push", urls, `app = ""`), `(?s)Empty app name.*Leave app out for a\s+configuration\s+of\s+the\s+whole\s+vhost`},
		{"vhost host name", callbackHCL("t", "vhost", "not a host", "", "push", urls), `(?s)Invalid host name.*vhost must be a host name`},
		{"no callback", callbackHCL("t", "vhost", vhost, "", "push", nil), `(?s)callback_detail_list.*at least 1`},
		{"url scheme", callbackHCL("t", "vhost", vhost, "", "push", []string{"ftp://h.example.com/"}), `(?s)Invalid callback URL.*http:// or https://`},
		{"url length", callbackHCL("t", "vhost", vhost, "", "push", []string{"https://h.example.com/" + strings.Repeat("x", 80)}), `(?s)Callback URL too long.*callback_detail_list\[0\]\.url is 102 characters long, over\s+the\s+API's\s+limit\s+of\s+100`},
		{"callback type", strings.Replace(callbackHCL("t", "vhost", vhost, "", "push", urls), `url = "https://hooks.example.com/" }`, `url = "https://hooks.example.com/", callback_type = "RTMP" }`, 1), `(?s)Invalid callback type.*callback_detail_list\[0\]\.callback_type is "RTMP"`},
		{"auth without key", callbackHCL("t", "vhost", vhost, "", "push", urls, `auth_enable = true`), `(?s)Missing auth key.*auth_enable is true`},
		// What the API accepts and ignores plans, with a warning (checked in
		// TestValidateResourceConfig): an imported configuration may carry it.
		{"key without auth", callbackHCL("t", "vhost", vhost, "", "push", urls, `auth_key_primary = "k"`), ""},
		{"transcode for snapshot", callbackHCL("t", "vhost", vhost, "", "snapshot", urls, `transcode_callback = true`), ""},
		{"callback type as the API's reference writes it", strings.Replace(callbackHCL("t", "vhost", vhost, "", "push", urls), `url = "https://hooks.example.com/" }`, `url = "https://hooks.example.com/", callback_type = "http" }`, 1), ""},
		{"version without write-only key", callbackHCL("t", "vhost", vhost, "", "push", urls, `auth_key_primary_wo_version = 1`), `(?s)auth_key_primary_wo.*must be specified`},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		step := resource.TestStep{Config: emu.providerConfig(c.config), PlanOnly: true, ExpectNonEmptyPlan: true}
		if c.want != "" {
			step.ExpectError = regexp.MustCompile(c.want)
		}
		steps = append(steps, step)
	}
	// Values known only after apply must not fail validation.
	steps = append(steps, resource.TestStep{
		Config: emu.providerConfig(`
resource "terraform_data" "later" {
  input = "push"
}
resource "volcengine_live_callback" "t" {
  vhost                = "` + vhost + `"
  message_type         = terraform_data.later.output
  callback_detail_list = [{ url = "https://h.example.com/" }]
  transcode_callback   = true
  auth_enable          = terraform_data.later.output == "push"
  auth_key_primary     = terraform_data.later.output
}`),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	// Validation makes no call; a configuration that passes it is checked
	// not to exist yet, with one read of its vhost per plan (PlanOnly plans
	// twice).
	valid := 0
	for _, c := range cases {
		if c.want == "" {
			valid++
		}
	}
	if n := emu.TotalCalls() - emu.Calls("DescribeCallback"); n != 0 {
		t.Fatalf("plan-time validation made %d calls other than DescribeCallback, want none", n)
	}
	if n := emu.Calls("DescribeCallback"); n > 2*valid {
		t.Fatalf("the plans made %d DescribeCallback calls, want at most one per plan of a valid configuration (%d)", n, 2*valid)
	}
}

func TestAccLiveCallback_writeOnlyKey(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	name := "volcengine_live_callback.test"
	config := func(key string, version int) string {
		return emu.providerConfig(callbackHCL("test", "vhost", vhost, "app1", "push", []string{"https://hooks.example.com/"},
			`auth_enable = true`, fmt.Sprintf(`auth_key_primary_wo = %q`, key), fmt.Sprintf(`auth_key_primary_wo_version = %d`, version)))
	}
	keyOnServer := func(want string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			c, _ := emu.Get(vhost, "app1", "push")
			if c.AuthKeyPrimary != want {
				return fmt.Errorf("emulator has key %q, want %q", c.AuthKeyPrimary, want)
			}
			for k, v := range s.RootModule().Resources[name].Primary.Attributes {
				if strings.Contains(v, "wo-secret") {
					return fmt.Errorf("write-only key found in state attribute %s", k)
				}
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:           config("wo-secret-1", 1),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: resource.ComposeTestCheckFunc(
					keyOnServer("wo-secret-1"),
					resource.TestCheckNoResourceAttr(name, "auth_key_primary"),
					resource.TestCheckNoResourceAttr(name, "auth_key_primary_wo"),
				),
			},
			{
				Config: emu.providerConfig(callbackHCL("test", "vhost", vhost, "app1", "push", []string{"https://hooks.example.com/"},
					`auth_enable = true`, `auth_key_primary = "plain"`, `auth_key_primary_wo = "wo-secret-3"`, `auth_key_primary_wo_version = 3`)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)auth_key_primary.*cannot be specified when|Conflicting auth keys`),
			},
			{
				// A new key alone is invisible to Terraform; bumping the
				// version sends it.
				Config:           config("wo-secret-2", 2),
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionUpdate),
				Check:            keyOnServer("wo-secret-2"),
			},
		},
	})
}

// The exact API calls of one create, one refresh and one destroy, so that
// an extra call per resource shows up as a failure.
func TestAccLiveCallback_apiCallCounts(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	urls := []string{"https://hooks.example.com/"}
	config := emu.providerConfig(
		callbackHCL("a", "vhost", vhost, "app1", "push", urls),
		callbackHCL("b", "vhost", vhost, "app2", "push", urls),
		callbackHCL("c", "vhost", vhost, "app3", "record", urls),
	)
	calls := func(update, describe, del int) error {
		got := [3]int{emu.Calls("UpdateCallback"), emu.Calls("DescribeCallback"), emu.Calls("DeleteCallback")}
		if got != [3]int{update, describe, del} {
			return fmt.Errorf("calls (update, describe, delete) = %v, want %v", got, [3]int{update, describe, del})
		}
		return nil
	}
	expectCalls := func(update, describe, del int) resource.TestCheckFunc {
		return func(*terraform.State) error { return calls(update, describe, del) }
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Each create is one UpdateCallback; whether they exist
				// already is one shared read of the vhost in the plan, and
				// one again in the apply.
				Config: config,
				Check:  expectCalls(3, 2, 0),
			},
			{
				// Refreshing three configurations of one vhost is one call.
				PreConfig:    emu.ResetCounters,
				RefreshState: true,
				Check:        expectCalls(0, 1, 0),
			},
			{
				// terraform destroy: one shared refresh of the vhost, then one
				// DeleteCallback each, as app configurations need no
				// snapshot. Checked as a state check because a destroy
				// step's Check would first refresh once more.
				PreConfig: emu.ResetCounters,
				Config:    config,
				Destroy:   true,
				ConfigStateChecks: []statecheck.StateCheck{stateCheckFunc(func() error {
					if n := len(emu.All()); n != 0 {
						return fmt.Errorf("%d configurations left after destroy", n)
					}
					return calls(0, 1, 3)
				})},
			},
		},
	})
}

// stateCheckFunc is a check of the world outside the state, run where
// Terraform's state checks run: right after the step's apply.
type stateCheckFunc func() error

func (f stateCheckFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// A full lifecycle logged at trace level, Terraform's and the provider's
// logs together, must not contain the secret key or any auth key.
func TestAccLiveCallback_noSecretsInLogs(t *testing.T) {
	emu := newTestEmulator(t)
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", logDir+"/%s.log")
	// Secrets come from the environment, as in real use, so that the test
	// harness's own echo of the configuration holds none.
	const authKey = "auth-key-that-must-not-leak"
	t.Setenv("TF_VAR_auth_key", authKey)
	t.Setenv(EnvSecretKey, liveemu.DemoSecretKey)
	name := "volcengine_live_callback.test"
	config := func(urls ...string) string {
		return fmt.Sprintf(`
provider "volcengine" {
  endpoint   = %q
  access_key = %q
}
variable "auth_key" {
  type      = string
  sensitive = true
}
`, emu.URL, liveemu.DemoAccessKey) + callbackHCL("test", "vhost", vhost, "", "push", urls,
			`auth_enable = true`, `auth_key_primary = var.auth_key`)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config("https://hooks.example.com/a")},
			{Config: config("https://hooks.example.com/b")},
			{ResourceName: name, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: createdByTerraform},
		},
	})

	entries, err := os.ReadDir(logDir)
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(logDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		total += len(raw)
		for _, secret := range []string{liveemu.DemoSecretKey, authKey} {
			for _, line := range strings.Split(string(raw), "\n") {
				if strings.Contains(line, secret) {
					t.Errorf("log %s contains the secret %q in: %.300s", e.Name(), secret, line)
					break
				}
			}
		}
	}
	// The check means something only if the provider's calls were logged.
	if total == 0 || !logsMention(logDir, "UpdateCallback") {
		t.Fatalf("no provider trace logs were written to %s (%d bytes)", logDir, total)
	}
}

func logsMention(dir, s string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		raw, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(raw), s) {
			return true
		}
	}
	return false
}
