package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type payloadKey struct{}

// retainedPayloads sends n of each per-resource request to server, each
// with a context holding a payload of its own, and counts the payloads
// still reachable once the requests have returned.
func retainedPayloads(t *testing.T, server tfprotov6.ProviderServer, n int) (retained, sent int) {
	t.Helper()
	// The framework takes hold of a request's context before it looks the
	// type up, so a type it does not know keeps the provider's code, and
	// the API, out of the way.
	const typeName = "volcengine_unknown"
	calls := map[string]func(context.Context){
		"ValidateResourceConfig": func(ctx context.Context) {
			_, _ = server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName})
		},
		"UpgradeResourceState": func(ctx context.Context) {
			_, _ = server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName})
		},
		"ReadResource": func(ctx context.Context) {
			_, _ = server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName})
		},
		"PlanResourceChange": func(ctx context.Context) {
			_, _ = server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName})
		},
		"ApplyResourceChange": func(ctx context.Context) {
			_, _ = server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName})
		},
		"ImportResourceState": func(ctx context.Context) {
			_, _ = server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName})
		},
		"ReadDataSource": func(ctx context.Context) {
			_, _ = server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName})
		},
	}
	if _, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	var payloads []weak.Pointer[[4096]byte]
	for name, call := range calls {
		for range n {
			p := new([4096]byte)
			copy(p[:], name)
			payloads = append(payloads, weak.Make(p))
			// A request's context is cancelled when it ends, as gRPC does.
			ctx, cancel := context.WithCancel(context.WithValue(t.Context(), payloadKey{}, p))
			call(ctx)
			cancel()
		}
	}
	runtime.GC()
	runtime.GC()
	for _, w := range payloads {
		if w.Value() != nil {
			retained++
		}
	}
	runtime.KeepAlive(server)
	return retained, len(payloads)
}

// TestServerReleasesRequestContexts holds the provider's server to keeping
// nothing of a request once it has returned.
func TestServerReleasesRequestContexts(t *testing.T) {
	server, err := NewProtocol6Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	if retained, sent := retainedPayloads(t, server, 20); retained != 0 {
		t.Errorf("%d of %d request contexts are still reachable after their requests returned", retained, sent)
	}

	// The framework's own server keeps them, which is why ours exists; when
	// a framework release stops doing so, the wrapper can go.
	plain, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	retained, sent := retainedPayloads(t, plain, 20)
	t.Logf("the framework's server alone keeps %d of %d request contexts", retained, sent)
}

func TestRequestContext(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	inner, cancel := context.WithDeadline(context.WithValue(t.Context(), payloadKey{}, "value"), deadline)
	defer cancel()
	rc := newRequestContext(inner)

	if got := rc.Value(payloadKey{}); got != "value" {
		t.Errorf("during the request, Value = %v, want the request's value", got)
	}
	if got, ok := rc.Deadline(); !ok || !got.Equal(deadline) {
		t.Errorf("during the request, Deadline = %v, %v, want the request's", got, ok)
	}
	if rc.Done() != inner.Done() || rc.Err() != nil {
		t.Errorf("during the request, Done and Err are not the request's")
	}

	// Contexts made from it end with the request.
	child, stop := context.WithCancel(rc)
	defer stop()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a context made from the request's was not cancelled with it")
	}

	rc.release()
	if got := rc.Value(payloadKey{}); got != nil {
		t.Errorf("after the request, Value = %v, want nil", got)
	}
	if _, ok := rc.Deadline(); ok {
		t.Error("after the request, a deadline remains")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("after the request, Err = %v, want context.Canceled", rc.Err())
	}
	select {
	case <-rc.Done():
	default:
		t.Error("after the request, Done is not closed")
	}
}

// hiddenMethods returns the methods of framework's server that wrapper lacks
// or offers with another signature. Go interfaces are method sets, so a
// wrapper without any of them fails to implement every interface the
// framework's server does, known today or added by a later framework.
func hiddenMethods(framework, wrapper any) []string {
	fv, wv := reflect.ValueOf(framework), reflect.ValueOf(wrapper)
	var hidden []string
	for i := range fv.NumMethod() {
		name := fv.Type().Method(i).Name
		m := wv.MethodByName(name)
		if !m.IsValid() {
			hidden = append(hidden, name)
			continue
		}
		if got, want := m.Type(), fv.Method(i).Type(); got != want {
			hidden = append(hidden, fmt.Sprintf("%s (%v, want %v)", name, got, want))
		}
	}
	return hidden
}

// TestServerKeepsTheFrameworksInterfaces: Terraform's server asks the
// provider's for each optional part of the protocol by type (list
// resources, actions, state stores, and whatever comes next); the wrapper
// must offer every method, hence every interface, the framework's server
// does.
func TestServerKeepsTheFrameworksInterfaces(t *testing.T) {
	plain, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	server, err := NewProtocol6Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	if hidden := hiddenMethods(plain, server); len(hidden) > 0 {
		t.Errorf("the provider's server %T hides methods of the framework's %T: %s; add their interfaces to frameworkServer",
			server, plain, strings.Join(hidden, ", "))
	}
}

// The comparison finds what a wrapper hides: one that embeds only the
// provider interface lacks the list resource, action and state store
// methods, one that embeds frameworkServer lacks nothing.
func TestHiddenMethodsFindsAnInterfaceTheWrapperHides(t *testing.T) {
	plain, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	narrow := struct{ tfprotov6.ProviderServer }{plain}
	hidden := hiddenMethods(plain, narrow)
	for _, name := range []string{"ListResource", "InvokeAction", "ReadStateBytes"} {
		if !slices.Contains(hidden, name) {
			t.Errorf("a wrapper of the provider interface alone: %s not reported hidden (reported: %v)", name, hidden)
		}
	}
	if hidden := hiddenMethods(plain, struct{ frameworkServer }{plain.(frameworkServer)}); len(hidden) > 0 {
		t.Errorf("a wrapper of frameworkServer: reported hidden %v, want none", hidden)
	}
}
