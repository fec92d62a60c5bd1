package liveemu

import "sync"

// Hold keeps matching requests waiting before their action runs, until
// Release, so that a test can order concurrent work by events rather than by
// sleeps: it learns from Arrived that a request was sent, and decides when
// the request goes on. It matches requests that passed the signature and rate-limit checks, by
// action ("" for any) and, when Match is set, by their JSON body.
type Hold struct {
	action  string
	match   func(body []byte) bool
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	count   int
}

// HoldRequests holds every request for action ("" for any) whose body match
// accepts (nil accepts all) until the returned Hold is released. A held
// request whose client goes away is dropped without an answer.
func (s *Server) HoldRequests(action string, match func(body []byte) bool) *Hold {
	h := &Hold{action: action, match: match, arrived: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds = append(s.holds, h)
	return h
}

// Arrived is closed once the first matching request is being held.
func (h *Hold) Arrived() <-chan struct{} { return h.arrived }

// Held reports how many matching requests have arrived so far.
func (h *Hold) Held() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// Release lets every held request go, and the later ones through at once.
func (h *Hold) Release() {
	h.once.Do(func() { close(h.release) })
}

// holdsFor returns the holds that match a request.
func (s *Server) holdsFor(action string, body []byte) []*Hold {
	s.mu.Lock()
	holds := append([]*Hold(nil), s.holds...)
	s.mu.Unlock()
	var out []*Hold
	for _, h := range holds {
		if (h.action == "" || h.action == action) && (h.match == nil || h.match(body)) {
			out = append(out, h)
		}
	}
	return out
}

// wait blocks the exchange on every matching hold; it reports false when
// the client went away meanwhile.
func (ex *exchange) wait() bool {
	for _, h := range ex.s.holdsFor(ex.action, ex.body) {
		h.mu.Lock()
		h.count++
		if h.count == 1 {
			close(h.arrived)
		}
		h.mu.Unlock()
		select {
		case <-h.release:
		case <-ex.r.Context().Done():
			return false
		}
	}
	return true
}
