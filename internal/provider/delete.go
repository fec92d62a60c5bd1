package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// deleter removes callback configurations without removing anything else.
//
// DeleteCallback always gets the message type, and the app when the
// configuration has one; a delete by app reaches that app alone. A delete
// without an app (a vhost-wide or a domain configuration) may reach much
// more, depending on how the API answers questions its documentation leaves
// open (docs/guides/api-open-questions.md): every app's configuration of the message
// type, the vhost's domains' own configurations, or, by domain, every app of
// the domain's vhost. Such a delete therefore reads everything of its vhost
// and message type first, refuses when something in reach could not be
// written back exactly, deletes, reads again and writes back, exactly as
// read, whatever went missing — except what this run is deleting too.
type deleter struct {
	client  *liveapi.Client
	views   *scopeViews
	locks   *locks
	deletes *deleteTracker
	sched   *scheduler
	// journal records what a delete must write back before it deletes;
	// nil, for noJournal, where there is none: then a delete that would
	// have to write anything back refuses.
	journal   *journal.Journal
	noJournal error
	// guard, when set, holds the process's exit back while a delete
	// finishes.
	guard *ExitGuard
	// onStep, when set, is told of each step boundary of a delete without
	// an app as it is reached (the step constants): tests cut a delete
	// there.
	onStep func(step string)
}

// The step boundaries of a delete without an app, in order; a write-back
// of several records reaches stepWroteBack after each.
const (
	stepRead      = "read"       // the records in reach are read
	stepRecorded  = "recorded"   // what must be written back is in the journal
	stepDeleted   = "deleted"    // DeleteCallback has answered
	stepWroteBack = "wrote back" // one record is written back
)

func (d *deleter) step(name string) {
	if d.onStep != nil {
		d.onStep(name)
	}
}

// finishBound bounds what a delete without an app does once its
// DeleteCallback may have been sent: the call itself, the read, the
// write-back and the check run within it whatever happens to the
// request's context. It assumes the API answers these few calls within
// two minutes, throttling and retries included. When it does not, the
// write-back stops unfinished and stays in the restore journal and the
// resource's private state, and the next run completes it.
const finishBound = 2 * time.Minute

// FinishBound is how long a delete may still run once it cannot be
// stopped: the longest a process's exit waits on its ExitGuard.
const FinishBound = finishBound

// delete removes key's configuration. planned lists the IDs whose destroy
// the plan of this delete holds as well (see privateData): a delete without
// an app may take those along instead of waiting for their own deletes or
// writing them back, unless this instance has written them since. Their own
// deletes still call DeleteCallback, since the API may not have reached
// them.
//
// pending is a write-back that an earlier delete of key still owes (see
// pendingRestore): it is completed first, and the delete goes on only once
// it is. delete answers the write-back it owes in turn when it fails after
// its DeleteCallback may have been sent.
func (d *deleter) delete(ctx context.Context, key callbackKey, planned []callbackKey, pending *pendingRestore) (diag.Diagnostics, *pendingRestore) {
	defer d.deletes.beginDelete(key)()
	if pending != nil {
		diags := d.completePending(ctx, key, pending)
		if diags.HasError() {
			return diags, pending
		}
		more, owed := d.delete1(ctx, key, planned)
		diags.Append(more...)
		return diags, owed
	}
	return d.delete1(ctx, key, planned)
}

func (d *deleter) delete1(ctx context.Context, key callbackKey, planned []callbackKey) (diag.Diagnostics, *pendingRestore) {
	if key.App != "" {
		return d.deleteApp(ctx, key), nil
	}
	return d.deleteWide(ctx, key, planned)
}

// completePending writes back what an earlier delete of key owes, under
// the same lock as a delete's own write-back.
func (d *deleter) completePending(ctx context.Context, key callbackKey, p *pendingRestore) diag.Diagnostics {
	var diags diag.Diagnostics
	unlock, err := d.locks.lock(ctx, callbackKey{Scope: liveapi.Scope{Vhost: p.Vhost}, MessageType: p.MessageType}, true)
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error completing the write-back of an earlier delete of "+key.String(), err))
		return diags
	}
	defer unlock()
	res := writeBack(ctx, d.client, p.input(), p.Records, nil)
	keysAt := "kept in this resource's private state"
	if res.err != nil || len(res.failed) > 0 {
		why := strings.Join(res.failures, "; ")
		if res.err != nil {
			why = errorDetail(res.err)
		}
		diags.AddError("Write-back of an earlier delete not completed",
			fmt.Sprintf("An earlier delete of %s removed other configurations of message type %q and could not write "+
				"all of them back. Completing that now failed (%s), so %s was not deleted again; Terraform keeps it "+
				"in the state and tries again on the next delete. To recreate them by hand, these are their "+
				"settings:\n%s", key, p.MessageType, why, key, describeForRecreate(p.Records, keysAt)))
		return diags
	}
	if len(res.restored) > 0 {
		diags.AddWarning("Restored configurations removed by an earlier delete",
			fmt.Sprintf("An earlier delete of %s, which failed, had removed these configurations of message type %q "+
				"as well. The provider wrote each back exactly as it was read before that delete:\n%s",
				key, p.MessageType, describeCallbacks(res.restored)))
	}
	return diags
}

func (d *deleter) deleteApp(ctx context.Context, key callbackKey) diag.Diagnostics {
	var diags diag.Diagnostics
	unlock, err := d.locks.lock(ctx, key, false)
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
	d.deletes.deleted(key)
	return diags
}

func (d *deleter) deleteWide(ctx context.Context, key callbackKey, planned []callbackKey) (diag.Diagnostics, *pendingRestore) {
	var diags diag.Diagnostics
	// fail reports an error before DeleteCallback is sent.
	fail := func(err error) diag.Diagnostics {
		if ctx.Err() != nil {
			err = fmt.Errorf("stopped before calling DeleteCallback, so nothing was deleted: %w", err)
		}
		diags.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(), err))
		return diags
	}

	vhost, err := d.reachVhost(ctx, key)
	if err != nil {
		return fail(err), nil
	}
	if vhost == "" {
		// The domain's answer lists nothing: under every reading its
		// configuration is gone.
		d.deletes.deleted(key)
		return diags, nil
	}

	// Let this run's own deletes in reach go first: then this delete
	// neither removes nor restores them. Those the plan destroys too need
	// no wait: this delete takes them along.
	d.sched.awaitDeletes(ctx, true, func() int {
		items, err := d.views.read(ctx, liveapi.Scope{Vhost: vhost})
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

	unlock, err := d.locks.lock(ctx, key, true)
	if err != nil {
		return fail(err), nil
	}
	defer unlock()

	in := liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: vhost}, MessageType: key.MessageType}
	before, _, err := d.client.DescribeCallback(ctx, in)
	if liveapi.IsNotFound(err) {
		d.deletes.deleted(key)
		return diags, nil
	}
	if err != nil {
		return fail(fmt.Errorf("reading the configurations that the delete could reach, before deleting: %w", err)), nil
	}
	if _, ok := findCallback(before, key, vhost); !ok {
		tflog.Debug(ctx, "the configuration is already gone; not calling DeleteCallback", map[string]any{"id": key.String()})
		d.deletes.deleted(key)
		return diags, nil
	}

	d.step(stepRead)
	keep, along := d.inReach(key, vhost, before, planned)
	d.deletes.expectDeletes(along)
	if bad := unrestorable(keep); len(bad) > 0 {
		diags.AddError("Live callback not deleted: the delete could remove other configurations",
			fmt.Sprintf("Deleting %s calls DeleteCallback without an app, which may also remove these configurations "+
				"of message type %q, and they could not be written back exactly afterwards because the API answers "+
				"some of their settings masked:\n%s\n"+
				"Nothing was deleted. To stop managing %s without deleting it, replace its resource block with:\n\n"+
				"removed {\n  from = <this resource's address>\n  lifecycle {\n    destroy = false\n  }\n}\n\n"+
				"or delete those configurations first if they are no longer needed, or delete %s in the Live console.",
				key, key.MessageType, describeUnrestorable(bad), key, key))
		return diags, nil
	}

	hold, err := d.record(key, vhost, keep)
	if err != nil {
		diags.AddError("Live callback not deleted: what the delete must write back could not be recorded",
			fmt.Sprintf("Deleting %s calls DeleteCallback without an app, which may also remove %d other "+
				"configurations of message type %q that the provider then writes back. Before such a delete it "+
				"records them in its restore journal, so that a run cut short loses nothing, and that failed:\n%s\n\n"+
				"Nothing was deleted. Set the provider's journal_dir (or %s) to a directory it can write, and run "+
				"Terraform again.", key, len(keep), key.MessageType, err, EnvJournalDir))
		return diags, nil
	}

	d.step(stepRecorded)
	// The last moment at which being stopped stops the delete.
	if err := ctx.Err(); err != nil {
		if hold != nil {
			_ = hold.Done()
		}
		return fail(err), nil
	}
	// From here on the delete runs to its end, within finishBound, whatever
	// happens to ctx: Terraform waits for an operation in flight when it is
	// interrupted, and a provider whose Terraform is gone goes on alone.
	defer d.guard.enter()()
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishBound)
	defer cancel()
	_, delErr := d.client.DeleteCallback(fctx, liveapi.DeleteCallbackInput{Scope: key.Scope, MessageType: key.MessageType})
	d.step(stepDeleted)
	if liveapi.IsNotFound(delErr) {
		delErr = nil
	}
	if delErr == nil {
		d.deletes.deleted(key)
		if len(along) > 0 {
			// Their own deletes still run: whether this delete reached them
			// depends on how the API reads it.
			tflog.Debug(ctx, "not writing back configurations that the plan destroys too", map[string]any{
				"id": key.String(), "planned_deletes": fmt.Sprint(along)})
		}
	}
	// After a failed DeleteCallback too: the call may have been carried
	// out before it failed.
	restored, complete := d.restore(fctx, key, in, keep, hold)
	diags.Append(restored...)
	if delErr != nil {
		diags.Append(apiErrorDiagnostic("Error deleting Live callback "+key.String(), delErr))
	}
	if hold == nil {
		return diags, nil
	}
	if complete {
		if err := hold.Done(); err != nil {
			diags.AddWarning("Restore journal entry not removed",
				fmt.Sprintf("The write-back after deleting %s is complete, but its journal entry could not be "+
					"removed: %s. Delete the file by hand.", key, err))
		}
		return diags, nil
	}
	hold.Keep()
	return diags, &pendingRestore{Vhost: vhost, MessageType: key.MessageType, Records: keep, Journal: hold.Path()}
}

// record writes what a delete of key must write back, keep, to the restore
// journal and holds the entry; nil when there is nothing to keep.
func (d *deleter) record(key callbackKey, vhost string, keep []liveapi.Callback) (*journal.Hold, error) {
	if len(keep) == 0 {
		return nil, nil
	}
	if d.journal == nil {
		return nil, d.noJournal
	}
	return d.journal.Begin(journal.Entry{
		Created:     time.Now(),
		Endpoint:    d.client.Endpoint(),
		AccessKey:   d.client.AccessKey(),
		Target:      key.String(),
		Vhost:       vhost,
		MessageType: key.MessageType,
		Records:     keep,
	})
}

// plannedAway returns the ID of planned that names the record it, read
// under vhost, when this instance has not written that record in this run:
// the plan destroys it, so a delete may take it along. Otherwise nil.
func (d *deleter) plannedAway(it liveapi.Callback, vhost string, planned []callbackKey) *callbackKey {
	for i, p := range planned {
		domainVhost := vhost
		if p.Domain != "" {
			domainVhost = d.views.knownVhost(p)
		}
		if p.matches(it, domainVhost) {
			if d.deletes.wroteMatching(it, vhost) {
				return nil
			}
			return &planned[i]
		}
	}
	return nil
}

// reachVhost returns the vhost whose records a delete of key could reach:
// the key's own, or the one that a domain's answer names, read when not
// known yet. An empty vhost for a domain means the domain's answer lists
// nothing.
func (d *deleter) reachVhost(ctx context.Context, key callbackKey) (string, error) {
	if v := d.views.knownVhost(key); v != "" {
		return v, nil
	}
	items, err := d.views.read(ctx, key.Scope)
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
	for _, it := range d.deletes.writtenUnder(vhost, key.MessageType) {
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
		if key.matches(it, vhost) || d.deletes.beingDeleted(it) {
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
// as it was read, and reports it; complete says whether every record of
// keep exists now. hold, when not nil, is the journal entry that holds
// keep.
func (d *deleter) restore(ctx context.Context, key callbackKey, in liveapi.DescribeCallbackInput, keep []liveapi.Callback, hold *journal.Hold) (diags diag.Diagnostics, complete bool) {
	if len(keep) == 0 {
		return diags, true
	}
	keysAt := "kept in this resource's private state"
	next := "Terraform keeps the resource in the state and completes the write-back before its next delete."
	if hold != nil {
		keysAt = "the restore journal entry " + hold.Path() + " and this resource's private state hold them"
		next = "The provider completes the write-back on its next run for this account (any command), from its " +
			"restore journal; on another machine, the next delete of this resource does."
	}
	res := writeBack(ctx, d.client, in, keep, d.step)
	if res.err != nil {
		diags.AddError("Configurations removed by the delete may not have been written back",
			fmt.Sprintf("Deleting %s called DeleteCallback without an app, which may also have removed other "+
				"configurations of message type %q. Checking which of them are missing failed: %s\n\n%s\n"+
				"To recreate them by hand, these are their settings:\n%s",
				key, key.MessageType, errorDetail(res.err), next, describeForRecreate(keep, keysAt)))
		return diags, false
	}
	diags.Append(d.verify(ctx, key, in, res.restored)...)
	if len(res.restored) > 0 {
		diags.AddWarning("Restored configurations removed by the delete",
			fmt.Sprintf("Deleting %s through DeleteCallback without an app also removed these configurations of "+
				"message type %q. The provider wrote each back exactly as it was read before the delete (their "+
				"create_time is now the restore time):\n%s", key, key.MessageType, describeCallbacks(res.restored)))
	}
	if len(res.failed) > 0 {
		diags.AddError("Configurations removed by the delete could not be restored",
			fmt.Sprintf("Deleting %s also removed these configurations, and writing them back failed (%s).\n\n%s\n"+
				"To recreate them by hand, these are their settings:\n%s",
				key, strings.Join(res.failures, "; "), next, describeForRecreate(res.failed, keysAt)))
	}
	return diags, res.complete()
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
