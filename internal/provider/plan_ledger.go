// The IDs the state holds and the records they name, for the plan's checks.

package provider

import (
	"maps"
	"slices"
	"sync"
)

// planLedger remembers the IDs that the state holds, as the refreshes and
// plans of one provider instance saw them. A create of such an ID in the
// same plan is no takeover: it replaces the resource that holds it (tainted,
// -replace, a change of vhost, domain, app or message type), or follows the
// destroy of a resource renamed without a moved block; and a second
// resource declaring it is refused as declared twice.
//
// It also remembers, for aliases (aliases.go), which record each ID of the
// state names and which ID each declared record goes by.
type planLedger struct {
	mu       sync.Mutex
	held     map[callbackKey]bool
	records  map[callbackKey]callbackKey
	declared map[callbackKey]callbackKey
}

func newPlanLedger() *planLedger {
	return &planLedger{
		held: map[callbackKey]bool{}, records: map[callbackKey]callbackKey{},
		declared: map[callbackKey]callbackKey{},
	}
}

// hold records that a resource of the state holds k.
func (l *planLedger) hold(k callbackKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[k] = true
}

func (l *planLedger) holds(k callbackKey) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held[k]
}

// declareRecord records that key, declared by a plan of this instance,
// names record rec, and returns another ID declared for the same record.
func (l *planLedger) declareRecord(rec, key callbackKey) (other callbackKey, clash bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.declared[rec]; ok && prev != key {
		return prev, true
	}
	l.declared[rec] = key
	return callbackKey{}, false
}

// holdRecord records that the state's resource of key names record rec, as
// its refresh read it.
func (l *planLedger) holdRecord(key, rec callbackKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[key] = true
	l.records[key] = rec
}

// namedWith returns the other IDs that name rec: those of the state, as
// their refresh read them, and those a plan of this instance declared.
func (l *planLedger) namedWith(rec, key callbackKey) []callbackKey {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[callbackKey]bool{}
	for k, r := range l.records {
		if k != key && r == rec {
			seen[k] = true
		}
	}
	if k, ok := l.declared[rec]; ok && k != key {
		seen[k] = true
	}
	return slices.Collect(maps.Keys(seen))
}

// recordOf returns the record the state's resource of key names, as its
// refresh read it.
func (l *planLedger) recordOf(key callbackKey) (callbackKey, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec, ok := l.records[key]
	return rec, ok
}
