package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// The resource identity (Terraform 1.12 and later) is the callbackKey as an
// object: exactly one of vhost and domain is set, app only with a vhost.
// What a configuration does not have is null, never "", so that each
// configuration has one identity, and a domain's identity (domain set,
// vhost null) never equals a vhost-wide one (vhost set, domain null).
// Older Terraform neither asks for nor stores it.

// identityModel is the identity object.
type identityModel struct {
	Vhost       types.String `tfsdk:"vhost"`
	Domain      types.String `tfsdk:"domain"`
	App         types.String `tfsdk:"app"`
	MessageType types.String `tfsdk:"message_type"`
}

func (r *liveCallbackResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"vhost": identityschema.StringAttribute{
				Description:       "Vhost of a vhost's configuration; null for a push domain's. Exactly one of `vhost` and `domain` is set.",
				OptionalForImport: true,
			},
			"domain": identityschema.StringAttribute{
				Description:       "Push domain of a domain's configuration; null for a vhost's.",
				OptionalForImport: true,
			},
			"app": identityschema.StringAttribute{
				Description:       "App of an app's configuration; null for a configuration of the whole vhost, and for a domain's.",
				OptionalForImport: true,
			},
			"message_type": identityschema.StringAttribute{
				Description:       "Message type: `push`, `push_end`, `snapshot`, `record` or `audit_snapshot`.",
				RequiredForImport: true,
			},
		},
	}
}

// identityOf renders a key as the identity object.
func identityOf(k callbackKey) identityModel {
	return identityModel{
		Vhost:       nullIfEmpty(k.Vhost),
		Domain:      nullIfEmpty(k.Domain),
		App:         nullIfEmpty(k.App),
		MessageType: types.StringValue(k.MessageType),
	}
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// setIdentity records k as the identity of the resource, where the
// framework offers one.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, k callbackKey) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, identityOf(k))
}

// keyOfIdentity checks an identity given in an import block and returns the
// key it names. Unset attributes and empty strings both mean "none".
func keyOfIdentity(m identityModel) (callbackKey, error) {
	k := callbackKey{
		Scope:       liveapi.Scope{Vhost: m.Vhost.ValueString(), Domain: m.Domain.ValueString()},
		App:         m.App.ValueString(),
		MessageType: m.MessageType.ValueString(),
	}
	switch {
	case k.Vhost == "" && k.Domain == "":
		return k, fmt.Errorf("the identity names neither a vhost nor a domain. %s", identityForms)
	case k.Vhost != "" && k.Domain != "":
		return k, fmt.Errorf("the identity names both vhost %q and domain %q; give exactly one. %s", k.Vhost, k.Domain, identityForms)
	case k.Domain != "" && k.App != "":
		return k, fmt.Errorf("the identity names app %q with domain %q, but a domain's configuration has no app. %s", k.App, k.Domain, identityForms)
	case k.Vhost != "" && !isHostName(k.Vhost):
		return k, fmt.Errorf("the identity's vhost %q %s. %s", k.Vhost, hostRule, identityForms)
	case k.Domain != "" && !isHostName(k.Domain):
		return k, fmt.Errorf("the identity's domain %q %s. %s", k.Domain, hostRule, identityForms)
	case k.App != "" && !appPattern.MatchString(k.App):
		return k, fmt.Errorf("the identity's app %q %s. %s", k.App, appRule, identityForms)
	case !slices.Contains(liveapi.MessageTypes, k.MessageType):
		return k, fmt.Errorf("the identity's message_type %q is not one of %s. %s", k.MessageType, strings.Join(liveapi.MessageTypes, ", "), identityForms)
	}
	return k, nil
}

const identityForms = "Expected one of:\n" +
	"  identity = { vhost = \"push.live.example.com\", app = \"example_app\", message_type = \"push\" }\n" +
	"  identity = { vhost = \"push.live.example.com\", message_type = \"push_end\" }   (the whole vhost)\n" +
	"  identity = { domain = \"push.example.com\", message_type = \"record\" }"

// importByIdentity imports from an import block's identity (Terraform 1.12
// and later), as ImportState does from an ID.
func importByIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.Identity == nil {
		resp.Diagnostics.AddError("Missing import ID", "Import needs an ID or an identity. "+importIDFormats)
		return
	}
	var m identityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	k, err := keyOfIdentity(m)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import identity", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), k.String())...)
	for name, v := range map[string]types.String{"vhost": nullIfEmpty(k.Vhost), "domain": nullIfEmpty(k.Domain), "app": nullIfEmpty(k.App)} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("message_type"), k.MessageType)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, k)...)
}
