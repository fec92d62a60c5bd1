package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// lockWeight is the weight of an exclusive hold of a lock; a shared hold
// weighs 1.
const lockWeight = 1 << 30

// A waiting operation gives up waiting when the provider's other work has
// stalled for the quiet period: Terraform starts the next operation soon
// after a slot frees, so a stall this long means every slot holds a waiter,
// or there is nothing left. How soon depends on Terraform's load (a large
// state, a busy machine), so the period is gapFactor times the longest of
// the last gapWindow gaps seen between an operation's end and the next
// start, within [minQuiet, maxQuiet].
const (
	minQuiet = 300 * time.Millisecond
	// planQuiet is the least for a plan's wait (awaitPlans): plans make no
	// API calls, so Terraform starts the next one within milliseconds, and
	// waiting too little only costs the delete some waiting of its own.
	planQuiet = 100 * time.Millisecond
	maxQuiet  = 10 * time.Second
	gapFactor = 4
	gapWindow = 64
)

// coordinator serialises the work of one provider instance that can touch
// the same callback configurations, whatever scope names them, and
// remembers what the instance learnt about the account: which vhost owns a
// domain, which configurations each scope holds, what it wrote and what it
// is deleting.
type coordinator struct {
	client *liveapi.Client

	mu           sync.Mutex
	domainVhosts map[string]string
	views        map[liveapi.Scope]*scopeView
	// globals has one lock per message type, held exclusively by a domain
	// write whose vhost is not known yet (it could be any vhost's) and
	// shared by everything else; scoped has one per vhost and message type,
	// held exclusively by deletes that reach further than their target.
	globals map[string]*semaphore.Weighted
	scoped  map[string]*semaphore.Weighted
	// deleting counts the deletes that have reached this instance and not
	// finished, by ID; creating the creates.
	deleting map[callbackKey]int
	creating map[callbackKey]bool
	planned  map[callbackKey]bool
	// destroyPlanned holds the IDs whose destroy this instance has planned;
	// expected those that a wide delete of this instance may have taken
	// along and whose own deletes have not run yet.
	destroyPlanned map[callbackKey]bool
	expected       map[callbackKey]bool
	// written is the last configuration this instance wrote, by record, so
	// that a wide delete can restore it even where the API does not show it
	// yet.
	written map[recordKey]liveapi.Callback

	// Progress of the instance's operations, for waiting wide deletes.
	working      int
	lastEnded    bool // the last change of working was an end
	gaps         [gapWindow]time.Duration
	gapCount     int
	maxWorking   int
	draining     bool
	waiters      map[*waiter]bool
	seq          uint64
	lastActivity time.Time
	changed      chan struct{}
}

func newCoordinator(client *liveapi.Client) *coordinator {
	return &coordinator{
		client:         client,
		domainVhosts:   map[string]string{},
		views:          map[liveapi.Scope]*scopeView{},
		globals:        map[string]*semaphore.Weighted{},
		scoped:         map[string]*semaphore.Weighted{},
		deleting:       map[callbackKey]int{},
		creating:       map[callbackKey]bool{},
		planned:        map[callbackKey]bool{},
		destroyPlanned: map[callbackKey]bool{},
		expected:       map[callbackKey]bool{},
		written:        map[recordKey]liveapi.Callback{},
		waiters:        map[*waiter]bool{},
		changed:        make(chan struct{}),
	}
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

// notify wakes every waiter; c.mu must be held.
func (c *coordinator) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// begin counts an operation of the instance until the returned func runs.
func (c *coordinator) begin() (end func()) {
	c.mu.Lock()
	now := time.Now()
	if c.lastEnded {
		c.gaps[c.gapCount%gapWindow] = now.Sub(c.lastActivity)
		c.gapCount++
	}
	c.lastEnded = false
	c.working++
	c.maxWorking = max(c.maxWorking, c.working)
	// Something new arrived: the run is not at its end.
	c.draining = false
	c.lastActivity = now
	c.notify()
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.working--
		// Terraform starts the next operation in the freed slot right away:
		// quiet is measured from here too.
		c.lastActivity = time.Now()
		c.lastEnded = true
		c.notify()
		c.mu.Unlock()
	}
}

// quietPeriod is how long a stall must last before waiters stop waiting;
// c.mu must be held.
func (c *coordinator) quietPeriod(least time.Duration) time.Duration {
	longest := time.Duration(0)
	for _, g := range c.gaps[:min(c.gapCount, gapWindow)] {
		longest = max(longest, g)
	}
	return min(max(gapFactor*longest, least), maxQuiet)
}

// vhostOf returns the vhost a key's configuration lives under, when known.
func (c *coordinator) vhostOf(k callbackKey) string {
	if k.Domain == "" {
		return k.Vhost
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.domainVhosts[k.Domain]
}

// learn records the vhost that answers read through a domain name.
func (c *coordinator) learn(s liveapi.Scope, items []liveapi.Callback) {
	if s.Domain == "" {
		return
	}
	for _, it := range items {
		if it.Vhost != "" {
			c.mu.Lock()
			c.domainVhosts[s.Domain] = it.Vhost
			c.mu.Unlock()
			return
		}
	}
}

// lock serialises work on the records of k's vhost and message type: shared
// for writes and deletes that reach their target alone, exclusive for
// deletes that reach further. It gives up when ctx ends.
func (c *coordinator) lock(ctx context.Context, k callbackKey, exclusive bool) (unlock func(), err error) {
	vhost := c.vhostOf(k)
	c.mu.Lock()
	global := c.globals[k.MessageType]
	if global == nil {
		global = semaphore.NewWeighted(lockWeight)
		c.globals[k.MessageType] = global
	}
	var scoped *semaphore.Weighted
	if vhost != "" {
		name := vhost + "|" + k.MessageType
		if scoped = c.scoped[name]; scoped == nil {
			scoped = semaphore.NewWeighted(lockWeight)
			c.scoped[name] = scoped
		}
	}
	c.mu.Unlock()

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

// plan registers a configuration that this instance plans to manage, and
// reports false when another resource of the same run already declared it.
func (c *coordinator) plan(k callbackKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.planned[k] {
		return false
	}
	c.planned[k] = true
	return true
}

// planDestroy registers an ID whose destroy this instance plans.
func (c *coordinator) planDestroy(k callbackKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.destroyPlanned[k] = true
}

// destroysPlannedNear returns the IDs whose destroy this instance has
// planned and that a delete of k without an app could reach: those of k's
// message type, under k's vhost or a domain, for a vhost; all of them, for
// a domain, whose vhost a plan may not know.
func (c *coordinator) destroysPlannedNear(k callbackKey) []callbackKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []callbackKey
	for p := range c.destroyPlanned {
		if p == k || p.MessageType != k.MessageType {
			continue
		}
		if k.Domain == "" && p.Domain == "" && p.Vhost != k.Vhost {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b callbackKey) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// expectDeletes records IDs whose own deletes this run holds, once a wide
// delete may take their configurations along.
func (c *coordinator) expectDeletes(keys []callbackKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		c.expected[k] = true
	}
}

// deleteExpected reports whether k's own delete is still to run: a create
// of k must not go first, or that delete would remove what it wrote.
func (c *coordinator) deleteExpected(k callbackKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.expected[k]
}

// wroteMatching reports whether this instance wrote the record it, read
// under vhost, in this run.
func (c *coordinator) wroteMatching(it liveapi.Callback, vhost string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for rec := range c.written {
		if rec.MessageType != it.MessageType {
			continue
		}
		k := callbackKey{Scope: liveapi.Scope{Vhost: rec.Vhost, Domain: rec.Domain}, App: rec.App, MessageType: rec.MessageType}
		domainVhost := vhost
		if k.Domain != "" {
			domainVhost = c.domainVhosts[k.Domain]
		}
		if k.matches(it, domainVhost) {
			return true
		}
	}
	return false
}

// beginCreate reserves k for one create of this instance.
func (c *coordinator) beginCreate(k callbackKey) (done func(), ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.creating[k] {
		return nil, false
	}
	c.creating[k] = true
	return func() {
		c.mu.Lock()
		delete(c.creating, k)
		c.mu.Unlock()
	}, true
}

// beginDelete registers a delete of k until done runs, so that a wide
// delete does not restore what this instance is deleting anyway.
func (c *coordinator) beginDelete(k callbackKey) (done func()) {
	c.mu.Lock()
	c.deleting[k]++
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		if c.deleting[k]--; c.deleting[k] == 0 {
			delete(c.deleting, k)
		}
		delete(c.expected, k)
		c.notify()
		c.mu.Unlock()
	}
}

// beingDeleted reports whether this instance is deleting the record it,
// read under vhost: by its own ID, or, for a vhost's app-less record in
// answers that carry no domain, by the ID of any domain of that vhost.
func (c *coordinator) beingDeleted(it liveapi.Callback) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.deleting {
		if k.MessageType != it.MessageType {
			continue
		}
		if k.matches(it, c.domainVhosts[k.Domain]) {
			return true
		}
	}
	return false
}

// wrote remembers a configuration this instance wrote, and shows it in the
// scope views that hold its key.
func (c *coordinator) wrote(k callbackKey, cb liveapi.Callback) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rec := recordKey{Vhost: k.Vhost, Domain: k.Domain, App: k.App, MessageType: k.MessageType}
	c.written[rec] = cb.Clone()
	if v := c.views[k.Scope]; v != nil && v.loaded() {
		v.put(k, cb)
	}
	c.notify()
}

// deleted forgets a configuration this instance deleted.
func (c *coordinator) deleted(k callbackKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.written, recordKey{Vhost: k.Vhost, Domain: k.Domain, App: k.App, MessageType: k.MessageType})
	for _, v := range c.views {
		if v.loaded() {
			v.remove(k, c.domainVhosts[k.Domain])
		}
	}
	c.notify()
}

// writtenUnder returns the configurations this instance wrote under vhost
// (its app records, its app-less record and its domains' records) with
// message type mt.
func (c *coordinator) writtenUnder(vhost, mt string) []liveapi.Callback {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []liveapi.Callback
	for rec, cb := range c.written {
		if rec.MessageType != mt {
			continue
		}
		if rec.Vhost == vhost || (rec.Domain != "" && c.domainVhosts[rec.Domain] == vhost) {
			out = append(out, cb.Clone())
		}
	}
	return out
}

// scopeView is what this instance knows of one scope's configurations: one
// DescribeCallback, then its own writes and deletes. It answers "does this
// configuration exist?" for creates and "is there anything left for this
// run to delete?" for waiting wide deletes, without a call per resource.
// Safety never rests on it: deletes that reach further read afresh.
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

// view returns the configurations of scope s as this instance knows them,
// reading the scope once.
func (c *coordinator) view(ctx context.Context, s liveapi.Scope) ([]liveapi.Callback, error) {
	c.mu.Lock()
	v := c.views[s]
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
		c.views[s] = v
	}
	c.mu.Unlock()

	if owner {
		items, err := c.client.ListScope(ctx, s)
		c.learn(s, items)
		c.mu.Lock()
		v.items, v.err = items, err
		close(v.ready)
		if err != nil && c.views[s] == v {
			delete(c.views, s)
		}
		c.mu.Unlock()
	}
	select {
	case <-v.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v.err != nil {
		return nil, v.err
	}
	return cloneAll(v.items), nil
}

func cloneAll(items []liveapi.Callback) []liveapi.Callback {
	out := make([]liveapi.Callback, len(items))
	for i, it := range items {
		out[i] = it.Clone()
	}
	return out
}

// awaitDeletes holds an operation back while pending reports records that
// this run may still delete on its own: a wide delete, so that it neither
// removes nor restores them; a create of a configuration that a renamed
// resource is deleting. It stops waiting when nothing is pending, when half
// of ctx's time is spent, or when the instance's other work has stalled for
// the quiet period. A stall with fewer waiters than the most operations seen at
// once means Terraform has nothing else to start: every waiter goes. A
// stall with every slot held by a waiter lets one go, fewest pending
// records first, and the next stall decides again.
func (c *coordinator) awaitDeletes(ctx context.Context, deleting bool, pending func() int) {
	c.await(ctx, deleting, minQuiet, pending)
}

// awaitPlans holds a plan back until the instance has planned everything
// else Terraform had to plan, by the same rules as awaitDeletes.
func (c *coordinator) awaitPlans(ctx context.Context) {
	c.await(ctx, true, planQuiet, func() int { return 1 })
}

func (c *coordinator) await(ctx context.Context, deleting bool, least time.Duration, pending func() int) {
	giveUp := time.Now().Add(time.Hour)
	if deadline, ok := ctx.Deadline(); ok {
		giveUp = time.Now().Add(time.Until(deadline) / 2)
	}
	c.mu.Lock()
	c.seq++
	w := &waiter{seq: c.seq, pending: -1, create: !deleting}
	c.waiters[w] = true
	c.notify()
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiters, w)
		c.notify()
		c.mu.Unlock()
	}()
	for {
		n := pending()
		if n == 0 || !time.Now().Before(giveUp) {
			return
		}
		c.mu.Lock()
		w.pending = n
		quiet, period := time.Since(c.lastActivity), c.quietPeriod(least)
		stalled := c.working <= len(c.waiters) && quiet >= period
		if stalled && len(c.waiters) < c.maxWorking {
			c.draining = true
		}
		if c.draining || (stalled && c.first(w)) {
			// From here it is work, not a waiter: the others see no stall
			// until it ends, unless the run is draining. What starts next may
			// have waited for it, which says nothing of Terraform's pace.
			delete(c.waiters, w)
			c.lastEnded = false
			c.notify()
			c.mu.Unlock()
			return
		}
		changed := c.changed
		c.mu.Unlock()
		timer := time.NewTimer(max(period-quiet, least/4))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-changed:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// waiter is one operation in awaitDeletes. Deletes go before creates: a
// delete may be what a create waits for, never the other way round.
type waiter struct {
	seq     uint64
	pending int // -1 until known
	create  bool
}

// first reports whether w goes before every other waiter whose count is
// known: deletes first, then fewest pending records, then the earliest.
// c.mu must be held.
func (c *coordinator) first(w *waiter) bool {
	for o := range c.waiters {
		if o == w {
			continue
		}
		if o.create != w.create {
			if w.create {
				return false
			}
			continue
		}
		if o.pending < 0 {
			continue
		}
		if o.pending < w.pending || (o.pending == w.pending && o.seq < w.seq) {
			return false
		}
	}
	return true
}
