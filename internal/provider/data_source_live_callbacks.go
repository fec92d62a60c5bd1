package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

var (
	_ datasource.DataSource                     = &liveCallbacksDataSource{}
	_ datasource.DataSourceWithConfigure        = &liveCallbacksDataSource{}
	_ datasource.DataSourceWithConfigValidators = &liveCallbacksDataSource{}
)

// NewLiveCallbacksDataSource returns the volcengine_live_callbacks data source.
func NewLiveCallbacksDataSource() datasource.DataSource {
	return &liveCallbacksDataSource{}
}

type liveCallbacksDataSource struct {
	client *liveapi.Client
}

type liveCallbacksModel struct {
	Vhost       types.String         `tfsdk:"vhost"`
	Domain      types.String         `tfsdk:"domain"`
	App         types.String         `tfsdk:"app"`
	MessageType types.String         `tfsdk:"message_type"`
	Callbacks   []liveCallbackSketch `tfsdk:"callbacks"`
}

// liveCallbackSketch is one listed configuration, without its auth key.
type liveCallbackSketch struct {
	ID                 types.String          `tfsdk:"id"`
	Vhost              types.String          `tfsdk:"vhost"`
	Domain             types.String          `tfsdk:"domain"`
	App                types.String          `tfsdk:"app"`
	MessageType        types.String          `tfsdk:"message_type"`
	CallbackDetailList []callbackDetailModel `tfsdk:"callback_detail_list"`
	AuthEnable         types.Bool            `tfsdk:"auth_enable"`
	TranscodeCallback  types.Bool            `tfsdk:"transcode_callback"`
	CreateTime         types.String          `tfsdk:"create_time"`
}

func (d *liveCallbacksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_live_callbacks"
}

func (d *liveCallbacksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Live callback configurations of a vhost or a push domain, optionally " +
			"filtered by app and message type. Auth keys are never exposed. Each scope lists the configurations " +
			"it names, each once and under the ID of the record it is: a vhost its app-less and app " +
			"configurations, a domain its own, even where the API answers one scope with the other's. Where the " +
			"API keeps a push domain's configuration as its vhost's app-less one, the domain shows that record " +
			"under the vhost's ID.",
		Attributes: map[string]schema.Attribute{
			"vhost": schema.StringAttribute{
				MarkdownDescription: "Vhost to list. Exactly one of `vhost` and `domain` must be set.",
				Optional:            true,
				Validators:          []validator.String{hostNameValidator{}},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "Push domain to list, instead of a vhost.",
				Optional:            true,
				Validators:          []validator.String{hostNameValidator{}},
			},
			"app": schema.StringAttribute{
				MarkdownDescription: "Only configurations of this app. Not allowed with `domain`.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(appPattern, appRule),
					stringvalidator.ConflictsWith(path.MatchRoot("domain")),
				},
			},
			"message_type": schema.StringAttribute{
				MarkdownDescription: "Only configurations of this message type: `push`, `push_end`, `snapshot`, " +
					"`record` or `audit_snapshot`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(liveapi.MessageTypes...)},
			},
			"callbacks": schema.ListNestedAttribute{
				MarkdownDescription: "The matching configurations, ordered by app, then message type.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: "ID in the `volcengine_live_callback` import format.",
							Computed:            true,
						},
						"vhost": schema.StringAttribute{
							MarkdownDescription: "Vhost the configuration belongs to, as the API answers it; null when " +
								"the answer names none.",
							Computed: true,
						},
						"domain": schema.StringAttribute{
							MarkdownDescription: "Push domain of a configuration listed through `domain`, whose `id` " +
								"is then the domain form; null for a configuration listed through `vhost`.",
							Computed: true,
						},
						"app": schema.StringAttribute{
							MarkdownDescription: "App name; null for a configuration of the whole vhost or of a domain.",
							Computed:            true,
						},
						"message_type": schema.StringAttribute{
							MarkdownDescription: "Message type.",
							Computed:            true,
						},
						"callback_detail_list": schema.ListNestedAttribute{
							MarkdownDescription: "Receivers, in order.",
							Computed:            true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"url":           schema.StringAttribute{MarkdownDescription: "Receiver address.", Computed: true},
									"callback_type": schema.StringAttribute{MarkdownDescription: "Receiver type.", Computed: true},
								},
							},
						},
						"auth_enable": schema.BoolAttribute{
							MarkdownDescription: "Whether messages are signed with an auth key.",
							Computed:            true,
						},
						"transcode_callback": schema.BoolAttribute{
							MarkdownDescription: "Whether transcoded streams also trigger callbacks.",
							Computed:            true,
						},
						"create_time": schema.StringAttribute{
							MarkdownDescription: "Creation time, RFC 3339 in UTC.",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *liveCallbacksDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("vhost"), path.MatchRoot("domain")),
	}
}

func (d *liveCallbacksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Data Source Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.client = data.client
}

func (d *liveCallbacksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m liveCallbacksModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	scope := liveapi.Scope{Vhost: m.Vhost.ValueString(), Domain: m.Domain.ValueString()}

	// The whole scope is read and filtered here, so that the answer is
	// shared with the resources' refresh of the same scope.
	items, err := d.client.ListScope(ctx, scope)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error listing Live callbacks of the "+scope.String(), err))
		return
	}
	m.Callbacks = make([]liveCallbackSketch, 0, len(items))
	for _, c := range items {
		if (!m.App.IsNull() && c.App != m.App.ValueString()) ||
			(!m.MessageType.IsNull() && c.MessageType != m.MessageType.ValueString()) {
			continue
		}
		// Some readings of the API answer a domain with its vhost's
		// configurations too, or a vhost with its domains' own records:
		// each scope lists what it names, under the record's own ID.
		key, own := listedKey(scope, c)
		if !own {
			continue
		}
		s := liveCallbackSketch{
			ID:                 types.StringValue(key.String()),
			Vhost:              nullIfEmpty(c.Vhost),
			Domain:             nullIfEmpty(key.Domain),
			App:                nullIfEmpty(key.App),
			MessageType:        types.StringValue(c.MessageType),
			CallbackDetailList: detailModels(c.CallbackDetailList),
			AuthEnable:         types.BoolValue(c.AuthEnable),
			TranscodeCallback:  types.BoolValue(c.TranscodeCallback),
			CreateTime:         types.StringValue(c.CreateTime),
		}
		m.Callbacks = append(m.Callbacks, s)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
