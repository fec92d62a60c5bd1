//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

// Entry locks and directory syncs where the system has flock.
package journal

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

var errLocked = errors.New("locked by another process")

// tryLock takes an exclusive lock on f without waiting. The lock belongs
// to f's open file: a second open of the same file, in this process or
// another, cannot take it until f is closed or its process ends.
func tryLock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errLocked
		default:
			return fmt.Errorf("flock: %w", err)
		}
	}
}

// unlock lets go of f's lock explicitly rather than by closing f: a
// process started while f was open shares f's open file until it has
// started, and closing f alone would leave the lock to it until then.
func unlock(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

// syncDir makes a rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
