// The delete tracker: the run's deletes in flight and expected, and the
// records it wrote, for its deletes without an app.

package provider

import (
	"sync"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// deleteTracker follows what one provider instance deletes and writes, for
// its deletes without an app: the deletes in flight, which such a delete
// neither removes nor writes back; the deletes expected, whose
// configurations such a delete took along and whose own delete is still to
// run; and the records written, which such a delete writes back even where
// the API does not show them yet.
type deleteTracker struct {
	views *scopeViews // kept in step with what the instance writes and deletes
	// changed tells waiting operations that what they count may have
	// changed.
	changed func()

	mu       sync.Mutex
	deleting map[callbackKey]int
	expected map[callbackKey]bool
	written  map[recordKey]liveapi.Callback
}

func newDeleteTracker(views *scopeViews, changed func()) *deleteTracker {
	return &deleteTracker{views: views, changed: changed,
		deleting: map[callbackKey]int{}, expected: map[callbackKey]bool{}, written: map[recordKey]liveapi.Callback{}}
}

// recordKey tells stored configurations apart the way the API's answers do:
// a domain's own record carries its Domain.
type recordKey struct {
	Vhost, Domain, App, MessageType string
}

func recordOf(c liveapi.Callback) recordKey {
	if c.Domain != "" {
		return recordKey{Domain: c.Domain, MessageType: c.MessageType}
	}
	return recordKey{Vhost: c.Vhost, App: c.App, MessageType: c.MessageType}
}

// beginDelete registers a delete of k until done runs, so that a delete
// without an app does not write back what this instance is deleting
// anyway. Once done, k's delete is no longer expected.
func (t *deleteTracker) beginDelete(k callbackKey) (done func()) {
	t.mu.Lock()
	t.deleting[k]++
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		if t.deleting[k]--; t.deleting[k] == 0 {
			delete(t.deleting, k)
		}
		delete(t.expected, k)
		t.mu.Unlock()
		t.changed()
	}
}

// beingDeleted reports whether this instance is deleting the record it:
// by its own ID, or, for a vhost's app-less record in answers that carry
// no domain, by the ID of any domain of that vhost.
func (t *deleteTracker) beingDeleted(it liveapi.Callback) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.deleting {
		if k.MessageType != it.MessageType {
			continue
		}
		if k.matches(it, t.views.domainVhost(k.Domain)) {
			return true
		}
	}
	return false
}

// expectDeletes records IDs whose own deletes this run holds, once a
// delete without an app may have taken their configurations along.
func (t *deleteTracker) expectDeletes(keys []callbackKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		t.expected[k] = true
	}
}

// deleteExpected reports whether k's own delete is still to run: a create
// of k must not go first, or that delete would remove what it wrote.
func (t *deleteTracker) deleteExpected(k callbackKey) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.expected[k]
}

// wrote remembers a configuration this instance wrote, and shows it in the
// scope views.
func (t *deleteTracker) wrote(k callbackKey, cb liveapi.Callback) {
	t.mu.Lock()
	t.written[recordKey{Vhost: k.Vhost, Domain: k.Domain, App: k.App, MessageType: k.MessageType}] = cb.Clone()
	t.views.put(k, cb)
	t.mu.Unlock()
	t.changed()
}

// deleted forgets a configuration this instance deleted, in the scope
// views too.
func (t *deleteTracker) deleted(k callbackKey) {
	t.mu.Lock()
	delete(t.written, recordKey{Vhost: k.Vhost, Domain: k.Domain, App: k.App, MessageType: k.MessageType})
	t.views.remove(k)
	t.mu.Unlock()
	t.changed()
}

// wroteMatching reports whether this instance wrote the record it, read
// under vhost, in this run.
func (t *deleteTracker) wroteMatching(it liveapi.Callback, vhost string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for rec := range t.written {
		if rec.MessageType != it.MessageType {
			continue
		}
		k := callbackKey{Scope: liveapi.Scope{Vhost: rec.Vhost, Domain: rec.Domain}, App: rec.App, MessageType: rec.MessageType}
		domainVhost := vhost
		if k.Domain != "" {
			domainVhost = t.views.domainVhost(k.Domain)
		}
		if k.matches(it, domainVhost) {
			return true
		}
	}
	return false
}

// writtenUnder returns the configurations this instance wrote under vhost
// (its app records, its app-less record and its domains' records) with
// message type mt.
func (t *deleteTracker) writtenUnder(vhost, mt string) []liveapi.Callback {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []liveapi.Callback
	for rec, cb := range t.written {
		if rec.MessageType != mt {
			continue
		}
		if rec.Vhost == vhost || (rec.Domain != "" && t.views.domainVhost(rec.Domain) == vhost) {
			out = append(out, cb.Clone())
		}
	}
	return out
}
