package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// These tests call the provider server's RPCs the way Terraform 1.12 to
// 1.15 do for resource identity and list resources, so that a machine with
// an older Terraform still exercises both against the emulator.

const callbackType = "volcengine_live_callback"

// listServer is a provider server that serves list resources.
type listServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// protoProvider is a provider server configured against an emulator.
type protoProvider struct {
	t            *testing.T
	server       listServer
	provider     *volcengineProvider
	resourceType tftypes.Object
	identityType tftypes.Object
	listType     tftypes.Object
}

func newProtoProvider(t *testing.T, emu *testEmulator) *protoProvider {
	t.Helper()
	ctx := context.Background()
	prov := &volcengineProvider{version: "test"}
	server, err := newProtocol6Server(prov)
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "GetProviderSchema", schemas.Diagnostics)
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "GetResourceIdentitySchemas", identities.Diagnostics)
	if schemas.ListResourceSchemas[callbackType] == nil || identities.IdentitySchemas[callbackType] == nil {
		t.Fatalf("want a list resource schema and an identity schema for %s; got list resources %v, identities %v",
			callbackType, slices.Collect(maps.Keys(schemas.ListResourceSchemas)), slices.Collect(maps.Keys(identities.IdentitySchemas)))
	}
	p := &protoProvider{
		t:            t,
		server:       server,
		provider:     prov,
		resourceType: schemas.ResourceSchemas[callbackType].ValueType().(tftypes.Object),
		identityType: identities.IdentitySchemas[callbackType].ValueType().(tftypes.Object),
		listType:     schemas.ListResourceSchemas[callbackType].ValueType().(tftypes.Object),
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config: p.dynamic(providerType, objectOf(providerType, map[string]tftypes.Value{
			"endpoint":    str(emu.URL),
			"access_key":  str(liveemu.DemoAccessKey),
			"secret_key":  str(liveemu.DemoSecretKey),
			"journal_dir": str(emu.JournalDir),
		})),
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "ConfigureProvider", resp.Diagnostics)
	return p
}

// objectOf builds an object of typ from attrs, the other attributes null.
func objectOf(typ tftypes.Object, attrs map[string]tftypes.Value) tftypes.Value {
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	maps.Copy(values, attrs)
	return tftypes.NewValue(typ, values)
}

func (p *protoProvider) dynamic(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// attrs decodes an object; nil for a null one.
func (p *protoProvider) attrs(typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	p.t.Helper()
	if dv == nil {
		return nil
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	if v.IsNull() {
		return nil
	}
	var out map[string]tftypes.Value
	if err := v.As(&out); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// identity is an identity object; empty strings are null.
func (p *protoProvider) identity(vhost, domain, app, messageType string) *tfprotov6.ResourceIdentityData {
	nullable := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return str(s)
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: p.dynamic(p.identityType, tftypes.NewValue(p.identityType, map[string]tftypes.Value{
		"vhost": nullable(vhost), "domain": nullable(domain), "app": nullable(app), "message_type": str(messageType),
	}))}
}

// identityString renders identity data like `vhost=v app=- domain=- message_type=push`.
func (p *protoProvider) identityString(id *tfprotov6.ResourceIdentityData) string {
	p.t.Helper()
	if id == nil {
		return "<no identity>"
	}
	return renderAttrs(p.attrs(p.identityType, id.IdentityData), "vhost", "domain", "app", "message_type")
}

func renderAttrs(attrs map[string]tftypes.Value, names ...string) string {
	if attrs == nil {
		return "<null>"
	}
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+"="+stringOrDash(attrs[name]))
	}
	return strings.Join(parts, " ")
}

// stringOrDash renders a string value, "-" for null.
func stringOrDash(v tftypes.Value) string {
	if v.IsNull() {
		return "-"
	}
	var s string
	if err := v.As(&s); err != nil {
		return fmt.Sprintf("<%s>", v)
	}
	return s
}

func failOnDiagnostics(t *testing.T, rpc string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
}

func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%s: %s: %s\n", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}

// create plans and applies a new resource, as terraform apply does.
func (p *protoProvider) create(config map[string]tftypes.Value) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	apply := p.tryCreate(config)
	failOnDiagnostics(p.t, "ApplyResourceChange", apply.Diagnostics)
	return apply
}

// tryCreate is create, leaving the apply's diagnostics to the caller.
func (p *protoProvider) tryCreate(config map[string]tftypes.Value) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	return p.applyCreate(config, p.planCreate(config))
}

// planCreate plans the create of config.
func (p *protoProvider) planCreate(config map[string]tftypes.Value) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	cfg := objectOf(p.resourceType, config)
	null := p.dynamic(p.resourceType, tftypes.NewValue(p.resourceType, nil))
	plan, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: callbackType, PriorState: null, ProposedNewState: p.dynamic(p.resourceType, cfg), Config: p.dynamic(p.resourceType, cfg),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	failOnDiagnostics(p.t, "PlanResourceChange", plan.Diagnostics)
	return plan
}

// applyCreate applies the planned create of config, leaving the apply's
// diagnostics to the caller.
func (p *protoProvider) applyCreate(config map[string]tftypes.Value, plan *tfprotov6.PlanResourceChangeResponse) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	cfg := objectOf(p.resourceType, config)
	null := p.dynamic(p.resourceType, tftypes.NewValue(p.resourceType, nil))
	apply, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: callbackType, PriorState: null, PlannedState: plan.PlannedState, Config: p.dynamic(p.resourceType, cfg),
		PlannedPrivate: plan.PlannedPrivate, PlannedIdentity: plan.PlannedIdentity,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return apply
}

func (p *protoProvider) read(state *tfprotov6.DynamicValue, private []byte, identity *tfprotov6.ResourceIdentityData) *tfprotov6.ReadResourceResponse {
	p.t.Helper()
	resp, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: callbackType, CurrentState: state, Private: private, CurrentIdentity: identity,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

func (p *protoProvider) importResource(id string, identity *tfprotov6.ResourceIdentityData) *tfprotov6.ImportResourceStateResponse {
	p.t.Helper()
	resp, err := p.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
		TypeName: callbackType, ID: id, Identity: identity,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// list runs ListResource and collects its results.
func (p *protoProvider) list(config map[string]string, includeResource bool, limit int64) []tfprotov6.ListResourceResult {
	p.t.Helper()
	attrs := map[string]tftypes.Value{}
	for k, v := range config {
		attrs[k] = str(v)
	}
	stream, err := p.server.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: callbackType, Config: p.dynamic(p.listType, objectOf(p.listType, attrs)),
		IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return slices.Collect(stream.Results)
}

func TestProtocolIdentitySchema(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "GetResourceIdentitySchemas", resp.Diagnostics)
	got := map[string]string{}
	for _, a := range resp.IdentitySchemas[callbackType].IdentityAttributes {
		switch {
		case a.RequiredForImport:
			got[a.Name] = "required"
		case a.OptionalForImport:
			got[a.Name] = "optional"
		default:
			got[a.Name] = "neither"
		}
	}
	want := map[string]string{"vhost": "optional", "domain": "optional", "app": "optional", "message_type": "required"}
	if !maps.Equal(got, want) {
		t.Fatalf("identity attributes %v, want %v", got, want)
	}
}

// Create, read and import each record an identity, whether or not Terraform
// sent one (Terraform before 1.12 never does); a vhost-wide configuration
// and a domain's never share one.
func TestProtocolIdentityFromCreateReadImport(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	urls := details("https://hooks.example.com/identity", "")
	cases := []struct {
		name     string
		config   map[string]tftypes.Value
		identity string
		id       string
	}{
		{"app", map[string]tftypes.Value{"vhost": str(vhost), "app": str("app1"), "message_type": str("push"), "callback_detail_list": urls},
			"vhost=" + vhost + " domain=- app=app1 message_type=push", "vhost:" + vhost + ":app1:push"},
		{"vhost-wide", map[string]tftypes.Value{"vhost": str(vhost), "message_type": str("push_end"), "callback_detail_list": urls},
			"vhost=" + vhost + " domain=- app=- message_type=push_end", "vhost:" + vhost + "::push_end"},
		{"domain", map[string]tftypes.Value{"domain": str(liveemu.DemoDomain), "message_type": str("record"), "callback_detail_list": urls},
			"vhost=- domain=" + liveemu.DemoDomain + " app=- message_type=record", "domain:" + liveemu.DemoDomain + ":record"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newProtoProvider(t, emu)
			created := p.create(tc.config)
			if got := p.identityString(created.NewIdentity); got != tc.identity {
				t.Fatalf("identity after create: %s, want %s", got, tc.identity)
			}

			// Terraform before 1.12 sends no identity; 1.12 and later send
			// the stored one, which must not change.
			for _, sent := range []*tfprotov6.ResourceIdentityData{nil, created.NewIdentity} {
				read := p.read(created.NewState, created.Private, sent)
				failOnDiagnostics(t, "ReadResource", read.Diagnostics)
				if got := p.identityString(read.NewIdentity); got != tc.identity {
					t.Fatalf("identity after read (sent %s): %s, want %s", p.identityString(sent), got, tc.identity)
				}
			}

			byID := p.importResource(tc.id, nil)
			failOnDiagnostics(t, "ImportResourceState by ID", byID.Diagnostics)
			if got := p.identityString(byID.ImportedResources[0].Identity); got != tc.identity {
				t.Fatalf("identity after import by ID: %s, want %s", got, tc.identity)
			}

			byIdentity := p.importResource("", created.NewIdentity)
			failOnDiagnostics(t, "ImportResourceState by identity", byIdentity.Diagnostics)
			imported := byIdentity.ImportedResources[0]
			if got := p.identityString(imported.Identity); got != tc.identity {
				t.Fatalf("identity after import by identity: %s, want %s", got, tc.identity)
			}
			stub := p.attrs(p.resourceType, imported.State)
			if got, want := stringOrDash(stub["id"]), tc.id; got != want {
				t.Fatalf("imported id %s, want %s", got, want)
			}
			read := p.read(imported.State, imported.Private, imported.Identity)
			failOnDiagnostics(t, "ReadResource after import", read.Diagnostics)
			state := p.attrs(p.resourceType, read.NewState)
			if got := renderAttrs(state, "id", "vhost", "domain", "app", "message_type"); got != renderAttrs(p.attrs(p.resourceType, created.NewState), "id", "vhost", "domain", "app", "message_type") {
				t.Fatalf("state read after import by identity: %s", got)
			}
			if state["create_time"].IsNull() {
				t.Fatal("the read after import left create_time null")
			}
		})
	}
}

// A refresh that finds the configuration gone removes it with a warning,
// also for a state that has no identity yet (written by Terraform before
// 1.12, or imported by one): the framework refuses a read that ends
// without identity otherwise.
func TestProtocolReadOfMissingConfigurationWithoutIdentity(t *testing.T) {
	emu := newTestEmulator(t)
	p := newProtoProvider(t, emu)
	imported := p.importResource("vhost:"+vhost+":nobody:push", nil)
	failOnDiagnostics(t, "ImportResourceState", imported.Diagnostics)
	read := p.read(imported.ImportedResources[0].State, imported.ImportedResources[0].Private, nil)
	failOnDiagnostics(t, "ReadResource", read.Diagnostics)
	if state := p.attrs(p.resourceType, read.NewState); state != nil {
		t.Fatalf("a missing configuration stayed in the state: %v", state)
	}
}

func TestProtocolImportByInvalidIdentity(t *testing.T) {
	emu := newTestEmulator(t)
	p := newProtoProvider(t, emu)
	for name, tc := range map[string]struct {
		identity *tfprotov6.ResourceIdentityData
		want     string
	}{
		"neither scope":  {p.identity("", "", "", "push"), "names neither a vhost nor a domain"},
		"both scopes":    {p.identity(vhost, liveemu.DemoDomain, "", "push"), "give exactly one"},
		"app on domain":  {p.identity("", liveemu.DemoDomain, "app1", "push"), "a domain's configuration has no app"},
		"bad app":        {p.identity(vhost, "", "no spaces", "push"), "must be 1 to 30 characters"},
		"bad host":       {p.identity("under_score.example.com", "", "", "push"), "must be a host name"},
		"bad type":       {p.identity(vhost, "", "", "pushed"), `message_type "pushed" is not one of push, push_end, snapshot, record, audit_snapshot`},
		"empty app only": {p.identity(vhost, "", "", ""), "message_type"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := p.importResource("", tc.identity)
			text := diagnosticsText(resp.Diagnostics)
			if !strings.Contains(text, "Invalid import identity") || !strings.Contains(text, tc.want) ||
				!strings.Contains(text, `identity = { domain = "push.example.com", message_type = "record" }`) {
				t.Fatalf("diagnostics:\n%s\nwant an invalid import identity error with %q and the accepted forms", text, tc.want)
			}
		})
	}
}

// listed is one result, decoded.
type listed struct {
	identity    string
	displayName string
	resource    map[string]tftypes.Value
}

func (p *protoProvider) decodeResults(results []tfprotov6.ListResourceResult) []listed {
	p.t.Helper()
	out := make([]listed, 0, len(results))
	for _, r := range results {
		failOnDiagnostics(p.t, "ListResource result", r.Diagnostics)
		out = append(out, listed{
			identity:    p.identityString(r.Identity),
			displayName: r.DisplayName,
			resource:    p.attrs(p.resourceType, r.Resource),
		})
	}
	return out
}

func identities(results []listed) []string {
	out := make([]string, 0, len(results))
	for _, r := range results {
		out = append(out, r.identity)
	}
	slices.Sort(out)
	return out
}

// seedListed stores configurations made outside Terraform.
func seedListed(t *testing.T, emu *testEmulator, cbs ...liveemu.Callback) {
	t.Helper()
	for _, c := range cbs {
		if err := emu.Put(c); err != nil {
			t.Fatalf("seeding %+v: %v", c, err)
		}
	}
}

// listSeed is what the list tests find: a vhost-wide configuration, two of
// one app (one with settings the provider does not model, one signed with
// a key) and a domain's.
func listSeed() []liveemu.Callback {
	detail := func(u string) []liveemu.CallbackDetail {
		return []liveemu.CallbackDetail{{URL: u, CallbackType: "HTTP"}}
	}
	return []liveemu.Callback{
		{Vhost: vhost, MessageType: "push", CallbackDetailList: detail("https://console.example.com/push")},
		{Vhost: vhost, App: "live", MessageType: "push_end", TranscodeCallback: true,
			CallbackDetailList: append(detail("https://console.example.com/end"), liveemu.CallbackDetail{URL: "http://backup.example.com/end", CallbackType: "HTTP"}),
			Extra:              map[string]json.RawMessage{"RetryTimes": json.RawMessage(`3`)}},
		{Vhost: vhost, App: "live", MessageType: "record", AuthEnable: true, AuthKeyPrimary: "consolekey123",
			CallbackDetailList: detail("https://console.example.com/record")},
		{Domain: liveemu.DemoDomain, MessageType: "snapshot", CallbackDetailList: detail("https://console.example.com/snapshot")},
	}
}

// The list resource finds exactly the scope's own configurations under
// every reading of the API, with one DescribeCallback per scope, and each
// result's resource is what importing it by its identity and reading it
// puts in the state, without the auth key.
func TestProtocolListResourceUnderEveryReading(t *testing.T) {
	t.Parallel()
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r, err := liveemu.ReadingByName(name)
			if err != nil {
				t.Fatal(err)
			}
			emu := newTestEmulatorWith(t, liveemu.Config{Readings: r})
			seedListed(t, emu, listSeed()...)
			p := newProtoProvider(t, emu)
			separate := r.DomainModel == liveemu.DomainSeparate

			ofVhost := func(app, mt string) string {
				if app == "" {
					app = "-"
				}
				return fmt.Sprintf("vhost=%s domain=- app=%s message_type=%s", vhost, app, mt)
			}
			ofDomain := func(mt string) string {
				return fmt.Sprintf("vhost=- domain=%s app=- message_type=%s", liveemu.DemoDomain, mt)
			}
			// Where a domain's configuration is its vhost's app-less one,
			// the seeded domain configuration is a record of the vhost: the
			// vhost lists it under its own identity, and the domain, which
			// has no record of its own, lists nothing. Each record is
			// listed once.
			wantVhost := []string{ofVhost("", "push"), ofVhost("live", "push_end"), ofVhost("live", "record")}
			wantDomain := []string{ofDomain("snapshot")}
			if !separate {
				wantVhost = append(wantVhost, ofVhost("", "snapshot"))
				wantDomain = nil
			}
			slices.Sort(wantVhost)
			slices.Sort(wantDomain)

			emu.ResetCounters()
			byVhost := p.decodeResults(p.list(map[string]string{"vhost": vhost}, true, 0))
			if got := identities(byVhost); !slices.Equal(got, wantVhost) {
				t.Fatalf("vhost lists\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(wantVhost, "\n  "))
			}
			byDomain := p.decodeResults(p.list(map[string]string{"domain": liveemu.DemoDomain}, true, 0))
			if got := identities(byDomain); !slices.Equal(got, wantDomain) {
				t.Fatalf("domain lists\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(wantDomain, "\n  "))
			}
			app := p.decodeResults(p.list(map[string]string{"vhost": vhost, "app": "live"}, false, 0))
			if got, want := identities(app), []string{ofVhost("live", "push_end"), ofVhost("live", "record")}; !slices.Equal(got, want) {
				t.Fatalf("app filter lists %v, want %v", got, want)
			}
			typed := p.decodeResults(p.list(map[string]string{"vhost": vhost, "message_type": "record"}, false, 0))
			if got, want := identities(typed), []string{ofVhost("live", "record")}; !slices.Equal(got, want) {
				t.Fatalf("message_type filter lists %v, want %v", got, want)
			}
			if got := p.list(map[string]string{"vhost": vhost}, false, 2); len(got) != 2 {
				t.Fatalf("limit 2 gave %d results", len(got))
			}
			if n := emu.Calls("DescribeCallback"); n != 2 {
				t.Fatalf("listing two scopes five times made %d DescribeCallback calls, want one per scope", n)
			}
			for _, res := range app {
				if res.resource != nil {
					t.Fatalf("%s: a resource without include_resource", res.identity)
				}
			}

			for _, res := range append(byVhost, byDomain...) {
				checkListedResource(t, p, res)
			}
		})
	}
}

var displayNamePattern = regexp.MustCompile(`^(push|push_end|snapshot|record|audit_snapshot) callbacks of (app "[^"]+" of )?(vhost|domain) "[^"]+"$`)

// checkListedResource compares a listed resource with the state that
// importing it by its identity and refreshing it give.
func checkListedResource(t *testing.T, p *protoProvider, res listed) {
	t.Helper()
	if !displayNamePattern.MatchString(res.displayName) {
		t.Errorf("%s: display name %q", res.identity, res.displayName)
	}
	if res.resource == nil {
		t.Fatalf("%s: no resource with include_resource", res.identity)
	}
	imported := p.importResource("", &tfprotov6.ResourceIdentityData{IdentityData: identityDataOf(t, p, res.resource)})
	failOnDiagnostics(t, "ImportResourceState", imported.Diagnostics)
	read := p.read(imported.ImportedResources[0].State, imported.ImportedResources[0].Private, imported.ImportedResources[0].Identity)
	failOnDiagnostics(t, "ReadResource", read.Diagnostics)
	if got := p.identityString(read.NewIdentity); got != res.identity {
		t.Errorf("%s: importing the listed identity gave identity %s", res.identity, got)
	}
	state := p.attrs(p.resourceType, read.NewState)
	for name, want := range state {
		got := res.resource[name]
		switch name {
		case "auth_key_primary":
			if !got.IsNull() {
				t.Errorf("%s: the listed resource exposes auth_key_primary", res.identity)
			}
		default:
			if !got.Equal(want) {
				t.Errorf("%s: listed %s = %s, but import and read give %s", res.identity, name, got, want)
			}
		}
	}
}

// identityDataOf derives the identity from a listed resource's attributes.
func identityDataOf(t *testing.T, p *protoProvider, resource map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	values := map[string]tftypes.Value{}
	for _, name := range []string{"vhost", "domain", "app", "message_type"} {
		values[name] = resource[name]
	}
	return p.dynamic(p.identityType, tftypes.NewValue(p.identityType, values))
}

func TestProtocolListResourceErrors(t *testing.T) {
	emu := newTestEmulator(t)
	p := newProtoProvider(t, emu)
	for name, tc := range map[string]struct {
		config map[string]string
		want   string
	}{
		"unknown vhost": {map[string]string{"vhost": "nobody.example.com"}, "Error listing Live callbacks of the vhost \"nobody.example.com\""},
	} {
		t.Run(name, func(t *testing.T) {
			results := p.list(tc.config, true, 0)
			if len(results) != 1 || !strings.Contains(diagnosticsText(results[0].Diagnostics), tc.want) {
				var texts []string
				for _, r := range results {
					texts = append(texts, diagnosticsText(r.Diagnostics))
				}
				t.Fatalf("results %v, want one error containing %q", texts, tc.want)
			}
		})
	}

	for name, tc := range map[string]struct {
		config map[string]string
		want   string
	}{
		"neither scope": {map[string]string{"app": "live"}, "Missing Attribute Configuration: Exactly one of these attributes must be configured: [vhost,domain]"},
		"both scopes":   {map[string]string{"vhost": vhost, "domain": liveemu.DemoDomain}, "Invalid Attribute Combination: Exactly one of these attributes must be configured: [vhost,domain]"},
		"app on domain": {map[string]string{"domain": liveemu.DemoDomain, "app": "live"}, `Attribute "domain" cannot be specified when "app" is specified`},
		"bad type":      {map[string]string{"vhost": vhost, "message_type": "pushed"}, "message_type value must be one of"},
	} {
		t.Run(name, func(t *testing.T) {
			attrs := map[string]tftypes.Value{}
			for k, v := range tc.config {
				attrs[k] = str(v)
			}
			resp, err := p.server.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
				TypeName: callbackType, Config: p.dynamic(p.listType, objectOf(p.listType, attrs)),
			})
			if err != nil {
				t.Fatal(err)
			}
			if text := diagnosticsText(resp.Diagnostics); !strings.Contains(text, tc.want) {
				t.Fatalf("diagnostics:\n%s\nwant %q", text, tc.want)
			}
		})
	}
}
