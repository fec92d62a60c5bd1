// The locks that keep a delete without an app apart from the writes and
// deletes it could reach.

package provider

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/semaphore"
)

// locks serialise the writes and deletes of one provider instance that can
// touch the same records, whatever scope names them.
//
// There is one lock per message type, held exclusively by a domain's write
// or delete whose vhost is not known yet (its records could be any
// vhost's) and shared by everything else, and one per vhost and message
// type, shared by writes and by deletes that reach their target alone,
// exclusive for deletes that reach further.
type locks struct {
	views *scopeViews // the vhost of a domain

	mu      sync.Mutex
	globals map[string]*semaphore.Weighted
	scoped  map[string]*semaphore.Weighted
}

// lockWeight is the weight of an exclusive hold of a lock; a shared hold
// weighs 1.
const lockWeight = 1 << 30

func newLocks(views *scopeViews) *locks {
	return &locks{views: views, globals: map[string]*semaphore.Weighted{}, scoped: map[string]*semaphore.Weighted{}}
}

// lock takes the locks of k's vhost and message type, exclusive or
// shared. It gives up when ctx ends.
func (l *locks) lock(ctx context.Context, k callbackKey, exclusive bool) (unlock func(), err error) {
	vhost := l.views.knownVhost(k)
	l.mu.Lock()
	global := l.globals[k.MessageType]
	if global == nil {
		global = semaphore.NewWeighted(lockWeight)
		l.globals[k.MessageType] = global
	}
	var scoped *semaphore.Weighted
	if vhost != "" {
		name := vhost + "|" + k.MessageType
		if scoped = l.scoped[name]; scoped == nil {
			scoped = semaphore.NewWeighted(lockWeight)
			l.scoped[name] = scoped
		}
	}
	l.mu.Unlock()

	globalWeight, scopedWeight := int64(1), int64(1)
	if exclusive {
		scopedWeight = lockWeight
	}
	if scoped == nil {
		// The domain's vhost is unknown: its records could be any vhost's.
		globalWeight = lockWeight
	}
	if err := global.Acquire(ctx, globalWeight); err != nil {
		return nil, fmt.Errorf("waiting for other operations on message type %q of this provider to finish: %w", k.MessageType, err)
	}
	if scoped == nil {
		return func() { global.Release(globalWeight) }, nil
	}
	if err := scoped.Acquire(ctx, scopedWeight); err != nil {
		global.Release(globalWeight)
		return nil, fmt.Errorf("waiting for other operations on message type %q of vhost %q to finish: %w", k.MessageType, vhost, err)
	}
	return func() {
		scoped.Release(scopedWeight)
		global.Release(globalWeight)
	}, nil
}
