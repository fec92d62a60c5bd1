package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

const defaultOperationTimeout = 5 * time.Minute

var (
	_ resource.Resource                     = &liveCallbackResource{}
	_ resource.ResourceWithConfigure        = &liveCallbackResource{}
	_ resource.ResourceWithImportState      = &liveCallbackResource{}
	_ resource.ResourceWithConfigValidators = &liveCallbackResource{}
	_ resource.ResourceWithModifyPlan       = &liveCallbackResource{}
)

// NewLiveCallbackResource returns the volcengine_live_callback resource.
func NewLiveCallbackResource() resource.Resource {
	return &liveCallbackResource{}
}

type liveCallbackResource struct {
	client *liveapi.Client
	coord  *coordinator
}

func (r *liveCallbackResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_live_callback"
}

func (r *liveCallbackResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Volcengine Live callback configuration: where Live sends the messages of one " +
			"message type for a vhost (optionally narrowed to one app) or a push domain.\n\n" +
			"The API writes a configuration as a whole: creating this resource for a configuration that already " +
			"exists replaces its settings. Import existing configurations to adopt them unchanged. Destroying a " +
			"configuration without an `app` never removes the app configurations of the same message type, " +
			"although the API's DeleteCallback would: the provider restores them and warns.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`vhost:<vhost>:<app>:<message_type>` (the app may be empty) or " +
					"`domain:<domain>:<message_type>`; also the import ID.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"vhost": schema.StringAttribute{
				MarkdownDescription: "Vhost (domain space) the configuration belongs to. Exactly one of `vhost` and " +
					"`domain` must be set. Changing it replaces the configuration.",
				Optional:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{hostNameValidator{}},
			},
			"domain": schema.StringAttribute{
				MarkdownDescription: "Push domain the configuration belongs to, instead of a vhost. Changing it " +
					"replaces the configuration.",
				Optional:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{hostNameValidator{}},
			},
			"app": schema.StringAttribute{
				MarkdownDescription: "App name, to configure callbacks of one app only; 1 to 30 characters of " +
					"letters, digits, `_`, `-` and `.`. Not allowed with `domain`. Without it the configuration " +
					"applies to the whole vhost. Changing it replaces the configuration.",
				Optional:      true,
				PlanModifiers: replace,
				Validators: []validator.String{
					stringvalidator.RegexMatches(appPattern, appRule),
					stringvalidator.ConflictsWith(path.MatchRoot("domain")),
				},
			},
			"message_type": schema.StringAttribute{
				MarkdownDescription: "Message type: `push` (stream started), `push_end` (stream ended), `snapshot`, " +
					"`record` (recording task status) or `audit_snapshot` (snapshot audit result). Changing it " +
					"replaces the configuration.",
				Required:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.OneOf(liveapi.MessageTypes...)},
			},
			"callback_detail_list": schema.ListNestedAttribute{
				MarkdownDescription: "Receivers of the messages, in order; at least one.",
				Required:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"url": schema.StringAttribute{
							MarkdownDescription: "Receiver address: an `http://` or `https://` URL of 1 to 100 characters.",
							Required:            true,
							Validators: []validator.String{
								stringvalidator.LengthBetween(1, 100),
								callbackURLValidator{},
							},
						},
						"callback_type": schema.StringAttribute{
							MarkdownDescription: "Receiver type. Only `HTTP` exists; it covers HTTP and HTTPS " +
								"addresses. Defaults to `HTTP`.",
							Optional:   true,
							Computed:   true,
							Default:    stringdefault.StaticString(liveapi.CallbackTypeHTTP),
							Validators: []validator.String{stringvalidator.OneOf(liveapi.CallbackTypeHTTP)},
						},
					},
				},
			},
			"auth_enable": schema.BoolAttribute{
				MarkdownDescription: "Whether Live signs callback messages with the auth key. Defaults to `false`. " +
					"When `true`, set `auth_key_primary` or `auth_key_primary_wo`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"auth_key_primary": schema.StringAttribute{
				MarkdownDescription: "Key used to sign callback messages; required when `auth_enable` is `true`. " +
					"Stored in state (sensitive). The API returns it, so a key changed outside Terraform shows as " +
					"drift. Prefer `auth_key_primary_wo` to keep it out of state.",
				Optional:  true,
				Sensitive: true,
			},
			"auth_key_primary_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only alternative to `auth_key_primary` (Terraform 1.11 or later): sent " +
					"to the API, never stored in plan or state. Requires `auth_key_primary_wo_version`.",
				Optional: true,
				// Not marked sensitive: a write-only value never reaches plan or
				// state, and Terraform 1.11 lists sensitive paths in varying
				// order, which makes refresh-only plans report a change.
				WriteOnly: true,
				Validators: []validator.String{
					stringvalidator.ConflictsWith(path.MatchRoot("auth_key_primary")),
					stringvalidator.AlsoRequires(path.MatchRoot("auth_key_primary_wo_version")),
				},
			},
			"auth_key_primary_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `auth_key_primary_wo`. Terraform cannot see a write-only value " +
					"change, so change this number to send a new key.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("auth_key_primary_wo")),
				},
			},
			"transcode_callback": schema.BoolAttribute{
				MarkdownDescription: "Whether transcoded streams also trigger callbacks. Only `push` and `push_end` " +
					"accept `true`. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"create_time": schema.StringAttribute{
				MarkdownDescription: "When the configuration was first created, RFC 3339 in UTC.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *liveCallbackResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("vhost"), path.MatchRoot("domain")),
		authKeyValidator{},
		transcodeValidator{},
	}
}

func (r *liveCallbackResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	r.client, r.coord = data.client, data.coord
}

// ModifyPlan shows the ID in the plan as soon as the identifying attributes
// are known, since it is derived from them alone.
func (r *liveCallbackResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan liveCallbackModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !plan.ID.IsUnknown() {
		return
	}
	for _, v := range []types.String{plan.Vhost, plan.Domain, plan.App, plan.MessageType} {
		if v.IsUnknown() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.key().String())...)
}

func (r *liveCallbackResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, "creating", req.Plan, req.Config, timeouts.Value.Create, &resp.State, &resp.Diagnostics)
}

func (r *liveCallbackResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state liveCallbackModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.key()

	items, err := r.client.ListScope(ctx, key.Scope)
	if liveapi.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Live callback scope no longer exists",
			fmt.Sprintf("Reading %s: %s\n\nThe configuration was removed from the state; the next plan will create it again if it is still configured.",
				key, err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading Live callback "+key.String(), err))
		return
	}
	found, ok := findCallback(items, key)
	if !ok {
		resp.Diagnostics.AddWarning("Live callback no longer exists",
			fmt.Sprintf("%s was not found in DescribeCallback's answer: it was deleted outside Terraform. It was removed from the state; the next plan will create it again if it is still configured.",
				key))
		resp.State.RemoveResource(ctx)
		return
	}
	state.fill(found)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *liveCallbackResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, "updating", req.Plan, req.Config, timeouts.Value.Update, &resp.State, &resp.Diagnostics)
}

func (r *liveCallbackResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state liveCallbackModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultOperationTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	key := state.key()
	if key.App != "" {
		defer beginDelete(key)()
	}
	unlock := lockMessageType(key)
	defer unlock()

	if key.App != "" {
		_, err := r.client.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: key.Scope, App: key.App, MessageType: key.MessageType})
		if err != nil && !liveapi.IsNotFound(err) {
			resp.Diagnostics.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(), err))
		}
		return
	}
	resp.Diagnostics.Append(r.deleteScopeWide(ctx, key)...)
}

func (r *liveCallbackResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key, err := parseCallbackID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	set := func(name string, v string) {
		if v != "" {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
		}
	}
	set("id", key.String())
	set("vhost", key.Vhost)
	set("domain", key.Domain)
	set("app", key.App)
	set("message_type", key.MessageType)
}

// write sends the complete desired configuration (UpdateCallback replaces
// the whole configuration) and waits until DescribeCallback shows it.
func (r *liveCallbackResource) write(ctx context.Context, verb string, planned tfsdk.Plan, config tfsdk.Config,
	timeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	state *tfsdk.State, diags *diag.Diagnostics) {
	var plan liveCallbackModel
	diags.Append(planned.Get(ctx, &plan)...)
	// Write-only values exist only in the configuration.
	var keyWO types.String
	diags.Append(config.GetAttribute(ctx, path.Root("auth_key_primary_wo"), &keyWO)...)
	if diags.HasError() {
		return
	}
	d, dd := timeout(plan.Timeouts, ctx, defaultOperationTimeout)
	diags.Append(dd...)
	if diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	key := plan.key()
	desired := plan.toCallback(keyWO.ValueString())

	unlock := lockMessageType(key)
	defer unlock()

	if _, err := r.client.UpdateCallback(ctx, desired); err != nil {
		diags.Append(apiErrorDiagnostic(fmt.Sprintf("Error %s Live callback %s", verb, key), err))
		return
	}
	got, err := r.waitVisible(ctx, desired)
	if err != nil {
		// The server accepted the configuration: keep it in the state, where
		// a failed create is marked tainted, so that nothing is orphaned.
		plan.ID = types.StringValue(key.String())
		if plan.CreateTime.IsUnknown() {
			plan.CreateTime = types.StringNull()
		}
		diags.Append(state.Set(ctx, &plan)...)
		diags.Append(apiErrorDiagnostic(
			fmt.Sprintf("Live callback %s was sent but not confirmed", key),
			fmt.Errorf("UpdateCallback succeeded, but DescribeCallback did not show the new configuration: %w", err)))
		return
	}
	plan.fill(got)
	diags.Append(state.Set(ctx, &plan)...)
}

// waitVisible polls DescribeCallback until it reports the desired
// configuration; the API may take a moment to show an update.
func (r *liveCallbackResource) waitVisible(ctx context.Context, desired liveapi.Callback) (liveapi.Callback, error) {
	key := callbackKey{Scope: desired.Scope, App: desired.App, MessageType: desired.MessageType}
	delay := 200 * time.Millisecond
	for {
		items, _, err := r.client.DescribeCallback(ctx, liveapi.DescribeCallbackInput{
			Scope: key.Scope, App: key.App, MessageType: key.MessageType,
		})
		if err != nil {
			return liveapi.Callback{}, err
		}
		if got, ok := findCallback(items, key); ok && sameSettings(got, desired) {
			return got, nil
		}
		tflog.Debug(ctx, "waiting for the Live API to show the configuration", map[string]any{"id": key.String()})
		select {
		case <-ctx.Done():
			return liveapi.Callback{}, fmt.Errorf("the configuration did not become visible in time: %w", ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 3*time.Second)
	}
}

// deleteScopeWide deletes a configuration without an app. DeleteCallback
// without App removes every app's configuration of the message type, so the
// app configurations seen just before are restored if they went with it.
func (r *liveCallbackResource) deleteScopeWide(ctx context.Context, key callbackKey) diag.Diagnostics {
	var diags diag.Diagnostics
	in := liveapi.DescribeCallbackInput{Scope: key.Scope, MessageType: key.MessageType}
	before, _, err := r.client.DescribeCallback(ctx, in)
	if liveapi.IsNotFound(err) {
		return diags
	}
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(),
			fmt.Errorf("listing the app configurations that share its message type, before deleting: %w", err)))
		return diags
	}
	var siblings []liveapi.Callback
	for _, c := range before {
		if c.App != "" && c.MessageType == key.MessageType &&
			!deleteInFlight(callbackKey{Scope: key.Scope, App: c.App, MessageType: c.MessageType}) {
			siblings = append(siblings, c)
		}
	}

	_, err = r.client.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: key.Scope, MessageType: key.MessageType})
	if err != nil && !liveapi.IsNotFound(err) {
		diags.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(), err))
		return diags
	}
	if len(siblings) == 0 {
		return diags
	}

	after, _, err := r.client.DescribeCallback(ctx, in)
	if err != nil && !liveapi.IsNotFound(err) {
		diags.AddError("Live callback deleted, but other configurations may have been removed with it",
			fmt.Sprintf("%s was deleted. Checking that the app configurations of message type %q still exist failed: %s\n\n"+
				"These existed before the delete; recreate any that are missing:\n%s",
				key, key.MessageType, errorDetail(err), describeCallbacks(siblings)))
		return diags
	}
	var restored, failed []liveapi.Callback
	var failures []string
	for _, s := range siblings {
		if _, ok := findCallback(after, callbackKey{Scope: key.Scope, App: s.App, MessageType: s.MessageType}); ok {
			continue
		}
		// Restored by its own vhost, which every described item carries: an
		// app configuration cannot be written through a domain.
		s.CreateTime = ""
		if _, err := r.client.UpdateCallback(ctx, s); err != nil {
			failed = append(failed, s)
			failures = append(failures, fmt.Sprintf("app %q: %s", s.App, err))
			continue
		}
		restored = append(restored, s)
	}
	if len(restored) > 0 {
		diags.AddWarning("Restored app configurations removed by the delete",
			fmt.Sprintf("Deleting %s through DeleteCallback also removed the configurations of message type %q of "+
				"every app under the %s, as the API does when no app is given. The provider restored them with "+
				"the settings they had (their create_time is now the restore time):\n%s",
				key, key.MessageType, key.Scope, describeCallbacks(restored)))
	}
	if len(failed) > 0 {
		diags.AddError("App configurations removed by the delete could not be restored",
			fmt.Sprintf("Deleting %s also removed these configurations, and restoring them failed (%s). Recreate them "+
				"with these settings (auth keys not shown):\n%s",
				key, strings.Join(failures, "; "), describeCallbacks(failed)))
	}
	return diags
}

func describeCallbacks(cbs []liveapi.Callback) string {
	var b strings.Builder
	for _, c := range cbs {
		urls := make([]string, 0, len(c.CallbackDetailList))
		for _, d := range c.CallbackDetailList {
			urls = append(urls, d.URL)
		}
		fmt.Fprintf(&b, "  - app %q, message type %q: urls [%s], auth_enable %t, transcode_callback %t\n",
			c.App, c.MessageType, strings.Join(urls, ", "), c.AuthEnable, c.TranscodeCallback)
	}
	return b.String()
}

// findCallback picks the configuration with exactly the key's app and
// message type; an empty app matches only an empty app. Described items
// carry no domain, so a domain's configuration is its app-less one.
func findCallback(items []liveapi.Callback, key callbackKey) (liveapi.Callback, bool) {
	for _, c := range items {
		if c.App != key.App || c.MessageType != key.MessageType {
			continue
		}
		if key.Domain == "" && c.Vhost != key.Vhost {
			continue
		}
		return c, true
	}
	return liveapi.Callback{}, false
}

// sameSettings reports whether the server shows what was sent.
func sameSettings(got, want liveapi.Callback) bool {
	return got.AuthEnable == want.AuthEnable &&
		got.TranscodeCallback == want.TranscodeCallback &&
		(!want.AuthEnable || got.AuthKeyPrimary == want.AuthKeyPrimary) &&
		slices.EqualFunc(got.CallbackDetailList, want.CallbackDetailList, func(a, b liveapi.CallbackDetail) bool {
			return a.URL == b.URL && strings.EqualFold(a.CallbackType, b.CallbackType)
		})
}

// Writes to one message type of one scope are serialised within the
// provider process, so that the sibling snapshot of a scope-wide delete
// cannot miss an app configuration created at the same time.
var messageTypeLocks sync.Map

func lockMessageType(k callbackKey) (unlock func()) {
	name := k.Vhost + "|" + k.Domain + "|" + k.MessageType
	mu, _ := messageTypeLocks.LoadOrStore(name, &sync.Mutex{})
	m := mu.(*sync.Mutex)
	m.Lock()
	return m.Unlock
}

// deletes counts the app configurations this provider process has been
// asked to delete and has not finished with. A scope-wide delete does not
// restore those: they are going anyway, and restoring them would cost two
// calls for nothing when a whole vhost is destroyed.
var deletes = struct {
	sync.Mutex
	inFlight map[callbackKey]int
}{inFlight: map[callbackKey]int{}}

func beginDelete(k callbackKey) (done func()) {
	deletes.Lock()
	deletes.inFlight[k]++
	deletes.Unlock()
	return func() {
		deletes.Lock()
		if deletes.inFlight[k]--; deletes.inFlight[k] == 0 {
			delete(deletes.inFlight, k)
		}
		deletes.Unlock()
	}
}

func deleteInFlight(k callbackKey) bool {
	deletes.Lock()
	defer deletes.Unlock()
	return deletes.inFlight[k] > 0
}

type liveCallbackModel struct {
	ID                      types.String          `tfsdk:"id"`
	Vhost                   types.String          `tfsdk:"vhost"`
	Domain                  types.String          `tfsdk:"domain"`
	App                     types.String          `tfsdk:"app"`
	MessageType             types.String          `tfsdk:"message_type"`
	CallbackDetailList      []callbackDetailModel `tfsdk:"callback_detail_list"`
	AuthEnable              types.Bool            `tfsdk:"auth_enable"`
	AuthKeyPrimary          types.String          `tfsdk:"auth_key_primary"`
	AuthKeyPrimaryWO        types.String          `tfsdk:"auth_key_primary_wo"`
	AuthKeyPrimaryWOVersion types.Int64           `tfsdk:"auth_key_primary_wo_version"`
	TranscodeCallback       types.Bool            `tfsdk:"transcode_callback"`
	CreateTime              types.String          `tfsdk:"create_time"`
	Timeouts                timeouts.Value        `tfsdk:"timeouts"`
}

type callbackDetailModel struct {
	URL          types.String `tfsdk:"url"`
	CallbackType types.String `tfsdk:"callback_type"`
}

func detailModels(details []liveapi.CallbackDetail) []callbackDetailModel {
	out := make([]callbackDetailModel, 0, len(details))
	for _, d := range details {
		out = append(out, callbackDetailModel{URL: types.StringValue(d.URL), CallbackType: types.StringValue(d.CallbackType)})
	}
	return out
}

func (m liveCallbackModel) key() callbackKey {
	return callbackKey{
		Scope:       liveapi.Scope{Vhost: m.Vhost.ValueString(), Domain: m.Domain.ValueString()},
		App:         m.App.ValueString(),
		MessageType: m.MessageType.ValueString(),
	}
}

// writeOnlyKey reports whether the auth key is managed through the
// write-only attribute, in which case it never enters the state.
func (m liveCallbackModel) writeOnlyKey() bool {
	return !m.AuthKeyPrimaryWOVersion.IsNull()
}

func (m liveCallbackModel) toCallback(keyWO string) liveapi.Callback {
	key := m.key()
	cb := liveapi.Callback{
		Scope:             key.Scope,
		App:               key.App,
		MessageType:       key.MessageType,
		AuthEnable:        m.AuthEnable.ValueBool(),
		AuthKeyPrimary:    m.AuthKeyPrimary.ValueString(),
		TranscodeCallback: m.TranscodeCallback.ValueBool(),
	}
	if keyWO != "" {
		cb.AuthKeyPrimary = keyWO
	}
	for _, d := range m.CallbackDetailList {
		cb.CallbackDetailList = append(cb.CallbackDetailList, liveapi.CallbackDetail{
			URL: d.URL.ValueString(), CallbackType: d.CallbackType.ValueString(),
		})
	}
	return cb
}

// fill copies what the server reports into the model, so that every field
// the API returns is compared with the configuration on the next plan.
func (m *liveCallbackModel) fill(c liveapi.Callback) {
	m.ID = types.StringValue(m.key().String())
	m.CallbackDetailList = detailModels(c.CallbackDetailList)
	m.AuthEnable = types.BoolValue(c.AuthEnable)
	m.TranscodeCallback = types.BoolValue(c.TranscodeCallback)
	if !m.writeOnlyKey() {
		m.AuthKeyPrimary = types.StringNull()
		if c.AuthKeyPrimary != "" {
			m.AuthKeyPrimary = types.StringValue(c.AuthKeyPrimary)
		}
	}
	m.CreateTime = types.StringValue(c.CreateTime)
}
