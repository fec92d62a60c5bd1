// The journal's directory of one account, its entries, and the holds that
// keep them.
package journal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// Entry is one delete's pending write-back: the records in reach of the
// delete of Target that must exist afterwards, exactly as they were read.
type Entry struct {
	Created     time.Time `json:"created"`
	Endpoint    string    `json:"endpoint"`
	AccessKey   string    `json:"access_key"`
	Target      string    `json:"target"`
	Vhost       string    `json:"vhost"`
	MessageType string    `json:"message_type"`
	// Records are written back where missing; each is complete, keys and
	// settings the provider does not model included.
	Records []liveapi.Callback `json:"records"`
}

// Journal is the directory of one account's entries.
type Journal struct {
	dir string
}

// ErrHeld means another process (or another part of this one) holds the
// entry: it is being worked on, not left behind.
var ErrHeld = errors.New("the entry is held by a running provider")

// ErrGone means the entry was completed and removed meanwhile.
var ErrGone = errors.New("the entry no longer exists")

// CorruptError is an entry that cannot be read as one.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the restore journal entry %s cannot be read: %v", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Open returns the journal of the account of endpoint and accessKey under
// root. Nothing is created until an entry is written.
func Open(root, endpoint, accessKey string) *Journal {
	sum := sha256.Sum256([]byte(endpoint + "\n" + accessKey))
	return &Journal{dir: filepath.Join(root, hex.EncodeToString(sum[:8]))}
}

// Dir is the account's directory.
func (j *Journal) Dir() string { return j.dir }

// Hold is a held entry: its lock is taken until Done or Keep.
type Hold struct {
	path string
	lock *os.File
}

// Path is the entry's file.
func (h *Hold) Path() string { return h.path }

// Begin writes e as a new entry and holds it. The entry is on disk, synced,
// when Begin returns without error.
func (j *Journal) Begin(e Entry) (*Hold, error) {
	if err := makeDir(j.dir); err != nil {
		return nil, err
	}
	id, err := newID(e.Created)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(j.dir, id+".json")
	lock, err := openLock(lockPath(path))
	if err != nil {
		return nil, err
	}
	if err := tryLock(lock); err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("locking %s: %w", lockPath(path), err)
	}
	raw, err := json.MarshalIndent(e, "", "  ")
	if err == nil {
		err = writeAtomic(path, raw)
	}
	if err != nil {
		_ = os.Remove(lockPath(path))
		_ = lock.Close()
		return nil, err
	}
	return &Hold{path: path, lock: lock}, nil
}

// Done removes the entry: its write-back is complete.
func (h *Hold) Done() error {
	err := os.Remove(h.path)
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	if err == nil {
		err = syncDir(filepath.Dir(h.path))
	}
	_ = os.Remove(lockPath(h.path))
	h.release()
	return err
}

// Keep lets go of the entry and leaves it on disk for a later run.
func (h *Hold) Keep() {
	h.release()
}

func (h *Hold) release() {
	unlock(h.lock)
	_ = h.lock.Close()
}

// Pending lists the entries on disk, oldest first, held or not.
func (j *Journal) Pending() ([]string, error) {
	des, err := os.ReadDir(j.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the restore journal %s: %w", j.dir, err)
	}
	var out []string
	for _, de := range des {
		if name := de.Name(); strings.HasSuffix(name, ".json") && !de.IsDir() {
			out = append(out, filepath.Join(j.dir, name))
		}
	}
	// Entry names start with their creation time.
	slices.Sort(out)
	return out, nil
}

// Claim holds the entry at path if no one else does, and reads it. It
// answers ErrHeld when a running process holds it, ErrGone when it was
// completed meanwhile, and a *CorruptError when the file is not an entry;
// a corrupt entry is left as it is.
func (j *Journal) Claim(path string) (*Hold, Entry, error) {
	var e Entry
	lock, err := openLock(lockPath(path))
	if err != nil {
		return nil, e, err
	}
	if err := tryLock(lock); err != nil {
		_ = lock.Close()
		if errors.Is(err, errLocked) {
			return nil, e, ErrHeld
		}
		return nil, e, fmt.Errorf("locking %s: %w", lockPath(path), err)
	}
	h := &Hold{path: path, lock: lock}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		// Its owner completed it between the listing and the lock.
		_ = h.Done()
		return nil, e, ErrGone
	}
	if err == nil {
		err = json.Unmarshal(raw, &e)
	}
	if err == nil && (e.Vhost == "" || e.MessageType == "" || e.Target == "") {
		err = errors.New("the entry names no vhost, message type or target")
	}
	if err != nil {
		h.Keep()
		return nil, e, &CorruptError{Path: path, Err: err}
	}
	return h, e, nil
}

func lockPath(entry string) string { return strings.TrimSuffix(entry, ".json") + ".lock" }

func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the restore journal's lock: %w", err)
	}
	return f, nil
}

// makeDir creates dir and its parents, readable by the user only.
func makeDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the restore journal directory: %w", err)
	}
	// MkdirAll leaves an existing directory as it is.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("restricting the restore journal directory to its owner: %w", err)
	}
	return nil
}

// writeAtomic writes raw to path through a synced temporary file in the
// same directory, so that path holds the whole of raw or nothing.
func writeAtomic(path string, raw []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".entry-*.tmp")
	if err != nil {
		return fmt.Errorf("writing the restore journal: %w", err)
	}
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing the restore journal entry %s: %w", path, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(raw); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing the restore journal entry %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing the restore journal entry %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// newID names an entry by its creation time, then randomly.
func newID(created time.Time) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return created.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:]), nil
}

// List returns every entry under root, of every account, oldest first
// within each account.
func List(root string) ([]string, error) {
	des, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the restore journal %s: %w", root, err)
	}
	var out []string
	for _, de := range des {
		if !de.IsDir() {
			continue
		}
		paths, err := (&Journal{dir: filepath.Join(root, de.Name())}).Pending()
		if err != nil {
			return nil, err
		}
		out = append(out, paths...)
	}
	return out, nil
}

// Read reads the entry at path without holding it, and tells whether a
// running process holds it now.
func Read(path string) (e Entry, held bool, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return e, false, err
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, false, &CorruptError{Path: path, Err: err}
	}
	lock, err := openLock(lockPath(path))
	if err != nil {
		return e, false, err
	}
	defer lock.Close()
	return e, errors.Is(tryLock(lock), errLocked), nil
}
