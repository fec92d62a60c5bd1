package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// validateCallbackConfig runs the resource's plan-time validation through
// the protocol, as Terraform does right before planning, with the provider
// configured: schema validators and resource validators together.
// Attributes not in attrs are null.
func validateCallbackConfig(t *testing.T, attrs map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	return validateCallbackConfigIn(t, true, attrs)
}

// validateCallbackConfigIn is validateCallbackConfig with the provider
// configured or not: Terraform's validate walk does not configure it.
func validateCallbackConfigIn(t *testing.T, configured bool, attrs map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	server, err := testAccProtoV6ProviderFactories["volcengine"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if configured {
		providerType := schemas.Provider.ValueType().(tftypes.Object)
		providerConfig, err := tfprotov6.NewDynamicValue(providerType, objectOf(providerType, map[string]tftypes.Value{
			"endpoint":   str("http://127.0.0.1:1"),
			"access_key": str(liveemu.DemoAccessKey),
			"secret_key": str(liveemu.DemoSecretKey),
		}))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &providerConfig})
		if err != nil {
			t.Fatal(err)
		}
		failOnDiagnostics(t, "ConfigureProvider", resp.Diagnostics)
	}
	objType := schemas.ResourceSchemas["volcengine_live_callback"].ValueType().(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range attrs {
		if _, ok := objType.AttributeTypes[name]; !ok {
			t.Fatalf("the schema has no attribute %q", name)
		}
		values[name] = v
	}
	config, err := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, values))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
		TypeName:           "volcengine_live_callback",
		Config:             &config,
		ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

var (
	detailType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"url": tftypes.String, "callback_type": tftypes.String}}
	detailList = tftypes.List{ElementType: detailType}
)

// details builds callback_detail_list from url and callback_type pairs; an
// empty callback_type is left out.
func details(pairs ...string) tftypes.Value {
	var items []tftypes.Value
	for i := 0; i < len(pairs); i += 2 {
		typ := tftypes.NewValue(tftypes.String, nil)
		if pairs[i+1] != "" {
			typ = tftypes.NewValue(tftypes.String, pairs[i+1])
		}
		items = append(items, tftypes.NewValue(detailType, map[string]tftypes.Value{
			"url": tftypes.NewValue(tftypes.String, pairs[i]), "callback_type": typ,
		}))
	}
	return tftypes.NewValue(detailList, items)
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
func boolean(b bool) tftypes.Value {
	return tftypes.NewValue(tftypes.Bool, b)
}

// validCallback is a configuration without any diagnostic, plus changes.
func validCallback(changes map[string]tftypes.Value) map[string]tftypes.Value {
	attrs := map[string]tftypes.Value{
		"vhost":                str("push.live.example.com"),
		"message_type":         str("push"),
		"callback_detail_list": details("https://hooks.example.com/a", ""),
	}
	for k, v := range changes {
		attrs[k] = v
	}
	return attrs
}

func TestValidateResourceConfig(t *testing.T) {
	root := tftypes.NewAttributePath().WithAttributeName
	item := func(i int) *tftypes.AttributePath {
		return tftypes.NewAttributePath().WithAttributeName("callback_detail_list").WithElementKeyInt(i)
	}
	type want struct {
		severity tfprotov6.DiagnosticSeverity
		path     *tftypes.AttributePath
		detail   []string
		absent   string
	}
	errorAt := func(p *tftypes.AttributePath, detail ...string) *want {
		return &want{severity: tfprotov6.DiagnosticSeverityError, path: p, detail: detail}
	}
	warningAt := func(p *tftypes.AttributePath, detail ...string) *want {
		return &want{severity: tfprotov6.DiagnosticSeverityWarning, path: p, detail: detail}
	}
	longURL := "https://hooks.example.com/" + strings.Repeat("x", 95)
	tests := []struct {
		name    string
		changes map[string]tftypes.Value
		want    *want // nil: no diagnostic at all
	}{
		{"valid", nil, nil},
		{"callback_type http as the API's reference writes it", map[string]tftypes.Value{
			"callback_detail_list": details("https://hooks.example.com/a", "http"),
		}, nil},
		{"callback_type Http", map[string]tftypes.Value{
			"callback_detail_list": details("https://hooks.example.com/a", "Http"),
		}, nil},
		{"transcode for push", map[string]tftypes.Value{"transcode_callback": boolean(true)}, nil},
		{"key with auth", map[string]tftypes.Value{"auth_enable": boolean(true), "auth_key_primary": str("k")}, nil},

		{"empty app", map[string]tftypes.Value{"app": str("")},
			&want{severity: tfprotov6.DiagnosticSeverityError, path: root("app"),
				detail: []string{"Leave app out for a configuration of the whole vhost"}, absent: "got: "}},
		{"app too long", map[string]tftypes.Value{"app": str(strings.Repeat("a", 31))},
			errorAt(root("app"), "31 characters long", "limit of 30")},
		{"app alphabet", map[string]tftypes.Value{"app": str("live/app")},
			errorAt(root("app"), `app "live/app" contains '/'`)},
		{"second URL too long", map[string]tftypes.Value{
			"callback_detail_list": details("https://hooks.example.com/a", "", longURL, ""),
		}, errorAt(item(1), "callback_detail_list[1].url is 121 characters long", "limit of 100")},
		{"second URL scheme", map[string]tftypes.Value{
			"callback_detail_list": details("https://hooks.example.com/a", "", "ftp://hooks.example.com/b", ""),
		}, errorAt(item(1), "callback_detail_list[1].url must be an absolute http:// or https:// URL")},
		{"empty URL", map[string]tftypes.Value{
			"callback_detail_list": details("", ""),
		}, errorAt(item(0), "callback_detail_list[0].url is empty")},
		{"callback_type", map[string]tftypes.Value{
			"callback_detail_list": details("https://hooks.example.com/a", "", "https://hooks.example.com/b", "RTMP"),
		}, errorAt(item(1), `callback_detail_list[1].callback_type is "RTMP"`, `"HTTP"`)},
		{"auth without key", map[string]tftypes.Value{"auth_enable": boolean(true)},
			errorAt(root("auth_enable"), "auth_enable is true", "auth_key_primary or auth_key_primary_wo")},
		{"both keys", map[string]tftypes.Value{
			"auth_enable": boolean(true), "auth_key_primary": str("k"), "auth_key_primary_wo": str("k2"),
			"auth_key_primary_wo_version": tftypes.NewValue(tftypes.Number, 1),
		}, errorAt(root("auth_key_primary_wo"), "auth_key_primary and auth_key_primary_wo are both set")},

		{"key without auth", map[string]tftypes.Value{"auth_key_primary": str("k")},
			warningAt(root("auth_key_primary"), "auth_key_primary is set but auth_enable is false")},
		{"write-only key without auth", map[string]tftypes.Value{
			"auth_enable": boolean(false), "auth_key_primary_wo": str("k"),
			"auth_key_primary_wo_version": tftypes.NewValue(tftypes.Number, 1),
		}, warningAt(root("auth_key_primary_wo"), "auth_key_primary_wo is set but auth_enable is false")},
		{"transcode for snapshot", map[string]tftypes.Value{"message_type": str("snapshot"), "transcode_callback": boolean(true)},
			warningAt(root("transcode_callback"), `takes effect only for message_type push or push_end; for "snapshot"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := validateCallbackConfig(t, validCallback(tt.changes))
			if tt.want == nil {
				for _, d := range diags {
					t.Errorf("unexpected diagnostic: %s at %v: %s", d.Summary, d.Attribute, d.Detail)
				}
				return
			}
			if len(diags) != 1 {
				for _, d := range diags {
					t.Logf("diagnostic: %v %s at %v: %s", d.Severity, d.Summary, d.Attribute, d.Detail)
				}
				t.Fatalf("%d diagnostics, want exactly one", len(diags))
			}
			d := diags[0]
			if d.Severity != tt.want.severity {
				t.Errorf("severity %v, want %v (%s: %s)", d.Severity, tt.want.severity, d.Summary, d.Detail)
			}
			if !d.Attribute.Equal(tt.want.path) {
				t.Errorf("path %v, want %v", d.Attribute, tt.want.path)
			}
			for _, s := range tt.want.detail {
				if !strings.Contains(d.Detail, s) {
					t.Errorf("detail %q does not contain %q", d.Detail, s)
				}
			}
			if tt.want.absent != "" && strings.Contains(d.Detail, tt.want.absent) {
				t.Errorf("detail %q contains %q", d.Detail, tt.want.absent)
			}
		})
	}
}

// Terraform validates a configuration twice in a plan, in its validate walk
// (provider not configured) and again before planning (configured): a
// setting that takes no effect is warned of in the second only, so that the
// plan shows the warning once. Errors come from both.
func TestValidateResourceConfigWarnsOncePerPlan(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]tftypes.Value
	}{
		{"key without auth", map[string]tftypes.Value{"auth_key_primary": str("k")}},
		{"transcode for snapshot", map[string]tftypes.Value{"message_type": str("snapshot"), "transcode_callback": boolean(true)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			warnings := 0
			for _, configured := range []bool{false, true} {
				for _, d := range validateCallbackConfigIn(t, configured, validCallback(tc.changes)) {
					if d.Severity != tfprotov6.DiagnosticSeverityWarning {
						t.Fatalf("unexpected %v: %s: %s", d.Severity, d.Summary, d.Detail)
					}
					warnings++
				}
			}
			if warnings != 1 {
				t.Errorf("the two validations of a plan gave %d warnings, want 1", warnings)
			}
		})
	}
	diags := validateCallbackConfigIn(t, false, validCallback(map[string]tftypes.Value{"auth_enable": boolean(true)}))
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Errorf("auth without a key in the validate walk: want one error, got %d diagnostics", len(diags))
	}
}
