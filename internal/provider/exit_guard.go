// Holding the provider process's exit back while a delete finishes.
package provider

import (
	"context"
	"sync"
)

// ExitGuard holds the exit of the provider process back while work that
// must not be cut runs: a delete without an app whose DeleteCallback has
// been sent, until its write-back is done. A cancelled CI job sends SIGTERM
// to Terraform and to the provider alike; Terraform then waits for the
// operations in flight, and the provider, whose default on SIGTERM is to
// end at once, must let them finish too (main waits on the guard).
type ExitGuard struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

// NewExitGuard returns a guard with nothing to wait for.
func NewExitGuard() *ExitGuard {
	idle := make(chan struct{})
	close(idle)
	return &ExitGuard{idle: idle}
}

// enter marks work that must finish before the process ends, until leave
// is called. A nil guard guards nothing.
func (g *ExitGuard) enter() (leave func()) {
	if g == nil {
		return func() {}
	}
	g.mu.Lock()
	if g.n == 0 {
		g.idle = make(chan struct{})
	}
	g.n++
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		if g.n--; g.n == 0 {
			close(g.idle)
		}
		g.mu.Unlock()
	}
}

// Wait returns once no guarded work runs, or when ctx ends.
func (g *ExitGuard) Wait(ctx context.Context) {
	g.mu.Lock()
	idle := g.idle
	g.mu.Unlock()
	select {
	case <-idle:
	case <-ctx.Done():
	}
}
