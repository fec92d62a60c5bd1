package liveemu

// This file is the gateway's rate limit: per account, and optionally per
// action on top of it, counted by a token bucket or by fixed one-second
// windows.

import (
	"fmt"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// GatewayModel is how the gateway counts requests against a limit. The
// API's documentation does not say; the provider must do well under both.
type GatewayModel string

const (
	// TokenBucket refills a bucket of Burst tokens at the limit's rate; a
	// request takes one token or is refused.
	TokenBucket GatewayModel = "token-bucket"
	// FixedWindow counts requests per one-second window aligned to the
	// clock's seconds and refuses those beyond the limit until the next
	// window. A limit below one per second counts one request per window of
	// 1/limit seconds.
	FixedWindow GatewayModel = "window"
)

// GatewayModels lists the models by name.
var GatewayModels = []GatewayModel{TokenBucket, FixedWindow}

func (m GatewayModel) String() string { return string(m) }

// MarshalText and UnmarshalText let a flag take a model by name.
func (m GatewayModel) MarshalText() ([]byte, error) { return []byte(m), nil }

func (m *GatewayModel) UnmarshalText(b []byte) error {
	for _, known := range GatewayModels {
		if string(b) == string(known) {
			*m = known
			return nil
		}
	}
	return fmt.Errorf("unknown gateway model %q: want %s or %s", b, TokenBucket, FixedWindow)
}

// gate is one limit of one account: the account's, or one action's.
// Refused requests count for nothing, under both models.
type gate interface {
	// room reports whether one more request fits at now.
	room(now time.Time) bool
	// take counts one request at now; the caller has checked room.
	take(now time.Time)
	// wait is how long from now until there is room again.
	wait(now time.Time) time.Duration
}

// newGate makes a gate for a limit of rps requests per second; burst sizes
// a token bucket, 0 meaning ceil(rps).
func newGate(model GatewayModel, rps float64, burst int) gate {
	if model == FixedWindow {
		length, count := time.Second, int(math.Floor(rps))
		if rps < 1 {
			length, count = time.Duration(float64(time.Second)/rps), 1
		}
		return &window{length: length, count: count}
	}
	if burst <= 0 {
		burst = max(1, int(math.Ceil(rps)))
	}
	return &bucket{rate.NewLimiter(rate.Limit(rps), burst)}
}

type bucket struct{ *rate.Limiter }

func (b *bucket) room(now time.Time) bool { return b.TokensAt(now) >= 1 }
func (b *bucket) take(now time.Time)      { b.AllowN(now, 1) }

func (b *bucket) wait(now time.Time) time.Duration {
	missing := 1 - b.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / float64(b.Limit()) * float64(time.Second))
}

type window struct {
	length time.Duration
	count  int
	start  time.Time // of the current window
	used   int
}

func (w *window) roll(now time.Time) {
	if start := now.Truncate(w.length); !start.Equal(w.start) {
		w.start, w.used = start, 0
	}
}

func (w *window) room(now time.Time) bool {
	w.roll(now)
	return w.used < w.count
}

func (w *window) take(now time.Time) {
	w.roll(now)
	w.used++
}

func (w *window) wait(now time.Time) time.Duration {
	if w.room(now) {
		return 0
	}
	return w.start.Add(w.length).Sub(now)
}

// admit passes a request of action for an account through the account's
// limit and the action's, counting it against both or neither, and answers
// how long until it would fit when it does not. The caller holds s.mu.
func (s *Server) admit(accountID, action string, now time.Time) (bool, time.Duration) {
	gates := s.gates[accountID]
	if gates == nil {
		gates = map[string]gate{}
		if s.accountLimit > 0 {
			gates[""] = newGate(s.gateway, s.accountLimit, s.burst)
		}
		for a, rps := range s.actionLimits {
			gates[a] = newGate(s.gateway, rps, 0)
		}
		s.gates[accountID] = gates
	}
	refused, wait := false, time.Duration(0)
	for _, key := range []string{"", action} {
		if g, ok := gates[key]; ok && !g.room(now) {
			refused, wait = true, max(wait, g.wait(now))
		}
	}
	if refused {
		return false, wait
	}
	for _, key := range []string{"", action} {
		if g, ok := gates[key]; ok && g.room(now) {
			g.take(now)
		}
	}
	return true, 0
}
