package liveapi

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// epoch is the start of the tests' own clock.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// seeded is the pacing jitter's source of a test: the same every run.
func seeded() *rand.Rand { return rand.New(rand.NewPCG(18, 1)) }

func TestRateBacksOffOnThrottling(t *testing.T) {
	t.Parallel()
	r := newRateControl(10, nil, seeded())
	now := epoch
	if d := r.Take(ActionUpdateCallback, now); d != 0 {
		t.Fatalf("a fresh rate makes the first request wait %v", d)
	}
	sent := now
	d := r.Take(ActionUpdateCallback, now)
	if d < 100*time.Millisecond || d > 120*time.Millisecond {
		t.Fatalf("the second request waits %v at 10/s, want 100ms to 120ms", d)
	}
	now = now.Add(d)
	if d := r.Take(ActionUpdateCallback, now); d != 0 {
		t.Fatalf("the second request waits %v more at the time named", d)
	}
	second := now

	now = now.Add(10 * time.Millisecond)
	r.Throttled(ActionUpdateCallback, sent, now)
	account, _ := r.Rates(ActionUpdateCallback)
	if want := 10 * throttleDecrease; account != want {
		t.Fatalf("account rate %v after throttling, want %v", account, want)
	}
	// The second request went out before the rate was lowered: its
	// throttling is the same news, not a second decrease.
	r.Throttled(ActionUpdateCallback, second, now.Add(time.Millisecond))
	if account, _ := r.Rates(ActionUpdateCallback); account != 10*throttleDecrease {
		t.Fatalf("account rate %v after a second throttled answer to a request sent before the decrease", account)
	}
	// A refused request spent nothing of the account's limit: the next one
	// keeps its distance from the last accepted one only.
	if d := r.Take(ActionUpdateCallback, now); d >= 100*time.Millisecond {
		t.Fatalf("the next request waits %v behind a refused one", d)
	}
	now = now.Add(time.Second)
	r.Throttled(ActionUpdateCallback, now.Add(-time.Millisecond), now)
	if account, _ := r.Rates(ActionUpdateCallback); account != 10*throttleDecrease*throttleDecrease {
		t.Fatalf("account rate %v after throttling of a request sent after the decrease", account)
	}
	for range 200 {
		now = now.Add(time.Second)
		r.Throttled(ActionUpdateCallback, now, now)
	}
	if account, _ := r.Rates(ActionUpdateCallback); account != minRate {
		t.Fatalf("account rate %v after long throttling, want the floor %v", account, minRate)
	}
}

func TestRateRecoversAndNeverExceedsCeiling(t *testing.T) {
	t.Parallel()
	r := newRateControl(10, nil, seeded())
	now := epoch
	r.Throttled(ActionDeleteCallback, now, now)
	low, _ := r.Rates(ActionDeleteCallback)
	// Right after throttling the rate climbs slowly towards where it was
	// throttled, then, after probeAfter without throttling, faster.
	var at []float64
	for i := 1; i <= 40; i++ {
		now = now.Add(500 * time.Millisecond)
		r.Succeeded(ActionDeleteCallback, now)
		account, own := r.Rates(ActionDeleteCallback)
		if account > 10 || own > 10 {
			t.Fatalf("rates %v/%v above the ceiling 10", account, own)
		}
		at = append(at, account)
	}
	if want := low + recoveryShare*10*1.5; at[2] < want-1e-9 || at[2] > want+1e-9 {
		t.Errorf("rate %v 1.5 s after throttling, want %v", at[2], want)
	}
	if at[len(at)-1] != 10 {
		t.Errorf("rate %v 20 s after throttling, want back at the ceiling 10", at[len(at)-1])
	}
	for i := 1; i < len(at); i++ {
		if at[i] < at[i-1] {
			t.Fatalf("rate fell from %v to %v without throttling", at[i-1], at[i])
		}
	}
	// A lower ceiling from another Client holds at once.
	r.lowerCeiling(4)
	if account, own := r.Rates(ActionDeleteCallback); account != 4 || own != 4 {
		t.Errorf("rates %v/%v after the ceiling fell to 4", account, own)
	}
	r.lowerCeiling(8)
	if r.Ceiling() != 4 {
		t.Errorf("ceiling %v after a higher one was asked for, want 4 kept", r.Ceiling())
	}
}

// Pacing spaces requests by the rate in force: on average never faster
// than the ceiling, each interval at most pacingJitter shorter, whatever
// the answers.
func TestRatePacingNeverExceedsCeiling(t *testing.T) {
	t.Parallel()
	r := newRateControl(5, nil, seeded())
	now := epoch
	var last, first time.Time
	sent := 0
	for i := range 500 {
		action := MessageTypes[i%len(MessageTypes)] // several lanes
		d := r.Take(action, now)
		now = now.Add(d)
		if d > 0 && r.Take(action, now) != 0 {
			t.Fatalf("no slot at the time Take named")
		}
		if shortest := time.Duration((1 - pacingJitter) / 5 * float64(time.Second)); !last.IsZero() && now.Sub(last) < shortest {
			t.Fatalf("requests %v apart at a ceiling of 5/s", now.Sub(last))
		}
		if first.IsZero() {
			first = now
		}
		sent++
		last = now
		now = now.Add(5 * time.Millisecond)
		if i%7 == 3 {
			r.Throttled(action, last, now)
			last = time.Time{} // refused: it counts for nothing
			sent--
		} else {
			r.Succeeded(action, now)
		}
		if account, own := r.Rates(action); account > 5 || own > 5 {
			t.Fatalf("rates %v/%v above the ceiling 5", account, own)
		}
	}
	if rate := float64(sent-1) / now.Sub(first).Seconds(); rate > 5 {
		t.Errorf("%d accepted requests in %v: %.2f/s, above the ceiling of 5/s", sent, now.Sub(first), rate)
	}
}

// One action limited on its own (UpdateCallback at 1/s, the others at the
// account's 10/s): UpdateCallback learns its rate, DescribeCallback keeps
// going at the account's.
func TestRateLearnsPerActionLimit(t *testing.T) {
	t.Parallel()
	g := newGateway(10, map[string]float64{ActionUpdateCallback: 1})
	r := newRateControl(10, func() time.Time { return epoch }, seeded())
	p := &simProcess{rate: r, workers: []simWorker{
		{action: ActionUpdateCallback, left: 1000}, {action: ActionUpdateCallback, left: 1000},
		{action: ActionUpdateCallback, left: 1000}, {action: ActionDescribeCallback, left: 10000},
	}}
	simulate(g, []*simProcess{p}, 120*time.Second)
	account, update := r.Rates(ActionUpdateCallback)
	if update > 1.5 {
		t.Errorf("UpdateCallback's rate %v after two minutes limited to 1/s", update)
	}
	if account < 5 {
		t.Errorf("the account's rate fell to %v though only UpdateCallback is limited", account)
	}
	// UpdateCallback close to its limit, DescribeCallback with most of the
	// rest of the account's.
	updates, describes := p.accepted[ActionUpdateCallback], p.accepted[ActionDescribeCallback]
	t.Logf("accepted %d UpdateCallback, %d DescribeCallback; %d throttled; rates %.2f/%.2f", updates, describes, p.throttled, account, update)
	if updates < 80 {
		t.Errorf("%d UpdateCallback accepted in 120 s at a limit of 1/s", updates)
	}
	if describes < 600 {
		t.Errorf("%d DescribeCallback accepted in 120 s beside UpdateCallback at 1/s", describes)
	}
}

// UpdateCallback alone limited to 1/s, the apply of 60 callbacks at
// terraform's -parallelism=10: the rate comes down to the action's limit
// and keeps the gateway busy, under both gateway models.
func TestRateFindsLowActionLimit(t *testing.T) {
	t.Parallel()
	for _, window := range []bool{false, true} {
		g := newGateway(10, map[string]float64{ActionUpdateCallback: 1})
		g.window = window
		p := &simProcess{rate: newRateControl(10, nil, seeded())}
		for range 10 {
			p.workers = append(p.workers, simWorker{action: ActionUpdateCallback, left: 6})
		}
		simulate(g, []*simProcess{p}, 10*time.Minute)
		took := p.done.Sub(epoch)
		t.Logf("window=%t: 60 UpdateCallback in %v, %d throttled", window, took, p.throttled)
		if p.done.IsZero() || took > 69*time.Second {
			t.Errorf("window=%t: 60 UpdateCallback at 1/s took %v", window, took)
		}
	}
}

// Processes that share one account converge to sharing it: none starves,
// and together they keep it close to its limit.
func TestRateSharedAccountConverges(t *testing.T) {
	t.Parallel()
	for _, k := range []int{3, 5, 10} {
		for _, model := range []string{"bucket", "window", "mixed"} {
			t.Run(fmt.Sprintf("K=%d/%s", k, model), func(t *testing.T) {
				t.Parallel()
				g := newGateway(10, nil)
				g.window = model == "window"
				const perProcess = 120
				var procs []*simProcess
				for i := range k {
					// Terraform starts its processes a little apart.
					p := &simProcess{rate: newRateControl(10, nil, seeded()), start: time.Duration(i) * 200 * time.Millisecond}
					// terraform's -parallelism=10, each worker with its share
					// of the workspace's calls.
					for w := range 10 {
						action := ActionUpdateCallback
						if model == "mixed" {
							// A destroy: deletes, and the reads before the
							// deletes that reach further than their target.
							action = ActionDeleteCallback
							if w < 3 {
								action = ActionDescribeCallback
							}
						}
						p.workers = append(p.workers, simWorker{action: action, left: perProcess / 10})
					}
					procs = append(procs, p)
				}
				end := simulate(g, procs, 10*time.Minute)
				floor := time.Duration(float64(k*perProcess) / 10 * float64(time.Second))
				var slowest time.Duration
				fastest := time.Hour
				for i, p := range procs {
					if p.done.IsZero() {
						t.Fatalf("process %d did not finish: %v accepted", i, p.accepted)
					}
					slowest = max(slowest, p.done.Sub(epoch))
					fastest = min(fastest, p.done.Sub(epoch.Add(p.start)))
				}
				ratio := slowest.Seconds() / floor.Seconds()
				t.Logf("slowest %v for a floor of %v (%.2f); fastest %v; %v in all; throttled %d", slowest, floor, ratio, fastest, end.Sub(epoch), g.refused)
				if ratio > 1.1 {
					t.Errorf("the slowest process took %.2f x the account's floor", ratio)
				}
				// Had one process taken the account for itself, it would have
				// finished in a fraction of the others' time.
				if fastest < slowest/2 {
					t.Errorf("one process finished in %v, the slowest in %v", fastest, slowest)
				}
			})
		}
	}
}

// gateway models the API's per-account limit and per-action limits as
// token buckets, or, with window set, as counters of fixed one-second
// windows; refused requests count for nothing.
type gateway struct {
	account *rate.Limiter
	actions map[string]*rate.Limiter
	limit   float64
	limits  map[string]float64
	window  bool
	counted map[string]int // per lane, in the current window
	current time.Time      // the current window's start
	refused int
}

func newGateway(account float64, actions map[string]float64) *gateway {
	g := &gateway{account: rate.NewLimiter(rate.Limit(account), int(account)), actions: map[string]*rate.Limiter{},
		limit: account, limits: actions, counted: map[string]int{}}
	for a, l := range actions {
		g.actions[a] = rate.NewLimiter(rate.Limit(l), max(1, int(l)))
	}
	return g
}

func (g *gateway) allow(action string, now time.Time) bool {
	ok := g.allowed(action, now)
	if !ok {
		g.refused++
	}
	return ok
}

func (g *gateway) allowed(action string, now time.Time) bool {
	if g.window {
		if w := now.Truncate(time.Second); !w.Equal(g.current) {
			g.current, g.counted = w, map[string]int{}
		}
		if g.counted[""] >= int(g.limit) {
			return false
		}
		if l, ok := g.limits[action]; ok && g.counted[action] >= int(l) {
			return false
		}
		g.counted[""]++
		g.counted[action]++
		return true
	}
	if l, ok := g.actions[action]; ok && l.TokensAt(now) < 1 {
		return false
	}
	if !g.account.AllowN(now, 1) {
		return false
	}
	if l, ok := g.actions[action]; ok {
		l.AllowN(now, 1)
	}
	return true
}

// simProcess is one provider process: its rate and its workers.
type simProcess struct {
	start     time.Duration // after the epoch
	rate      *rateControl
	workers   []simWorker
	accepted  map[string]int
	throttled int
	done      time.Time // when its last worker finished
}

type simWorker struct {
	action string
	left   int
	sent   time.Time
}

// simLatency is the time between a request and its answer, and
// simThrottlePause the pause of a throttled call (the middle of the
// client's).
const (
	simLatency       = 5 * time.Millisecond
	simThrottlePause = 3 * throttlePause / 4
)

type simEvent struct {
	at      time.Time
	seq     int
	p       *simProcess
	w       int
	answers bool // the answer to the worker's request, else its wish to send
}

type simQueue []simEvent

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simulate runs the processes against the gateway on the tests' clock
// until every worker is done or limit has passed, and answers the time of
// the last event.
func simulate(g *gateway, procs []*simProcess, limit time.Duration) time.Time {
	q := &simQueue{}
	seq := 0
	push := func(e simEvent) {
		seq++
		e.seq = seq
		heap.Push(q, e)
	}
	for _, p := range procs {
		p.accepted = map[string]int{}
		for i := range p.workers {
			push(simEvent{at: epoch.Add(p.start), p: p, w: i})
		}
	}
	now := epoch
	for q.Len() > 0 {
		e := heap.Pop(q).(simEvent)
		now = e.at
		if now.Sub(epoch) > limit {
			break
		}
		w := &e.p.workers[e.w]
		if !e.answers {
			if d := e.p.rate.Take(w.action, now); d > 0 {
				push(simEvent{at: now.Add(d), p: e.p, w: e.w})
				continue
			}
			w.sent = now
			push(simEvent{at: now.Add(simLatency), p: e.p, w: e.w, answers: true})
			continue
		}
		if !g.allow(w.action, w.sent.Add(simLatency/2)) {
			e.p.throttled++
			e.p.rate.Throttled(w.action, w.sent, now)
			push(simEvent{at: now.Add(simThrottlePause), p: e.p, w: e.w})
			continue
		}
		e.p.rate.Succeeded(w.action, now)
		e.p.accepted[w.action]++
		if w.left--; w.left > 0 {
			push(simEvent{at: now, p: e.p, w: e.w})
			continue
		}
		finished := true
		for _, other := range e.p.workers {
			finished = finished && other.left == 0
		}
		if finished {
			e.p.done = now
		}
	}
	return now
}
