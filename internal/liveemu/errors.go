package liveemu

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is an error the emulator answers, with the fields of the envelope's
// Error and the HTTP status it is sent with. Put returns one too, so that a
// test sees the same refusal as a client would.
type Error struct {
	Action     string
	HTTPStatus int
	Code       string
	CodeN      int
	Message    string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d %s", e.Action, e.HTTPStatus, e.Code)
	if e.CodeN != 0 {
		fmt.Fprintf(&b, " (%d)", e.CodeN)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// asError finds the emulator's error in err's chain.
func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// errorTable holds, per documented code, its HTTP status, CodeN and message
// (the seed's message where it gives one).
var errorTable = map[string]struct {
	status  int
	codeN   int
	message string
}{
	"CommonErr":                          {http.StatusOK, 0, "unclassified error"},
	"InvalidParam":                       {http.StatusBadRequest, 0, "invalid parameter"},
	"InvalidParam.BindError":             {http.StatusBadRequest, 0, "Request parameter error, please check input data"},
	"InvalidParam.OutOfRange":            {http.StatusBadRequest, 0, "parameter out of range"},
	"MissingParameter":                   {http.StatusBadRequest, 100002, "missing parameter"},
	"MissingRequestInfo":                 {http.StatusBadRequest, 100004, "the request is missing authentication information"},
	"InvalidTimestamp":                   {http.StatusBadRequest, 100006, "the request time is too far from the server time"},
	"InvalidAccessKey":                   {http.StatusUnauthorized, 100009, "the access key does not exist"},
	"SignatureDoesNotMatch":              {http.StatusUnauthorized, 100010, "the request signature does not match"},
	"AccessDenied":                       {http.StatusForbidden, 100013, "access denied"},
	"RequestForbidden":                   {http.StatusForbidden, 0, "request forbidden"},
	"RequestForbidden.AccountIDNotAllow": {http.StatusForbidden, 0, "this AccountID does not have permission to access the corresponding resource, please check the request parameters"},
	"RequestForbidden.BillingStatus":     {http.StatusForbidden, 0, "Billing status is not available for the AccountID, please activate the service or recharge."},
	"ResourceNotFound":                   {http.StatusNotFound, 0, "resource not found"},
	"ResourceNotFound.VhostNotExist":     {http.StatusNotFound, 0, "vhost not found"},
	"ServiceNotFound":                    {http.StatusNotFound, 100007, "service not found"},
	"InvalidActionOrVersion":             {http.StatusNotFound, 100008, "invalid action or version"},
	"FlowLimitExceeded":                  {http.StatusTooManyRequests, 0, "Request was denied due to flow control"},
	"InternalError":                      {http.StatusInternalServerError, 100014, "an internal error occurred, please contact the administrator."},
	"InternalError.DB":                   {http.StatusInternalServerError, 0, "an internal error related to database occurred, please contact the administrator."},
	"InternalServiceError":               {http.StatusBadGateway, 0, "an internal error occurred, please contact the administrator."},
	"InternalServiceError.BadResponse":   {http.StatusBadGateway, 0, "an internal error occurred, please contact the administrator."},
	"InternalServiceTimeout":             {http.StatusGatewayTimeout, 100016, "Internal Service is timeout. please contact the administrator."},
}

// newError builds a documented error; an empty message takes the table's.
func newError(code, message string) *Error {
	e, ok := errorTable[code]
	if !ok {
		panic("liveemu: undocumented error code " + code)
	}
	if message == "" {
		message = e.message
	}
	return &Error{HTTPStatus: e.status, Code: code, CodeN: e.codeN, Message: message}
}
