// The plan registry: which configurations the run's resources declare,
// create and destroy.

package provider

import (
	"slices"
	"strings"
	"sync"
)

// planRegistry holds what the resources of one run declare to the provider
// instance: the configurations they manage and, at apply, create, so that
// one configuration has one owner; and the configurations whose destroy is
// planned, so that a delete without an app knows what it may take along.
type planRegistry struct {
	mu sync.Mutex
	// declared holds the IDs that a plan of this instance manages;
	// creating those that a create of this instance is writing.
	declared map[callbackKey]bool
	creating map[callbackKey]bool
	// destroying holds the IDs whose destroy this instance has planned.
	destroying map[callbackKey]bool
}

func newPlanRegistry() *planRegistry {
	return &planRegistry{declared: map[callbackKey]bool{}, creating: map[callbackKey]bool{}, destroying: map[callbackKey]bool{}}
}

// declare registers a configuration that this instance plans to manage,
// and reports false when another resource of the same run already declared
// it.
func (p *planRegistry) declare(k callbackKey) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.declared[k] {
		return false
	}
	p.declared[k] = true
	return true
}

// beginCreate reserves k for one create of this instance.
func (p *planRegistry) beginCreate(k callbackKey) (done func(), ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.creating[k] {
		return nil, false
	}
	p.creating[k] = true
	return func() {
		p.mu.Lock()
		delete(p.creating, k)
		p.mu.Unlock()
	}, true
}

// noteDestroy registers an ID whose destroy this instance plans.
func (p *planRegistry) noteDestroy(k callbackKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.destroying[k] = true
}

// destroysPlannedNear returns the IDs whose destroy this instance has
// planned and that a delete of k without an app could reach: those of k's
// message type, under k's vhost or a domain, for a vhost; all of them, for
// a domain, whose vhost a plan may not know.
func (p *planRegistry) destroysPlannedNear(k callbackKey) []callbackKey {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []callbackKey
	for d := range p.destroying {
		if d == k || d.MessageType != k.MessageType {
			continue
		}
		if k.Domain == "" && d.Domain == "" && d.Vhost != k.Vhost {
			continue
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b callbackKey) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// destroyIsPlanned reports whether this instance has planned the destroy of
// k (a resource removed, or renamed without a moved block).
func (p *planRegistry) destroyIsPlanned(k callbackKey) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.destroying[k]
}
