package provider

import (
	"context"
	"testing"
	"time"
)

// The quiet period follows how long Terraform takes to start the next
// operation after one ends, within bounds.
func TestCoordinatorQuietPeriodFollowsTerraformsPace(t *testing.T) {
	for _, tc := range []struct {
		gaps []time.Duration
		want time.Duration
	}{
		{nil, minQuiet},
		{[]time.Duration{2 * time.Millisecond, 5 * time.Millisecond}, minQuiet},
		{[]time.Duration{10 * time.Millisecond, 200 * time.Millisecond}, 800 * time.Millisecond},
		{[]time.Duration{time.Minute}, maxQuiet},
	} {
		c := newCoordinator(nil)
		for _, g := range tc.gaps {
			c.gaps[c.gapCount%gapWindow] = g
			c.gapCount++
		}
		if got := c.quietPeriod(minQuiet); got != tc.want {
			t.Errorf("gaps %v: quiet period %v, want %v", tc.gaps, got, tc.want)
		}
	}
}

// A gap is measured from an operation's end to the next start, and not
// after a waiter was let go, since what starts next may have waited for it.
func TestCoordinatorMeasuresGapsBetweenEndAndStart(t *testing.T) {
	c := newCoordinator(nil)
	end := c.begin()
	beforeEnd := time.Now()
	end()
	c.begin()()
	span := time.Since(beforeEnd)
	if c.gapCount != 1 || c.gaps[0] < 0 || c.gaps[0] > span {
		t.Fatalf("gaps %v (%d), want one between the end and the next start, within %v", c.gaps[:c.gapCount], c.gapCount, span)
	}
	// With nothing else at work, a waiter stalls at once and is let go.
	c.await(context.Background(), true, time.Nanosecond, func() int { return 1 })
	c.begin()()
	if c.gapCount != 1 {
		t.Errorf("a start after a waiter was let go was measured: %d gaps", c.gapCount)
	}
}
