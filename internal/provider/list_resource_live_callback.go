package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listresourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

var (
	_ list.ListResource                     = &liveCallbackListResource{}
	_ list.ListResourceWithConfigure        = &liveCallbackListResource{}
	_ list.ListResourceWithConfigValidators = &liveCallbackListResource{}
)

// NewLiveCallbackListResource returns the volcengine_live_callback list
// resource (Terraform 1.14 and later), which finds existing configurations
// for `terraform query`.
func NewLiveCallbackListResource() list.ListResource {
	return &liveCallbackListResource{}
}

type liveCallbackListResource struct {
	client *liveapi.Client
	views  *scopeViews
}

type liveCallbackListModel struct {
	Vhost       types.String `tfsdk:"vhost"`
	Domain      types.String `tfsdk:"domain"`
	App         types.String `tfsdk:"app"`
	MessageType types.String `tfsdk:"message_type"`
}

func (l *liveCallbackListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_live_callback"
}

func (l *liveCallbackListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the callback configurations of one vhost or one push domain as " +
			"`volcengine_live_callback` resources, with their identity, for `terraform query` (Terraform 1.14 and " +
			"later). A vhost lists its own configurations, for the whole vhost and for each app; a push domain lists " +
			"its own. One DescribeCallback reads the whole scope; `app` and `message_type` filter its answer.\n\n" +
			"`terraform query -generate-config-out=FILE` writes a `resource` and an `import` block for each result. " +
			"Auth keys are never listed: for a configuration with `auth_enable = true`, add `auth_key_primary`, or " +
			"`auth_key_primary_wo` with `auth_key_primary_wo_version`, to its generated block before applying.",
		Attributes: map[string]schema.Attribute{
			"vhost": schema.StringAttribute{
				MarkdownDescription: "Vhost whose configurations to list. Exactly one of `vhost` and `domain` must be set.",
				Optional:            true,
				Validators:          []validator.String{hostNameValidator{}},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "Push domain whose configurations to list, instead of a vhost.",
				Optional:            true,
				Validators:          []validator.String{hostNameValidator{}},
			},
			"app": schema.StringAttribute{
				MarkdownDescription: "Only the configurations of this app. Not allowed with `domain`.",
				Optional:            true,
				Validators: []validator.String{
					appNameValidator{},
					stringvalidator.ConflictsWith(path.MatchRoot("domain")),
				},
			},
			"message_type": schema.StringAttribute{
				MarkdownDescription: "Only the configurations of this message type: `push`, `push_end`, `snapshot`, " +
					"`record` or `audit_snapshot`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(liveapi.MessageTypes...)},
			},
		},
	}
}

func (l *liveCallbackListResource) ListResourceConfigValidators(_ context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{
		listresourcevalidator.ExactlyOneOf(path.MatchRoot("vhost"), path.MatchRoot("domain")),
	}
}

func (l *liveCallbackListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected List Resource Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	l.client, l.views = data.client, data.views
}

func (l *liveCallbackListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m liveCallbackListModel
	diags := req.Config.Get(ctx, &m)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	scope := liveapi.Scope{Vhost: m.Vhost.ValueString(), Domain: m.Domain.ValueString()}

	// The scope's shared read: a refresh of resources in the same process
	// uses the same answer.
	items, err := l.client.ListScope(ctx, scope)
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error listing Live callbacks of the "+scope.String(), err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	l.views.learn(scope, items)

	stream.Results = func(push func(list.ListResult) bool) {
		var pushed int64
		for _, it := range items {
			// Each record is listed by the scope of its identity alone, so
			// that a query of a vhost and its domain lists a record they
			// share once, under the vhost.
			key, ok := listedKey(scope, it)
			if !ok || key.Scope != scope || (!m.App.IsNull() && key.App != m.App.ValueString()) ||
				(!m.MessageType.IsNull() && key.MessageType != m.MessageType.ValueString()) {
				continue
			}
			if req.Limit > 0 && pushed >= req.Limit {
				return
			}

			result := req.NewListResult(ctx)
			result.DisplayName = displayName(key)
			result.Diagnostics.Append(result.Identity.Set(ctx, identityOf(key))...)
			if req.IncludeResource {
				listed, diags := listedModel(ctx, req, key, it)
				result.Diagnostics.Append(diags...)
				if !diags.HasError() {
					result.Diagnostics.Append(result.Resource.Set(ctx, &listed)...)
				}
			}
			pushed++
			if !push(result) {
				return
			}
		}
	}
}

// displayName describes a listed configuration for people, e.g.
// `push callbacks of app "example_app" of vhost "push.live.example.com"`.
func displayName(k callbackKey) string {
	if k.App != "" {
		return fmt.Sprintf("%s callbacks of app %q of %s", k.MessageType, k.App, k.Scope)
	}
	return fmt.Sprintf("%s callbacks of %s", k.MessageType, k.Scope)
}

// listedModel is the resource as importing key and reading it would leave
// it in the state, without the auth key: lists never expose keys, and
// Terraform writes no sensitive value into generated configuration anyway.
func listedModel(ctx context.Context, req list.ListRequest, key callbackKey, it liveapi.Callback) (liveCallbackModel, diag.Diagnostics) {
	timeoutsType, diags := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	if diags.HasError() {
		return liveCallbackModel{}, diags
	}
	objectType, ok := timeoutsType.(attr.TypeWithAttributeTypes)
	if !ok {
		diags.AddError("Unexpected resource schema",
			fmt.Sprintf("The timeouts block has type %T, not an object. Please report this issue to the provider developers.", timeoutsType))
		return liveCallbackModel{}, diags
	}
	m := liveCallbackModel{
		Vhost:                   nullIfEmpty(key.Vhost),
		Domain:                  nullIfEmpty(key.Domain),
		App:                     nullIfEmpty(key.App),
		MessageType:             types.StringValue(key.MessageType),
		AuthKeyPrimaryWO:        types.StringNull(),
		AuthKeyPrimaryWOVersion: types.Int64Null(),
		Timeouts:                timeouts.Value{Object: types.ObjectNull(objectType.AttributeTypes())},
	}
	m.fill(it)
	m.AuthKeyPrimary = types.StringNull()
	return m, diags
}
