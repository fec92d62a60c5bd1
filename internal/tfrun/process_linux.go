// Terraform commands started in the background, to be interrupted the way
// a terminal or a CI runner interrupts them.
package tfrun

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Process is a terraform command running in a process group of its own,
// as a shell's job is: a signal to the group reaches terraform and the
// provider it started, as Ctrl-C in a terminal or a cancelled CI job does.
type Process struct {
	cmd  *exec.Cmd
	out  *watchedBuffer
	done chan struct{}
	err  error
}

// Start starts one terraform command in the background.
func (w *Workspace) Start(args ...string) (*Process, error) {
	cmd := exec.Command(w.h.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(append([]string(nil), w.h.env...), w.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &watchedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is terraform's process ID, and its process group's.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Interrupt sends SIGINT to the command's process group, as Ctrl-C does.
func (p *Process) Interrupt() error {
	return syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT)
}

// Terminate sends SIGTERM to the command's process group, as a CI runner
// does to a cancelled job.
func (p *Process) Terminate() error {
	return syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
}

// Kill kills terraform alone; the provider it started lives on.
func (p *Process) Kill() error {
	return syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
}

// Provider returns the process ID of the provider that terraform runs.
func (p *Process) Provider() (int, error) {
	pid := p.cmd.Process.Pid
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if err != nil {
		return 0, err
	}
	for _, f := range tasks {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(raw)) {
			child, err := strconv.Atoi(field)
			if err != nil {
				continue
			}
			exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", child))
			if err == nil && strings.HasPrefix(filepath.Base(exe), "terraform-provider-volcengine") {
				return child, nil
			}
		}
	}
	return 0, errors.New("terraform runs no volcengine provider now")
}

// Saw returns a channel closed once the command's output holds text.
func (p *Process) Saw(text string) <-chan struct{} { return p.out.watch(text) }

// Done is closed when the command has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits for the command and returns its output and exit code; err is
// set when it did not exit by itself (a signal ended it).
func (p *Process) Wait() (out string, exitCode int, err error) {
	<-p.done
	out = p.out.String()
	var exitErr *exec.ExitError
	if errors.As(p.err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return out, -1, fmt.Errorf("terraform ended by %v", ws.Signal())
		}
		return out, exitErr.ExitCode(), nil
	}
	return out, 0, p.err
}

// watchedBuffer is a command's output, with watchers for texts in it.
type watchedBuffer struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	watchers map[string]chan struct{}
}

func (b *watchedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, _ := b.buf.Write(p)
	for text, ch := range b.watchers {
		if bytes.Contains(b.buf.Bytes(), []byte(text)) {
			close(ch)
			delete(b.watchers, text)
		}
	}
	return n, nil
}

func (b *watchedBuffer) watch(text string) <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch := make(chan struct{})
	if bytes.Contains(b.buf.Bytes(), []byte(text)) {
		close(ch)
		return ch
	}
	if b.watchers == nil {
		b.watchers = map[string]chan struct{}{}
	}
	if old, ok := b.watchers[text]; ok {
		return old
	}
	b.watchers[text] = ch
	return ch
}

func (b *watchedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
