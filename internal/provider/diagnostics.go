package provider

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// apiErrorDiagnostic turns an error of the Live API client into a diagnostic
// that says what failed (summary), why, what to do, and the RequestId.
func apiErrorDiagnostic(summary string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, errorDetail(err))
}

func errorDetail(err error) string {
	var b strings.Builder
	b.WriteString(err.Error())
	if advice := adviceFor(err); advice != "" {
		b.WriteString("\n\n")
		b.WriteString(advice)
	}
	return b.String()
}

// adviceFor says what the user can do about an error, by its code.
func adviceFor(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "The operation ran out of time. Raise the resource's timeouts, or lower the load on the account, and run Terraform again."
	}
	var ee *liveapi.EndpointError
	if errors.As(err, &ee) {
		return "The request was not retried: the same address would fail the same way. Correct the provider's endpoint (or " +
			EnvEndpoint + ") as the error says, then run Terraform again."
	}
	if liveapi.IsThrottled(err) {
		return "The account stayed over its request limit for the whole operation: the provider waited, slowing down, until the timeout ran out. " +
			"Raise the resource's timeouts, or run fewer Terraform runs or other tools on the account at once, then run Terraform again."
	}
	var te *liveapi.TransportError
	if errors.As(err, &te) {
		return "The Live API could not be reached, or a server in front of it failed, until max_retries or the timeout ran out. Check the provider's endpoint, proxies and network, then run Terraform again."
	}
	apiErr, ok := liveapi.AsAPIError(err)
	if !ok {
		return ""
	}
	code := apiErr.Code
	switch {
	case code == "ResourceNotFound.VhostNotExist":
		return "The vhost does not exist in this account. Check the vhost name in the Live console (domain management), or create the vhost first."
	case strings.HasPrefix(code, "ResourceNotFound"):
		return "The vhost, domain or app named in the configuration does not exist in this account. Check the names against the Live console."
	case code == "RequestForbidden.BillingStatus":
		return "The Live service is not activated for this account, or the account is in arrears. Activate the service or top up the account, then run Terraform again."
	case code == "RequestForbidden.AccountIDNotAllow", strings.HasPrefix(code, "RequestForbidden"), code == "AccessDenied":
		return "These credentials may not manage this vhost or domain: it belongs to another account, or the access key lacks Live permissions. Use the owning account's credentials or grant the permission."
	case code == "InvalidAccessKey":
		return "The access key was rejected. Check access_key (or " + EnvAccessKey + "), and session_token (or " + EnvSessionToken + ") for temporary credentials."
	case code == "SignatureDoesNotMatch":
		return "The request's signature was rejected. Likely causes: a wrong region (the signature covers it; the Live API is served in " +
			strings.Join(liveRegions, ", ") + ", set by region or " + EnvRegion + "), a secret_key (or " + EnvSecretKey +
			") that does not belong to the access key, or a missing or expired session_token (or " + EnvSessionToken + ") for temporary credentials."
	case code == "InvalidTimestamp":
		return "The request's time is too far from the server's. Synchronise this machine's clock."
	case code == "ServiceNotFound", code == "InvalidActionOrVersion",
		code == "" && (apiErr.HTTPStatus == http.StatusNotFound || apiErr.HTTPStatus == http.StatusNotImplemented):
		return "The endpoint does not serve the Live API 2023-01-01. Check the provider's endpoint (or " + EnvEndpoint + ")."
	case strings.HasPrefix(code, "InvalidParam"), code == "MissingParameter", code == "MissingRequestInfo":
		return "The API rejected a parameter; its message names it. Correct the configuration and apply again."
	case apiErr.Retryable():
		return "The error is temporary and was retried until max_retries or the timeout ran out. Run Terraform again later, or raise max_retries or the timeouts."
	}
	return ""
}
