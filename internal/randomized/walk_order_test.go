package randomized

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
	"github.com/liveops/terraform-provider-volcengine/internal/tfrun"
)

// TestWalkOrderConfigurations applies, at -parallelism=1 and 10, the two
// configurations that the resource's documentation gives for the runs
// whose outcome would otherwise depend on the order in which Terraform
// walks the graph:
//
//   - a resource renamed with a moved block, next to a vhost-wide
//     configuration of the same message type: the rename changes nothing,
//     whichever operation Terraform starts first;
//   - under masked keys, app configurations with keys that depend on their
//     vhost-wide configuration (depends_on): the destroy deletes the apps
//     first, so the vhost-wide delete has nothing it could not write back
//     in its reach and never refuses.
func TestWalkOrderConfigurations(t *testing.T) {
	h, err := tfrun.Get()
	if errors.Is(err, tfrun.ErrNoTerraform) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, parallelism := range []int{1, 10} {
		t.Run(fmt.Sprintf("rename with moved/parallelism=%d", parallelism), func(t *testing.T) {
			t.Parallel()
			r := newRunWith(t, h, 0, rand.New(rand.NewPCG(uint64(parallelism), 3)), "merged")
			r.fixedParallelism = parallelism
			wide := r.spec("wide", key{Vhost: liveemu.DemoVhost, MessageType: "push"})
			old := r.spec("old", key{Vhost: liveemu.DemoVhost, App: "a1", MessageType: "push"})
			r.apply("create", []resourceSpec{wide, old}, &changes{add: 2}, true)
			renamed := old
			renamed.Name = "renamed"
			r.blocks = "\nmoved {\n  from = volcengine_live_callback.old\n  to   = volcengine_live_callback.renamed\n}\n"
			r.apply("rename", []resourceSpec{wide, renamed}, &changes{}, true)
			r.terraform("destroy", "destroy", "-auto-approve", r.parallelism())
			r.expectManaged(nil, []resourceSpec{wide, renamed})
		})
		t.Run(fmt.Sprintf("masked keys with depends_on/parallelism=%d", parallelism), func(t *testing.T) {
			t.Parallel()
			r := newRunWith(t, h, 0, rand.New(rand.NewPCG(uint64(parallelism), 4)), "masked")
			r.fixedParallelism = parallelism
			managed := []resourceSpec{r.spec("wide", key{Vhost: liveemu.DemoVhost, MessageType: "push"})}
			for _, app := range []string{"a1", "a2", "a3"} {
				m := r.spec(app, key{Vhost: liveemu.DemoVhost, App: app, MessageType: "push"})
				m.Auth = "key-" + app
				m.DependsOn = []string{"wide"}
				managed = append(managed, m)
			}
			r.apply("create", managed, &changes{add: len(managed)}, true)
			r.terraform("destroy", "destroy", "-auto-approve", r.parallelism())
			r.expectManaged(nil, managed)
		})
	}
}
