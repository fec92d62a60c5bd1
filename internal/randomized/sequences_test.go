package randomized

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
	"github.com/liveops/terraform-provider-volcengine/internal/tfrun"
)

// TestMixedSequences repeats, MIXED_RUNS times each (3 by default), the two
// applies that once failed: in one apply, a delete that reaches further
// than its target meets a write of the same vhost and message type.
//
//   - A vhost-wide configuration is removed while an app configuration of
//     the same message type is updated: the delete writes the app's
//     configuration back with a new create time, which must not make the
//     update's result inconsistent with its plan.
//   - A domain's configuration is removed while app configurations of the
//     domain's vhost and the same message type are created and updated:
//     where the domain's delete reaches the vhost's apps, the writes must
//     neither be lost nor wait out their timeout.
//
// Runs alternate between -parallelism=1 and 10, with retryable faults, and
// each must end in one apply with no error and an empty next plan.
func TestMixedSequences(t *testing.T) {
	h, err := tfrun.Get()
	if errors.Is(err, tfrun.ErrNoTerraform) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	runs := envInt(t, "MIXED_RUNS", 3)
	domainReadings := []string{"merged-wide", "separate-own-wide", "all-hard", "merged", "separate"}
	for i := range runs {
		parallelism := 1 + 9*(i%2)
		t.Run(fmt.Sprintf("vhost-wide/run=%d", i), func(t *testing.T) {
			t.Parallel()
			r := newRunWith(t, h, uint64(i), rand.New(rand.NewPCG(uint64(i), 1)), "merged")
			r.fixedParallelism = parallelism
			r.sequence(
				[]resourceSpec{
					r.spec("wide", key{Vhost: liveemu.DemoVhost, MessageType: "push"}),
					r.spec("app", key{Vhost: liveemu.DemoVhost, App: "a1", MessageType: "push"}),
				},
				func(managed []resourceSpec) []resourceSpec {
					app := managed[1]
					app.URLs = []string{"https://hooks.example.com/updated"}
					return []resourceSpec{app}
				})
		})
		reading := domainReadings[i%len(domainReadings)]
		t.Run(fmt.Sprintf("domain/%s/run=%d", reading, i), func(t *testing.T) {
			t.Parallel()
			r := newRunWith(t, h, uint64(i), rand.New(rand.NewPCG(uint64(i), 2)), reading)
			r.fixedParallelism = parallelism
			r.sequence(
				[]resourceSpec{
					r.spec("domain", key{Domain: liveemu.DemoDomain, MessageType: "push_end"}),
					r.spec("app1", key{Vhost: liveemu.DemoVhost, App: "a1", MessageType: "push_end"}),
				},
				func(managed []resourceSpec) []resourceSpec {
					app1 := managed[1]
					app1.URLs = []string{"https://hooks.example.com/updated"}
					return []resourceSpec{app1, r.spec("app2", key{Vhost: liveemu.DemoVhost, App: "a2", MessageType: "push_end"})}
				})
		})
	}
}

func (r *run) spec(name string, k key) resourceSpec {
	return resourceSpec{Name: name, Key: k, settings: settings{URLs: []string{"https://hooks.example.com/" + name}}}
}

// sequence seeds an app configuration made outside Terraform next to the
// managed ones, applies first, then second(first), then destroys.
func (r *run) sequence(first []resourceSpec, second func([]resourceSpec) []resourceSpec) {
	mt := first[0].Key.MessageType
	r.unmanaged = []liveemu.Callback{r.consoleMade(key{Vhost: liveemu.DemoVhost, App: "console", MessageType: mt})}
	if err := r.emu.Put(r.unmanaged[0]); err != nil {
		r.fail("seeding: %v", err)
	}
	before := r.unmanagedNow()
	r.apply("first", first, nil, true)
	next := second(first)
	r.apply("second", next, nil, true)
	r.expectUnmanaged(before)
	r.terraform("destroy", "destroy", "-auto-approve", r.parallelism())
	r.expectManaged(nil, next)
	r.expectUnmanaged(before)
}
