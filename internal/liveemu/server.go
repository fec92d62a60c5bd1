// Package liveemu is an in-memory Volcengine Live API that answers
// UpdateCallback, DescribeCallback and DeleteCallback (Version 2023-01-01) as
// Volcengine's public reference describes them: signature V4 verification, the
// per-account rate limit and optional per-action ones, counted as a token
// bucket or in fixed one-second windows (gateway.go), ownership of vhosts
// and domains, the documented
// error codes, and injectable faults for testing a client's error handling.
// Where the sources leave the API's behaviour open, Config.Readings picks one
// of the readings the provider must survive (readings.go).
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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

// DefaultRegion is the region the emulator's signatures are checked against
// unless Config.Region says otherwise, the Live API's only region.
const DefaultRegion = "cn-north-1"

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
	// ActionRequestsPerSecond adds limits of single actions, per account,
	// on top of RequestsPerSecond: {"UpdateCallback": 1} plays the 1
	// request per second BytePlus documents for its twin API. An action
	// not named, or named with 0 or less, has none of its own.
	ActionRequestsPerSecond map[string]float64
	// Gateway is how the limits count requests; empty means TokenBucket.
	// A per-action bucket holds ceil(its limit) tokens.
	Gateway GatewayModel
	// RetryAfter makes throttled answers carry a Retry-After header: the
	// whole seconds, rounded up, until the limits would let the request
	// through. The real gateway is not known to send one.
	RetryAfter bool
	// Now is the clock for signature time checks, CreateTime, the visibility
	// delay and the rate limiter's refill; nil means time.Now.
	Now           func() time.Time
	NoDemoAccount bool // when false, New seeds the demo account, vhost and domain above
	// Region is the region a request's credential scope must name, as the
	// real gateway checks it; empty means DefaultRegion.
	Region string
	// MaxRequestLog bounds the log Requests returns to the latest requests,
	// for a long-running emulator; 0 keeps every request.
	MaxRequestLog int
	// Readings chooses the answers to the API's open questions; the zero
	// value is the merged domain model with plain, upper-case answers.
	Readings Readings
}

// Account is one Volcengine account and its key pair.
type Account struct {
	ID, AccessKey, SecretKey string
	SessionToken             string // when set, requests signed with these keys must carry X-Security-Token equal to it
	Unbilled                 bool   // every action answers 403 RequestForbidden.BillingStatus
}

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
	now          func() time.Time
	accountLimit float64 // requests per second; 0 means unlimited
	burst        int
	actionLimits map[string]float64
	gateway      GatewayModel
	retryAfter   bool
	requestID    requestIDs
	region       string
	maxLog       int
	readings     Readings

	mu          sync.Mutex
	accounts    map[string]*Account        // by ID
	byAccessKey map[string]string          // access key -> account ID
	gates       map[string]map[string]gate // account ID -> action ("" for all) -> its limit
	vhosts      map[string]*vhost
	domains     map[string]string // push domain -> owning vhost
	callbacks   map[callbackKey][]version
	visibility  time.Duration
	faults      []*pendingFault
	holds       []*Hold
	calls       map[string]int
	total       int
	throttled   map[string]int // by action
	log         []*RequestRecord
}

type vhost struct {
	owner   string // account ID
	domains map[string]bool
}

// New returns an emulator configured by cfg.
func New(cfg Config) *Server {
	s := &Server{
		now:          cfg.Now,
		accountLimit: cfg.RequestsPerSecond,
		burst:        cfg.Burst,
		actionLimits: map[string]float64{},
		gateway:      cfg.Gateway,
		retryAfter:   cfg.RetryAfter,
		requestID:    newRequestIDs(),
		accounts:     map[string]*Account{},
		byAccessKey:  map[string]string{},
		gates:        map[string]map[string]gate{},
		throttled:    map[string]int{},
		vhosts:       map[string]*vhost{},
		domains:      map[string]string{},
		callbacks:    map[callbackKey][]version{},
		calls:        map[string]int{},
		region:       cfg.Region,
		maxLog:       cfg.MaxRequestLog,
		readings:     cfg.Readings,
		visibility:   cfg.Readings.VisibilityDelay,
	}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case cfg.RequestsPerSecond < 0:
		s.accountLimit = 0
	case cfg.RequestsPerSecond == 0:
		s.accountLimit = defaultRequestsPerSecond
	}
	for action, rps := range cfg.ActionRequestsPerSecond {
		if rps > 0 {
			s.actionLimits[action] = rps
		}
	}
	if s.gateway == "" {
		s.gateway = TokenBucket
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
	for k := range s.callbacks {
		if s.owner(k) == name {
			delete(s.callbacks, k)
		}
	}
	for d := range v.domains {
		delete(s.domains, d)
	}
	delete(s.vhosts, name)
}

// SetVisibilityDelay makes an accepted UpdateCallback visible to
// DescribeCallback only d later, as an eventually consistent backend would;
// DescribeCallback shows the previous version meanwhile. Deletes stay
// immediate. It replaces Readings.VisibilityDelay from then on.
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

// Throttled counts the requests the rate limits answered with 429 (injected
// faults are not counted).
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.throttled {
		n += c
	}
	return n
}

// ThrottledCalls counts the requests naming action that the rate limits
// answered with 429.
func (s *Server) ThrottledCalls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled[action]
}

// ResetCounters zeroes the counters and empties the request log.
func (s *Server) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.total, s.throttled = 0, map[string]int{}
	s.log = nil
}

// Requests returns the log of requests in arrival order: every request, or
// the latest Config.MaxRequestLog.
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
// action and version, signature, rate limit, holds, injected faults, then the action
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
	if ok, wait := s.allow(acct.ID, ex.action); !ok {
		if s.retryAfter {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		}
		ex.fail(newError("FlowLimitExceeded", ""))
		return
	}
	if !ex.wait() {
		return // the client is gone: nobody to answer
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
	if s.maxLog > 0 && len(s.log) > s.maxLog {
		// Reslicing lets append move the kept records to a new array once
		// the old one is full, so memory stays proportional to the bound.
		s.log = s.log[len(s.log)-s.maxLog:]
	}
	return rec
}

// allow passes a request through the account's limits (gateway.go),
// counting a refusal, and answers how long until it would fit when it does
// not.
func (s *Server) allow(accountID, action string) (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok, wait := s.admit(accountID, action, s.now())
	if !ok {
		s.throttled[action]++
	}
	return ok, wait
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
		extra, err := s.requestExtra(body)
		if err != nil {
			return nil, err
		}
		return struct{}{}, s.update(acct.ID, req, extra)
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
	apiErr, ok := asError(err)
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
			Service: "live", Region: ex.s.region, Error: e,
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
