// The restore journal as the provider uses it: where it lives, and the
// completion of write-backs that a run cut short left behind.

package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// journalAppDir names the provider's directory in the user's state or
// configuration directory.
const journalAppDir = "terraform-provider-volcengine"

// openJournal returns the journal of client's account under dir, or under
// the environment's or the default directory when dir is empty.
func openJournal(dir string, getenv func(string) string, client *liveapi.Client) (*journal.Journal, error) {
	if dir == "" {
		dir = getenv(EnvJournalDir)
	}
	if dir == "" {
		var err error
		if dir, err = defaultJournalRoot(getenv); err != nil {
			return nil, fmt.Errorf("no directory for the restore journal (%w): set the provider's journal_dir or %s",
				err, EnvJournalDir)
		}
	}
	if !filepath.IsAbs(dir) {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("the restore journal directory %q: %w", dir, err)
		}
		dir = abs
	}
	return journal.Open(dir, client.Endpoint(), client.AccessKey()), nil
}

// defaultJournalRoot is the per-user directory of the journal: the XDG
// state directory where there is one, the configuration directory on macOS
// and Windows.
func defaultJournalRoot(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "darwin", "ios", "windows", "plan9":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, journalAppDir, "journal"), nil
	}
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, journalAppDir, "journal"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", journalAppDir, "journal"), nil
}

// recoverJournal completes every write-back of the account's journal that
// no running provider holds: the entries of runs cut short. Each record
// still missing is written back exactly as recorded; one that exists again
// is left as it is. A completed entry is removed; one that cannot be
// completed stays, and is reported on every run until it is. An entry that
// cannot be read is an error: nothing else is done before it is seen to.
//
// command is the process ID of the terraform command this provider serves
// (its parent), or 0 outside Terraform: what the recovery says is said
// again by the command's next walk (see journal.Report), and what an
// earlier walk of the command said is said here.
func recoverJournal(ctx context.Context, client *liveapi.Client, jrnl *journal.Journal, command int) diag.Diagnostics {
	var diags diag.Diagnostics
	if jrnl == nil {
		return diags
	}
	if command != 0 {
		for _, r := range jrnl.TakeReports(command, time.Now()) {
			diags.AddWarning(r.Summary, r.Detail)
		}
	}
	paths, err := jrnl.Pending()
	if err != nil {
		diags.AddError("Restore journal not readable",
			fmt.Sprintf("%s\n\nThe journal holds configurations that an interrupted delete must write back; "+
				"nothing was changed. Make the directory readable, or point journal_dir (or %s) at the right one.",
				err, EnvJournalDir))
		return diags
	}
	for _, path := range paths {
		hold, entry, err := jrnl.Claim(path)
		var corrupt *journal.CorruptError
		switch {
		case errors.Is(err, journal.ErrHeld):
			tflog.Debug(ctx, "a running provider holds a restore journal entry; leaving it to it", map[string]any{"entry": path})
			continue
		case errors.Is(err, journal.ErrGone):
			continue
		case errors.As(err, &corrupt):
			diags.AddError("Restore journal entry not readable",
				fmt.Sprintf("%s\n\nThe file should list configurations that an interrupted delete removed and "+
					"must write back. Nothing was deleted or written. Look at the file: recreate any configuration "+
					"it lists that is missing, then delete the file.", err))
			continue
		case err != nil:
			diags.AddError("Restore journal not usable", err.Error())
			continue
		}
		said := completeEntry(ctx, client, hold, entry)
		diags.Append(said...)
		if command == 0 {
			continue
		}
		for _, w := range said.Warnings() {
			report := journal.Report{Command: command, Created: time.Now(), Summary: w.Summary(), Detail: w.Detail()}
			if err := jrnl.AddReport(report); err != nil {
				tflog.Warn(ctx, "could not keep the report of a completed write-back", map[string]any{"error": err.Error()})
			}
		}
	}
	return diags
}

// completeEntry writes back what entry records and reports it.
func completeEntry(ctx context.Context, client *liveapi.Client, hold *journal.Hold, entry journal.Entry) diag.Diagnostics {
	var diags diag.Diagnostics
	in := liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: entry.Vhost}, MessageType: entry.MessageType}
	res := writeBack(ctx, client, in, entry.Records, nil)
	keysAt := "the restore journal entry " + hold.Path() + " holds them"
	started := entry.Created.UTC().Format("2006-01-02 15:04:05 UTC")
	if res.err != nil {
		hold.Keep()
		diags.AddWarning("Interrupted delete not completed yet",
			fmt.Sprintf("A delete of %s that started at %s was cut short, and the configurations it must write back "+
				"could not be checked now: %s\n\nThe provider tries again on its next run. To do it by hand, "+
				"recreate any of these that is missing, then delete %s:\n%s",
				entry.Target, started, errorDetail(res.err), hold.Path(), describeForRecreate(entry.Records, keysAt)))
		return diags
	}
	if len(res.restored) > 0 {
		diags.AddWarning("Restored configurations after an interrupted delete",
			fmt.Sprintf("A delete of %s that started at %s was cut short before it had written back what it removed "+
				"as well. The provider wrote back these configurations, exactly as they were read before that "+
				"delete:\n%s", entry.Target, started, describeCallbacks(res.restored)))
	}
	if len(res.changed) > 0 {
		diags.AddWarning("Configurations made again after an interrupted delete were left as they are",
			fmt.Sprintf("A delete of %s that started at %s was cut short. These configurations it had to keep exist "+
				"again with other settings than it recorded, so the provider left them as they are:\n%s",
				entry.Target, started, describeCallbacks(res.changed)))
	}
	if !res.complete() {
		hold.Keep()
		diags.AddWarning("Interrupted delete not completed yet",
			fmt.Sprintf("A delete of %s that started at %s was cut short, and writing back what it removed failed "+
				"(%s). The provider tries again on its next run. To do it by hand, recreate these configurations, "+
				"then delete %s:\n%s", entry.Target, started, strings.Join(res.failures, "; "), hold.Path(),
				describeForRecreate(res.failed, keysAt)))
		return diags
	}
	if err := hold.Done(); err != nil {
		diags.AddWarning("Restore journal entry not removed",
			fmt.Sprintf("The write-back of %s's delete is complete, but its journal entry could not be removed: %s. "+
				"Delete the file by hand.", entry.Target, err))
	}
	return diags
}
