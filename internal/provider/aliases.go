// Aliases: two IDs that name one stored record, and what a plan does about
// them.

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// recordID is the identity a described record has: its domain's ID when the
// answer gives it a Domain, its vhost's otherwise. Where the API keeps a
// push domain's configuration as its vhost's app-less one (items carry no
// Domain), `domain:<d>:<type>` and `vhost:<vhost of d>::<type>` both name
// the record whose identity is the vhost's; where a domain's record is its
// own, each ID names its own record.
func recordID(it liveapi.Callback) callbackKey {
	return keyOf(liveapi.Scope{Vhost: it.Vhost}, it)
}

// listedKey is the identity of an item read through scope s, when the item
// is one of the configurations s names: a vhost names its records without a
// domain; a domain names its own record, or, where the answers carry no
// domain, its vhost's app-less one. Depending on the API's reading,
// DescribeCallback by domain also answers its vhost's app configurations,
// and by vhost the records of its domains: those belong to another scope.
func listedKey(s liveapi.Scope, it liveapi.Callback) (callbackKey, bool) {
	switch {
	case s.Domain == "":
		return recordID(it), it.Domain == ""
	case it.Domain != "":
		return recordID(it), it.Domain == s.Domain
	}
	return recordID(it), it.App == "" && !it.DomainReported
}

// recordOfPlan is the record key names as the scope's shared view shows it:
// for a domain, its vhost's app-less record where the answers say the two
// are one, that is where the domain's answer holds its record, or any item,
// without a Domain. An empty answer tells nothing, and key stands for
// itself.
func (r *liveCallbackResource) recordOfPlan(ctx context.Context, key callbackKey) callbackKey {
	if key.Domain == "" || r.shared == nil || r.client == nil {
		return key
	}
	items, err := r.shared.views.read(ctx, key.Scope)
	if err != nil {
		return key
	}
	if found, ok := findCallback(items, key, r.shared.views.knownVhost(key)); ok {
		return recordID(found)
	}
	for _, it := range items {
		if !it.DomainReported && it.Domain == "" && it.Vhost != "" {
			return callbackKey{Scope: liveapi.Scope{Vhost: it.Vhost}, MessageType: key.MessageType}
		}
	}
	return key
}

func aliasDeclaredDiagnostic(key, other callbackKey) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Live callback declared twice under two IDs",
		fmt.Sprintf("%s and %s name the same configuration: the API keeps this push domain's configuration as its "+
			"vhost's configuration without an app. One configuration can be managed by one resource only: keep one of "+
			"the two resources. If the other one is in the state, replace its resource block with\n\n"+
			"removed {\n  from = <its address>\n  lifecycle {\n    destroy = false\n  }\n}\n\n"+
			"so that Terraform forgets it without deleting the configuration the kept one manages.", key, other))
}

func aliasDestroyDiagnostic(key callbackKey, others []callbackKey) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Live callback not destroyed: another resource manages it",
		fmt.Sprintf("Destroying %s would delete the configuration that %s also names, which this configuration still "+
			"manages: the API keeps this push domain's configuration as its vhost's configuration without an app. To "+
			"stop managing %s without deleting the configuration, replace its resource block with\n\n"+
			"removed {\n  from = <this resource's address>\n  lifecycle {\n    destroy = false\n  }\n}\n\n"+
			"and apply; to delete the configuration, destroy both resources.", key, others[0], key))
}

// aliasesStillManaged returns the other IDs of this run that name key's
// record and whose destroy this instance has not planned. A plan without
// refresh has not read key's record: the scope's view tells it then.
func (r *liveCallbackResource) aliasesStillManaged(ctx context.Context, key callbackKey) []callbackKey {
	rec, ok := r.ledger.recordOf(key)
	if !ok {
		rec = r.recordOfPlan(ctx, key)
	}
	var out []callbackKey
	for _, k := range r.ledger.namedWith(rec, key) {
		if !r.shared.plans.destroyIsPlanned(k) {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b callbackKey) int { return strings.Compare(a.String(), b.String()) })
	return out
}
