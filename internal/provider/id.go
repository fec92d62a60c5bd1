package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// callbackKey identifies one callback configuration; it is also the
// resource's ID and import ID.
type callbackKey struct {
	liveapi.Scope
	App         string
	MessageType string
}

// String renders the ID: vhost:<vhost>:<app>:<message_type> or
// domain:<domain>:<message_type>.
func (k callbackKey) String() string {
	if k.Domain != "" {
		return "domain:" + k.Domain + ":" + k.MessageType
	}
	return "vhost:" + k.Vhost + ":" + k.App + ":" + k.MessageType
}

const importIDFormats = "Expected one of:\n" +
	"  vhost:<vhost>:<app>:<message_type>   e.g. vhost:push.live.example.com:example_app:push\n" +
	"                                       or   vhost:push.live.example.com::push_end (no app)\n" +
	"  domain:<domain>:<message_type>       e.g. domain:push.example.com:record\n" +
	"where <message_type> is one of " + "push, push_end, snapshot, record, audit_snapshot."

// parseCallbackID parses an ID or import ID; its error shows the accepted
// forms.
func parseCallbackID(id string) (callbackKey, error) {
	parts := strings.Split(id, ":")
	var k callbackKey
	switch {
	case len(parts) == 4 && parts[0] == "vhost":
		k = callbackKey{Scope: liveapi.Scope{Vhost: parts[1]}, App: parts[2], MessageType: parts[3]}
		if !isHostName(k.Vhost) {
			return k, fmt.Errorf("the ID %q has an invalid vhost %q: it %s. %s", id, k.Vhost, hostRule, importIDFormats)
		}
		if k.App != "" && !appPattern.MatchString(k.App) {
			return k, fmt.Errorf("the ID %q has an invalid app %q: %s. %s", id, k.App, appRule, importIDFormats)
		}
	case len(parts) == 3 && parts[0] == "domain":
		k = callbackKey{Scope: liveapi.Scope{Domain: parts[1]}, MessageType: parts[2]}
		if !isHostName(k.Domain) {
			return k, fmt.Errorf("the ID %q has an invalid domain %q: it %s. %s", id, k.Domain, hostRule, importIDFormats)
		}
	default:
		return k, fmt.Errorf("the ID %q is not a Live callback ID. %s", id, importIDFormats)
	}
	if !slices.Contains(liveapi.MessageTypes, k.MessageType) {
		return k, fmt.Errorf("the ID %q has an unknown message type %q. %s", id, k.MessageType, importIDFormats)
	}
	return k, nil
}

// matches reports whether the described item it is the configuration k
// names. domainVhost is the vhost that owns k.Domain when known, to narrow
// answers read through that vhost.
//
// The API's answers are read in every way the public sources allow: where
// items carry Domain (or NotUseVhost), a domain's configuration is the item
// with its Domain and a vhost's is an item without one; where they carry
// neither, a domain's configuration is its vhost's app-less one.
func (k callbackKey) matches(it liveapi.Callback, domainVhost string) bool {
	if it.MessageType != k.MessageType || it.App != k.App {
		return false
	}
	if k.Domain != "" {
		if it.DomainReported || it.Domain != "" {
			return it.Domain == k.Domain
		}
		return domainVhost == "" || it.Vhost == domainVhost
	}
	return it.Domain == "" && it.Vhost == k.Vhost
}

// keyOf is the ID of an item read through scope s: its own domain's ID when
// it carries one, the ID of s when s is a domain whose answers carry no
// domain, its vhost's otherwise.
func keyOf(s liveapi.Scope, it liveapi.Callback) callbackKey {
	switch {
	case it.Domain != "":
		return callbackKey{Scope: liveapi.Scope{Domain: it.Domain}, MessageType: it.MessageType}
	case it.App == "" && s.Domain != "" && !it.DomainReported:
		return callbackKey{Scope: liveapi.Scope{Domain: s.Domain}, MessageType: it.MessageType}
	}
	return callbackKey{Scope: liveapi.Scope{Vhost: it.Vhost}, App: it.App, MessageType: it.MessageType}
}

// findCallback picks the item that is k's configuration.
func findCallback(items []liveapi.Callback, k callbackKey, domainVhost string) (liveapi.Callback, bool) {
	for _, it := range items {
		if k.matches(it, domainVhost) {
			return it, true
		}
	}
	return liveapi.Callback{}, false
}
