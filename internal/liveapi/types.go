// Package liveapi is the provider's only door to the Volcengine Live API: it
// signs and sends requests through the official SDK, decodes every answer
// itself, owns the retry policy and the process-wide adaptive rate of each
// account (ratecontrol.go), and shares DescribeCallback answers between
// concurrent readers of one scope.
package liveapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Message types accepted by the callback actions.
const (
	MessageTypePush          = "push"
	MessageTypePushEnd       = "push_end"
	MessageTypeSnapshot      = "snapshot"
	MessageTypeRecord        = "record"
	MessageTypeAuditSnapshot = "audit_snapshot"
)

// MessageTypes lists every message type in the order the API documents them.
var MessageTypes = []string{
	MessageTypePush, MessageTypePushEnd, MessageTypeSnapshot, MessageTypeRecord, MessageTypeAuditSnapshot,
}

// CallbackTypeHTTP is the only callback type the API documents.
const CallbackTypeHTTP = "HTTP"

// Scope names where a callback configuration lives: exactly one of Vhost or
// Domain is set.
type Scope struct {
	Vhost  string
	Domain string
}

// String renders the scope for messages, e.g. `vhost "push.live.example.com"`.
func (s Scope) String() string {
	if s.Domain != "" {
		return fmt.Sprintf("domain %q", s.Domain)
	}
	return fmt.Sprintf("vhost %q", s.Vhost)
}

// CallbackDetail is one receiver of callback messages.
type CallbackDetail struct {
	URL          string
	CallbackType string
}

// Callback is one callback configuration, identified by its scope, its app
// (empty for a scope-wide configuration) and its message type.
type Callback struct {
	Scope
	App                string
	MessageType        string
	CallbackDetailList []CallbackDetail
	AuthEnable         bool
	AuthKeyPrimary     string
	TranscodeCallback  bool
	// CreateTime is the server's RFC 3339 UTC creation time (CreateTimeUTC on
	// the wire); empty in requests.
	CreateTime string

	// NotUseVhost is the answer's flag for a push domain's own
	// configuration; DomainReported says whether the answer carried Domain
	// or NotUseVhost at all. Where it did not, the answer cannot tell a
	// domain's configuration from its vhost's app-less one.
	NotUseVhost    bool
	DomainReported bool
	// Extra holds every field of a described item that the fields above do
	// not model (RetryTimes, HttpMethod, AuthKeySecond, ...), as the answer
	// wrote them. UpdateCallback sends them back, so that writing a
	// configuration that was read keeps what the provider does not manage.
	Extra map[string]json.RawMessage
}

// MaskedFields names the fields of c whose values the API answered masked
// (a key shown as `5552*****e4e2`): writing c back would store the mask.
func (c Callback) MaskedFields() []string {
	var out []string
	if strings.Contains(c.AuthKeyPrimary, "*") {
		out = append(out, "AuthKeyPrimary")
	}
	for _, name := range slices.Sorted(maps.Keys(c.Extra)) {
		if !secretField(name) {
			continue
		}
		var v string
		if json.Unmarshal(c.Extra[name], &v) == nil && strings.Contains(v, "*") {
			out = append(out, name)
		}
	}
	return out
}

// SecretField reports a field of an item, as the API names it, that holds
// a key or a secret (AuthKeyPrimary, AuthKeySecond, ...).
func SecretField(name string) bool { return secretField(name) }

// secretField reports an item field that holds a key or a secret.
func secretField(name string) bool {
	lower := strings.ToLower(name)
	return strings.Contains(lower, "key") || strings.Contains(lower, "secret")
}

// Clone returns a copy of c that shares no slice or map with it.
func (c Callback) Clone() Callback {
	c.CallbackDetailList = slices.Clone(c.CallbackDetailList)
	c.Extra = maps.Clone(c.Extra)
	return c
}

// Equal reports whether c and o are the same configuration with the same
// settings, every field included; CallbackType compares case-insensitively.
func (c Callback) Equal(o Callback) bool {
	return c.Scope == o.Scope && c.App == o.App && c.MessageType == o.MessageType &&
		c.AuthEnable == o.AuthEnable && c.AuthKeyPrimary == o.AuthKeyPrimary &&
		c.TranscodeCallback == o.TranscodeCallback && c.NotUseVhost == o.NotUseVhost &&
		slices.EqualFunc(c.CallbackDetailList, o.CallbackDetailList, func(x, y CallbackDetail) bool {
			return x.URL == y.URL && strings.EqualFold(x.CallbackType, y.CallbackType)
		}) &&
		maps.EqualFunc(c.Extra, o.Extra, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) })
}

// DescribeCallbackInput filters a DescribeCallback call. Empty App or
// MessageType match everything.
type DescribeCallbackInput struct {
	Scope
	App         string
	MessageType string
}

// DeleteCallbackInput names what DeleteCallback removes. The API treats an
// empty MessageType as every message type and an empty App as every app under
// the vhost: callers that mean one configuration must set both.
type DeleteCallbackInput struct {
	Scope
	App         string
	MessageType string
}

// APIError is an error answered by the Live API (or its gateway).
type APIError struct {
	Action     string
	HTTPStatus int
	Code       string
	CodeN      int
	Message    string
	RequestID  string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: HTTP %d", e.Action, e.HTTPStatus)
	if e.Code != "" {
		fmt.Fprintf(&b, ", %s", e.Code)
	}
	if e.CodeN != 0 {
		fmt.Fprintf(&b, " (%d)", e.CodeN)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [RequestId %s]", e.RequestID)
	}
	return b.String()
}

// Retryable reports whether the same request may succeed if sent again.
func (e *APIError) Retryable() bool {
	switch {
	case e.Code == "FlowLimitExceeded", e.HTTPStatus == http.StatusTooManyRequests:
		return true
	case e.Code == "CommonErr":
		return true
	case strings.HasPrefix(e.Code, "InternalError"),
		strings.HasPrefix(e.Code, "InternalServiceError"),
		strings.HasPrefix(e.Code, "InternalServiceTimeout"):
		return true
	case e.HTTPStatus == http.StatusInternalServerError,
		e.HTTPStatus == http.StatusBadGateway,
		e.HTTPStatus == http.StatusServiceUnavailable,
		e.HTTPStatus == http.StatusGatewayTimeout:
		return true
	}
	return false
}

// AsAPIError returns the APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// IsNotFound reports a missing vhost, domain, app or configuration.
func IsNotFound(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && strings.HasPrefix(apiErr.Code, "ResourceNotFound")
}

// IsVhostNotFound reports that the vhost itself does not exist.
func IsVhostNotFound(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Code == "ResourceNotFound.VhostNotExist"
}

// IsThrottled reports the gateway's rate limit: FlowLimitExceeded, or
// HTTP 429 whatever the body (a gateway page that is not the API's JSON).
func IsThrottled(err error) bool {
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.Code == "FlowLimitExceeded" || apiErr.HTTPStatus == http.StatusTooManyRequests
	}
	var te *TransportError
	return errors.As(err, &te) && te.HTTPStatus == http.StatusTooManyRequests
}

// IsRetryable reports an error worth sending the request again for: a
// retryable API error or a transport failure.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.Retryable()
	}
	var te *TransportError
	return errors.As(err, &te)
}

// TransportError is a failure below the API: the connection, or an answer
// that is not the API's JSON envelope.
type TransportError struct {
	Action     string
	HTTPStatus int // 0 when no answer arrived
	Err        error
}

func (e *TransportError) Error() string {
	if e.HTTPStatus != 0 {
		return fmt.Sprintf("%s failed: HTTP %d: %v", e.Action, e.HTTPStatus, e.Err)
	}
	return fmt.Sprintf("%s failed: %v", e.Action, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }
