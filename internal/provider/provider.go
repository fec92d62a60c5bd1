package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// Environment variables read by the provider, after its attributes.
const (
	EnvAccessKey    = "VOLCENGINE_ACCESS_KEY"
	EnvSecretKey    = "VOLCENGINE_SECRET_KEY"
	EnvSessionToken = "VOLCENGINE_SESSION_TOKEN"
	EnvRegion       = "VOLCENGINE_REGION"
	EnvEndpoint     = "VOLCENGINE_LIVE_ENDPOINT"
	EnvJournalDir   = "VOLCENGINE_LIVE_JOURNAL_DIR"

	// The SDK's own variables and file, honoured last.
	envSDKAccessKey = "VOLC_ACCESSKEY"
	envSDKSecretKey = "VOLC_SECRETKEY"
)

// liveRegions are the regions where the Live API is known to be served.
// Another region is warned of, not refused: the list may grow before this
// provider does, but until it does, a request signed for another region is
// most likely refused.
var liveRegions = []string{"cn-north-1"}

// Defaults applied when neither an attribute nor an environment variable is set.
const (
	DefaultRegion            = "cn-north-1"
	DefaultEndpoint          = "https://live.volcengineapi.com"
	DefaultMaxRetries        = 8
	DefaultRequestsPerSecond = 10.0
)

var (
	_ provider.Provider                  = &volcengineProvider{}
	_ provider.ProviderWithListResources = &volcengineProvider{}
)

type volcengineProvider struct {
	version string
	guard   *ExitGuard
	// configured is the data Configure built, once it has: the protocol
	// server counts the operations it serves in its scheduler.
	configured atomic.Pointer[providerData]
}

// Option adjusts the provider that New and NewProtocol6Server build.
type Option func(*volcengineProvider)

// WithExitGuard has every delete that must finish before the process ends
// mark itself on g.
func WithExitGuard(g *ExitGuard) Option {
	return func(p *volcengineProvider) { p.guard = g }
}

// New returns a constructor of the provider for providerserver.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &volcengineProvider{version: version}
		for _, opt := range opts {
			opt(p)
		}
		return p
	}
}

type providerModel struct {
	AccessKey         types.String  `tfsdk:"access_key"`
	SecretKey         types.String  `tfsdk:"secret_key"`
	SessionToken      types.String  `tfsdk:"session_token"`
	Region            types.String  `tfsdk:"region"`
	Endpoint          types.String  `tfsdk:"endpoint"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	JournalDir        types.String  `tfsdk:"journal_dir"`
}

func (p *volcengineProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "volcengine"
	resp.Version = p.version
}

func (p *volcengineProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Volcengine Live callback configurations: the webhooks Volcengine Live calls " +
			"when a stream starts or ends, and when a snapshot, a recording or a snapshot audit completes.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				MarkdownDescription: "Access key ID. Falls back to `" + EnvAccessKey + "`, then to the SDK's `" +
					envSDKAccessKey + "` and `~/.volc/config`.",
				Optional: true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "Secret access key. Falls back to `" + EnvSecretKey + "`, then to the SDK's `" +
					envSDKSecretKey + "` and `~/.volc/config`.",
				Optional:  true,
				Sensitive: true,
			},
			"session_token": schema.StringAttribute{
				MarkdownDescription: "STS session token for temporary credentials. Falls back to `" + EnvSessionToken + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region used to sign requests. Falls back to `" + EnvRegion + "`, then `" +
					DefaultRegion + "`.",
				Optional: true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Live API endpoint, a host name or URL; the scheme is optional and defaults to " +
					"`https`. Falls back to `" + EnvEndpoint + "`, then `" + DefaultEndpoint + "`. Point it at the " +
					"local emulator to try the provider without an account.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one API call is retried after a retryable error "+
					"(`CommonErr`, 5xx, connection failures), with capped exponential backoff. Throttling "+
					"(`FlowLimitExceeded`, HTTP 429) does not count against it: a throttled call waits and tries "+
					"again until the operation's timeout. Defaults to `%d`.", DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Ceiling of the client's request rate, shared by every resource "+
					"and data source of this provider process. The client lowers its rate while the API throttles "+
					"and raises it again while it does not (per action where the API limits one action on its "+
					"own), never above this ceiling, so several Terraform runs on one account share the "+
					"account's limit (10 requests per second) without further setting. Lower it to keep room "+
					"for tools that do not slow down when throttled. Defaults to `%g`.", DefaultRequestsPerSecond),
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(0.1, 1000)},
			},
			"journal_dir": schema.StringAttribute{
				MarkdownDescription: "Directory of the restore journal: before a delete without an app, which can " +
					"remove other configurations of its message type, the provider records there what it must write " +
					"back, keys included, and removes the record once the write-back is checked. A run cut short " +
					"(Ctrl-C, a cancelled CI job, a killed process) leaves the record behind, and the next run of " +
					"the provider for the same account completes it. Created readable by the user only. Falls back " +
					"to `" + EnvJournalDir + "`, then to `terraform-provider-volcengine/journal` in the user's state " +
					"directory (`$XDG_STATE_HOME`, by default `~/.local/state`) or, on macOS and Windows, in the " +
					"user's configuration directory.",
				Optional: true,
			},
		},
	}
}

func (p *volcengineProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}

	cfg, diags := resolveClientConfig(model, os.Getenv, readSDKConfigFile)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = "terraform-provider-volcengine/" + p.version

	// An empty mask would match between every two characters of a message.
	secrets := slices.DeleteFunc([]string{cfg.SecretKey, cfg.SessionToken}, func(s string) bool { return s == "" })
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	client, err := liveapi.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	tflog.Debug(ctx, "configured the Live API client", map[string]any{
		"endpoint": cfg.Endpoint, "region": cfg.Region, "max_retries": cfg.MaxRetries,
		"requests_per_second": cfg.RequestsPerSecond,
	})
	jrnl, err := openJournal(model.JournalDir.ValueString(), os.Getenv, client)
	if err != nil {
		// Only a delete without an app needs the journal: it refuses then,
		// with this reason. Everything else works without one.
		tflog.Warn(ctx, "no restore journal", map[string]any{"error": err.Error()})
	}
	data := newProviderData(client, jrnl, err)
	data.deleter.guard = p.guard
	// A run cut short may have left write-backs to complete: they go before
	// anything this run plans or changes.
	resp.Diagnostics.Append(recoverJournal(ctx, client, jrnl, os.Getppid())...)
	if resp.Diagnostics.HasError() {
		return
	}
	p.configured.Store(data)
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *volcengineProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewLiveCallbackResource}
}

func (p *volcengineProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewLiveCallbacksDataSource}
}

func (p *volcengineProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewLiveCallbackListResource}
}

// resolveClientConfig applies the documented precedence: attribute, then the
// provider's environment variable, then the SDK's fallbacks, then the default.
func resolveClientConfig(m providerModel, getenv func(string) string, sdkFile func() (ak, sk string)) (liveapi.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"access_key": m.AccessKey, "secret_key": m.SecretKey, "session_token": m.SessionToken,
		"region": m.Region, "endpoint": m.Endpoint, "max_retries": m.MaxRetries,
		"requests_per_second": m.RequestsPerSecond, "journal_dir": m.JournalDir,
	} {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(name), "Provider setting not known yet",
				fmt.Sprintf("The provider's %q depends on a value that is only known after apply. Set it from "+
					"a variable or a value known at plan time, or from its environment variable.", name))
		}
	}
	if diags.HasError() {
		return liveapi.Config{}, diags
	}

	pick := func(attr types.String, env, def string) string {
		if v := attr.ValueString(); v != "" {
			return v
		}
		if v := getenv(env); v != "" {
			return v
		}
		return def
	}
	cfg := liveapi.Config{
		AccessKey:         pick(m.AccessKey, EnvAccessKey, ""),
		SecretKey:         pick(m.SecretKey, EnvSecretKey, ""),
		SessionToken:      pick(m.SessionToken, EnvSessionToken, ""),
		Region:            pick(m.Region, EnvRegion, DefaultRegion),
		Endpoint:          pick(m.Endpoint, EnvEndpoint, DefaultEndpoint),
		MaxRetries:        DefaultMaxRetries,
		RequestsPerSecond: DefaultRequestsPerSecond,
	}
	if !m.MaxRetries.IsNull() {
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	}
	if !m.RequestsPerSecond.IsNull() {
		cfg.RequestsPerSecond = m.RequestsPerSecond.ValueFloat64()
	}

	if !slices.Contains(liveRegions, cfg.Region) {
		source := "the provider's region"
		if m.Region.ValueString() == "" {
			source = EnvRegion
		}
		diags.AddAttributeWarning(path.Root("region"), "Region where the Live API is not known to be served",
			fmt.Sprintf("The region is %q (from %s), but the Live API is documented only in %s. Requests are signed "+
				"for the region, and a signature for another one is refused with SignatureDoesNotMatch. Unset "+
				"region and %s to use %s, unless Volcengine documents the Live API in %q.",
				cfg.Region, source, strings.Join(liveRegions, ", "), EnvRegion, DefaultRegion, cfg.Region))
	}

	// The SDK's fallbacks only ever supply a complete pair, so that a key
	// from one source is never signed with a secret from another.
	if cfg.AccessKey == "" && cfg.SecretKey == "" {
		if ak, sk := getenv(envSDKAccessKey), getenv(envSDKSecretKey); ak != "" && sk != "" {
			cfg.AccessKey, cfg.SecretKey = ak, sk
		} else if ak, sk := sdkFile(); ak != "" && sk != "" {
			cfg.AccessKey, cfg.SecretKey = ak, sk
		}
	}

	switch {
	case cfg.AccessKey == "" && cfg.SecretKey == "":
		diags.AddError("Missing Volcengine credentials",
			fmt.Sprintf("Set the provider's access_key and secret_key, or the environment variables %s and %s.",
				EnvAccessKey, EnvSecretKey))
	case cfg.AccessKey == "":
		diags.AddAttributeError(path.Root("access_key"), "Missing Volcengine access key",
			fmt.Sprintf("A secret key is set but no access key: set the provider's access_key or the environment variable %s.", EnvAccessKey))
	case cfg.SecretKey == "":
		diags.AddAttributeError(path.Root("secret_key"), "Missing Volcengine secret key",
			fmt.Sprintf("An access key is set but no secret key: set the provider's secret_key or the environment variable %s.", EnvSecretKey))
	}
	return cfg, diags
}

// readSDKConfigFile reads the SDK's ~/.volc/config ({"ak": ..., "sk": ...}).
func readSDKConfigFile() (ak, sk string) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", ""
	}
	raw, err := os.ReadFile(filepath.Join(home, ".volc", "config"))
	if err != nil {
		return "", ""
	}
	var f struct {
		AK string `json:"ak"`
		SK string `json:"sk"`
	}
	if json.Unmarshal(raw, &f) != nil {
		return "", ""
	}
	return f.AK, f.SK
}
