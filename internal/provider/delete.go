package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// deleter removes callback configurations without removing anything else.
//
// DeleteCallback always gets the message type, and the app when the
// configuration has one; a delete by app reaches that app alone. A delete
// without an app (a vhost-wide or a domain configuration) may reach much
// more, depending on how the API answers questions its documentation leaves
// open (live-callback-api.md): every app's configuration of the message
// type, the vhost's domains' own configurations, or, by domain, every app of
// the domain's vhost. Such a delete therefore reads everything of its vhost
// and message type first, refuses when something in reach could not be
// written back exactly, deletes, reads again and writes back, exactly as
// read, whatever went missing — except what this run is deleting too.
type deleter struct {
	client *liveapi.Client
	coord  *coordinator
}

// delete removes key's configuration. planned lists the IDs whose destroy
// the plan of this delete holds as well (see privateData): a delete without
// an app may take those along instead of waiting for their own deletes or
// writing them back, unless this instance has written them since. Their own
// deletes still call DeleteCallback, since the API may not have reached
// them.
func (d *deleter) delete(ctx context.Context, key callbackKey, planned []callbackKey) diag.Diagnostics {
	defer d.coord.beginDelete(key)()
	if key.App != "" {
		return d.deleteApp(ctx, key)
	}
	return d.deleteWide(ctx, key, planned)
}

func (d *deleter) deleteApp(ctx context.Context, key callbackKey) diag.Diagnostics {
	var diags diag.Diagnostics
	unlock, err := d.coord.lock(ctx, key, false)
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(), err))
		return diags
	}
	defer unlock()
	_, err = d.client.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: key.Scope, App: key.App, MessageType: key.MessageType})
	if err != nil && !liveapi.IsNotFound(err) {
		diags.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(), err))
		return diags
	}
	d.coord.deleted(key)
	return diags
}

func (d *deleter) deleteWide(ctx context.Context, key callbackKey, planned []callbackKey) diag.Diagnostics {
	var diags diag.Diagnostics
	fail := func(err error) diag.Diagnostics {
		diags.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(), err))
		return diags
	}

	vhost, err := d.vhostOf(ctx, key)
	if err != nil {
		return fail(err)
	}
	if vhost == "" {
		// The domain's answer lists nothing: under every reading its
		// configuration is gone.
		d.coord.deleted(key)
		return diags
	}

	// Let this run's own deletes in reach go first: then this delete
	// neither removes nor restores them. Those the plan destroys too need
	// no wait: this delete takes them along.
	d.coord.awaitDeletes(ctx, true, func() int {
		items, err := d.coord.view(ctx, liveapi.Scope{Vhost: vhost})
		if err != nil {
			return 0
		}
		n := 0
		for _, it := range items {
			if it.MessageType == key.MessageType && !key.matches(it, vhost) && d.plannedAway(it, vhost, planned) == nil {
				n++
			}
		}
		return n
	})

	unlock, err := d.coord.lock(ctx, key, true)
	if err != nil {
		return fail(err)
	}
	defer unlock()

	in := liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: vhost}, MessageType: key.MessageType}
	before, _, err := d.client.DescribeCallback(ctx, in)
	if liveapi.IsNotFound(err) {
		d.coord.deleted(key)
		return diags
	}
	if err != nil {
		return fail(fmt.Errorf("reading the configurations that the delete could reach, before deleting: %w", err))
	}
	if _, ok := findCallback(before, key, vhost); !ok {
		tflog.Debug(ctx, "the configuration is already gone; not calling DeleteCallback", map[string]any{"id": key.String()})
		d.coord.deleted(key)
		return diags
	}

	keep, along := d.inReach(key, vhost, before, planned)
	d.coord.expectDeletes(along)
	if bad := unrestorable(keep); len(bad) > 0 {
		diags.AddError("Live callback not deleted: the delete could remove other configurations",
			fmt.Sprintf("Deleting %s calls DeleteCallback without an app, which may also remove these configurations "+
				"of message type %q, and they could not be written back exactly afterwards because the API answers "+
				"some of their settings masked:\n%s\n"+
				"Nothing was deleted. To stop managing %s without deleting it, replace its resource block with:\n\n"+
				"removed {\n  from = <this resource's address>\n  lifecycle {\n    destroy = false\n  }\n}\n\n"+
				"or delete those configurations first if they are no longer needed, or delete %s in the Live console.",
				key, key.MessageType, describeUnrestorable(bad), key, key))
		return diags
	}

	_, err = d.client.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: key.Scope, MessageType: key.MessageType})
	if err != nil && !liveapi.IsNotFound(err) {
		// The call may have been carried out before it failed.
		diags.Append(d.restore(ctx, key, in, keep)...)
		return fail(err)
	}
	d.coord.deleted(key)
	if len(along) > 0 {
		// Their own deletes still run: whether this delete reached them
		// depends on how the API reads it.
		tflog.Debug(ctx, "not writing back configurations that the plan destroys too", map[string]any{
			"id": key.String(), "planned_deletes": fmt.Sprint(along)})
	}
	diags.Append(d.restore(ctx, key, in, keep)...)
	return diags
}

// plannedAway returns the ID of planned that names the record it, read
// under vhost, when this instance has not written that record in this run:
// the plan destroys it, so a delete may take it along. Otherwise nil.
func (d *deleter) plannedAway(it liveapi.Callback, vhost string, planned []callbackKey) *callbackKey {
	for i, p := range planned {
		domainVhost := vhost
		if p.Domain != "" {
			domainVhost = d.coord.vhostOf(p)
		}
		if p.matches(it, domainVhost) {
			if d.coord.wroteMatching(it, vhost) {
				return nil
			}
			return &planned[i]
		}
	}
	return nil
}

// vhostOf returns the vhost whose records a delete of key could reach: the
// key's own, or the one that a domain's answer names. An empty vhost for a
// domain means the domain's answer lists nothing.
func (d *deleter) vhostOf(ctx context.Context, key callbackKey) (string, error) {
	if v := d.coord.vhostOf(key); v != "" {
		return v, nil
	}
	items, err := d.coord.view(ctx, key.Scope)
	if liveapi.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("finding the vhost of the domain, before deleting: %w", err)
	}
	for _, it := range items {
		if it.Vhost != "" {
			return it.Vhost, nil
		}
	}
	return "", nil
}

// inReach returns what a delete of key could remove besides its target, as
// last known: every record read under the vhost with the message type, and
// every record this instance wrote there that the API may not show yet,
// less whatever this run is deleting itself. Of those, the records that
// planned names are returned apart, as along: the delete takes them.
func (d *deleter) inReach(key callbackKey, vhost string, before []liveapi.Callback, planned []callbackKey) (keep []liveapi.Callback, along []callbackKey) {
	byRecord := map[recordKey]liveapi.Callback{}
	var order []recordKey
	add := func(it liveapi.Callback) {
		rec := recordOf(it)
		if _, seen := byRecord[rec]; !seen {
			order = append(order, rec)
		}
		byRecord[rec] = it
	}
	for _, it := range before {
		add(it)
	}
	for _, it := range d.coord.writtenUnder(vhost, key.MessageType) {
		if it.Domain == "" && it.Vhost == "" {
			continue
		}
		if it.Vhost == "" {
			it.Vhost = vhost
		}
		add(it)
	}
	for _, rec := range order {
		it := byRecord[rec]
		if key.matches(it, vhost) || d.coord.beingDeleted(it) {
			continue
		}
		if p := d.plannedAway(it, vhost, planned); p != nil {
			along = append(along, *p)
			continue
		}
		keep = append(keep, it)
	}
	return keep, along
}

// restore writes back each record of keep that the delete removed, exactly
// as it was read, and reports it.
func (d *deleter) restore(ctx context.Context, key callbackKey, in liveapi.DescribeCallbackInput, keep []liveapi.Callback) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(keep) == 0 {
		return diags
	}
	after, _, err := d.client.DescribeCallback(ctx, in)
	if err != nil {
		diags.AddError("Other configurations may have been removed with the deleted one",
			fmt.Sprintf("Deleting %s called DeleteCallback without an app. Checking afterwards that these configurations "+
				"still exist failed: %s\n\nThey existed before the delete; recreate any that are missing, with these "+
				"settings (keys not shown):\n%s", key, errorDetail(err), describeCallbacks(keep)))
		return diags
	}
	present := map[recordKey]bool{}
	for _, it := range after {
		present[recordOf(it)] = true
	}
	var restored, failed []liveapi.Callback
	var failures []string
	for _, it := range keep {
		if present[recordOf(it)] {
			continue
		}
		if _, err := d.client.UpdateCallback(ctx, it); err != nil {
			failed = append(failed, it)
			failures = append(failures, fmt.Sprintf("%s: %s", describeRecord(it), err))
			continue
		}
		restored = append(restored, it)
	}
	diags.Append(d.verify(ctx, key, in, restored)...)
	if len(restored) > 0 {
		diags.AddWarning("Restored configurations removed by the delete",
			fmt.Sprintf("Deleting %s through DeleteCallback without an app also removed these configurations of "+
				"message type %q. The provider wrote each back exactly as it was read before the delete (their "+
				"create_time is now the restore time):\n%s", key, key.MessageType, describeCallbacks(restored)))
	}
	if len(failed) > 0 {
		diags.AddError("Configurations removed by the delete could not be restored",
			fmt.Sprintf("Deleting %s also removed these configurations, and writing them back failed (%s). Recreate "+
				"them with these settings (keys not shown):\n%s", key, strings.Join(failures, "; "), describeCallbacks(failed)))
	}
	return diags
}

// verify reads the restored records once more and reports any that the API
// shows with other settings than were written back: an API that answers a
// field but does not take it in UpdateCallback. A record not shown yet is
// not reported; the API may take a while to show a write.
func (d *deleter) verify(ctx context.Context, key callbackKey, in liveapi.DescribeCallbackInput, restored []liveapi.Callback) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(restored) == 0 {
		return diags
	}
	now, _, err := d.client.DescribeCallback(ctx, in)
	if err != nil {
		diags.AddWarning("Restored configurations not checked",
			fmt.Sprintf("After deleting %s, the configurations written back could not be read again: %s", key, errorDetail(err)))
		return diags
	}
	shown := map[recordKey]liveapi.Callback{}
	for _, it := range now {
		shown[recordOf(it)] = it
	}
	var lost []string
	for _, want := range restored {
		got, ok := shown[recordOf(want)]
		if !ok || got.Equal(want) {
			continue
		}
		lost = append(lost, fmt.Sprintf("  - %s: written back with %s, now shows %s", describeRecord(want),
			settingsSummary(want), settingsSummary(got)))
	}
	if len(lost) > 0 {
		diags.AddError("Configurations removed by the delete were restored with other settings",
			fmt.Sprintf("Deleting %s also removed these configurations. The provider wrote each back as it was read, "+
				"but the API shows other settings now: it does not take every setting it answers. Set the missing "+
				"settings again in the Live console:\n%s", key, strings.Join(lost, "\n")))
	}
	return diags
}

// settingsSummary names the settings of a record, without key values.
func settingsSummary(it liveapi.Callback) string {
	names := slices.Sorted(maps.Keys(it.Extra))
	return fmt.Sprintf("%d receivers, auth_enable %t, transcode_callback %t, other settings [%s]",
		len(it.CallbackDetailList), it.AuthEnable, it.TranscodeCallback, strings.Join(names, ", "))
}

// unrestorable returns the records that could not be written back exactly.
func unrestorable(items []liveapi.Callback) []liveapi.Callback {
	var out []liveapi.Callback
	for _, it := range items {
		if len(it.MaskedFields()) > 0 {
			out = append(out, it)
		}
	}
	return out
}

func describeUnrestorable(items []liveapi.Callback) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "  - %s: %s answered masked\n", describeRecord(it), strings.Join(it.MaskedFields(), ", "))
	}
	return b.String()
}

func describeRecord(it liveapi.Callback) string {
	if it.Domain != "" {
		return fmt.Sprintf("domain %q, message type %q", it.Domain, it.MessageType)
	}
	if it.App == "" {
		return fmt.Sprintf("vhost %q (no app), message type %q", it.Vhost, it.MessageType)
	}
	return fmt.Sprintf("vhost %q, app %q, message type %q", it.Vhost, it.App, it.MessageType)
}
