package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// configureProvider runs the provider's Configure with the given string
// attributes (the others null) and environment variables (the provider's
// others unset).
func configureProvider(ctx context.Context, t *testing.T, attrs, env map[string]string) *provider.ConfigureResponse {
	t.Helper()
	for _, name := range []string{EnvAccessKey, EnvSecretKey, EnvSessionToken, EnvRegion, EnvEndpoint} {
		t.Setenv(name, env[name])
	}
	p := New("test")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	objType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range attrs {
		values[name] = tftypes.NewValue(tftypes.String, v)
	}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{
		Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, values)},
	}, &resp)
	return &resp
}

func credentials(more map[string]string) map[string]string {
	attrs := map[string]string{"access_key": "AK-test", "secret_key": "SK-test", "endpoint": "http://127.0.0.1:1"}
	for k, v := range more {
		attrs[k] = v
	}
	return attrs
}

// Masking the empty session token used to put "***" between every two
// characters of the provider's log messages.
func TestConfigureLogIsReadable(t *testing.T) {
	for name, attrs := range map[string]map[string]string{
		"without session token": credentials(nil),
		"with session token":    credentials(map[string]string{"session_token": "STS-test"}),
	} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			if resp := configureProvider(ctx, t, attrs, nil); resp.Diagnostics.HasError() {
				t.Fatalf("Configure: %v", resp.Diagnostics)
			}
			entries, err := tflogtest.MultilineJSONDecode(&logs)
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, e := range entries {
				if strings.Contains(e["@message"].(string), "***") {
					t.Errorf("log message masked where no secret occurs: %q", e["@message"])
				}
				if e["@message"] == "configured the Live API client" && e["@level"] == "debug" {
					found = true
				}
			}
			if !found {
				t.Errorf("no debug entry %q in %v", "configured the Live API client", entries)
			}
		})
	}
}

func TestConfigureWarnsOfRegion(t *testing.T) {
	tests := []struct {
		name   string
		attrs  map[string]string
		env    map[string]string
		region string // "" when no warning is wanted
	}{
		{name: "default", attrs: credentials(nil)},
		{name: "documented region", attrs: credentials(map[string]string{"region": "cn-north-1"})},
		{name: "attribute", attrs: credentials(map[string]string{"region": "cn-beijing"}), region: "cn-beijing"},
		{name: "environment", attrs: credentials(nil), env: map[string]string{EnvRegion: "ap-southeast-1"}, region: "ap-southeast-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := configureProvider(context.Background(), t, tt.attrs, tt.env)
			if resp.Diagnostics.HasError() {
				t.Fatalf("Configure: %v", resp.Diagnostics)
			}
			if resp.ResourceData == nil {
				t.Error("no client handed to resources: a warning must not stop the provider")
			}
			warnings := resp.Diagnostics.Warnings()
			if tt.region == "" {
				if len(warnings) != 0 {
					t.Errorf("unexpected warnings: %v", warnings)
				}
				return
			}
			if len(warnings) != 1 {
				t.Fatalf("%d warnings, want 1: %v", len(warnings), warnings)
			}
			w := warnings[0]
			if p, ok := w.(interface{ Path() path.Path }); !ok || !p.Path().Equal(path.Root("region")) {
				t.Errorf("warning %v is not about the region attribute", w)
			}
			for _, s := range []string{"region", EnvRegion, `"` + tt.region + `"`, "cn-north-1", "SignatureDoesNotMatch"} {
				if !strings.Contains(w.Detail(), s) {
					t.Errorf("warning %q does not mention %s", w.Detail(), s)
				}
			}
		})
	}
}
