//go:build windows

// Entry locks on Windows.
package journal

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

var errLocked = errors.New("locked by another process")

// tryLock takes an exclusive lock on f without waiting; it lasts until f is
// closed or its process ends.
func tryLock(f *os.File) error {
	var ol windows.Overlapped
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return errLocked
	default:
		return fmt.Errorf("LockFileEx: %w", err)
	}
}

// unlock lets go of f's lock.
func unlock(f *os.File) {
	var ol windows.Overlapped
	_ = windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}

// syncDir has no equivalent on Windows, where a rename is durable once the
// file's data is.
func syncDir(string) error { return nil }
