// The provider binary's journal command: the restore journal shown, or
// replayed by hand.
package provider

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

const journalUsage = `usage: terraform-provider-volcengine journal show|replay [-dir DIR]

show    lists every pending write-back in the restore journal, of every
        account, with the settings of each configuration (keys not shown).
replay  completes the pending write-backs of one account, as the provider
        does when it starts: each configuration still missing is written back
        exactly as recorded; one that exists again is left as it is. The
        account is given as for the provider, by the environment:
        VOLCENGINE_ACCESS_KEY, VOLCENGINE_SECRET_KEY (VOLCENGINE_SESSION_TOKEN),
        VOLCENGINE_LIVE_ENDPOINT, VOLCENGINE_REGION.

-dir defaults to VOLCENGINE_LIVE_JOURNAL_DIR, then to the provider's default
directory.
`

// RunJournalCommand runs `journal show` or `journal replay` with args and
// returns the exit code.
func RunJournalCommand(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || (args[0] != "show" && args[0] != "replay") {
		fmt.Fprint(stderr, journalUsage)
		return 2
	}
	fs := flag.NewFlagSet("journal "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, journalUsage) }
	dir := fs.String("dir", "", "the restore journal directory")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *dir == "" {
		*dir = getenv(EnvJournalDir)
	}
	if *dir == "" {
		d, err := defaultJournalRoot(getenv)
		if err != nil {
			fmt.Fprintf(stderr, "no restore journal directory (%v): give -dir\n", err)
			return 1
		}
		*dir = d
	}
	if args[0] == "show" {
		return showJournal(*dir, stdout, stderr)
	}
	return replayJournal(*dir, stdout, stderr, getenv)
}

func showJournal(root string, stdout, stderr io.Writer) int {
	paths, err := journal.List(root)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if len(paths) == 0 {
		fmt.Fprintf(stdout, "The restore journal %s is empty: no write-back is pending.\n", root)
		return 0
	}
	code := 0
	for _, path := range paths {
		e, held, err := journal.Read(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", path, err)
			code = 1
			continue
		}
		state := "pending: the next run of the provider for this account completes it"
		if held {
			state = "in hand: a running provider is writing it back now"
		}
		fmt.Fprintf(stdout, "%s\n  %s\n  delete of %s, started %s, endpoint %s, access key %s\n  to exist afterwards:\n%s\n",
			path, state, e.Target, e.Created.UTC().Format("2006-01-02 15:04:05 UTC"), e.Endpoint, e.AccessKey,
			describeForRecreate(e.Records, "in this file"))
	}
	return code
}

func replayJournal(root string, stdout, stderr io.Writer, getenv func(string) string) int {
	m := providerModel{
		AccessKey: types.StringNull(), SecretKey: types.StringNull(), SessionToken: types.StringNull(),
		Region: types.StringNull(), Endpoint: types.StringNull(), MaxRetries: types.Int64Null(),
		RequestsPerSecond: types.Float64Null(), JournalDir: types.StringNull(),
	}
	cfg, diags := resolveClientConfig(m, getenv, readSDKConfigFile)
	if diags.HasError() {
		printDiagnostics(stderr, diags)
		return 1
	}
	client, err := liveapi.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	jrnl, err := openJournal(root, getenv, client)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	before, err := jrnl.Pending()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	diags = recoverJournal(context.Background(), client, jrnl)
	printDiagnostics(stdout, diags)
	left, _ := jrnl.Pending()
	fmt.Fprintf(stdout, "%d pending write-backs of %s for access key %s; %d left.\n",
		len(before), client.Endpoint(), client.AccessKey(), len(left))
	if diags.HasError() || len(left) > 0 {
		return 1
	}
	return 0
}

func printDiagnostics(w io.Writer, diags diag.Diagnostics) {
	for _, d := range diags {
		fmt.Fprintf(w, "%s: %s\n%s\n\n", d.Severity(), d.Summary(), d.Detail())
	}
}
