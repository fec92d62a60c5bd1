package liveapi

// This file holds the adaptive rate of one account: it paces requests and
// learns, from the gateway's throttling, how fast the account lets this
// process go, for all actions together and for each action alone.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// The rule that learns the rate is additive increase, multiplicative
// decrease (AIMD), the rule TCP uses to share a link: every process on the
// account lowers its rate by the same factor when throttled and raises it
// by the same step while not (smaller only far below the ceiling), so
// processes that start unequal move towards equal shares, and together
// they keep the account near its limit. As in
// TCP Westwood, a decrease also looks at the rate at which the gateway
// accepted the latest requests, and falls to that rate at once (down to
// deliveryCutFloor of its rate) when it is lower: a process that starts
// among many finds its share in seconds rather than in dozens of small
// steps.
const (
	// throttleDecrease is the factor a rate is multiplied by when the
	// gateway throttles. It assumes a throttled request costs little (the
	// gateway counts accepted requests only), so the rate may hover just
	// under the limit. Lower, processes reach equal shares sooner but leave
	// the account idle longer after each throttle; higher, they throttle
	// each other more often.
	throttleDecrease = 0.9

	// recoveryShare is the additive increase just after throttling, as a
	// share per second of the ceiling. It assumes the limit stays
	// where it was found, so the rate comes back to it slowly and dwells
	// near it; when the limit has risen (another process finished),
	// probing takes over after probeAfter. Higher, processes throttle each
	// other more often; lower, they leave the account idle longer.
	recoveryShare = 0.03

	// recoveryRelative caps that step at this share of the lane's own rate
	// per second. It assumes a lane far below the ceiling has found a
	// limit that allows no burst (an action's 1 request per second), where
	// a step that is large against the rate overshoots it at once and each
	// overshoot costs a refused request's interval.
	recoveryRelative = 0.05

	// probeAfter is how long a rate must go without throttling before it
	// probes for more room at probeShare of the ceiling per second, or
	// probeRelative of its own rate when that is more, so that a process
	// left alone after a crowd, its rate far down, has the account again
	// within seconds. It assumes that on a busy account throttling comes
	// back sooner; when it is too short, rates overshoot the limit and
	// are throttled more often, when too long, a process left alone on
	// the account takes longer to use it all.
	probeAfter    = 2 * time.Second
	probeShare    = 0.1
	probeRelative = 0.5

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

	// pacingJitter spreads each interval of the account's lane at the
	// ceiling uniformly over this share either side of 1/rate, the mean
	// rate unchanged. It assumes that a process paced at exactly the gateway's
	// refill rate (a ceiling equal to the account's limit) would take
	// every token as it comes and starve the processes that start after
	// it, which then never throttle it; with the spread, its early
	// requests meet an empty bucket and it yields its share. Alone on an
	// account whose gateway allows a burst it loses nothing; a wider
	// spread would be refused more often where a limit allows no burst.
	// Below the ceiling rates are learned and lock to no gateway's clock.
	pacingJitter = 0.2

	// retryFraction is how much of an interval a lane waits after a
	// refused request before the next one. It assumes a refused request
	// cost the gateway nothing (true of token buckets and of counters of
	// accepted requests), so the limit's room comes back within one
	// interval of the refusal; a smaller fraction finds it sooner at the
	// cost of more refusals.
	retryFraction = 0.25

	// deliverySamples is how many of the latest accepted requests a
	// decrease measures the granted rate from, by their spacing, and
	// deliveryMaxAge how old they may be. It assumes the gateway's grant
	// changes over seconds; fewer samples measure too coarsely, older
	// ones lag the other processes.
	deliverySamples = 5
	deliveryMaxAge  = 5 * time.Second

	// deliveryCutFloor is the most one decrease takes off: a share of the
	// rate kept however little the gateway granted lately. It assumes the
	// lane asked for its whole rate over the measured window; when it
	// asked for less, the grant underestimates the room, and a deeper cut
	// would leave the account idle.
	deliveryCutFloor = 0.7

	// timerSlack is how late after its slot a request may start and
	// still be counted at its slot. It assumes timers and the scheduler
	// wake a waiting call within a few milliseconds; later than this, the
	// call counts from when it came, and the rate in force is kept at the
	// cost of the time lost.
	timerSlack = 20 * time.Millisecond

	// maxGrowthStep caps the time one success counts for when a rate
	// grows: a lane idle for a minute has learned nothing in that minute.
	maxGrowthStep = time.Second

	// separateWindow is how recent another action's success must be for
	// a throttled action to be judged limited on its own (the gateway
	// admitted the other action while refusing this one), and
	// sharedEvidence how long no other action may have been throttled.
	// They assume the account-wide limit refuses every action alike; when
	// they judge wrongly, the throttled action learns a rate of its own,
	// which converges the same way, only per action.
	separateWindow = time.Second
	sharedEvidence = 5 * time.Second
)

// lane paces one stream of requests: the whole account, or one action.
type lane struct {
	rate float64 // requests per second
	// lastSent is when the latest request counted against the lane was
	// sent; spread the factor (near 1) on its interval to the next.
	lastSent time.Time
	spread   float64
	// lastDecrease and lastGrowth are when the rate last changed.
	lastDecrease, lastGrowth time.Time
	// accepted are the times of the latest answers the gateway let
	// through, oldest first, at most deliverySamples.
	accepted []time.Time
}

// accept records an answer the gateway let through.
func (l *lane) accept(now time.Time) {
	if len(l.accepted) == deliverySamples {
		l.accepted = append(l.accepted[:0], l.accepted[1:]...)
	}
	l.accepted = append(l.accepted, now)
}

// delivered is the rate at which the gateway let the lane's requests
// through lately, from the spacing of those it accepted; ok is false with
// fewer than two recent ones to measure.
func (l *lane) delivered(now time.Time) (rate float64, ok bool) {
	i := 0
	for i < len(l.accepted) && now.Sub(l.accepted[i]) > deliveryMaxAge {
		i++
	}
	recent := l.accepted[i:]
	if len(recent) < 2 {
		return 0, false
	}
	span := recent[len(recent)-1].Sub(recent[0]).Seconds()
	if span <= 0 {
		return 0, false
	}
	return float64(len(recent)-1) / span, true
}

// next is the earliest time the lane lets the next request go: an
// interval of 1/rate, spread by the jitter.
func (l *lane) next() time.Time {
	if l.lastSent.IsZero() {
		return time.Time{}
	}
	return l.lastSent.Add(time.Duration(l.spread / l.rate * float64(time.Second)))
}

func (l *lane) send(now time.Time, spread float64) {
	l.lastSent, l.spread = now, spread
}

// refused moves the lane's next slot to retryFraction of an interval after
// a refused request was answered, when that request is still the lane's
// latest: the gateway spent none of the account's limit on it, and will
// have room again within an interval. Waiting a whole interval would leave
// that room unused.
func (l *lane) refused(sent, now time.Time) {
	if l.lastSent.Equal(sent) {
		l.lastSent, l.spread = now.Add(-time.Duration((1-retryFraction)*float64(time.Second)/l.rate)), 1
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
	target := current * throttleDecrease
	if granted, ok := l.delivered(now); ok && granted < target {
		target = max(granted, current*deliveryCutFloor)
	}
	l.rate = max(minRate, target)
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
	perSecond := max(probeShare*ceiling, probeRelative*l.rate)
	if !l.lastDecrease.IsZero() && now.Sub(l.lastDecrease) < probeAfter {
		perSecond = min(recoveryShare*ceiling, recoveryRelative*l.rate)
	}
	l.rate = min(ceiling, l.rate+perSecond*step.Seconds())
}

// rateControl is the adaptive rate of one account (an endpoint and access
// key) in this process, shared by every Client that reaches it. A request
// waits for a slot in the account's lane and in its action's lane; each
// lane starts at the ceiling, the configured requests_per_second. A
// throttled answer lowers the account's lane, or only the action's lane
// when the gateway admitted other actions meanwhile and throttled none of
// them (an action limited on its own, such as UpdateCallback at 1 request
// per second); answers that are not throttled raise the lanes they passed
// through.
//
// Its methods that decide take the time as an argument, so that tests run
// it on a clock of their own; Wait is the one that sleeps.
type rateControl struct {
	now func() time.Time

	// rand draws the pacing jitter; tests seed it.
	rand *rand.Rand

	mu        sync.Mutex
	ceiling   float64
	account   lane
	actions   map[string]*lane
	success   map[string]time.Time // latest success per action
	throttled map[string]time.Time // latest throttled answer per action
	changed   chan struct{}        // closed when a slot may have come sooner
}

func newRateControl(ceiling float64, now func() time.Time, rng *rand.Rand) *rateControl {
	if now == nil {
		now = time.Now
	}
	if rng == nil {
		rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &rateControl{
		now:       now,
		rand:      rng,
		ceiling:   ceiling,
		account:   lane{rate: ceiling},
		actions:   map[string]*lane{},
		success:   map[string]time.Time{},
		throttled: map[string]time.Time{},
		changed:   make(chan struct{}),
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
		l = &lane{rate: r.ceiling}
		r.actions[action] = l
	}
	return l
}

// Take claims a slot for one request of action at now, or answers how long
// until the earliest slot (another caller may claim it first).
func (r *rateControl) Take(action string, now time.Time) time.Duration {
	wait, _ := r.take(action, now)
	return wait
}

// take is Take that also answers the slot claimed. A caller that comes a
// little after its slot (a timer's or the scheduler's lateness) is counted
// at the slot, within timerSlack, so that lateness does not add up over
// many requests into a lower rate than the one in force.
func (r *rateControl) take(action string, now time.Time) (time.Duration, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lane(action)
	at := r.account.next()
	if n := l.next(); n.After(at) {
		at = n
	}
	if at.After(now) {
		return at.Sub(now), time.Time{}
	}
	slot := now
	if !at.IsZero() && now.Sub(at) <= timerSlack {
		slot = at
	}
	spread := r.spread()
	r.account.send(slot, spread)
	if l.rate < r.ceiling {
		spread = 1
	}
	l.send(slot, spread)
	return 0, slot
}

// spread draws the jitter of the next interval: none below the ceiling,
// where rates are learned and lock to no gateway's clock. An action's lane
// at the ceiling takes the account's draw: with a draw of its own, or
// none, the later of the two slots would lengthen the mean interval.
func (r *rateControl) spread() float64 {
	if r.account.rate < r.ceiling {
		return 1
	}
	return 1 + pacingJitter*(2*r.rand.Float64()-1)
}

// Throttled records that the request of action sent at sent was throttled,
// answered at now.
func (r *rateControl) Throttled(action string, sent, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lane(action)
	separate := r.limitedAlone(action, now)
	r.throttled[action] = now
	if separate {
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

// limitedAlone judges whether action is limited on its own: another
// action was let through within separateWindow, and none was throttled
// within sharedEvidence.
func (r *rateControl) limitedAlone(action string, now time.Time) bool {
	admitted := false
	for other, at := range r.success {
		admitted = admitted || other != action && now.Sub(at) <= separateWindow
	}
	for other, at := range r.throttled {
		if other != action && now.Sub(at) <= sharedEvidence {
			return false
		}
	}
	return admitted
}

// Succeeded records an answer to action, at now, that was not throttled:
// the account and the action let it through.
func (r *rateControl) Succeeded(action string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.success[action] = now
	r.account.accept(now)
	r.lane(action).accept(now)
	// Every process on the account climbs by the same step, a share of
	// the ceiling, which is what makes their shares converge.
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
		d, slot := r.take(action, now)
		if d == 0 {
			return slot, nil
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
