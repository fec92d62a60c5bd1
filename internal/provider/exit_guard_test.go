package provider

import (
	"context"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

func (g *ExitGuard) busy() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.idle:
		return false
	default:
		return true
	}
}

func TestExitGuard(t *testing.T) {
	t.Parallel()
	var none *ExitGuard
	none.enter()()
	g := NewExitGuard()
	g.Wait(context.Background())
	leave1, leave2 := g.enter(), g.enter()
	waited := make(chan struct{})
	go func() {
		g.Wait(context.Background())
		close(waited)
	}()
	leave1()
	if !g.busy() {
		t.Fatal("idle with one delete still in flight")
	}
	leave2()
	<-waited
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	defer g.enter()()
	g.Wait(ctx)
}

// From its DeleteCallback to the end of its write-back, a delete without an
// app holds the process's exit; before, it does not.
func TestDeleteHoldsTheExitWhileItFinishes(t *testing.T) {
	t.Parallel()
	emu, _ := newGatedEmulator(t, liveemu.Readings{})
	seedNeighbours(t, emu, liveemu.Readings{})
	client := emu.quickClient(t)
	data := newProviderData(client, emu.journal(client), nil)
	data.deleter.guard = NewExitGuard()
	held := map[string]bool{}
	data.deleter.onStep = func(step string) { held[step] = data.deleter.guard.busy() }
	if diags, _ := data.deleter.delete(context.Background(), pushKey, nil, nil); diags.HasError() {
		t.Fatal(diags)
	}
	want := map[string]bool{stepRead: false, stepRecorded: false, stepDeleted: true, stepWroteBack: true}
	for step, w := range want {
		if held[step] != w {
			t.Errorf("at %q the exit is held: %v, want %v", step, held[step], w)
		}
	}
	if data.deleter.guard.busy() {
		t.Error("the exit is still held after the delete")
	}
}
