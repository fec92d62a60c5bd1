package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
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

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

const defaultOperationTimeout = 5 * time.Minute

var (
	_ resource.Resource                     = &liveCallbackResource{}
	_ resource.ResourceWithConfigure        = &liveCallbackResource{}
	_ resource.ResourceWithImportState      = &liveCallbackResource{}
	_ resource.ResourceWithConfigValidators = &liveCallbackResource{}
	_ resource.ResourceWithModifyPlan       = &liveCallbackResource{}
	_ resource.ResourceWithIdentity         = &liveCallbackResource{}
)

// NewLiveCallbackResource returns the volcengine_live_callback resource.
func NewLiveCallbackResource() resource.Resource {
	return &liveCallbackResource{}
}

type liveCallbackResource struct {
	client  *liveapi.Client
	shared  *providerData
	deleter *deleter
	// ledger holds the IDs the state holds and the records they name.
	ledger *planLedger
}

func (r *liveCallbackResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_live_callback"
}

func (r *liveCallbackResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Volcengine Live callback configuration: where Live sends the messages of one " +
			"message type for a vhost (optionally narrowed to one app) or a push domain.\n\n" +
			"Creating this resource never takes over a configuration that already exists: the plan fails with " +
			"the `import` block that adopts it, and the apply checks again. Updates keep the settings this resource does not model (set in the " +
			"console), since the API replaces a configuration as a whole. Destroying a configuration without an " +
			"`app`, or a domain's, never removes other configurations, although the API's DeleteCallback may reach " +
			"them: the provider reads what the delete could reach first, writes back exactly what it removed and " +
			"warns, or refuses before deleting when something in reach could not be written back exactly.\n\n" +
			"The provider confirms writes without a call per resource: what an apply leaves in the state is what " +
			"the next refresh reads, `create_time` included. Where the API takes a while to show a change, a plan " +
			"made meanwhile shows the configuration as the API does; the next apply converges.\n",
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
					appNameValidator{},
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
							Validators:          []validator.String{callbackURLValidator{}},
						},
						"callback_type": schema.StringAttribute{
							MarkdownDescription: "Receiver type. Only `HTTP` exists; it covers HTTP and HTTPS " +
								"addresses. Defaults to `HTTP`. The API's answers may spell it `http`: a spelling " +
								"that differs only in case is no change, and writes always send `HTTP`, the " +
								"documented spelling.",
							Optional: true,
							Computed: true,
							Default:  stringdefault.StaticString(liveapi.CallbackTypeHTTP),
							// The API's own examples write "http": a spelling
							// that differs only in case is no change; toCallback
							// sends the documented one.
							PlanModifiers: []planmodifier.String{keepSpellingModifier{}},
							Validators:    []validator.String{callbackTypeValidator{}},
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
					"Stored in state (sensitive). Where the API returns keys in plain text, a key changed outside " +
					"Terraform shows as drift; where it masks them, the configured key stands. A key stored while " +
					"`auth_enable` is `false` (made in the console, say) is kept as stored when this attribute is " +
					"left out: no change is planned and updates send it back. Prefer `auth_key_primary_wo` to keep " +
					"it out of state.",
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
				MarkdownDescription: "Whether transcoded streams also trigger callbacks. It takes effect for `push` " +
					"and `push_end` only: for the other message types the API accepts `true` and ignores it, and the " +
					"plan warns of it (an imported configuration may carry it). Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"create_time": schema.StringAttribute{
				MarkdownDescription: "When the configuration was first created, RFC 3339 in UTC. For a configuration " +
					"Terraform creates, the time the API accepted the create by the provider's clock (the API answers " +
					"none, and reading it back would cost a call), which a refresh keeps as long as the API's own time " +
					"is within five minutes of it; otherwise, as for an imported configuration, the API's time. A " +
					"configuration that a delete wrote back has the time of that write.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
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
		authKeyValidator{warn: r.client != nil},
		transcodeValidator{warn: r.client != nil},
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
	r.client, r.shared, r.deleter, r.ledger = data.client, data, data.deleter, data.ledger
}

// ModifyPlan shows the ID in the plan as soon as the identifying attributes
// are known, since it is derived from them alone, refuses a second
// resource of the same run that declares the same configuration, and
// refuses a create of a configuration that already exists.
func (r *liveCallbackResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.modifyDestroyPlan(ctx, req, resp)
		return
	}
	// What a destroy plan noted is for that plan's delete alone.
	if resp.Private != nil {
		if priv, diags := loadPrivate(ctx, resp.Private); !diags.HasError() && len(priv.PlannedDeletes) > 0 {
			priv.PlannedDeletes = nil
			resp.Diagnostics.Append(savePrivate(ctx, resp.Private, priv)...)
		}
	}
	var plan liveCallbackModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, v := range []types.String{plan.Vhost, plan.Domain, plan.App, plan.MessageType} {
		if v.IsUnknown() {
			return
		}
	}
	key := plan.key()
	// A replacement is planned twice: with the prior state, then as a
	// create. Only the create, or a plan that keeps its ID, declares key.
	declares := req.State.Raw.IsNull()
	if !declares {
		var prior liveCallbackModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		declares = prior.key() == key
		if r.ledger != nil {
			r.ledger.hold(prior.key())
		}
		// An update that would erase a key stored unused, which the API
		// answers masked, fails at plan as it would at apply.
		if declares && !req.Plan.Raw.Equal(req.State.Raw) && plan.AuthKeyPrimary.IsNull() && !plan.usesWriteOnlyKey() &&
			!plan.AuthEnable.IsUnknown() && !plan.AuthEnable.ValueBool() {
			if priv, diags := loadPrivate(ctx, req.Private); !diags.HasError() && keyMasked(priv.StoredKey) {
				resp.Diagnostics.Append(maskedStoredKeyDiagnostic(key))
				return
			}
		}
	}
	if declares && r.shared != nil && !r.shared.plans.declare(key) {
		resp.Diagnostics.AddError("Live callback declared twice",
			fmt.Sprintf("Another volcengine_live_callback of this configuration also declares %s. One configuration can be "+
				"managed by one resource only: remove one of the two resources, or give it another vhost, domain, app or "+
				"message type.", key))
		return
	}
	// Nor may two IDs that name one record.
	if declares && r.ledger != nil {
		if other, clash := r.ledger.declareRecord(r.recordOfPlan(ctx, key), key); clash {
			resp.Diagnostics.Append(aliasDeclaredDiagnostic(key, other))
			return
		}
	}
	// A create must not take over what exists: the plan says so already.
	if req.State.Raw.IsNull() && r.shared != nil && r.ledger != nil {
		resp.Diagnostics.Append(r.planAbsent(ctx, key)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if plan.ID.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), key.String())...)
	}
}

func (r *liveCallbackResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan liveCallbackModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	keyWO := configWriteOnlyKey(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	defer cancel()

	key := plan.key()
	done, ok := r.shared.plans.beginCreate(key)
	if !ok {
		resp.Diagnostics.AddError("Live callback declared twice",
			fmt.Sprintf("Another volcengine_live_callback of this run is creating %s as well. Remove one of the two resources.", key))
		return
	}
	defer done()

	// A delete without an app of this run may have taken along the
	// configuration of a resource renamed without a moved block, whose own
	// delete is still to run: that delete must go first.
	if r.shared.deletes.deleteExpected(key) {
		r.shared.sched.awaitDeletes(ctx, false, func() int {
			if r.shared.deletes.deleteExpected(key) {
				return 1
			}
			return 0
		})
		if r.shared.deletes.deleteExpected(key) {
			resp.Diagnostics.AddError("Live callback not created yet",
				fmt.Sprintf("This run also destroys %s under another resource address, and that delete has not run "+
					"yet; creating it first would let that delete remove it. Declare the rename with a moved block, or "+
					"apply again once the other resource is destroyed.", key))
			return
		}
	}

	// UpdateCallback would silently replace an existing configuration: look
	// first, in the scope's shared answer rather than with a call of our own.
	_, exists, _ := r.existing(ctx, key)
	if exists {
		// A resource renamed or moved without a moved block is deleted under
		// its old name in the same run: let that delete go first. No lock
		// is held while waiting, since that delete may need it.
		r.shared.sched.awaitDeletes(ctx, false, func() int {
			if _, still, err := r.existing(ctx, key); still && err == nil {
				return 1
			}
			return 0
		})
	}
	unlock, err := r.shared.locks.lock(ctx, key, false)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error creating Live callback "+key.String(), err))
		return
	}
	defer unlock()
	existing, exists, err := r.existing(ctx, key)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error creating Live callback "+key.String(),
			fmt.Errorf("checking that the configuration does not exist yet: %w", err)))
		return
	}
	if exists {
		resp.Diagnostics.Append(alreadyExistsDiagnostic(key, existing))
		return
	}

	desired := plan.toCallback(keyWO)
	plan.ID = types.StringValue(key.String())
	plan.CreateTime = types.StringNull()
	if _, err := r.client.UpdateCallback(ctx, desired); err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error creating Live callback "+key.String(), err))
		if liveapi.IsRetryable(err) {
			// The write may have landed with its answer lost: keep it in the
			// state, where a failed create is tainted and replaced by the
			// next apply, rather than orphan it behind a takeover refusal.
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key)...)
		}
		return
	}
	r.shared.deletes.wrote(key, desired)
	// The API's answer carries no creation time, and reading it back would
	// cost a call per resource (or per scope and per parallel batch of
	// creates, over the apply's budget): the time the API accepted the
	// create stands for it, and a refresh keeps it (see fill).
	plan.CreateTime = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key)...)
}

func (r *liveCallbackResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state liveCallbackModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.key()
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key)...)
	if r.ledger != nil {
		r.ledger.hold(key)
	}

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
	r.shared.views.learn(key.Scope, items)
	priv, diags := loadPrivate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	found, ok := findCallback(items, key, "")
	if !ok && priv.PendingRestore != nil {
		// Dropping the resource would drop the write-back it owes: it stays,
		// shown without receivers, so that the next delete or update
		// completes the write-back first.
		resp.Diagnostics.AddWarning("Live callback deleted, with a write-back still owed",
			fmt.Sprintf("%s no longer exists: a delete of it failed after calling DeleteCallback without an app, "+
				"and other configurations of message type %q that it removed are not all written back yet. The "+
				"resource stays in the state until they are: the next terraform destroy completes the write-back, "+
				"then deletes nothing more; an apply that keeps the resource writes both back.",
				key, key.MessageType))
		state.CallbackDetailList = nil
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if !ok {
		resp.Diagnostics.AddWarning("Live callback no longer exists",
			fmt.Sprintf("%s was not found in DescribeCallback's answer: it was deleted outside Terraform. It was removed from the state; the next plan will create it again if it is still configured.",
				key))
		resp.State.RemoveResource(ctx)
		return
	}
	if r.ledger != nil {
		r.ledger.holdRecord(key, recordID(found))
	}
	state.fill(found)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(savePrivate(ctx, resp.Private, privateData{
		Extra: found.Extra, StoredKey: storedKey(state, found), PendingRestore: priv.PendingRestore,
	})...)
}

func (r *liveCallbackResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan liveCallbackModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	keyWO := configWriteOnlyKey(ctx, req.Config, &resp.Diagnostics)
	priv, diags := loadPrivate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Update)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	defer cancel()

	key := plan.key()
	// UpdateCallback replaces the whole configuration: what the provider
	// does not model goes back as it was last read.
	desired := plan.toCallback(keyWO)
	desired.Extra = priv.Extra
	if desired.AuthKeyPrimary == "" && !desired.AuthEnable && priv.StoredKey != "" {
		if keyMasked(priv.StoredKey) {
			resp.Diagnostics.Append(maskedStoredKeyDiagnostic(key))
			return
		}
		desired.AuthKeyPrimary = priv.StoredKey
	}
	if masked := desired.MaskedFields(); len(masked) > 0 {
		resp.Diagnostics.AddError("Live callback cannot be updated without losing settings",
			fmt.Sprintf("%s has settings that Terraform does not manage (%s), and the API answers them masked. "+
				"UpdateCallback replaces the whole configuration, so updating it would store the mask in their place. "+
				"Make this change in the Live console, or clear those settings there first; then run Terraform again.",
				key, strings.Join(masked, ", ")))
		return
	}
	if priv.PendingRestore != nil {
		resp.Diagnostics.Append(r.deleter.completePending(ctx, key, priv.PendingRestore)...)
		if resp.Diagnostics.HasError() {
			return
		}
		priv.PendingRestore = nil
		resp.Diagnostics.Append(savePrivate(ctx, resp.Private, privateData{Extra: priv.Extra, StoredKey: priv.StoredKey})...)
	}
	unlock, err := r.shared.locks.lock(ctx, key, false)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error updating Live callback "+key.String(), err))
		return
	}
	defer unlock()
	if _, err := r.client.UpdateCallback(ctx, desired); err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error updating Live callback "+key.String(), err))
		return
	}
	r.shared.deletes.wrote(key, desired)

	// create_time keeps its planned value even where a restore by a delete
	// of this run re-created the configuration: the next refresh shows the
	// server's.
	if plan.CreateTime.IsUnknown() {
		plan.CreateTime = types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key)...)
}

// modifyDestroyPlan notes the destroy of a configuration for the other plans of
// this instance. A configuration without an app is deleted by a
// DeleteCallback that may reach every configuration of its message type
// under the vhost: its plan waits until this instance has planned
// everything else, then notes in its private state which of those the plan
// destroys too. Its delete then takes them along, rather than waiting for
// their own deletes, which Terraform may not start while the deletes
// without an app fill its parallelism, or writing them back.
func (r *liveCallbackResource) modifyDestroyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.shared == nil || req.State.Raw.IsNull() {
		return
	}
	var prior liveCallbackModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := prior.key()
	r.shared.plans.noteDestroy(key)
	if key.App != "" || resp.Private == nil {
		return
	}
	r.shared.sched.awaitPlans(ctx)
	if r.ledger != nil {
		if others := r.aliasesStillManaged(ctx, key); len(others) > 0 {
			resp.Diagnostics.Append(aliasDestroyDiagnostic(key, others))
			return
		}
	}
	priv, diags := loadPrivate(ctx, resp.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	priv.PlannedDeletes = nil
	for _, k := range r.shared.plans.destroysPlannedNear(key) {
		priv.PlannedDeletes = append(priv.PlannedDeletes, k.String())
	}
	resp.Diagnostics.Append(savePrivate(ctx, resp.Private, priv)...)
}

func (r *liveCallbackResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state liveCallbackModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	defer cancel()
	// The plan's private state names what the same plan destroys; it is
	// not kept past this delete, should the delete fail and the resource
	// stay.
	priv, diags := loadPrivate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	var planned []callbackKey
	for _, id := range priv.PlannedDeletes {
		if k, err := parseCallbackID(id); err == nil {
			planned = append(planned, k)
		}
	}
	diags, owed := r.deleter.delete(ctx, state.key(), planned, priv.PendingRestore)
	resp.Diagnostics.Append(diags...)
	// A failed delete keeps the resource in the state, and with it the
	// write-back it still owes, so that the next run completes it on
	// whatever machine it runs.
	if resp.Diagnostics.HasError() && resp.Private != nil {
		priv.PlannedDeletes, priv.PendingRestore = nil, owed
		resp.Diagnostics.Append(savePrivate(ctx, resp.Private, priv)...)
	}
}

func (r *liveCallbackResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		importByIdentity(ctx, req, resp)
		return
	}
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
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, key)...)
}

// existing looks key up in the scope's shared view.
func (r *liveCallbackResource) existing(ctx context.Context, key callbackKey) (liveapi.Callback, bool, error) {
	items, err := r.shared.views.read(ctx, key.Scope)
	if err != nil {
		return liveapi.Callback{}, false, err
	}
	found, ok := findCallback(items, key, r.shared.views.knownVhost(key))
	return found, ok, nil
}

// configWriteOnlyKey returns the write-only key: it exists only in the
// configuration.
func configWriteOnlyKey(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) string {
	var keyWO types.String
	diags.Append(config.GetAttribute(ctx, path.Root("auth_key_primary_wo"), &keyWO)...)
	return keyWO.ValueString()
}

// withTimeout bounds ctx by the operation's timeout from the timeouts block.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)) (context.Context, context.CancelFunc, diag.Diagnostics) {
	d, diags := timeout(ctx, defaultOperationTimeout)
	if diags.HasError() {
		return ctx, func() {}, diags
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, diags
}

// describeCallbacks lists configurations for a message, without keys.
func describeCallbacks(cbs []liveapi.Callback) string {
	var b strings.Builder
	for _, c := range cbs {
		urls := make([]string, 0, len(c.CallbackDetailList))
		for _, d := range c.CallbackDetailList {
			urls = append(urls, d.URL)
		}
		scope := fmt.Sprintf("vhost %q, app %q", c.Vhost, c.App)
		if c.Domain != "" {
			scope = fmt.Sprintf("domain %q", c.Domain)
		}
		fmt.Fprintf(&b, "  - %s, message type %q: urls [%s], auth_enable %t, transcode_callback %t",
			scope, c.MessageType, strings.Join(urls, ", "), c.AuthEnable, c.TranscodeCallback)
		if len(c.Extra) > 0 {
			fmt.Fprintf(&b, ", other settings %s", strings.Join(slices.Sorted(maps.Keys(c.Extra)), ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
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

// usesWriteOnlyKey reports whether the auth key is managed through the
// write-only attribute, in which case it never enters the state.
func (m liveCallbackModel) usesWriteOnlyKey() bool {
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
			URL: d.URL.ValueString(), CallbackType: documentedSpelling(d.CallbackType.ValueString()),
		})
	}
	return cb
}

// documentedSpelling returns the callback type as the reference documents
// it, the one spelling every reading of the API accepts: the state may hold
// the spelling of an answer or of the configuration, which differ only in
// case.
func documentedSpelling(t string) string {
	if strings.EqualFold(t, liveapi.CallbackTypeHTTP) {
		return liveapi.CallbackTypeHTTP
	}
	return t
}

// fill copies what the server reports into the model, so that every field
// the API returns is compared with the configuration on the next plan. A
// callback type that differs from the model's only in case keeps the
// model's spelling, and a masked key, which cannot be compared, keeps the
// model's key.
func (m *liveCallbackModel) fill(c liveapi.Callback) {
	m.ID = types.StringValue(m.key().String())
	details := detailModels(c.CallbackDetailList)
	for i := range details {
		if i < len(m.CallbackDetailList) {
			if old := m.CallbackDetailList[i].CallbackType; strings.EqualFold(old.ValueString(), details[i].CallbackType.ValueString()) {
				details[i].CallbackType = old
			}
		}
	}
	m.CallbackDetailList = details
	m.AuthEnable = types.BoolValue(c.AuthEnable)
	m.TranscodeCallback = types.BoolValue(c.TranscodeCallback)
	// A key stored with signing off stays out of a state that has none:
	// the configuration of an adopted configuration need not repeat it,
	// and updates send it back from the private state (storedKey).
	unusedKey := !c.AuthEnable && m.AuthKeyPrimary.IsNull()
	if !m.usesWriteOnlyKey() && !keyMasked(c.AuthKeyPrimary) && !unusedKey {
		m.AuthKeyPrimary = types.StringNull()
		if c.AuthKeyPrimary != "" {
			m.AuthKeyPrimary = types.StringValue(c.AuthKeyPrimary)
		}
	}
	if !sameCreation(m.CreateTime.ValueString(), c.CreateTime) {
		m.CreateTime = types.StringValue(c.CreateTime)
	}
}

// createTimeSkew is how far the server's creation time of a configuration
// may be from the time the provider saw its create accepted, for the two to
// name one creation: the provider records its own clock at create (the API
// answers no time), and the clocks differ by the request's latency and
// their skew, which the API's signature check bounds to minutes. A
// configuration deleted and made again outside Terraform within this span
// keeps the recorded time; its other settings still show as drift.
const createTimeSkew = 5 * time.Minute

// sameCreation reports whether the state's creation time and the server's
// name the same creation, so that a refresh keeps the state's.
func sameCreation(state, server string) bool {
	s, err1 := time.Parse(time.RFC3339, state)
	v, err2 := time.Parse(time.RFC3339, server)
	if err1 != nil || err2 != nil {
		return false
	}
	d := s.Sub(v)
	return d <= createTimeSkew && d >= -createTimeSkew
}

// keepSpellingModifier plans the state's value for a value that differs
// from it only in case.
type keepSpellingModifier struct{}

func (keepSpellingModifier) Description(context.Context) string {
	return "a value that differs from the current one only in case is no change"
}

func (m keepSpellingModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepSpellingModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() {
		return
	}
	if strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}

// maskedStoredKeyDiagnostic refuses an update that would erase a key
// stored with signing off, which the API answers masked and so cannot be
// sent back.
func maskedStoredKeyDiagnostic(key callbackKey) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Live callback cannot be updated without losing its key",
		fmt.Sprintf("%s has a key stored while auth_enable is false, and the API answers it masked. "+
			"UpdateCallback replaces the whole configuration, so updating it without a key would erase the "+
			"stored one. Set auth_key_primary to the stored key (signing stays off), or make this change in "+
			"the Live console; then run Terraform again.", key))
}

// storedKey returns the key the API holds unused, with signing off, for a
// resource whose state (after fill) has none: an update sends it back, since
// UpdateCallback would erase it otherwise.
func storedKey(state liveCallbackModel, c liveapi.Callback) string {
	if c.AuthEnable || !state.AuthKeyPrimary.IsNull() || state.usesWriteOnlyKey() {
		return ""
	}
	return c.AuthKeyPrimary
}

// keyMasked reports a key the API answered masked, such as `5552*****e4e2`.
func keyMasked(k string) bool {
	return strings.Contains(k, "*")
}
