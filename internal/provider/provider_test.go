package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// testAccProtoV6ProviderFactories serves a new provider to every Terraform
// command: tests run in parallel, and none may see another's provider
// value, whatever state it comes to hold.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"volcengine": NewProtocol6Server("test"),
}

// testEmulator is a Live API emulator served over HTTP on loopback for one
// test, with the demo account, vhost and domain.
type testEmulator struct {
	*liveemu.Server
	URL string
	// JournalDir is the restore journal directory of the test's providers.
	JournalDir string
}

func newTestEmulator(t *testing.T) *testEmulator {
	t.Helper()
	return newTestEmulatorWith(t, liveemu.Config{})
}

func newTestEmulatorWith(t *testing.T, cfg liveemu.Config) *testEmulator {
	t.Helper()
	emu := liveemu.New(cfg)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testEmulator{Server: emu, URL: srv.URL, JournalDir: t.TempDir()}
}

// providerConfig is the provider block pointing at the emulator, followed by
// the given configuration.
func (e *testEmulator) providerConfig(rest ...string) string {
	return fmt.Sprintf(`
provider "volcengine" {
  endpoint    = %q
  access_key  = %q
  secret_key  = %q
  journal_dir = %q
}
`, e.URL, liveemu.DemoAccessKey, liveemu.DemoSecretKey, e.JournalDir) + strings.Join(rest, "\n")
}

// providerData is the data of a provider configured for the emulator's
// demo account, with the test's restore journal.
func (e *testEmulator) providerData(t *testing.T) *providerData {
	t.Helper()
	c := e.client(t)
	return newProviderData(c, journal.Open(e.JournalDir, c.Endpoint(), c.AccessKey()), nil)
}

// client is an API client of the demo account, for arranging state the way
// another tool would.
func (e *testEmulator) client(t *testing.T) *liveapi.Client {
	t.Helper()
	c, err := liveapi.New(liveapi.Config{Endpoint: e.URL, AccessKey: liveemu.DemoAccessKey, SecretKey: liveemu.DemoSecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// vhostOf maps an ID's scope to the vhost that stores it in the emulator.
func vhostOf(k callbackKey) string {
	if k.Domain == liveemu.DemoDomain {
		return liveemu.DemoVhost
	}
	return k.Vhost
}

// checkDestroyed verifies that no configuration in the state is left on the
// emulator.
func (e *testEmulator) checkDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "volcengine_live_callback" {
			continue
		}
		k, err := parseCallbackID(rs.Primary.ID)
		if err != nil {
			return err
		}
		if _, ok := e.Get(vhostOf(k), k.App, k.MessageType); ok {
			return fmt.Errorf("%s still exists after destroy", k)
		}
	}
	return nil
}

// expectStored checks the emulator's copy of a configuration.
func (e *testEmulator) expectStored(vhost, app, messageType string, urls ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		c, ok := e.Get(vhost, app, messageType)
		if !ok {
			return fmt.Errorf("configuration %s/%q/%s not found on the emulator", vhost, app, messageType)
		}
		var got []string
		for _, d := range c.CallbackDetailList {
			got = append(got, d.URL)
		}
		if strings.Join(got, " ") != strings.Join(urls, " ") {
			return fmt.Errorf("configuration %s/%q/%s has URLs %v, want %v", vhost, app, messageType, got, urls)
		}
		return nil
	}
}

func TestResolveClientConfig(t *testing.T) {
	noFile := func() (string, string) { return "", "" }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	str := types.StringValue
	null := types.StringNull()

	tests := []struct {
		name      string
		model     providerModel
		env       map[string]string
		file      func() (string, string)
		wantAK    string
		wantSK    string
		wantEP    string
		wantReg   string
		wantError string
	}{
		{
			name:   "attributes win over environment",
			model:  providerModel{AccessKey: str("ak-attr"), SecretKey: str("sk-attr"), Endpoint: str("http://127.0.0.1:1"), Region: str("cn-beijing")},
			env:    map[string]string{EnvAccessKey: "ak-env", EnvSecretKey: "sk-env", EnvEndpoint: "env.example.com", EnvRegion: "r-env"},
			wantAK: "ak-attr", wantSK: "sk-attr", wantEP: "http://127.0.0.1:1", wantReg: "cn-beijing",
		},
		{
			name:   "environment when attributes are unset",
			model:  providerModel{AccessKey: null, SecretKey: null, Endpoint: null, Region: null},
			env:    map[string]string{EnvAccessKey: "ak-env", EnvSecretKey: "sk-env", EnvEndpoint: "env.example.com", EnvRegion: "r-env", envSDKAccessKey: "ak-sdk", envSDKSecretKey: "sk-sdk"},
			wantAK: "ak-env", wantSK: "sk-env", wantEP: "env.example.com", wantReg: "r-env",
		},
		{
			name:   "SDK variables last, then defaults",
			env:    map[string]string{envSDKAccessKey: "ak-sdk", envSDKSecretKey: "sk-sdk"},
			file:   func() (string, string) { return "ak-file", "sk-file" },
			wantAK: "ak-sdk", wantSK: "sk-sdk", wantEP: DefaultEndpoint, wantReg: DefaultRegion,
		},
		{
			name:   "SDK config file after SDK variables",
			file:   func() (string, string) { return "ak-file", "sk-file" },
			wantAK: "ak-file", wantSK: "sk-file", wantEP: DefaultEndpoint, wantReg: DefaultRegion,
		},
		{
			name:      "nothing set",
			wantError: "Set the provider's access_key and secret_key, or the environment variables VOLCENGINE_ACCESS_KEY and VOLCENGINE_SECRET_KEY",
		},
		{
			name:      "secret key without access key",
			env:       map[string]string{EnvSecretKey: "sk-env", envSDKAccessKey: "ak-sdk", envSDKSecretKey: "sk-sdk"},
			wantError: "no access key: set the provider's access_key or the environment variable VOLCENGINE_ACCESS_KEY",
		},
		{
			name:      "access key without secret key",
			model:     providerModel{AccessKey: str("ak-attr")},
			wantError: "no secret key: set the provider's secret_key or the environment variable VOLCENGINE_SECRET_KEY",
		},
		{
			name:      "unknown attribute",
			model:     providerModel{AccessKey: types.StringUnknown(), SecretKey: str("sk")},
			wantError: `The provider's "access_key" depends on a value that is only known after apply`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == nil {
				file = noFile
			}
			cfg, diags := resolveClientConfig(tt.model, env(tt.env), file)
			if tt.wantError != "" {
				if !diags.HasError() {
					t.Fatalf("no error, want %q", tt.wantError)
				}
				if got := diags.Errors()[0].Detail(); !strings.Contains(got, tt.wantError) {
					t.Fatalf("error %q, want it to contain %q", got, tt.wantError)
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("unexpected error: %v", diags)
			}
			if cfg.AccessKey != tt.wantAK || cfg.SecretKey != tt.wantSK || cfg.Endpoint != tt.wantEP || cfg.Region != tt.wantReg {
				t.Fatalf("got ak=%q sk=%q endpoint=%q region=%q", cfg.AccessKey, cfg.SecretKey, cfg.Endpoint, cfg.Region)
			}
			if cfg.MaxRetries != DefaultMaxRetries || cfg.RequestsPerSecond != DefaultRequestsPerSecond {
				t.Fatalf("defaults not applied: %+v", cfg)
			}
		})
	}
}

func TestProviderSchemaIsValid(t *testing.T) {
	server, err := testAccProtoV6ProviderFactories["volcengine"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	if resp.ResourceSchemas["volcengine_live_callback"] == nil || resp.DataSourceSchemas["volcengine_live_callbacks"] == nil {
		t.Fatalf("missing schemas: resources %v, data sources %v", resp.ResourceSchemas, resp.DataSourceSchemas)
	}
}
