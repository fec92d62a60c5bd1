package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
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

// The stall rule counts every operation the provider serves: a data source
// read, a list read and a validation are work in the scheduler's picture,
// not a stall.
func TestSchedulerCountsEveryOperation(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	p := newProtoProvider(t, emu)
	s := p.provider.configured.Load().sched
	ctx := context.Background()
	working := func() int {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.working
	}

	schemas, err := p.server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	dsType := schemas.DataSourceSchemas["volcengine_live_callbacks"].ValueType().(tftypes.Object)
	dsConfig := p.dynamic(dsType, objectOf(dsType, map[string]tftypes.Value{"vhost": str(vhost)}))
	// Each reads a scope of its own: the client keeps a scope's answer.
	reads := []struct {
		name string
		read func()
	}{
		{"ReadDataSource", func() {
			resp, err := p.server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "volcengine_live_callbacks", Config: dsConfig})
			if err != nil {
				t.Error(err)
				return
			}
			failOnDiagnostics(t, "ReadDataSource", resp.Diagnostics)
		}},
		{"ListResource", func() { p.list(map[string]string{"domain": liveemu.DemoDomain}, false, 0) }},
	}
	for _, r := range reads {
		name := r.name
		hold := emu.HoldRequests("DescribeCallback", nil)
		done := make(chan struct{})
		go func() {
			defer close(done)
			r.read()
		}()
		select {
		case <-hold.Arrived():
		case <-done:
			t.Fatalf("%s returned without reading the vhost", name)
		}
		if n := working(); n != 1 {
			t.Errorf("%s in flight: %d operations at work, want 1", name, n)
		}
		hold.Release()
		<-done
		if n := working(); n != 0 {
			t.Errorf("%s done: %d operations at work, want 0", name, n)
		}
	}

	// A validation is too quick to catch in flight: it shows as an
	// operation that started and ended.
	validations := map[string]func() ([]*tfprotov6.Diagnostic, error){
		"ValidateResourceConfig": func() ([]*tfprotov6.Diagnostic, error) {
			cfg := objectOf(p.resourceType, map[string]tftypes.Value{"vhost": str(vhost), "message_type": str("push"),
				"callback_detail_list": details("https://hooks.example.com/validate", "")})
			resp, err := p.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: callbackType, Config: p.dynamic(p.resourceType, cfg)})
			if err != nil {
				return nil, err
			}
			return resp.Diagnostics, nil
		},
		"ValidateDataResourceConfig": func() ([]*tfprotov6.Diagnostic, error) {
			resp, err := p.server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "volcengine_live_callbacks", Config: dsConfig})
			if err != nil {
				return nil, err
			}
			return resp.Diagnostics, nil
		},
	}
	for name, validate := range validations {
		s.mu.Lock()
		s.lastEnded = false
		s.mu.Unlock()
		diags, err := validate()
		if err != nil {
			t.Fatal(err)
		}
		failOnDiagnostics(t, name, diags)
		s.mu.Lock()
		counted := s.lastEnded && s.working == 0
		s.mu.Unlock()
		if !counted {
			t.Errorf("%s was not counted as an operation", name)
		}
	}
}
