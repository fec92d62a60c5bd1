package provider

import (
	"context"
	"testing"
	"time"

)

// The quiet period follows how long Terraform takes to start the next
// operation after one ends, within bounds.
func TestSchedulerQuietPeriodFollowsTerraformsPace(t *testing.T) {
	for _, tc := range []struct {
		gaps []time.Duration
		want time.Duration
	}{
		{nil, minQuiet},
		{[]time.Duration{2 * time.Millisecond, 5 * time.Millisecond}, minQuiet},
		{[]time.Duration{10 * time.Millisecond, 200 * time.Millisecond}, 800 * time.Millisecond},
		{[]time.Duration{time.Minute}, maxQuiet},
	} {
		s := newScheduler()
		for _, g := range tc.gaps {
			s.gaps[s.gapCount%gapWindow] = g
			s.gapCount++
		}
		if got := s.quietPeriod(minQuiet); got != tc.want {
			t.Errorf("gaps %v: quiet period %v, want %v", tc.gaps, got, tc.want)
		}
	}
}

// A gap is measured from an operation's end to the next start, and not
// after a waiter was let go, since what starts next may have waited for it.
func TestSchedulerMeasuresGapsBetweenEndAndStart(t *testing.T) {
	s := newScheduler()
	end := s.begin()
	beforeEnd := time.Now()
	end()
	s.begin()()
	span := time.Since(beforeEnd)
	if s.gapCount != 1 || s.gaps[0] < 0 || s.gaps[0] > span {
		t.Fatalf("gaps %v (%d), want one between the end and the next start, within %v", s.gaps[:s.gapCount], s.gapCount, span)
	}
	// With nothing else at work, a waiter stalls at once and is let go.
	s.await(context.Background(), true, time.Nanosecond, func() int { return 1 })
	s.begin()()
	if s.gapCount != 1 {
		t.Errorf("a start after a waiter was let go was measured: %d gaps", s.gapCount)
	}
}

// awaitWaiters returns once s has n waiters, or false once stop is closed
// first.
func awaitWaiters(s *scheduler, n int, stop <-chan struct{}) bool {
	for {
		waiters, changed := s.watch()
		if waiters >= n {
			return true
		}
		select {
		case <-changed:
		case <-stop:
			return false
		}
	}
}

// A waiter whose operation's time runs out stops waiting at giveUpShare of
// it, while other work goes on, and leaves its operation the rest.
func TestSchedulerGivesUpAtHalfTheTimeout(t *testing.T) {
	s := newScheduler()
	defer s.begin()() // another operation at work: no stall
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	end := s.begin()
	s.awaitDeletes(ctx, true, func() int { return 1 })
	end()
	if ctx.Err() != nil {
		t.Fatalf("the waiter waited until its operation's time ran out: %v", ctx.Err())
	}
}

// The drain rule: while every slot Terraform has shown holds a waiter, a
// stall lets one go, by scheduler.first; once a slot is free, a stall lets
// every waiter go.
func TestSchedulerDrainsAtTheRunsEnd(t *testing.T) {
	s := newScheduler()
	endFew, endMany := s.begin(), s.begin()
	few, many := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(few)
		s.await(context.Background(), true, time.Nanosecond, func() int { return 1 })
	}()
	awaitWaiters(s, 1, nil)
	go func() {
		defer close(many)
		s.await(context.Background(), true, time.Nanosecond, func() int { return 2 })
	}()
	select {
	case <-few:
	case <-many:
		t.Fatal("the waiter with more pending records went first, with every slot held by a waiter")
	}
	// The one let go is work now: the other waits until it ends.
	if waiters, _ := s.watch(); waiters != 1 {
		t.Fatalf("%d waiters after one was let go, want 1", waiters)
	}
	endFew()
	<-many
	endMany()
	if s.working != 0 {
		t.Errorf("%d operations still counted", s.working)
	}
}
