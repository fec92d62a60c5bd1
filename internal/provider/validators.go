package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	appMaxLength         = 30
	callbackURLMaxLength = 100

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

// elementPath is where Terraform can show a problem with the attribute at
// p. Terraform cannot follow a path into the object of a list item (it
// falls back to the whole resource block) but can point at the item
// itself, so a problem with an item's attribute is placed on the item and
// its message names the attribute's full path.
func elementPath(p path.Path) path.Path {
	parent := p.ParentPath()
	if last, _ := parent.Steps().LastStep(); last != nil {
		if _, ok := last.(path.PathStepElementKeyInt); ok {
			return parent
		}
	}
	return p
}

// appNameValidator checks an app name, saying which rule it breaks. An
// empty app is not the absence of one, which is how a configuration
// covers the whole vhost.
type appNameValidator struct{}

func (appNameValidator) Description(context.Context) string { return "value " + appRule }
func (v appNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (appNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if v == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty app name",
			fmt.Sprintf("%s is an empty string. Leave %s out for a configuration of the whole vhost; to configure "+
				"one app, set its name (1 to %d characters of letters, digits, '_', '-' and '.').", req.Path, req.Path, appMaxLength))
		return
	}
	if n := utf8.RuneCountInString(v); n > appMaxLength {
		resp.Diagnostics.AddAttributeError(req.Path, "App name too long",
			fmt.Sprintf("%s is %d characters long, over the API's limit of %d: %q.", req.Path, n, appMaxLength, v))
	}
	var bad []string
	for _, r := range v {
		if q := strconv.QuoteRune(r); !appAlphabet(r) && !slices.Contains(bad, q) {
			bad = append(bad, q)
		}
	}
	if len(bad) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid app name",
			fmt.Sprintf("%s %q contains %s; the API allows only letters, digits, '_', '-' and '.'.", req.Path, v, strings.Join(bad, ", ")))
	}
}

func appAlphabet(r rune) bool {
	return r < utf8.RuneSelf && (r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// callbackURLValidator checks a receiver URL's length, scheme and host.
type callbackURLValidator struct{}

func (callbackURLValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be 1 to %d characters long and %s", callbackURLMaxLength, strings.TrimPrefix(urlRule, "must be "))
}
func (v callbackURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (callbackURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	at := elementPath(req.Path)
	if v == "" {
		resp.Diagnostics.AddAttributeError(at, "Empty callback URL",
			fmt.Sprintf("%s is empty; it %s, of at most %d characters.", req.Path, urlRule, callbackURLMaxLength))
		return
	}
	if n := utf8.RuneCountInString(v); n > callbackURLMaxLength {
		resp.Diagnostics.AddAttributeError(at, "Callback URL too long",
			fmt.Sprintf("%s is %d characters long, over the API's limit of %d.", req.Path, n, callbackURLMaxLength))
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(at, "Invalid callback URL",
			fmt.Sprintf("%s %s; got %q.", req.Path, urlRule, v))
	}
}

// callbackTypeValidator accepts the one callback type in any case: the
// API's own reference writes it "http", so a configuration written from an
// imported one may too.
type callbackTypeValidator struct{}

func (callbackTypeValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be %q, in any case", liveapi.CallbackTypeHTTP)
}
func (v callbackTypeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (callbackTypeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueString(); !strings.EqualFold(v, liveapi.CallbackTypeHTTP) {
		resp.Diagnostics.AddAttributeError(elementPath(req.Path), "Invalid callback type",
			fmt.Sprintf("%s is %q, but the API knows only %q, which covers http:// and https:// URLs alike. "+
				"Leave callback_type out to use it.", req.Path, v, liveapi.CallbackTypeHTTP))
	}
}

// Terraform validates a resource's configuration twice in a plan: first in
// its validate walk, with the provider not configured and input variables
// unknown, then again right before planning, with the provider configured
// and the values known. An error stops the plan at the first; a warning
// would be shown twice. So the validators below warn only in the second
// (warn is true once the provider is configured): a plan shows each
// warning once, with the values it plans, and `terraform validate`, which
// runs the first alone, shows none.

// authKeyValidator checks the auth settings together: a key is required
// when auth_enable is true, as a plain or a write-only value but not both.
// A key with auth_enable false is only a warning: the API keeps it unused,
// and a configuration made in the console can have one.
type authKeyValidator struct {
	warn bool
}

var _ resource.ConfigValidator = authKeyValidator{}

func (authKeyValidator) Description(context.Context) string {
	return "one of auth_key_primary and auth_key_primary_wo is required when auth_enable is true; " +
		"a key with auth_enable false is unused"
}
func (v authKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v authKeyValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
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
			"auth_key_primary and auth_key_primary_wo are both set, but the configuration has one key: keep "+
				"auth_key_primary_wo to keep the key out of the state, or auth_key_primary, and remove the other.")
	case enable.ValueBool() && !hasKey && !hasWO:
		resp.Diagnostics.AddAttributeError(path.Root("auth_enable"), "Missing auth key",
			"auth_enable is true, and the API then requires the key that signs callback messages: set "+
				"auth_key_primary or auth_key_primary_wo, or set auth_enable = false.")
	case !enable.ValueBool() && (hasKey || hasWO) && v.warn:
		name := "auth_key_primary"
		if hasWO {
			name = "auth_key_primary_wo"
		}
		resp.Diagnostics.AddAttributeWarning(path.Root(name), "Auth key without auth_enable",
			fmt.Sprintf("%s is set but auth_enable is false, so the API keeps the key without signing callback "+
				"messages with it. Set auth_enable = true to sign them, or remove %s if the key is not wanted.", name, name))
	}
	if hasKey && key.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary"), "Empty auth key",
			"auth_key_primary is an empty string: set the key, or leave auth_key_primary out.")
	}
	if hasWO && keyWO.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("auth_key_primary_wo"), "Empty auth key",
			"auth_key_primary_wo is an empty string: set the key, or leave auth_key_primary_wo out.")
	}
}

// transcodeValidator warns of transcode_callback = true where the API
// ignores it, rather than refusing it: a configuration made in the console
// can carry it, and importing must be able to write it down as it is. Like
// authKeyValidator, it warns only once the provider is configured.
type transcodeValidator struct {
	warn bool
}

var _ resource.ConfigValidator = transcodeValidator{}

var transcodeMessageTypes = []string{liveapi.MessageTypePush, liveapi.MessageTypePushEnd}

func (transcodeValidator) Description(context.Context) string {
	return "transcode_callback takes effect only when message_type is " + strings.Join(transcodeMessageTypes, " or ")
}
func (v transcodeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v transcodeValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if !v.warn {
		return
	}
	var transcode types.Bool
	var messageType types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("transcode_callback"), &transcode)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("message_type"), &messageType)...)
	if resp.Diagnostics.HasError() || !transcode.ValueBool() || messageType.IsUnknown() || messageType.IsNull() {
		return
	}
	if mt := messageType.ValueString(); !slices.Contains(transcodeMessageTypes, mt) {
		resp.Diagnostics.AddAttributeWarning(path.Root("transcode_callback"), "Transcode callback has no effect",
			fmt.Sprintf("transcode_callback = true takes effect only for message_type %s; for %q the API accepts "+
				"and ignores it. Remove it unless the configuration was imported with it.",
				strings.Join(transcodeMessageTypes, " or "), mt))
	}
}
