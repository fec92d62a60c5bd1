package liveemu

import (
	"net/http"
	"time"
)

// Fault changes how the emulator answers matching requests. Faults are
// consumed in the order injected, one per request, and apply only to requests
// that passed the signature and rate-limit checks.
type Fault struct {
	Action     string        // "UpdateCallback", "DescribeCallback", "DeleteCallback", or "" for any action
	Times      int           // how many matching calls it affects (0 means 1)
	HTTPStatus int           // with Code: answer the standard error envelope with this status
	Code       string        // e.g. "FlowLimitExceeded", "CommonErr" (use with HTTPStatus 200), "InternalError"
	CodeN      int           // sent as given; 0 leaves CodeN out
	Message    string        // empty means the documented message of Code
	Latency    time.Duration // sleep before answering (the request context ends it early); then proceed normally unless other fields say otherwise
	Drop       bool          // hijack and close the connection without answering
	RawBody    string        // answer this non-JSON body (with HTTPStatus, default 502) instead of the envelope
	AfterApply bool          // perform the action's effect first, then answer the fault (a write that succeeded but whose answer was lost)
}

// answers reports whether the fault replaces the action's answer (a fault
// with only Latency delays the real answer).
func (f Fault) answers() bool {
	return f.Drop || f.RawBody != "" || f.Code != "" || f.HTTPStatus != 0
}

// apiError is the envelope error a Code/HTTPStatus fault answers. A missing
// status comes from the documented code (500 for others); a missing code
// from the status is InternalError.
func (f Fault) apiError() *Error {
	e := &Error{HTTPStatus: f.HTTPStatus, Code: f.Code, CodeN: f.CodeN, Message: f.Message}
	if e.Code == "" {
		e.Code = "InternalError"
	}
	known, ok := errorTable[e.Code]
	if e.HTTPStatus == 0 {
		e.HTTPStatus = http.StatusInternalServerError
		if ok {
			e.HTTPStatus = known.status
		}
	}
	if e.Message == "" {
		e.Message = "injected fault"
		if ok {
			e.Message = known.message
		}
	}
	return e
}

type pendingFault struct {
	Fault
	left int
}

// InjectFault queues a fault.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := f.Times
	if left <= 0 {
		left = 1
	}
	s.faults = append(s.faults, &pendingFault{Fault: f, left: left})
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// PendingFaults returns how many uses of the queued faults are left: a test
// that injects faults checks it is 0 at the end, or the faults it meant to
// exercise were never met.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.faults {
		n += p.left
	}
	return n
}

// takeFault consumes one use of the first queued fault matching action.
func (s *Server) takeFault(action string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.faults {
		if p.Action != "" && p.Action != action {
			continue
		}
		p.left--
		if p.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return p.Fault, true
	}
	return Fault{}, false
}

// injectFault plays a fault and reports whether the request is finished; when
// it is not, the action proceeds normally.
func (ex *exchange) injectFault(f Fault, acct Account, readErr error) bool {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-ex.r.Context().Done():
			t.Stop()
			return true // the client is gone: nobody to answer
		}
	}
	if !f.answers() {
		return false
	}
	if f.AfterApply {
		_, _ = ex.s.perform(acct, ex.action, ex.body, readErr)
	}
	switch {
	case f.Drop:
		ex.drop()
	case f.RawBody != "":
		status := f.HTTPStatus
		if status == 0 {
			status = http.StatusBadGateway
		}
		ex.record(status, "", "")
		ex.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		ex.w.WriteHeader(status)
		_, _ = ex.w.Write([]byte(f.RawBody))
	default:
		ex.fail(f.apiError())
	}
	return true
}

// drop closes the connection without a response.
func (ex *exchange) drop() {
	if hj, ok := ex.w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
