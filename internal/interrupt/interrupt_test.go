//go:build linux

package interrupt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
	"github.com/liveops/terraform-provider-volcengine/internal/tfrun"
)

func TestMain(m *testing.M) {
	code := m.Run()
	tfrun.Cleanup()
	os.Exit(code)
}

const vhost = liveemu.DemoVhost

// unmanaged are the configurations made in the console beside those the
// configuration manages: within reach of both vhost-wide deletes.
func unmanaged() []liveemu.Callback {
	var out []liveemu.Callback
	for i, mt := range []string{"push", "push", "push", "record", "record", "record"} {
		c := liveemu.Callback{Vhost: vhost, App: fmt.Sprintf("console%d", i+1), MessageType: mt,
			CallbackDetailList: []liveemu.CallbackDetail{{URL: fmt.Sprintf("https://console.example.com/%d", i+1), CallbackType: "HTTP"}}}
		if i%3 == 0 {
			c.AuthEnable, c.AuthKeyPrimary = true, fmt.Sprintf("consolekey%d", i+1)
		}
		out = append(out, c)
	}
	return out
}

const configTemplate = `terraform {
  required_providers {
    volcengine = { source = "liveops/volcengine" }
  }
}

provider "volcengine" {
  endpoint   = %q
  access_key = %q
}

resource "volcengine_live_callback" "wide" {
  for_each             = toset(["push", "record"])
  vhost                = %q
  message_type         = each.key
  callback_detail_list = [{ url = "https://hooks.example.com/wide/${each.key}" }]
}

resource "volcengine_live_callback" "app" {
  for_each             = { a1 = "push", a2 = "push", a3 = "record", a4 = "record" }
  vhost                = %q
  app                  = each.key
  message_type         = each.value
  callback_detail_list = [{ url = "https://hooks.example.com/${each.key}" }]
}
`

// interceptor stands between the provider and the emulator and runs
// onWide around the first DeleteCallback without an app: before the
// emulator sees it, or after it has answered.
type interceptor struct {
	emu  *liveemu.Server
	mu   sync.Mutex
	seen bool
	// before and after, when set, run around the first such request.
	before, after func()
}

func (i *interceptor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var fields map[string]any
	_ = json.Unmarshal(body, &fields)
	first := false
	if r.URL.Query().Get("Action") == "DeleteCallback" && fields["App"] == nil {
		i.mu.Lock()
		first, i.seen = !i.seen, true
		i.mu.Unlock()
	}
	if first && i.before != nil {
		i.before()
	}
	i.emu.ServeHTTP(w, r)
	if first && i.after != nil {
		i.after()
	}
}

// stored returns the emulator's configurations with their creation time
// left out: a configuration written back gets a new one.
func stored(emu *liveemu.Server) []liveemu.Callback {
	var out []liveemu.Callback
	for _, c := range emu.All() {
		c.CreateTime = ""
		out = append(out, c)
	}
	return out
}

// lost lists the unmanaged configurations missing or changed.
func lost(emu *liveemu.Server) []string {
	var out []string
	for _, want := range unmanaged() {
		got, ok := emu.Get(want.Vhost, want.App, want.MessageType)
		got.CreateTime = ""
		if !ok || !reflect.DeepEqual(got, want) {
			out = append(out, want.App+"/"+want.MessageType)
		}
	}
	return out
}

// TestCutDestroy cuts terraform destroy of two vhost-wide and four app
// configurations, beside six made in the console, while the first delete
// without an app is in flight, then runs terraform destroy again. It runs
// under the readings CUT_READINGS names (space-separated; "merged" when
// unset, as in make test: make cuts runs merged and separate).
func TestCutDestroy(t *testing.T) {
	t.Parallel()
	h, err := tfrun.Get()
	if errors.Is(err, tfrun.ErrNoTerraform) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	readings := strings.Fields(os.Getenv("CUT_READINGS"))
	if len(readings) == 0 {
		readings = []string{"merged"}
	}
	for _, reading := range readings {
		for _, cut := range []string{"ctrl-c", "sigterm", "provider killed", "terraform killed"} {
			t.Run(reading+"/"+cut, func(t *testing.T) {
				t.Parallel()
				runCut(t, h, reading, cut)
			})
		}
	}
}

func runCut(t *testing.T, h *tfrun.Harness, reading, cut string) {
	r, err := liveemu.ReadingByName(reading)
	if err != nil {
		t.Fatal(err)
	}
	emu := liveemu.New(liveemu.Config{Readings: r, RequestsPerSecond: -1})
	for _, c := range unmanaged() {
		if err := emu.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	icpt := &interceptor{emu: emu}
	srv := httptest.NewServer(icpt)
	t.Cleanup(srv.Close)
	journalDir := t.TempDir()
	ws := h.Workspace(t.TempDir(), "VOLCENGINE_SECRET_KEY="+liveemu.DemoSecretKey, "VOLCENGINE_LIVE_JOURNAL_DIR="+journalDir)
	if err := ws.WriteConfig(fmt.Sprintf(configTemplate, srv.URL, liveemu.DemoAccessKey, vhost, vhost)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	if out, code, err := ws.Run(ctx, "apply", "-auto-approve", "-parallelism=10"); err != nil || code != 0 {
		t.Fatalf("apply: exit %d, %v\n%s", code, err, out)
	}

	p, err := ws.Start("destroy", "-auto-approve", "-parallelism=10")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = syscall.Kill(-p.Pid(), syscall.SIGKILL) }()
	orphan := make(chan int, 1)
	switch cut {
	case "ctrl-c":
		// Terraform asks the provider to stop and waits for what is in
		// flight; the delete goes on once Terraform has taken the signal.
		icpt.before = func() {
			if err := p.Interrupt(); err != nil {
				t.Error(err)
			}
			select {
			case <-p.Saw("Interrupt received"):
			case <-p.Done():
			case <-ctx.Done():
			}
		}
	case "sigterm":
		// A cancelled CI job: SIGTERM to the whole process group.
		icpt.before = func() {
			if err := p.Terminate(); err != nil {
				t.Error(err)
			}
			select {
			case <-p.Saw("Interrupt received"):
			case <-p.Done():
			case <-ctx.Done():
			}
		}
	case "provider killed":
		// Between the delete and its write-back.
		icpt.after = func() {
			pid, err := p.Provider()
			if err != nil {
				t.Error(err)
				return
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	case "terraform killed":
		// The provider is left alone with its delete in flight.
		icpt.before = func() {
			pid, err := p.Provider()
			if err != nil {
				t.Error(err)
			}
			orphan <- pid
			_ = p.Kill()
		}
	}
	out, code, err := p.Wait()
	t.Logf("cut destroy: exit %d, %v", code, err)
	if !icpt.seen {
		t.Fatalf("the destroy sent no DeleteCallback without an app:\n%s", out)
	}
	j := journal.Open(journalDir, srv.URL, liveemu.DemoAccessKey)
	if cut == "terraform killed" {
		pid := <-orphan
		defer func() { _ = syscall.Kill(pid, syscall.SIGKILL) }()
		waitForJournal(t, ctx, j)
		// Done, the orphaned provider ends by itself.
		waitForExit(t, ctx, pid)
	}
	lostNow := lost(emu)
	pending, _ := j.Pending()
	t.Logf("lost right after the cut: %v; journal entries: %d", lostNow, len(pending))
	if cut != "provider killed" && len(lostNow) > 0 {
		t.Errorf("after the cut (%s), %d configurations are lost: %v\n%s", cut, len(lostNow), lostNow, out)
	}
	if strings.Contains(out, "may not have been written back") && cut == "ctrl-c" {
		t.Errorf("a Ctrl-C reports a possible loss:\n%s", out)
	}

	icpt.before, icpt.after = nil, nil
	out, code, err = ws.Run(ctx, "destroy", "-auto-approve", "-parallelism=10")
	if err != nil || code != 0 {
		t.Fatalf("the next destroy: exit %d, %v\n%s", code, err, out)
	}
	if got, want := stored(emu), unmanaged(); !reflect.DeepEqual(got, want) {
		t.Errorf("after the next destroy the account holds\n %+v\nwant exactly what was made in the console\n %+v\n%s", got, want, out)
	}
	if len(lostNow) > 0 && !strings.Contains(out, "Restored configurations after an interrupted delete") {
		t.Errorf("the next destroy does not say what it wrote back:\n%s", out)
	}
	if paths, err := j.Pending(); err != nil || len(paths) != 0 {
		t.Errorf("journal entries left: %v, %v", paths, err)
	}
}

// waitForExit waits for the process pid, not a child of this one, to end.
func waitForExit(t *testing.T, ctx context.Context, pid int) {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		// Already gone.
		return
	}
	defer unix.Close(fd)
	// A process's pidfd becomes readable when it ends.
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		if n, _ := unix.Poll(fds, 1000); n > 0 {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the orphaned provider %d did not end", pid)
		}
	}
}

// waitForJournal waits until the journal holds no entry: the orphaned
// provider has finished its write-back.
func waitForJournal(t *testing.T, ctx context.Context, j *journal.Journal) {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, j.Dir(), unix.IN_DELETE|unix.IN_MOVED_FROM|unix.IN_MOVED_TO); err != nil {
		// No directory: no entry was ever written.
		return
	}
	buf := make([]byte, 4096)
	for {
		paths, err := j.Pending()
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) == 0 {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the orphaned provider did not complete %v", paths)
		}
		// Wake on the next change of the directory.
		if n, _ := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 1000); n > 0 {
			_, _ = unix.Read(fd, buf)
		}
	}
}
