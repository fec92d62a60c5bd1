package liveapi

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"
)

var listedScope = Scope{Vhost: "push.live.example.com"}

// writeList answers DescribeCallback with one configuration whose app is
// app, so tests can tell answers apart.
func writeList(w http.ResponseWriter, action, app string) {
	writeEnvelope(w, http.StatusOK, action, nil, map[string]any{"CallbackList": []map[string]any{{
		"Vhost": listedScope.Vhost, "App": app, "MessageType": "push",
		"CallbackDetailList": []map[string]any{{"URL": "https://hooks.example.com/push", "CallbackType": "HTTP"}},
		"AuthEnable":         false, "AuthKeyPrimary": "", "TranscodeCallback": 0,
		"CreateTime": "2024-01-01T00:00:00Z", "CreateTimeUTC": "2024-01-01T00:00:00Z",
	}}})
}

func listedApp(t *testing.T, list []Callback) string {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("ListScope returned %d configurations, want 1: %#v", len(list), list)
	}
	return list[0].App
}

// waitUntil polls cond; it bounds a test that would otherwise hang, it
// measures nothing.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (c *Client) waitersOf(s Scope) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if call, ok := c.inflight[s]; ok {
		return call.waiters
	}
	return 0
}

func TestListScopeSharesOneCall(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, n int) {
		switch {
		case action == ActionDescribeCallback:
			<-release
			writeList(w, action, "live")
		case action == ActionUpdateCallback && n == 2:
			writeEnvelope(w, http.StatusBadRequest, action, &wireError{Code: "InvalidParam"}, nil)
		default:
			writeOK(w, action)
		}
	})
	c := newTestClient(t, testConfig(srv.URL))
	ctx := context.Background()

	const callers = 12
	results := make([][]Callback, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { results[i], errs[i] = c.ListScope(ctx, listedScope) })
	}
	waitUntil(t, "every caller waits on the shared call", func() bool { return c.waitersOf(listedScope) == callers })
	close(release)
	wg.Wait()

	if got := f.count(ActionDescribeCallback); got != 1 {
		t.Fatalf("%d concurrent callers made %d requests, want 1", callers, got)
	}
	for i := range callers {
		if errs[i] != nil || listedApp(t, results[i]) != "live" {
			t.Fatalf("caller %d got %v, %v", i, results[i], errs[i])
		}
	}
	want := results[1]
	results[0][0].App = "changed"
	results[0][0].CallbackDetailList[0].URL = "https://changed.example.com"
	if reflect.DeepEqual(results[0], results[1]) {
		t.Fatal("callers share one slice")
	}

	again, err := c.ListScope(ctx, listedScope)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.count(ActionDescribeCallback); got != 1 {
		t.Errorf("a kept answer was not reused: %d requests", got)
	}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("kept answer %#v was modified through a returned slice, want %#v", again, want)
	}

	if _, err := c.UpdateCallback(ctx, pushCallback()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListScope(ctx, listedScope); err != nil {
		t.Fatal(err)
	}
	if got := f.count(ActionDescribeCallback); got != 2 {
		t.Errorf("after a write: %d requests, want 2 (the kept answer dropped)", got)
	}

	if _, err := c.UpdateCallback(ctx, pushCallback()); err == nil {
		t.Fatal("the second UpdateCallback succeeded, want the scripted failure")
	}
	if _, err := c.ListScope(ctx, listedScope); err != nil {
		t.Fatal(err)
	}
	if got := f.count(ActionDescribeCallback); got != 3 {
		t.Errorf("after a failed write: %d requests, want 3", got)
	}

	if _, err := c.DeleteCallback(ctx, DeleteCallbackInput{Scope: Scope{Domain: "push.example.com"}, MessageType: "push"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListScope(ctx, listedScope); err != nil {
		t.Fatal(err)
	}
	if got := f.count(ActionDescribeCallback); got != 4 {
		t.Errorf("after a delete in another scope: %d requests, want 4", got)
	}
}

func TestListScopeDoesNotKeepAnswerReadBeforeWrite(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 10)
	release := make(chan struct{})
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, n int) {
		if action != ActionDescribeCallback {
			writeOK(w, action)
			return
		}
		arrived <- struct{}{}
		if n == 1 {
			<-release
			writeList(w, action, "before")
			return
		}
		writeList(w, action, "after")
	})
	c := newTestClient(t, testConfig(srv.URL))
	ctx := context.Background()

	type answer struct {
		list []Callback
		err  error
	}
	early := make(chan answer, 1)
	go func() {
		list, err := c.ListScope(ctx, listedScope)
		early <- answer{list, err}
	}()
	<-arrived

	if _, err := c.UpdateCallback(ctx, pushCallback()); err != nil {
		t.Fatal(err)
	}
	// The read in flight began before the write; a caller arriving now must
	// not be handed its answer.
	late, err := c.ListScope(ctx, listedScope)
	if err != nil || listedApp(t, late) != "after" {
		t.Fatalf("ListScope after the write = %v, %v; want the fresh answer", late, err)
	}
	if got := f.count(ActionDescribeCallback); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}

	close(release)
	first := <-early
	if first.err != nil || listedApp(t, first.list) != "before" {
		t.Fatalf("the early caller got %v, %v; want its own answer", first.list, first.err)
	}

	kept, err := c.ListScope(ctx, listedScope)
	if err != nil {
		t.Fatal(err)
	}
	if got := listedApp(t, kept); got != "after" {
		t.Errorf("kept answer is %q: the read that began before the write was stored", got)
	}
	if got := f.count(ActionDescribeCallback); got != 2 {
		t.Errorf("%d requests, want the post-write answer reused", got)
	}
}

func TestListScopeDoesNotKeepErrors(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, n int) {
		if n == 1 {
			writeEnvelope(w, http.StatusNotFound, action, &wireError{Code: "ResourceNotFound.VhostNotExist"}, nil)
			return
		}
		writeList(w, action, "live")
	})
	c := newTestClient(t, testConfig(srv.URL))
	ctx := context.Background()
	if _, err := c.ListScope(ctx, listedScope); !IsVhostNotFound(err) {
		t.Fatalf("first ListScope error %v, want the vhost not found", err)
	}
	for range 2 {
		if list, err := c.ListScope(ctx, listedScope); err != nil || listedApp(t, list) != "live" {
			t.Fatalf("ListScope = %v, %v", list, err)
		}
	}
	if got := f.count(ActionDescribeCallback); got != 2 {
		t.Errorf("%d requests, want 2 (error not kept, answer kept)", got)
	}
}

func TestListScopeCallerLeaving(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 10)
	release := make(chan struct{})
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, action string, n int) {
		arrived <- struct{}{}
		if n == 1 {
			// Held until every caller has gone and the client hung up.
			<-r.Context().Done()
			return
		}
		<-release
		writeList(w, action, "live")
	})
	c := newTestClient(t, testConfig(srv.URL))

	// Two callers share a call; one leaves, the other still gets the answer.
	// Then the last one leaves a second call, which is abandoned.
	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	errA := make(chan error, 1)
	go func() { _, err := c.ListScope(ctxA, listedScope); errA <- err }()
	<-arrived
	cancelA()
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Fatalf("the leaving caller got %v, want context.Canceled", err)
	}

	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelB()
	errB := make(chan error, 1)
	doneC := make(chan error, 1)
	go func() { _, err := c.ListScope(ctxB, listedScope); errB <- err }()
	<-arrived
	go func() { _, err := c.ListScope(context.Background(), listedScope); doneC <- err }()
	waitUntil(t, "two callers share the second call", func() bool { return c.waitersOf(listedScope) == 2 })
	cancelB()
	if err := <-errB; !errors.Is(err, context.Canceled) {
		t.Fatalf("caller B got %v, want context.Canceled", err)
	}
	close(release)
	if err := <-doneC; err != nil {
		t.Fatalf("the caller who stayed got %v", err)
	}
	if got := f.count(ActionDescribeCallback); got != 2 {
		t.Errorf("%d requests, want 2: the abandoned call, then the shared one", got)
	}
}
