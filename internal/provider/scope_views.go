// The scope views: each scope's configurations read once and shared by the
// resources of a run.

package provider

import (
	"context"
	"slices"
	"sync"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// scopeViews are the shared reads of one provider instance: each scope's
// configurations read once and kept up to date with the instance's own
// writes and deletes, and the vhost that answers for each domain.
//
// They answer "does this configuration exist?" for creates and "is there
// anything left for this run to delete?" for waiting deletes without an
// app, without a call per resource. Safety never rests on them: deletes
// that reach further than their target read afresh.
type scopeViews struct {
	client *liveapi.Client

	mu           sync.Mutex
	domainVhosts map[string]string
	views        map[liveapi.Scope]*scopeView
}

func newScopeViews(client *liveapi.Client) *scopeViews {
	return &scopeViews{client: client, domainVhosts: map[string]string{}, views: map[liveapi.Scope]*scopeView{}}
}

// scopeView is what the instance knows of one scope's configurations: one
// DescribeCallback, then its own writes and deletes.
type scopeView struct {
	ready chan struct{}
	items []liveapi.Callback
	err   error
}

func (v *scopeView) loaded() bool {
	select {
	case <-v.ready:
		return v.err == nil
	default:
		return false
	}
}

func (v *scopeView) put(k callbackKey, cb liveapi.Callback) {
	v.remove(k, "")
	cb = cb.Clone()
	if k.Domain != "" {
		cb.Domain = k.Domain
	}
	v.items = append(v.items, cb)
}

func (v *scopeView) remove(k callbackKey, domainVhost string) {
	v.items = slices.DeleteFunc(v.items, func(it liveapi.Callback) bool { return k.matches(it, domainVhost) })
}

// knownVhost returns the vhost a key's configuration lives under, when
// known without a call: the key's own, or the one learnt for its domain.
func (s *scopeViews) knownVhost(k callbackKey) string {
	if k.Domain == "" {
		return k.Vhost
	}
	return s.domainVhost(k.Domain)
}

// domainVhost returns the vhost learnt for domain, or "".
func (s *scopeViews) domainVhost(domain string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.domainVhosts[domain]
}

// learn records the vhost that answers read through a domain name.
func (s *scopeViews) learn(scope liveapi.Scope, items []liveapi.Callback) {
	if scope.Domain == "" {
		return
	}
	for _, it := range items {
		if it.Vhost != "" {
			s.mu.Lock()
			s.domainVhosts[scope.Domain] = it.Vhost
			s.mu.Unlock()
			return
		}
	}
}

// read returns the configurations of scope as the instance knows them,
// reading the scope once.
func (s *scopeViews) read(ctx context.Context, scope liveapi.Scope) ([]liveapi.Callback, error) {
	s.mu.Lock()
	v := s.views[scope]
	if v != nil {
		select {
		case <-v.ready:
			if v.err != nil {
				v = nil
			}
		default:
		}
	}
	owner := v == nil
	if owner {
		v = &scopeView{ready: make(chan struct{})}
		s.views[scope] = v
	}
	s.mu.Unlock()

	if owner {
		items, err := s.client.ListScope(ctx, scope)
		s.learn(scope, items)
		s.mu.Lock()
		v.items, v.err = items, err
		close(v.ready)
		if err != nil && s.views[scope] == v {
			delete(s.views, scope)
		}
		s.mu.Unlock()
	}
	select {
	case <-v.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v.err != nil {
		return nil, v.err
	}
	return cloneAll(v.items), nil
}

// put shows a configuration the instance wrote in the view of its scope.
func (s *scopeViews) put(k callbackKey, cb liveapi.Callback) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.views[k.Scope]; v != nil && v.loaded() {
		v.put(k, cb)
	}
}

// remove takes a configuration the instance deleted out of every view
// that holds it.
func (s *scopeViews) remove(k callbackKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.views {
		if v.loaded() {
			v.remove(k, s.domainVhosts[k.Domain])
		}
	}
}

func cloneAll(items []liveapi.Callback) []liveapi.Callback {
	out := make([]liveapi.Callback, len(items))
	for i, it := range items {
		out[i] = it.Clone()
	}
	return out
}
