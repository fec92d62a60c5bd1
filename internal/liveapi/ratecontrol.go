package liveapi

// This file holds the adaptive rate of one account: it paces requests and
// learns, from the gateway's throttling, how fast the account lets this
// process go, for all actions together and for each action alone.

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// The rule that learns the rate is additive increase, multiplicative
// decrease (AIMD), the rule TCP uses to share a link: every process on the
// account lowers its rate by the same factor when throttled and raises it
// by the same step while not, so processes that start unequal move towards
// equal shares, and together they keep the account near its limit.
const (
	// throttleDecrease is the factor a rate is multiplied by when the
	// gateway throttles. It assumes a throttled request costs little (the
	// gateway counts accepted requests only), so the rate may hover just
	// under the limit. Lower, processes reach equal shares sooner but leave
	// the account idle longer after each throttle; higher, they throttle
	// each other more often.
	throttleDecrease = 0.9

	// recoveryShare is the additive increase just after throttling, as a
	// share per second of the rate at which the throttling began: the
	// rate climbs back to where the gateway refused it in about
	// (1-throttleDecrease)/recoveryShare seconds. It assumes the limit
	// stays where it was found; when the limit has risen (another process
	// finished), probing takes over after probeAfter.
	recoveryShare = 0.03

	// probeAfter is how long a rate must go without throttling before it
	// probes for more room at probeShare of the ceiling per second. It
	// assumes that on a busy account throttling comes back sooner; when
	// it is too short, rates overshoot the limit and are throttled more
	// often, when too long, a process left alone on the account takes
	// longer to use it all.
	probeAfter = 5 * time.Second
	probeShare = 0.1

	// minRate is the lowest rate a lane falls to, in requests per second,
	// so that no process stops asking (and starves) however many share
	// the account. Below it throttled calls keep waiting, which is
	// backpressure, not failure.
	minRate = 0.05

	// decreaseHold is the least time between two decreases of a lane.
	// It assumes the gateway's refusals come in bursts of up to a second
	// (a window's end, a bucket run dry) that say once, not many times,
	// that the rate is too high. Shorter, one burst would drive the rate
	// far below the limit; longer, a process slows down late when many
	// start at once.
	decreaseHold = time.Second

	// retryFraction is how much of an interval a lane waits after a
	// refused request before the next one. It assumes a refused request
	// cost the gateway nothing (true of token buckets and of counters of
	// accepted requests), so the limit's room comes back within one
	// interval of the refusal; a smaller fraction finds it sooner at the
	// cost of more refusals.
	retryFraction = 0.25

	// maxGrowthStep caps the time one success counts for when a rate
	// grows: a lane idle for a minute has learned nothing in that minute.
	maxGrowthStep = time.Second

	// separateWindow is how recent another action's success must be for
	// a throttled action to be judged limited on its own (the gateway
	// admitted the other action while refusing this one). It assumes the
	// account-wide limit refuses every action alike; when a success of
	// another action in that window came by chance, the throttled action
	// learns a rate of its own, which also converges, only per action.
	separateWindow = time.Second
)

// lane paces one stream of requests: the whole account, or one action.
type lane struct {
	rate float64 // requests per second
	// lastSent is when the latest request counted against the lane was
	// sent.
	lastSent time.Time
	// peak is the rate at which the lane was last throttled.
	peak float64
	// lastDecrease and lastGrowth are when the rate last changed.
	lastDecrease, lastGrowth time.Time
}

// next is the earliest time the lane lets the next request go.
func (l *lane) next() time.Time {
	if l.lastSent.IsZero() {
		return time.Time{}
	}
	return l.lastSent.Add(time.Duration(float64(time.Second) / l.rate))
}

func (l *lane) send(now time.Time) {
	l.lastSent = now
}

// refused moves the lane's next slot to retryFraction of an interval after
// a refused request was answered, when that request is still the lane's
// latest: the gateway spent none of the account's limit on it, and will
// have room again within an interval. Waiting a whole interval would leave
// that room unused.
func (l *lane) refused(sent, now time.Time) {
	if l.lastSent.Equal(sent) {
		l.lastSent = now.Add(-time.Duration((1 - retryFraction) * float64(time.Second) / l.rate))
	}
}

// decrease lowers the lane's rate from current (its effective rate, which
// another lane may hold lower) unless the request was sent before the last
// decrease: that request met the old rate, to which the lane has already
// answered.
func (l *lane) decrease(current float64, sent, now time.Time) {
	if !l.lastDecrease.IsZero() && (sent.Before(l.lastDecrease) || now.Sub(l.lastDecrease) < decreaseHold) {
		return
	}
	l.peak = current
	l.rate = max(minRate, current*throttleDecrease)
	l.lastDecrease, l.lastGrowth = now, now
}

// grow raises the lane's rate for the time since it last grew, up to
// ceiling.
func (l *lane) grow(ceiling float64, now time.Time) {
	step := now.Sub(l.lastGrowth)
	l.lastGrowth = now
	if l.rate >= ceiling || step <= 0 {
		l.rate = min(l.rate, ceiling)
		return
	}
	step = min(step, maxGrowthStep)
	perSecond := probeShare * ceiling
	if !l.lastDecrease.IsZero() && now.Sub(l.lastDecrease) < probeAfter {
		perSecond = recoveryShare * l.peak
	}
	l.rate = min(ceiling, l.rate+perSecond*step.Seconds())
}

// rateControl is the adaptive rate of one account (an endpoint and access
// key) in this process, shared by every Client that reaches it. A request
// waits for a slot in the account's lane and in its action's lane; each
// lane starts at the ceiling, the configured requests_per_second. A
// throttled answer lowers the account's lane, or only the action's lane
// when the gateway admitted other actions meanwhile (an action limited on
// its own, such as UpdateCallback at 1 request per second); answers that
// are not throttled raise the lanes they passed through.
//
// Its methods that decide take the time as an argument, so that tests run
// it on a clock of their own; Wait is the one that sleeps.
type rateControl struct {
	now func() time.Time

	mu      sync.Mutex
	ceiling float64
	account lane
	actions map[string]*lane
	success map[string]time.Time // latest success per action
	changed chan struct{}        // closed when a slot may have come sooner
}

func newRateControl(ceiling float64, now func() time.Time) *rateControl {
	if now == nil {
		now = time.Now
	}
	return &rateControl{
		now:     now,
		ceiling: ceiling,
		account: lane{rate: ceiling, peak: ceiling},
		actions: map[string]*lane{},
		success: map[string]time.Time{},
		changed: make(chan struct{}),
	}
}

// lowerCeiling applies a lower requests_per_second: the lowest any Client
// of the account asked for holds for all of them.
func (r *rateControl) lowerCeiling(ceiling float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ceiling >= r.ceiling {
		return
	}
	r.ceiling = ceiling
	r.account.rate = min(r.account.rate, ceiling)
	for _, l := range r.actions {
		l.rate = min(l.rate, ceiling)
	}
}

func (r *rateControl) lane(action string) *lane {
	l, ok := r.actions[action]
	if !ok {
		l = &lane{rate: r.ceiling, peak: r.ceiling}
		r.actions[action] = l
	}
	return l
}

// Take claims a slot for one request of action at now, or answers how long
// until the earliest slot (another caller may claim it first).
func (r *rateControl) Take(action string, now time.Time) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lane(action)
	at := r.account.next()
	if n := l.next(); n.After(at) {
		at = n
	}
	if at.After(now) {
		return at.Sub(now)
	}
	r.account.send(now)
	l.send(now)
	return 0
}

// Throttled records that the request of action sent at sent was throttled,
// answered at now.
func (r *rateControl) Throttled(action string, sent, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lane(action)
	if r.othersAdmitted(action, now) {
		l.decrease(min(l.rate, r.account.rate), sent, now)
	} else {
		r.account.decrease(r.account.rate, sent, now)
	}
	l.refused(sent, now)
	r.account.refused(sent, now)
	r.wake()
}

// wake tells the callers waiting in Wait that a slot may have come sooner.
func (r *rateControl) wake() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// othersAdmitted reports a success of another action within separateWindow.
func (r *rateControl) othersAdmitted(action string, now time.Time) bool {
	for other, at := range r.success {
		if other != action && now.Sub(at) <= separateWindow {
			return true
		}
	}
	return false
}

// Succeeded records an answer to action, at now, that was not throttled:
// the account and the action let it through.
func (r *rateControl) Succeeded(action string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.success[action] = now
	before := r.account.rate
	r.account.grow(r.ceiling, now)
	l := r.lane(action)
	lb := l.rate
	l.grow(r.ceiling, now)
	if r.account.rate > before || l.rate > lb {
		r.wake()
	}
}

// Ceiling answers the ceiling in force, in requests per second.
func (r *rateControl) Ceiling() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ceiling
}

// Rates answers the account's rate and action's, in requests per second.
func (r *rateControl) Rates(action string) (account, own float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.account.rate, r.lane(action).rate
}

// errRateWait is the rate's wait ending past the caller's deadline.
var errRateWait = fmt.Errorf("the client-side rate would delay the request past the deadline: %w", context.DeadlineExceeded)

// Wait blocks until a slot for action is claimed and answers when. It fails
// at once when even the earliest slot lies past ctx's deadline.
func (r *rateControl) Wait(ctx context.Context, action string) (time.Time, error) {
	for {
		now := r.now()
		d := r.Take(action, now)
		if d == 0 {
			return now, nil
		}
		if deadline, ok := ctx.Deadline(); ok && now.Add(d).After(deadline) {
			return time.Time{}, errRateWait
		}
		r.mu.Lock()
		changed := r.changed
		r.mu.Unlock()
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return time.Time{}, ctx.Err()
		case <-changed:
			timer.Stop()
		case <-timer.C:
		}
	}
}
