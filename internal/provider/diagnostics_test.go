package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

func TestUnitErrorAdvice(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"wrong signature", &liveapi.APIError{Action: "DescribeCallback", HTTPStatus: 401, Code: "SignatureDoesNotMatch", CodeN: 100010},
			[]string{"region", EnvRegion, "cn-north-1", "secret_key", "session_token"}},
		{"rejected access key", &liveapi.APIError{Action: "DescribeCallback", HTTPStatus: 401, Code: "InvalidAccessKey"},
			[]string{"access_key", EnvAccessKey}},
		{"not the Live API", fmt.Errorf("wrapped: %w", &liveapi.EndpointError{Action: "DescribeCallback", HTTPStatus: 404, Err: errors.New("html"), Hint: "check endpoint"}),
			[]string{"not retried", "endpoint", EnvEndpoint}},
		{"404 envelope without a code", &liveapi.APIError{Action: "DescribeCallback", HTTPStatus: 404, Message: "Not Found"},
			[]string{"endpoint", EnvEndpoint}},
		{"501 envelope without a code", &liveapi.APIError{Action: "DescribeCallback", HTTPStatus: 501, Message: "Not Implemented"},
			[]string{"endpoint"}},
		{"unreachable", &liveapi.TransportError{Action: "DescribeCallback", Err: errors.New("connection refused")},
			[]string{"max_retries", "endpoint"}},
		{"throttled until the timeout", fmt.Errorf("%w (stopped after 40 attempts, 40 throttled: the next would start past the deadline)",
			&liveapi.APIError{Action: "UpdateCallback", HTTPStatus: 429, Code: "FlowLimitExceeded"}),
			[]string{"timeouts", "fewer Terraform runs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			advice := adviceFor(tt.err)
			for _, s := range tt.want {
				if !strings.Contains(advice, s) {
					t.Errorf("advice %q does not mention %s", advice, s)
				}
			}
		})
	}
}
