package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

func TestListedKeyKeepsToItsScope(t *testing.T) {
	byVhost := liveapi.Scope{Vhost: vhost}
	byDomain := liveapi.Scope{Domain: liveemu.DemoDomain}
	appItem := liveapi.Callback{Scope: byVhost, App: "live", MessageType: "push"}
	wideItem := liveapi.Callback{Scope: byVhost, MessageType: "push"}
	domainRecord := liveapi.Callback{Scope: liveapi.Scope{Vhost: vhost, Domain: liveemu.DemoDomain}, MessageType: "push", NotUseVhost: true, DomainReported: true}
	otherDomain := liveapi.Callback{Scope: liveapi.Scope{Vhost: vhost, Domain: "other.example.com"}, MessageType: "push", NotUseVhost: true, DomainReported: true}
	vhostRecord := wideItem
	vhostRecord.DomainReported = true
	for _, tc := range []struct {
		scope liveapi.Scope
		item  liveapi.Callback
		want  string // "" when the item is another scope's
	}{
		{byVhost, appItem, "vhost:" + vhost + ":live:push"},
		{byVhost, wideItem, "vhost:" + vhost + "::push"},
		{byVhost, domainRecord, ""},
		// Answers that carry no domain: the vhost's app-less record is
		// what the domain names, and its identity is the vhost's.
		{byDomain, wideItem, "vhost:" + vhost + "::push"},
		{byDomain, appItem, ""},
		// Answers that carry domains: only the domain's own records.
		{byDomain, domainRecord, "domain:" + liveemu.DemoDomain + ":push"},
		{byDomain, vhostRecord, ""},
		{byDomain, otherDomain, ""},
	} {
		k, ok := listedKey(tc.scope, tc.item)
		got := ""
		if ok {
			got = k.String()
		}
		if got != tc.want {
			t.Errorf("%s listing %+v: got %q, want %q", tc.scope, tc.item, got, tc.want)
		}
	}
}

// terraform query lists what the scope holds, with identities, display
// names and resources (Terraform 1.14 and later).
func TestAccLiveCallbackList_query(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	seedListed(t, emu, listSeed()...)
	managed := callbackHCL("managed", "vhost", vhost, "tf", "snapshot", []string{"https://hooks.example.com/managed"})
	vhostID := func(app, messageType string) map[string]knownvalue.Check {
		id := map[string]knownvalue.Check{
			"vhost": knownvalue.StringExact(vhost), "domain": knownvalue.Null(), "app": knownvalue.Null(),
			"message_type": knownvalue.StringExact(messageType),
		}
		if app != "" {
			id["app"] = knownvalue.StringExact(app)
		}
		return id
	}
	record := queryfilter.ByResourceIdentity(vhostID("live", "record"))
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: emu.providerConfig(managed),
			},
			{
				Query: true,
				Config: `
list "volcengine_live_callback" "vhost" {
  provider         = volcengine
  include_resource = true
  config {
    vhost = "` + vhost + `"
  }
}

list "volcengine_live_callback" "app" {
  provider = volcengine
  config {
    vhost        = "` + vhost + `"
    app          = "live"
    message_type = "record"
  }
}

list "volcengine_live_callback" "domain" {
  provider = volcengine
  config {
    domain = "` + liveemu.DemoDomain + `"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					// The emulator's default reading stores a domain's
					// configuration as its vhost's app-less one.
					querycheck.ExpectLength("volcengine_live_callback.vhost", 5),
					querycheck.ExpectIdentity("volcengine_live_callback.vhost", vhostID("", "push")),
					querycheck.ExpectIdentity("volcengine_live_callback.vhost", vhostID("", "snapshot")),
					querycheck.ExpectIdentity("volcengine_live_callback.vhost", vhostID("live", "push_end")),
					querycheck.ExpectIdentity("volcengine_live_callback.vhost", vhostID("live", "record")),
					querycheck.ExpectIdentity("volcengine_live_callback.vhost", vhostID("tf", "snapshot")),
					querycheck.ExpectResourceDisplayName("volcengine_live_callback.vhost", record,
						knownvalue.StringExact(`record callbacks of app "live" of vhost "`+vhost+`"`)),
					querycheck.ExpectResourceKnownValues("volcengine_live_callback.vhost", record, []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("vhost:" + vhost + ":live:record")},
						{Path: tfjsonpath.New("auth_enable"), KnownValue: knownvalue.Bool(true)},
						{Path: tfjsonpath.New("auth_key_primary"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("callback_detail_list").AtSliceIndex(0).AtMapKey("url"),
							KnownValue: knownvalue.StringExact("https://console.example.com/record")},
						{Path: tfjsonpath.New("create_time"), KnownValue: knownvalue.NotNull()},
					}),
					querycheck.ExpectLength("volcengine_live_callback.app", 1),
					querycheck.ExpectIdentity("volcengine_live_callback.app", vhostID("live", "record")),
					// The domain's configuration is its vhost's record,
					// listed by the vhost alone.
					querycheck.ExpectLength("volcengine_live_callback.domain", 0),
				},
			},
			{
				Query: true,
				Config: `
list "volcengine_live_callback" "both" {
  provider = volcengine
  config {
    vhost  = "` + vhost + `"
    domain = "` + liveemu.DemoDomain + `"
  }
}
`,
				ExpectError: regexp.MustCompile(`Exactly one of these attributes must be configured: \[vhost,domain\]`),
			},
		},
	})
}

// The adoption workflow of the README with the real terraform binary, the
// provider built from this tree and the list resource's example: terraform
// query -generate-config-out writes configuration that, once the auth key is
// added where auth is on, imports every listed configuration with nothing to
// add or change, writes nothing, and leaves empty plans (Terraform 1.14 and
// later); under the reading where a domain's configuration is its vhost's
// app-less one, and the one where it is a record of its own, each record is
// listed and imported once.
func TestAccLiveCallbackList_generateConfig(t *testing.T) {
	t.Parallel()
	tf := terraformPath(t)
	if !terraformAtLeast(t, tf, "1.14.0") {
		t.Skip("terraform query needs Terraform 1.14 or later")
	}
	pluginDir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-volcengine"), ".")
	build.Dir = moduleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"liveops/volcengine\" = %q\n  }\n  direct {}\n}\n", pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"merged", "separate-own"} {
		t.Run(name, func(t *testing.T) { adoptThroughQuery(t, tf, cliConfig, name) })
	}
}

// adoptThroughQuery adopts the console's configurations under a reading
// of the API with the README's commands.
func adoptThroughQuery(t *testing.T, tf, cliConfig, reading string) {
	emu, r := readingEmulator(t, reading)
	// What the console makes, a key stored with signing off included.
	seedListed(t, emu, append(listSeed(), storedKeyOff())...)
	before := emu.All()
	emu.ResetCounters()
	work := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", "terraform {\n  required_providers {\n    volcengine = { source = \"liveops/volcengine\" }\n  }\n}\n"+emu.providerConfig())
	example, err := os.ReadFile(filepath.Join(moduleRoot(t), "examples", "list-resources", "volcengine_live_callback", "list-resource.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	write("adopt.tfquery.hcl", string(example))
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tf, append(args, "-no-color")...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	run("validate", "-query")
	run("query", "-generate-config-out=generated.tf")
	raw, err := os.ReadFile(filepath.Join(work, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(raw)
	// Where the domain's configuration is its vhost's app-less one, the
	// vhost lists it and the domain nothing: each record once.
	if n := strings.Count(generated, "\nimport {"); n != 5 {
		t.Fatalf("generated %d import blocks, want one for each of the 5 configurations:\n%s", n, generated)
	}
	for _, absent := range []string{"create_time", "consolekey123", "storedkey456", "\n  id "} {
		if strings.Contains(generated, absent) {
			t.Fatalf("the generated configuration has %q:\n%s", absent, generated)
		}
	}
	for _, line := range strings.Split(generated, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && strings.HasPrefix(f[0], "auth_key_primary") && f[2] != "null" {
			t.Fatalf("the generated configuration sets a key: %s", line)
		}
	}
	// What the docs ask of the user: the key of the configuration that
	// signs its callbacks.
	withKey := regexp.MustCompile(`(?m)^(\s*auth_enable\s*=\s*true\n\s*auth_key_primary\s*=\s*)null # sensitive$`).
		ReplaceAllString(generated, `${1}"consolekey123"`)
	if n := strings.Count(withKey, `"consolekey123"`); n != 1 {
		t.Fatalf("found %d configurations with auth on, want 1:\n%s", n, generated)
	}
	write("generated.tf", withKey)

	if out := run("apply", "-auto-approve"); !strings.Contains(out, "Resources: 5 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Fatalf("apply of the generated configuration:\n%s", out)
	}
	if n := emu.Calls("UpdateCallback") + emu.Calls("DeleteCallback"); n != 0 {
		t.Fatalf("the adoption wrote %d times", n)
	}
	if after := emu.All(); !reflect.DeepEqual(before, after) {
		t.Fatalf("the adoption changed the server:\n before %+v\n after  %+v", before, after)
	}
	if out := run("plan", "-detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after the import:\n%s", out)
	}
	if out := run("plan", "-refresh-only", "-detailed-exitcode"); !strings.Contains(out, "No changes.") {
		t.Fatalf("refresh-only plan after the import:\n%s", out)
	}
	state := run("show", "-json")
	for _, identity := range []string{
		`"identity":{"app":null,"domain":null,"message_type":"push","vhost":"` + vhost + `"}`,
		`"identity":{"app":"live","domain":null,"message_type":"record","vhost":"` + vhost + `"}`,
		snapshotIdentity(r),
	} {
		if !strings.Contains(state, identity) {
			t.Fatalf("the state records no %s:\n%s", identity, state)
		}
	}
}

// snapshotIdentity is the identity of the seeded domain's configuration:
// the domain's own record, or its vhost's app-less one.
func snapshotIdentity(r liveemu.Readings) string {
	if r.DomainModel == liveemu.DomainSeparate {
		return `"identity":{"app":null,"domain":"` + liveemu.DemoDomain + `","message_type":"snapshot","vhost":null}`
	}
	return `"identity":{"app":null,"domain":null,"message_type":"snapshot","vhost":"` + vhost + `"}`
}
