package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6Server returns a constructor of the provider's protocol
// server: the framework's, with each per-resource call counted in the
// scheduler (countingServer) and its request's context let go of when the
// request ends.
//
// The framework keeps the cancel function of every request's context until
// StopProvider, which Terraform does not send at the end of a command, so
// each request's context, with its loggers and the gRPC stream below it,
// stays reachable for the life of the process: about 50 KiB a request, or
// over 100 MiB for a plan or destroy of 1000 callbacks. The framework is
// handed a context that forwards to the request's until the call returns
// and is empty and cancelled after it, so what it keeps is a few hundred
// bytes a request.
func NewProtocol6Server(version string, opts ...Option) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &volcengineProvider{version: version}
		for _, opt := range opts {
			opt(p)
		}
		return newProtocol6Server(p)
	}
}

// newProtocol6Server serves p: the framework's server, each operation
// counted in p's scheduler (countingServer), each per-resource request's
// context let go of when the request ends (releasingServer).
func newProtocol6Server(p *volcengineProvider) (*releasingServer, error) {
	s, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		return nil, err
	}
	fs, ok := s.(frameworkServer)
	if !ok {
		return nil, fmt.Errorf("the framework's protocol server %T lacks list resources, actions or state stores", s)
	}
	return &releasingServer{frameworkServer: &countingServer{frameworkServer: fs, provider: p}}, nil
}

// frameworkServer is every protocol interface that the framework's server
// implements and that Terraform's server looks for: a wrapper that hid one
// would turn list resources (terraform query) off.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// releasingServer passes the calls that Terraform makes once per resource
// instance through released; the others, made a few times per process or
// answered with a stream that is read after the call returns, go to the
// framework as they are.
type releasingServer struct {
	frameworkServer
}

func (s *releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s *releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s *releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s *releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadResource)
}

func (s *releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s *releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s *releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s *releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s *releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s *releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s *releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadDataSource)
}

// released calls next with a context that is ctx until next returns.
func released[Req, Resp any](ctx context.Context, req Req, next func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newRequestContext(ctx)
	defer rc.release()
	return next(rc, req)
}

// endedContext is what a requestContext becomes once its request has ended:
// cancelled, without a deadline or values.
var endedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// requestContext is a request's context for as long as the request runs and
// endedContext after. Work that outlives its request and reads the context
// later (a scope read shared with other requests) finds no logger there,
// and logs nothing more.
type requestContext struct {
	current atomic.Pointer[heldContext]
}

type heldContext struct{ context.Context }

func newRequestContext(ctx context.Context) *requestContext {
	rc := &requestContext{}
	rc.current.Store(&heldContext{ctx})
	return rc
}

func (rc *requestContext) release() { rc.current.Store(&heldContext{endedContext}) }

func (rc *requestContext) ctx() context.Context { return rc.current.Load().Context }

func (rc *requestContext) Deadline() (time.Time, bool) { return rc.ctx().Deadline() }

func (rc *requestContext) Done() <-chan struct{} { return rc.ctx().Done() }

func (rc *requestContext) Err() error { return rc.ctx().Err() }

func (rc *requestContext) Value(key any) any { return rc.ctx().Value(key) }
