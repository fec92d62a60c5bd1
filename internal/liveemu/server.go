// Package liveemu is an in-memory Volcengine Live API that answers
// UpdateCallback, DescribeCallback and DeleteCallback (Version 2023-01-01) the
// way live-callback-api.md describes them: signature V4 verification, the
// per-account rate limit, ownership of vhosts and domains, the documented
// error codes, and injectable faults for testing a client's error handling.
//
// Tests mount it with httptest.NewServer(liveemu.New(liveemu.Config{})); users
// run it with `go run ./internal/cmd/live-emulator`.
package liveemu

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// The demo account that New seeds unless Config.NoDemoAccount is set.
const (
	DemoAccountID = "2100000001"
	DemoAccessKey = "AKLTDEMOLIVEEMULATOR0001"
	DemoSecretKey = "demo-secret-key-for-the-local-emulator"
	DemoVhost     = "push.live.example.com"
	DemoDomain    = "push.example.com" // owned by DemoVhost
)

// APIVersion is the only version the emulator serves.
const APIVersion = "2023-01-01"

const (
	actionUpdate   = "UpdateCallback"
	actionDescribe = "DescribeCallback"
	actionDelete   = "DeleteCallback"

	defaultRequestsPerSecond = 10
	maxBodyBytes             = 1 << 20
)

// Config tunes a Server. The zero value is the real API's behaviour with the
// demo account seeded.
type Config struct {
	RequestsPerSecond float64 // per-account limit; 0 means the API's 10; negative means unlimited
	Burst             int     // bucket size; 0 means ceil(RequestsPerSecond) (10 by default)
	// Now is the clock for signature time checks, CreateTime, the visibility
	// delay and the rate limiter's refill; nil means time.Now.
	Now           func() time.Time
	NoDemoAccount bool // when false, New seeds the demo account, vhost and domain above
}

// Account is one Volcengine account and its key pair.
type Account struct {
	ID, AccessKey, SecretKey string
	SessionToken             string // when set, requests signed with these keys must carry X-Security-Token equal to it
	Unbilled                 bool   // every action answers 403 RequestForbidden.BillingStatus
}

// Callback is the configuration type the emulator stores and returns.
type Callback = liveapi.Callback

// RequestRecord is one request as the emulator received and answered it.
type RequestRecord struct {
	Time       time.Time
	Action     string
	AccessKey  string
	Body       []byte
	HTTPStatus int // 0 when no answer was sent (dropped connection, client gone)
	Code       string
	RequestID  string
}

// Server is the emulator; it implements http.Handler and every method is
// safe for concurrent use.
type Server struct {
	now       func() time.Time
	limit     rate.Limit
	burst     int
	requestID requestIDs

	mu          sync.Mutex
	accounts    map[string]*Account // by ID
	byAccessKey map[string]string   // access key -> account ID
	limiters    map[string]*rate.Limiter
	vhosts      map[string]*vhost
	domains     map[string]string // push domain -> owning vhost
	callbacks   map[callbackKey][]version
	visibility  time.Duration
	faults      []*pendingFault
	calls       map[string]int
	total       int
	throttled   int
	log         []*RequestRecord
}

type vhost struct {
	owner   string // account ID
	domains map[string]bool
}

// New returns an emulator configured by cfg.
func New(cfg Config) *Server {
	s := &Server{
		now:         cfg.Now,
		limit:       rate.Limit(cfg.RequestsPerSecond),
		burst:       cfg.Burst,
		requestID:   newRequestIDs(),
		accounts:    map[string]*Account{},
		byAccessKey: map[string]string{},
		limiters:    map[string]*rate.Limiter{},
		vhosts:      map[string]*vhost{},
		domains:     map[string]string{},
		callbacks:   map[callbackKey][]version{},
		calls:       map[string]int{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case cfg.RequestsPerSecond < 0:
		s.limit = rate.Inf
	case cfg.RequestsPerSecond == 0:
		s.limit = defaultRequestsPerSecond
	}
	if s.burst <= 0 {
		s.burst = max(1, int(math.Ceil(float64(s.limit))))
	}
	if !cfg.NoDemoAccount {
		s.AddAccount(Account{ID: DemoAccountID, AccessKey: DemoAccessKey, SecretKey: DemoSecretKey})
		s.AddVhost(DemoAccountID, DemoVhost, DemoDomain)
	}
	return s
}

// AddAccount adds an account, or replaces the one with the same ID.
func (s *Server) AddAccount(a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.accounts[a.ID]; ok {
		delete(s.byAccessKey, old.AccessKey)
	}
	s.accounts[a.ID] = &a
	s.byAccessKey[a.AccessKey] = a.ID
}

// SetUnbilled marks an account as not activated or in arrears (or clears it).
func (s *Server) SetUnbilled(accountID string, unbilled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[accountID]; ok {
		a.Unbilled = unbilled
	}
}

// AddVhost gives a vhost to an account, with the push domains it owns. Adding
// an existing vhost changes its owner and adds the domains; a domain owned by
// another vhost moves to this one.
func (s *Server) AddVhost(accountID, name string, domains ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vhosts[name]
	if !ok {
		v = &vhost{domains: map[string]bool{}}
		s.vhosts[name] = v
	}
	v.owner = accountID
	for _, d := range domains {
		if prev, ok := s.domains[d]; ok {
			delete(s.vhosts[prev].domains, d)
		}
		s.domains[d] = name
		v.domains[d] = true
	}
}

// RemoveVhost deletes a vhost with its domains and callback configurations.
func (s *Server) RemoveVhost(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vhosts[name]
	if !ok {
		return
	}
	for d := range v.domains {
		delete(s.domains, d)
	}
	delete(s.vhosts, name)
	for k := range s.callbacks {
		if k.vhost == name {
			delete(s.callbacks, k)
		}
	}
}

// SetVisibilityDelay makes an accepted UpdateCallback visible to
// DescribeCallback only d later, as an eventually consistent backend would;
// DescribeCallback shows the previous version meanwhile. Deletes stay
// immediate.
func (s *Server) SetVisibilityDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.visibility = d
}

// Calls counts the requests that named action, whatever their outcome.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[action]
}

// TotalCalls counts every request.
func (s *Server) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Throttled counts the requests the rate limiter answered with 429 (injected
// faults are not counted).
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// ResetCounters zeroes the counters and empties the request log.
func (s *Server) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.total, s.throttled = 0, 0
	s.log = nil
}

// Requests returns the log of every request in arrival order.
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RequestRecord, len(s.log))
	for i, r := range s.log {
		out[i] = *r
		out[i].Body = append([]byte(nil), r.Body...)
	}
	return out
}

// ServeHTTP answers one API request. The checks run in the gateway's order:
// action and version, signature, rate limit, injected faults, then the action
// itself (billing, body, validation, ownership).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	query := r.URL.Query()
	ex := &exchange{
		s: s, w: w, r: r, body: body,
		action:  query.Get("Action"),
		version: query.Get("Version"),
	}
	ex.rec = s.arrive(ex.action, accessKeyOf(r.Header.Get("Authorization")), body)

	if r.Method != http.MethodPost || !knownAction(ex.action) || ex.version != APIVersion {
		ex.fail(newError("InvalidActionOrVersion",
			fmt.Sprintf("Could not find operation %q for version %q (the Live API serves %s with POST, Version %s)",
				ex.action, ex.version, strings.Join([]string{actionUpdate, actionDescribe, actionDelete}, ", "), APIVersion)))
		return
	}
	// The body is read only up to the limit, so a larger one could never
	// match its signed hash: refuse it for its size, as the API would.
	if len(body) > maxBodyBytes {
		ex.fail(newError("InvalidParam.BindError", fmt.Sprintf("the request body is larger than %d bytes", maxBodyBytes)))
		return
	}
	acct, err := s.authenticate(r, body)
	if err != nil {
		ex.fail(err)
		return
	}
	if !s.allow(acct.ID) {
		ex.fail(newError("FlowLimitExceeded", ""))
		return
	}
	if f, ok := s.takeFault(ex.action); ok && ex.injectFault(f, acct, readErr) {
		return
	}
	result, err := s.perform(acct, ex.action, body, readErr)
	if err != nil {
		ex.fail(err)
		return
	}
	ex.succeed(result)
}

func knownAction(action string) bool {
	switch action {
	case actionUpdate, actionDescribe, actionDelete:
		return true
	}
	return false
}

// arrive counts a request and opens its log record.
func (s *Server) arrive(action, accessKey string, body []byte) *RequestRecord {
	rec := &RequestRecord{Time: s.now(), Action: action, AccessKey: accessKey, Body: body}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	if action != "" {
		s.calls[action]++
	}
	s.log = append(s.log, rec)
	return rec
}

// allow takes one token from the account's bucket, counting a refusal.
func (s *Server) allow(accountID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	lim, ok := s.limiters[accountID]
	if !ok {
		lim = rate.NewLimiter(s.limit, s.burst)
		s.limiters[accountID] = lim
	}
	if lim.AllowN(s.now(), 1) {
		return true
	}
	s.throttled++
	return false
}

// perform runs an action for an authenticated account.
func (s *Server) perform(acct Account, action string, body []byte, readErr error) (any, error) {
	if acct.Unbilled {
		return nil, newError("RequestForbidden.BillingStatus", "")
	}
	var req callbackRequest
	if err := decodeBody(body, readErr, &req); err != nil {
		return nil, err
	}
	switch action {
	case actionUpdate:
		return struct{}{}, s.update(acct.ID, req)
	case actionDescribe:
		list, err := s.describe(acct.ID, req)
		if err != nil {
			return nil, err
		}
		return describeResult{CallbackList: list}, nil
	default:
		// DeleteCallback answers no Result, as in the reference's example.
		return nil, s.delete(acct.ID, req)
	}
}

func decodeBody(body []byte, readErr error, into any) error {
	if readErr != nil || len(body) > maxBodyBytes {
		return newError("InvalidParam.BindError", "")
	}
	if err := json.Unmarshal(body, into); err != nil {
		return newError("InvalidParam.BindError", "")
	}
	return nil
}

// exchange is one request being answered.
type exchange struct {
	s               *Server
	w               http.ResponseWriter
	r               *http.Request
	body            []byte
	action, version string
	rec             *RequestRecord
}

type envelope struct {
	ResponseMetadata responseMetadata
	Result           any `json:",omitempty"`
}

type responseMetadata struct {
	RequestID string `json:"RequestId"`
	Action    string
	Version   string
	Service   string
	Region    string
	Error     *wireError `json:",omitempty"`
}

type wireError struct {
	Code    string
	CodeN   int `json:",omitempty"`
	Message string
}

func (ex *exchange) succeed(result any) {
	ex.write(http.StatusOK, nil, result)
}

func (ex *exchange) fail(err error) {
	apiErr, ok := liveapi.AsAPIError(err)
	if !ok {
		apiErr = newError("InternalError", "")
	}
	ex.write(apiErr.HTTPStatus, &wireError{Code: apiErr.Code, CodeN: apiErr.CodeN, Message: apiErr.Message}, nil)
}

func (ex *exchange) write(status int, e *wireError, result any) {
	id := ex.s.requestID.next(ex.s.now())
	env := envelope{
		ResponseMetadata: responseMetadata{
			RequestID: id, Action: ex.action, Version: ex.version,
			Service: "live", Region: "cn-north-1", Error: e,
		},
		Result: result,
	}
	payload, err := json.Marshal(env)
	if err != nil {
		panic(fmt.Sprintf("liveemu: encoding an answer: %v", err))
	}
	code := ""
	if e != nil {
		code = e.Code
	}
	ex.record(status, code, id)
	ex.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	ex.w.WriteHeader(status)
	_, _ = ex.w.Write(payload)
}

func (ex *exchange) record(status int, code, requestID string) {
	ex.s.mu.Lock()
	defer ex.s.mu.Unlock()
	ex.rec.HTTPStatus, ex.rec.Code, ex.rec.RequestID = status, code, requestID
}

// requestIDs makes RequestIds shaped like the real ones: the answer's local
// time, then hex digits that are unique per server and per request.
type requestIDs struct {
	server string
	seq    *atomic.Uint64
}

func newRequestIDs() requestIDs {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return requestIDs{server: fmt.Sprintf("%X", b), seq: new(atomic.Uint64)}
}

func (g requestIDs) next(now time.Time) string {
	return now.In(beijing).Format("20060102150405") + g.server + fmt.Sprintf("%013X", g.seq.Add(1))
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
func newError(code, message string) *liveapi.APIError {
	e, ok := errorTable[code]
	if !ok {
		panic("liveemu: undocumented error code " + code)
	}
	if message == "" {
		message = e.message
	}
	return &liveapi.APIError{HTTPStatus: e.status, Code: code, CodeN: e.codeN, Message: message}
}
