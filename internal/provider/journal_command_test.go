package provider

import (
	"bytes"
	"strings"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// The journal command shows what a cut delete left to write back, without
// keys, and replays it for the account the environment names.
func TestJournalCommand(t *testing.T) {
	t.Parallel()
	emu, g := newGatedEmulator(t, liveemu.Readings{})
	seedNeighbours(t, emu, liveemu.Readings{})
	killedAfterDelete(t, emu, g, emu.quickClient(t))
	env := map[string]string{
		EnvJournalDir: emu.JournalDir, EnvEndpoint: emu.URL,
		EnvAccessKey: liveemu.DemoAccessKey, EnvSecretKey: liveemu.DemoSecretKey,
	}
	getenv := func(name string) string { return env[name] }
	run := func(args ...string) (int, string) {
		var out, errs bytes.Buffer
		code := RunJournalCommand(args, &out, &errs, getenv)
		return code, out.String() + errs.String()
	}

	code, out := run("show")
	if code != 0 || !strings.Contains(out, pushKey.String()) || !strings.Contains(out, `app "keep"`) ||
		!strings.Contains(out, "pending") {
		t.Errorf("show: exit %d, want the pending entry of %s listed:\n%s", code, pushKey, out)
	}
	if strings.Contains(out, "consolekeykeep") {
		t.Errorf("show prints a key:\n%s", out)
	}

	code, out = run("replay")
	if code != 0 || !strings.Contains(out, "Restored") || !strings.Contains(out, "0 left") {
		t.Errorf("replay: exit %d:\n%s", code, out)
	}
	if _, ok := emu.Get(vhost, "keep", "push"); !ok {
		t.Error("replay did not write the configuration back")
	}
	if code, out = run("show"); code != 0 || !strings.Contains(out, "is empty") {
		t.Errorf("show after replay: exit %d:\n%s", code, out)
	}
	if code, _ = run("frobnicate"); code != 2 {
		t.Errorf("an unknown subcommand exits %d, want 2", code)
	}
}
