package liveapi

import (
	"context"
	"fmt"
)

// scopeCall is one DescribeCallback of a whole scope, shared by every
// ListScope caller that asks while it runs.
type scopeCall struct {
	done    chan struct{}
	list    []Callback // set before done closes
	err     error      // set before done closes
	waiters int        // guarded by Client.mu
	cancel  context.CancelFunc
}

// ListScope returns every configuration of s. A refresh reads many
// resources of one scope at once; they share one DescribeCallback, and its
// answer is kept and reused until the next UpdateCallback or DeleteCallback
// through this Client drops every kept answer (a domain's configuration is
// also its vhost's, so a write cannot be tied to one scope cheaply). Errors
// are not kept. The returned slice is the caller's to modify.
func (c *Client) ListScope(ctx context.Context, s Scope) ([]Callback, error) {
	c.mu.Lock()
	if list, ok := c.kept[s]; ok {
		c.mu.Unlock()
		return cloneCallbacks(list), nil
	}
	call, ok := c.inflight[s]
	if !ok {
		// The shared call must outlive the caller that started it, since
		// others may be waiting; it keeps that caller's values (the logger)
		// and is cancelled once every waiter has gone.
		callCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		call = &scopeCall{done: make(chan struct{}), cancel: cancel}
		c.inflight[s] = call
		go c.runScopeCall(callCtx, s, call, c.generation)
	}
	call.waiters++
	c.mu.Unlock()

	select {
	case <-call.done:
		if call.err != nil {
			return nil, call.err
		}
		return cloneCallbacks(call.list), nil
	case <-ctx.Done():
		c.leave(s, call)
		return nil, fmt.Errorf("%s of %s: %w", ActionDescribeCallback, s, ctx.Err())
	}
}

func (c *Client) runScopeCall(ctx context.Context, s Scope, call *scopeCall, generation uint64) {
	list, _, err := c.DescribeCallback(ctx, DescribeCallbackInput{Scope: s})
	call.cancel()

	c.mu.Lock()
	call.list, call.err = list, err
	if c.inflight[s] == call {
		delete(c.inflight, s)
	}
	if err == nil && c.generation == generation {
		c.kept[s] = list
	}
	c.mu.Unlock()
	close(call.done)
}

// leave withdraws a waiter whose context ended; the last one to go cancels
// the call, which then must not be joined by anyone new.
func (c *Client) leave(s Scope, call *scopeCall) {
	c.mu.Lock()
	defer c.mu.Unlock()
	call.waiters--
	if call.waiters > 0 {
		return
	}
	call.cancel()
	if c.inflight[s] == call {
		delete(c.inflight, s)
	}
}

// forgetScopes runs before and after every write. Calls already running
// keep serving their waiters but will not store their answer, and callers
// arriving from now on start a fresh call instead of joining one that may
// have read the account before the write.
func (c *Client) forgetScopes() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	clear(c.kept)
	clear(c.inflight)
}

func cloneCallbacks(list []Callback) []Callback {
	out := make([]Callback, len(list))
	for i, cb := range list {
		cb.CallbackDetailList = append([]CallbackDetail(nil), cb.CallbackDetailList...)
		out[i] = cb
	}
	return out
}
