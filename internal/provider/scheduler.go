// The scheduler: how long an operation that depends on others of the same
// run waits for them, and the named rules that decide it.

package provider

import (
	"context"
	"sync"
	"time"
)

// scheduler decides how long an operation that depends on another
// operation of the same run waits for it, from what it sees of the
// operations the provider instance serves.
//
// Terraform tells a provider nothing of what it will start next. What the
// scheduler sees is its picture of the run (runPicture): how many of the
// instance's operations are at work, how many of those wait, and how long
// Terraform takes to start the next operation once one ends. A waiter waits
// until what it waits for has happened, or until the picture says that
// Terraform will start nothing more while it waits. The rules that make
// that guess are named below, each with what it assumes about Terraform,
// what a wrong guess costs and the test that shows it.
type scheduler struct {
	mu           sync.Mutex
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

// The waiting rules. A wrong guess never deletes or overwrites what it
// should not: deletes without an app read afresh and write back what they
// removed, and creates check again under the lock. It costs an extra
// write-back, a refusal that asks for another apply, or a delay.
const (
	// minQuiet is the least quiet period of a wait in an apply (the floor
	// of the adaptive quiet period). It assumes that Terraform starts the
	// next operation within minQuiet of a slot freeing, even before it has
	// measured its pace. When Terraform is slower, a waiter goes too soon:
	// a delete without an app then writes back a configuration that the
	// run deletes a moment later (an extra write-back), and a create whose
	// old configuration is still to be deleted under another address is
	// refused ("Live callback not created yet"). Shown by
	// TestSchedulerQuietPeriodFollowsTerraformsPace; the wait it bounds, by
	// TestProtocolDestroyPlanRenameWaitsForOldDelete.
	minQuiet = 300 * time.Millisecond

	// planQuiet is the least quiet period of a destroy plan's wait
	// (awaitPlans). It assumes that plans make no API calls, so that
	// Terraform starts the next one within milliseconds. When it does not,
	// a delete without an app knows less of what the plan destroys: it
	// waits for those deletes at apply or writes back what they would have
	// removed (an extra write-back). Shown by
	// TestProtocolDestroyPlanTakesPlannedAlong.
	planQuiet = 100 * time.Millisecond

	// gapFactor and gapWindow make the quiet period adaptive: gapFactor
	// times the longest of the last gapWindow gaps seen between an
	// operation's end and the next start, within [least, maxQuiet]. They
	// assume that Terraform's pace in a run changes slowly (a large state,
	// a busy machine make every gap longer), so that four times the
	// longest recent gap covers the next. When a gap is longer, the costs
	// are minQuiet's. Shown by TestSchedulerQuietPeriodFollowsTerraformsPace
	// and TestSchedulerMeasuresGapsBetweenEndAndStart.
	gapFactor = 4
	gapWindow = 64

	// maxQuiet caps the quiet period. It assumes that no gap Terraform
	// leaves between two operations of a run lasts a quarter of it. When
	// one does, the costs are minQuiet's; without the cap, one slow start
	// would make every later wait of the run as slow. Shown by
	// TestSchedulerQuietPeriodFollowsTerraformsPace.
	maxQuiet = 10 * time.Second

	// giveUpShare is the share of its operation's time left after which a
	// waiter stops waiting whatever the picture says: it assumes that the
	// operation needs the rest to do its own work. When the wait is cut
	// short this way, the costs are minQuiet's. Shown by
	// TestSchedulerGivesUpAtHalfTheTimeout.
	giveUpShare = 2

	// recheckEvery is the least time between two looks of a waiter at the
	// picture, as a share of the quiet period's floor: every change wakes
	// waiters, so this only bounds how late a stall is noticed.
	recheckEvery = 4
)

// runPicture is what the scheduler sees of the run at one moment: the
// operations at work (every per-resource call the instance serves, waiters
// included), the waiters, the most operations ever at work at once, and
// how long nothing has started or ended against the quiet period.
type runPicture struct {
	working, waiters, maxWorking int
	quiet, period                time.Duration
}

// stalled is the stall rule: the run has stalled when every operation at
// work is a waiter and nothing has started or ended for the quiet period.
//
// It assumes that Terraform starts an operation for each free slot within
// the quiet period, and that an operation the provider serves is an
// operation of this run: resource calls, plans, data source reads, list
// reads and validation all count (countingServer). It cannot see what
// Terraform does elsewhere: another provider's operation, or Terraform's own
// work between two of ours (expanding a large module, evaluating
// expressions). When those take longer than the quiet period, a waiter goes
// too soon, with minQuiet's costs. A waiter in Terraform's only free slot
// (always, at -parallelism=1) goes with what it waits for undone, since
// Terraform cannot start that until it returns: where that decides a run's
// outcome, doc.go names the configurations that avoid it, and
// TestWalkOrderConfigurations in internal/randomized applies them. Shown by
// TestDeleteWideWaitsForTheRunsOwnDeletes and
// TestSchedulerCountsEveryOperation.
func (p runPicture) stalled() bool {
	return p.working <= p.waiters && p.quiet >= p.period
}

// draining is the drain rule: a stall with fewer waiters than the most
// operations ever at work at once means some slots are free and Terraform
// has nothing left to start in them, so the run is at its end and every
// waiter goes at once. A stall with every slot held by a waiter lets one
// waiter go (scheduler.first), and the next stall decides again.
//
// It assumes that the most operations seen at once is Terraform's
// parallelism, so that fewer waiters than that leave a slot Terraform would
// have filled had it anything ready. In a run that never fills its
// parallelism (a small run, a narrow graph), as many waiters as the most
// seen are taken for every slot held: they go one a stall rather than all
// at once (a delay). A stall with free slots that comes from Terraform's
// slowness rather than an empty queue lets every waiter go too soon, with
// minQuiet's costs. Shown by TestSchedulerDrainsAtTheRunsEnd.
func (p runPicture) draining() bool {
	return p.stalled() && p.waiters < p.maxWorking
}

// waiter is one operation in await. Deletes go before creates: a delete
// may be what a create waits for, never the other way round.
type waiter struct {
	seq     uint64
	pending int // -1 until known
	create  bool
}

func newScheduler() *scheduler {
	return &scheduler{waiters: map[*waiter]bool{}, changed: make(chan struct{})}
}

// notify wakes every waiter: something they may be counting on changed.
func (s *scheduler) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notifyLocked()
}

func (s *scheduler) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// watch returns the number of waiters now and a channel closed at the
// next change of the scheduler or of what waiters count on: tests follow
// a run through it.
func (s *scheduler) watch() (waiters int, changed <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiters), s.changed
}

// begin counts an operation of the instance until the returned func runs.
func (s *scheduler) begin() (end func()) {
	s.mu.Lock()
	now := time.Now()
	if s.lastEnded {
		s.gaps[s.gapCount%gapWindow] = now.Sub(s.lastActivity)
		s.gapCount++
	}
	s.lastEnded = false
	s.working++
	s.maxWorking = max(s.maxWorking, s.working)
	// Something new arrived: the run is not at its end.
	s.draining = false
	s.lastActivity = now
	s.notifyLocked()
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.working--
		// Terraform starts the next operation in the freed slot right away:
		// quiet is measured from here too.
		s.lastActivity = time.Now()
		s.lastEnded = true
		s.notifyLocked()
		s.mu.Unlock()
	}
}

// quietPeriod is how long a stall must last before waiters stop waiting;
// s.mu must be held.
func (s *scheduler) quietPeriod(least time.Duration) time.Duration {
	longest := time.Duration(0)
	for _, g := range s.gaps[:min(s.gapCount, gapWindow)] {
		longest = max(longest, g)
	}
	return min(max(gapFactor*longest, least), maxQuiet)
}

// awaitDeletes holds an operation back while pending reports records that
// this run may still delete on its own: a delete without an app, so that
// it neither removes nor restores them; a create of a configuration that a
// resource renamed without a moved block is deleting. It stops waiting when
// nothing is pending, when ctx ends, after giveUpShare of ctx's time, or
// when the picture's rules say so (stalled, draining).
func (s *scheduler) awaitDeletes(ctx context.Context, deleting bool, pending func() int) {
	s.await(ctx, deleting, minQuiet, pending)
}

// awaitPlans holds a plan back until the instance has planned everything
// else Terraform had to plan, by the same rules as awaitDeletes.
func (s *scheduler) awaitPlans(ctx context.Context) {
	s.await(ctx, true, planQuiet, func() int { return 1 })
}

func (s *scheduler) await(ctx context.Context, deleting bool, least time.Duration, pending func() int) {
	giveUp := time.Now().Add(time.Hour)
	if deadline, ok := ctx.Deadline(); ok {
		giveUp = time.Now().Add(time.Until(deadline) / giveUpShare)
	}
	s.mu.Lock()
	s.seq++
	w := &waiter{seq: s.seq, pending: -1, create: !deleting}
	s.waiters[w] = true
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.waiters, w)
		s.notifyLocked()
		s.mu.Unlock()
	}()
	for {
		n := pending()
		if n == 0 || !time.Now().Before(giveUp) {
			return
		}
		s.mu.Lock()
		w.pending = n
		p := runPicture{working: s.working, waiters: len(s.waiters), maxWorking: s.maxWorking,
			quiet: time.Since(s.lastActivity), period: s.quietPeriod(least)}
		if p.draining() {
			s.draining = true
		}
		if s.draining || (p.stalled() && s.first(w)) {
			// From here it is work, not a waiter: the others see no stall
			// until it ends, unless the run is draining. What starts next may
			// have waited for it, which says nothing of Terraform's pace.
			delete(s.waiters, w)
			s.lastEnded = false
			s.notifyLocked()
			s.mu.Unlock()
			return
		}
		changed := s.changed
		s.mu.Unlock()
		timer := time.NewTimer(max(p.period-p.quiet, least/recheckEvery))
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

// first reports whether w goes before every other waiter whose count is
// known: deletes first, then fewest pending records, then the earliest.
// s.mu must be held.
func (s *scheduler) first(w *waiter) bool {
	for o := range s.waiters {
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
