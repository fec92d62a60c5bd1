package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

func sampleEntry() Entry {
	return Entry{
		Created:     time.Date(2026, 12, 7, 4, 30, 0, 0, time.UTC),
		Endpoint:    "http://127.0.0.1:1",
		AccessKey:   "AKTEST",
		Target:      "vhost:v.example.com::push",
		Vhost:       "v.example.com",
		MessageType: "push",
		Records: []liveapi.Callback{{
			Scope: liveapi.Scope{Vhost: "v.example.com"}, App: "keep", MessageType: "push",
			CallbackDetailList: []liveapi.CallbackDetail{{URL: "https://hooks.example.com/keep", CallbackType: "HTTP"}},
			AuthEnable:         true, AuthKeyPrimary: "secretkey",
			Extra: map[string]json.RawMessage{"RetryTimes": json.RawMessage(`3`)},
		}},
	}
}

func TestEntryLifecycle(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	j := Open(root, "http://127.0.0.1:1", "AKTEST")
	if paths, err := j.Pending(); err != nil || len(paths) != 0 {
		t.Fatalf("a journal never written: Pending() = %v, %v; want nothing", paths, err)
	}
	want := sampleEntry()
	h, err := j.Begin(want)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := j.Pending()
	if err != nil || len(paths) != 1 || paths[0] != h.Path() {
		t.Fatalf("Pending() = %v, %v; want [%s]", paths, err, h.Path())
	}
	if runtime.GOOS != "windows" {
		for path, perm := range map[string]os.FileMode{j.Dir(): 0o700, h.Path(): 0o600} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != perm {
				t.Errorf("%s has mode %v, want %v", path, got, perm)
			}
		}
	}

	// Held by its writer: nobody else may complete it.
	if _, _, err := Open(root, "http://127.0.0.1:1", "AKTEST").Claim(h.Path()); !errors.Is(err, ErrHeld) {
		t.Fatalf("Claim of a held entry: %v, want ErrHeld", err)
	}
	h.Keep()
	h2, got, err := j.Claim(h.Path())
	if err != nil {
		t.Fatalf("Claim of a kept entry: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v\nwant %+v", got, want)
	}
	if err := h2.Done(); err != nil {
		t.Fatal(err)
	}
	if paths, _ := j.Pending(); len(paths) != 0 {
		t.Errorf("after Done, Pending() = %v", paths)
	}
	if left, _ := os.ReadDir(j.Dir()); len(left) != 0 {
		t.Errorf("after Done, the directory holds %v", left)
	}
	if _, _, err := j.Claim(h.Path()); !errors.Is(err, ErrGone) {
		t.Errorf("Claim of a completed entry: %v, want ErrGone", err)
	}
}

// Each account has its own directory: one account's provider never
// completes another's write-backs.
func TestAccountsApart(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a, b := Open(root, "https://live.example.com", "AK1"), Open(root, "https://live.example.com", "AK2")
	c := Open(root, "https://other.example.com", "AK1")
	if a.Dir() == b.Dir() || a.Dir() == c.Dir() {
		t.Fatalf("accounts share a directory: %s %s %s", a.Dir(), b.Dir(), c.Dir())
	}
	h, err := a.Begin(sampleEntry())
	if err != nil {
		t.Fatal(err)
	}
	h.Keep()
	if paths, _ := b.Pending(); len(paths) != 0 {
		t.Errorf("another account sees %v", paths)
	}
}

func TestCorruptEntryIsLeftAsItIs(t *testing.T) {
	t.Parallel()
	j := Open(t.TempDir(), "http://127.0.0.1:1", "AKTEST")
	h, err := j.Begin(sampleEntry())
	if err != nil {
		t.Fatal(err)
	}
	h.Keep()
	for name, content := range map[string]string{"truncated": `{"vhost": "v.exa`, "empty object": `{}`} {
		if err := os.WriteFile(h.Path(), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := j.Claim(h.Path())
		var corrupt *CorruptError
		if !errors.As(err, &corrupt) || corrupt.Path != h.Path() {
			t.Fatalf("%s: Claim = %v, want a CorruptError naming %s", name, err, h.Path())
		}
		if raw, _ := os.ReadFile(h.Path()); string(raw) != content {
			t.Errorf("%s: the corrupt entry was changed to %q", name, raw)
		}
	}
}

// Many writers at once, as several provider processes of one account
// deleting in parallel: every entry is whole and apart.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	const n = 20
	var wg sync.WaitGroup
	holds := make([]*Hold, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := sampleEntry()
			e.Target = fmt.Sprintf("vhost:v.example.com:app%d:push", i)
			holds[i], errs[i] = Open(root, "http://127.0.0.1:1", "AKTEST").Begin(e)
		}()
	}
	wg.Wait()
	j := Open(root, "http://127.0.0.1:1", "AKTEST")
	seen := map[string]bool{}
	for i, h := range holds {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		h.Keep()
		_, e, err := j.Claim(h.Path())
		if err != nil {
			t.Fatal(err)
		}
		seen[e.Target] = true
	}
	if paths, _ := j.Pending(); len(paths) != n || len(seen) != n {
		t.Errorf("%d entries on disk and %d targets read, want %d", len(paths), len(seen), n)
	}
}

// The lock of a held entry is let go when its process ends, however it
// ends: an entry left by a killed provider is completed by the next.
func TestHeldUntilTheHolderDies(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("the helper process is killed with a signal")
	}
	root := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "JOURNAL_TEST_HOLD_ROOT="+root)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the helper process did not report its entry: %v", err)
	}
	path := line[:len(line)-1]
	j := Open(root, "http://127.0.0.1:1", "AKTEST")
	if _, _, err := j.Claim(path); !errors.Is(err, ErrHeld) {
		t.Fatalf("Claim while another process holds the entry: %v, want ErrHeld", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	h, e, err := j.Claim(path)
	if err != nil {
		t.Fatalf("Claim once the holder was killed: %v", err)
	}
	if e.Target != sampleEntry().Target {
		t.Errorf("read %+v", e)
	}
	_ = h.Done()
}

// TestMain is also the other process of TestHeldUntilTheHolderDies: with
// JOURNAL_TEST_HOLD_ROOT set, it holds an entry there until it is killed.
func TestMain(m *testing.M) {
	root := os.Getenv("JOURNAL_TEST_HOLD_ROOT")
	if root == "" {
		os.Exit(m.Run())
	}
	h, err := Open(root, "http://127.0.0.1:1", "AKTEST").Begin(sampleEntry())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(h.Path())
	select {}
}

func TestBeginFailsWhereItCannotWrite(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		// root writes through any mode.
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(file, "e", "a").Begin(sampleEntry()); err == nil {
			t.Fatal("Begin under a file succeeded")
		}
		return
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "e", "a").Begin(sampleEntry()); err == nil {
		t.Fatal("Begin in a read-only directory succeeded")
	}
}
