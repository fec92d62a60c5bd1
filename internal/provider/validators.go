package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

var (
	appPattern  = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,30}$`)
	hostPattern = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)
)

const (
	appRule  = "must be 1 to 30 characters of letters, digits, '_', '-' and '.'"
	hostRule = "must be a host name such as push.live.example.com (letters, digits, '-' and '.', at most 253 characters)"
	urlRule  = "must be an absolute http:// or https:// URL with a host"
)

func isHostName(s string) bool {
	return len(s) <= 253 && hostPattern.MatchString(s)
}

// hostNameValidator checks vhost and domain values.
type hostNameValidator struct{}

func (hostNameValidator) Description(context.Context) string { return "value " + hostRule }
func (v hostNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (hostNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if !isHostName(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid host name",
			fmt.Sprintf("%s %s; got %q.", req.Path, hostRule, v))
	}
}

// callbackURLValidator checks a receiver URL's scheme and host; its length
// is checked by stringvalidator.LengthBetween.
type callbackURLValidator struct{}

func (callbackURLValidator) Description(context.Context) string { return "value " + urlRule }
func (v callbackURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (callbackURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid callback URL",
			fmt.Sprintf("%s %s; got %q.", req.Path, urlRule, v))
	}
}

// authKeyValidator enforces that a key is given exactly when auth_enable is
// true, as a plain or a write-only value but not both.
type authKeyValidator struct{}

var _ resource.ConfigValidator = authKeyValidator{}

func (authKeyValidator) Description(context.Context) string {
	return "auth_key_primary or auth_key_primary_wo is required when auth_enable is true and not allowed otherwise"
}
func (v authKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (authKeyValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var enable types.Bool
	var key, keyWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("auth_enable"), &enable)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("auth_key_primary"), &key)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("auth_key_primary_wo"), &keyWO)...)
	if resp.Diagnostics.HasError() || enable.IsUnknown() || key.IsUnknown() || keyWO.IsUnknown() {
		return
	}
	hasKey, hasWO := !key.IsNull(), !keyWO.IsNull()
	switch {
	case hasKey && hasWO:
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary_wo"), "Conflicting auth keys",
			"Set either auth_key_primary or auth_key_primary_wo, not both.")
	case enable.ValueBool() && !hasKey && !hasWO:
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary"), "Missing auth key",
			"auth_enable is true: the API requires a key, so set auth_key_primary or auth_key_primary_wo.")
	case !enable.ValueBool() && hasKey:
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary"), "Auth key without auth_enable",
			"auth_key_primary is only used when auth_enable is true: set auth_enable = true or remove the key.")
	case !enable.ValueBool() && hasWO:
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary_wo"), "Auth key without auth_enable",
			"auth_key_primary_wo is only used when auth_enable is true: set auth_enable = true or remove the key.")
	}
	if hasKey && key.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary"), "Empty auth key",
			"auth_key_primary must not be empty.")
	}
	if hasWO && keyWO.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary_wo"), "Empty auth key",
			"auth_key_primary_wo must not be empty.")
	}
}

// transcodeValidator allows transcode_callback = true only for the message
// types the API applies it to.
type transcodeValidator struct{}

var _ resource.ConfigValidator = transcodeValidator{}

var transcodeMessageTypes = []string{liveapi.MessageTypePush, liveapi.MessageTypePushEnd}

func (transcodeValidator) Description(context.Context) string {
	return "transcode_callback can be true only when message_type is " + strings.Join(transcodeMessageTypes, " or ")
}
func (v transcodeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (transcodeValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var transcode types.Bool
	var messageType types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("transcode_callback"), &transcode)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("message_type"), &messageType)...)
	if resp.Diagnostics.HasError() || !transcode.ValueBool() || messageType.IsUnknown() || messageType.IsNull() {
		return
	}
	mt := messageType.ValueString()
	if mt != liveapi.MessageTypePush && mt != liveapi.MessageTypePushEnd {
		resp.Diagnostics.AddAttributeError(path.Root("transcode_callback"), "Transcode callback not supported",
			fmt.Sprintf("transcode_callback = true applies only to message_type %s; message_type is %q.",
				strings.Join(transcodeMessageTypes, " or "), mt))
	}
}
