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
