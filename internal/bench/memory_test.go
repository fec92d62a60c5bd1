package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// providerBinary is the file name tfrun builds the provider under.
const providerBinary = "terraform-provider-volcengine"

// memorySampleEvery is short next to the life of a provider process that
// does real work (seconds): VmHWM is the kernel's own high-water mark, so a
// sample misses only what a process gains after it, while shutting down.
const memorySampleEvery = 50 * time.Millisecond

// memoryWatch follows the provider processes of one terraform command.
// Terraform starts the provider as a plugin, several times per command, so
// they are this test process's grandchildren; tfrun does not expose
// terraform's process, so they are found through /proc.
type memoryWatch struct {
	stop  chan struct{}
	done  chan struct{}
	peaks map[int]uint64 // bytes, by process ID
	err   error
}

func watchProviderMemory() *memoryWatch {
	m := &memoryWatch{stop: make(chan struct{}), done: make(chan struct{}), peaks: map[int]uint64{}}
	go func() {
		defer close(m.done)
		tick := time.NewTicker(memorySampleEvery)
		defer tick.Stop()
		for {
			if m.err = sampleProviders(os.Getpid(), m.peaks); m.err != nil {
				return
			}
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

// Stop returns the highest VmHWM of any provider process seen, and how many
// were seen.
func (m *memoryWatch) Stop() (peak uint64, processes int, err error) {
	close(m.stop)
	<-m.done
	if m.err != nil {
		return 0, 0, m.err
	}
	for _, p := range m.peaks {
		peak = max(peak, p)
	}
	return peak, len(m.peaks), nil
}

// sampleProviders records the VmHWM of every running provider process that
// descends from the process root.
func sampleProviders(root int, peaks map[int]uint64) error {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return fmt.Errorf("the provider's memory is read from /proc: %w", err)
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// A process may end between the listing and the read.
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			if ppid, ok := parentOf(stat); ok {
				parent[pid] = ppid
			}
		}
	}
	for pid := range parent {
		if !descends(pid, root, parent) {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
		if err != nil || filepath.Base(exe) != providerBinary {
			continue
		}
		if status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status")); err == nil {
			if hwm, ok := highWaterMark(status); ok {
				peaks[pid] = max(peaks[pid], hwm)
			}
		}
	}
	return nil
}

// parentOf reads the parent process ID from /proc/<pid>/stat. The command
// name before it is in parentheses and may hold spaces and parentheses of
// its own, so the fields are counted from the last ')'.
func parentOf(stat []byte) (int, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}

func descends(pid, root int, parent map[int]int) bool {
	for range len(parent) {
		ppid, ok := parent[pid]
		if !ok || ppid == 0 {
			return false
		}
		if ppid == root {
			return true
		}
		pid = ppid
	}
	return false
}

// highWaterMark reads VmHWM from /proc/<pid>/status, in bytes. A process
// that has exited but not been reaped has none.
func highWaterMark(status []byte) (uint64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		value, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		return kb * 1024, err == nil
	}
	return 0, false
}

func TestProcParsing(t *testing.T) {
	t.Parallel()
	if ppid, ok := parentOf([]byte("4242 (a) b (c)) S 17 4242 4242 0 -1")); !ok || ppid != 17 {
		t.Errorf("parentOf = %d, %t; want 17, true", ppid, ok)
	}
	if _, ok := parentOf([]byte("4242 truncated")); ok {
		t.Error("parentOf of a line without a command name succeeded")
	}
	status := []byte("Name:\tterraform-provi\nVmPeak:\t 1500000 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n")
	if hwm, ok := highWaterMark(status); !ok || hwm != 51234*1024 {
		t.Errorf("highWaterMark = %d, %t; want %d, true", hwm, ok, 51234*1024)
	}
	if _, ok := highWaterMark([]byte("Name:\tzombie\nState:\tZ (zombie)\n")); ok {
		t.Error("highWaterMark of a zombie's status succeeded")
	}
	parent := map[int]int{10: 1, 20: 10, 30: 20, 40: 1}
	if !descends(30, 10, parent) || descends(40, 10, parent) || descends(10, 10, parent) {
		t.Error("descends follows the wrong parents")
	}
}

// TestWatchProviderMemory starts a program under the provider's name below
// a shell, as terraform starts the provider below itself, and expects the
// watch to find it. It does not run in parallel: the watch would count the
// provider processes of other tests.
func TestWatchProviderMemory(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if _, statErr := os.Stat("/proc/self/status"); statErr != nil || err != nil {
		t.Skip("needs /proc and sleep: the provider's memory is measured on Linux")
	}
	program, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	provider := filepath.Join(t.TempDir(), providerBinary)
	if err := os.WriteFile(provider, program, 0o755); err != nil {
		t.Fatal(err)
	}
	// The second command keeps the shell from replacing itself with the
	// first, so the program stays a grandchild.
	shell := exec.Command("sh", "-c", `"$0" 5; true`, provider)
	if err := shell.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = shell.Process.Kill()
		_ = shell.Wait()
	})
	// The shell may take a while to start the program on a busy machine.
	var peak uint64
	var processes int
	for deadline := time.Now().Add(5 * time.Second); processes == 0 && time.Now().Before(deadline); {
		watch := watchProviderMemory()
		time.Sleep(4 * memorySampleEvery)
		if peak, processes, err = watch.Stop(); err != nil {
			t.Fatal(err)
		}
		for pid := range watch.peaks {
			if p, err := os.FindProcess(pid); err == nil {
				_ = p.Kill()
			}
		}
	}
	if processes != 1 || peak == 0 {
		t.Errorf("the watch found %d provider processes with a peak of %d bytes; want the one below the shell", processes, peak)
	}
}
