// The protocol server's count of the operations it serves, for the
// scheduler.

package provider

import (
	"context"
	"iter"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// countingServer counts every operation that Terraform starts for a
// resource, data source or list block of the run in the scheduler's
// picture, from the moment the call arrives until it returns: validation,
// state upgrades, reads, plans, applies, imports, moves, data source reads
// and list reads. A data source read or a validation in flight is work
// that Terraform has started, not a stall. Calls made before the provider
// is configured, and those made a few times per process (schemas,
// provider configuration), are not counted.
type countingServer struct {
	frameworkServer
	provider *volcengineProvider
}

// begin counts one operation in the scheduler of the configured provider.
func (s *countingServer) begin() (end func()) {
	if data := s.provider.configured.Load(); data != nil {
		return data.sched.begin()
	}
	return func() {}
}

// counted calls next as one operation of the run.
func counted[Req, Resp any](s *countingServer, ctx context.Context, req Req, next func(context.Context, Req) (Resp, error)) (Resp, error) {
	defer s.begin()()
	return next(ctx, req)
}

func (s *countingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s *countingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s *countingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s *countingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.ReadResource)
}

func (s *countingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s *countingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s *countingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.ImportResourceState)
}

func (s *countingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.MoveResourceState)
}

func (s *countingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s *countingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.ReadDataSource)
}

func (s *countingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return counted(s, ctx, req, s.frameworkServer.ValidateListResourceConfig)
}

// ListResource counts a list read until Terraform has taken its last
// result: the stream is read after the call returns.
func (s *countingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	end := sync.OnceFunc(s.begin())
	stream, err := s.frameworkServer.ListResource(ctx, req)
	if err != nil || stream == nil || stream.Results == nil {
		end()
		return stream, err
	}
	results := stream.Results
	stream.Results = iter.Seq[tfprotov6.ListResourceResult](func(yield func(tfprotov6.ListResourceResult) bool) {
		defer end()
		results(yield)
	})
	return stream, nil
}
