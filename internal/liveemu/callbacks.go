package liveemu

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// Domain semantics, an assumption the reference leaves open: a Domain acts on
// the vhost that owns it with an empty App. UpdateCallback by Domain stores
// under (owning vhost, "", MessageType); DescribeCallback by Domain lists the
// owning vhost's configurations whose App is empty; DeleteCallback by Domain
// deletes those. Described items never carry Domain, only Vhost, as the real
// API's items.

// callbackRequest is the body of all three actions, with the wire names.
type callbackRequest struct {
	Vhost              string
	Domain             string
	App                string
	MessageType        string
	CallbackDetailList []callbackDetail
	AuthEnable         bool
	AuthKeyPrimary     string
	TranscodeCallback  int
}

type callbackDetail struct {
	URL          string
	CallbackType string
}

type describeResult struct {
	CallbackList []callbackItem
}

type callbackItem struct {
	Vhost              string
	App                string
	MessageType        string
	CallbackDetailList []callbackDetail
	AuthEnable         bool
	AuthKeyPrimary     string
	TranscodeCallback  int
	CreateTime         string
	CreateTimeUTC      string
}

type callbackKey struct{ vhost, app, messageType string }

// version is one accepted UpdateCallback; a key keeps the versions that
// DescribeCallback may still need while a visibility delay runs.
type version struct {
	cb        liveapi.Callback // stored form: Scope.Vhost set, CreateTime empty
	created   time.Time
	visibleAt time.Time
}

// The real service answers in Beijing time; CreateTimeUTC carries the same
// instant in UTC.
var beijing = time.FixedZone("CST", 8*60*60)

var appPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,30}$`)

const maxURLLength = 100

func invalidParam(format string, args ...any) error {
	return newError("InvalidParam", fmt.Sprintf(format, args...))
}

func outOfRange(field string, allowed ...string) error {
	return newError("InvalidParam.OutOfRange", fmt.Sprintf("%s should be one of {[%s]}", field, strings.Join(allowed, " ")))
}

// validateSelector checks what the three actions share: the scope, App and,
// when given, MessageType.
func validateSelector(req callbackRequest) error {
	if (req.Vhost == "") == (req.Domain == "") {
		return invalidParam("exactly one of Vhost and Domain must be set")
	}
	if req.Domain != "" && req.App != "" {
		return invalidParam("App must not be set together with Domain")
	}
	if req.App != "" && !appPattern.MatchString(req.App) {
		return invalidParam("App must be 1 to 30 characters of A-Z, a-z, 0-9, underscore (_), hyphen (-) and period (.)")
	}
	if req.MessageType != "" && !slices.Contains(liveapi.MessageTypes, req.MessageType) {
		return outOfRange("MessageType", liveapi.MessageTypes...)
	}
	return nil
}

// validateUpdate checks an UpdateCallback body and returns it with the
// callback types in their stored spelling.
func validateUpdate(req callbackRequest) (callbackRequest, error) {
	if err := validateSelector(req); err != nil {
		return req, err
	}
	if req.MessageType == "" {
		return req, invalidParam("MessageType is required")
	}
	if len(req.CallbackDetailList) == 0 {
		return req, invalidParam("CallbackDetailList must contain at least one item")
	}
	details := make([]callbackDetail, len(req.CallbackDetailList))
	for i, d := range req.CallbackDetailList {
		field := fmt.Sprintf("CallbackDetailList[%d]", i)
		if n := utf8.RuneCountInString(d.URL); n < 1 || n > maxURLLength {
			return req, invalidParam("%s.URL must be 1 to %d characters long", field, maxURLLength)
		}
		if u, err := url.Parse(d.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return req, invalidParam("%s.URL must be an absolute http or https URL with a host", field)
		}
		if !strings.EqualFold(d.CallbackType, liveapi.CallbackTypeHTTP) {
			return req, outOfRange(field+".CallbackType", liveapi.CallbackTypeHTTP)
		}
		details[i] = callbackDetail{URL: d.URL, CallbackType: liveapi.CallbackTypeHTTP}
	}
	req.CallbackDetailList = details
	if req.AuthEnable && req.AuthKeyPrimary == "" {
		return req, invalidParam("AuthKeyPrimary is required when AuthEnable is true")
	}
	if req.TranscodeCallback != 0 && req.TranscodeCallback != 1 {
		return req, newError("InvalidParam.OutOfRange", "TranscodeCallback should be between 0 and 1")
	}
	return req, nil
}

// resolveVhost maps the request's scope to the vhost it acts on, checking
// that the account owns it; an empty accountID skips the ownership check.
func (s *Server) resolveVhost(accountID string, req callbackRequest) (string, error) {
	name := req.Vhost
	if req.Domain != "" {
		owner, ok := s.domains[req.Domain]
		if !ok {
			return "", newError("ResourceNotFound", "domain not found")
		}
		name = owner
	}
	v, ok := s.vhosts[name]
	if !ok {
		return "", newError("ResourceNotFound.VhostNotExist", "")
	}
	if accountID != "" && v.owner != accountID {
		return "", newError("RequestForbidden.AccountIDNotAllow", "")
	}
	return name, nil
}

func (s *Server) update(accountID string, req callbackRequest) error {
	req, err := validateUpdate(req)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, err := s.resolveVhost(accountID, req)
	if err != nil {
		return err
	}
	now := s.now()
	s.store(storedCallback(name, req), time.Time{}, now, now.Add(s.visibility))
	return nil
}

// store appends a version, keeping the original creation time of an existing
// configuration; a zero created means "keep or now". Versions hidden behind a
// newer visible one are dropped.
func (s *Server) store(cb liveapi.Callback, created, now, visibleAt time.Time) {
	key := callbackKey{cb.Vhost, cb.App, cb.MessageType}
	versions := s.callbacks[key]
	if created.IsZero() {
		created = now
		if len(versions) > 0 {
			created = versions[len(versions)-1].created
		}
	}
	versions = append(versions, version{cb: cb, created: created, visibleAt: visibleAt})
	for len(versions) > 1 && !versions[1].visibleAt.After(now) {
		versions = versions[1:]
	}
	s.callbacks[key] = versions
}

func storedCallback(vhostName string, req callbackRequest) liveapi.Callback {
	cb := liveapi.Callback{
		Scope:             liveapi.Scope{Vhost: vhostName},
		App:               req.App,
		MessageType:       req.MessageType,
		AuthEnable:        req.AuthEnable,
		AuthKeyPrimary:    req.AuthKeyPrimary,
		TranscodeCallback: req.TranscodeCallback == 1,
	}
	for _, d := range req.CallbackDetailList {
		cb.CallbackDetailList = append(cb.CallbackDetailList, liveapi.CallbackDetail(d))
	}
	return cb
}

// matches reports whether a stored key is selected by a Describe or Delete
// body whose vhost has been resolved; empty filters match everything, except
// that a Domain selects the empty App only.
func matches(k callbackKey, vhostName string, req callbackRequest) bool {
	switch {
	case k.vhost != vhostName:
		return false
	case req.Domain != "" && k.app != "":
		return false
	case req.App != "" && k.app != req.App:
		return false
	case req.MessageType != "" && k.messageType != req.MessageType:
		return false
	}
	return true
}

func (s *Server) describe(accountID string, req callbackRequest) ([]callbackItem, error) {
	if err := validateSelector(req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, err := s.resolveVhost(accountID, req)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var found []version
	for k, versions := range s.callbacks {
		if !matches(k, name, req) {
			continue
		}
		if v, ok := visibleVersion(versions, now); ok {
			found = append(found, v)
		}
	}
	sortVersions(found)
	items := make([]callbackItem, 0, len(found))
	for _, v := range found {
		items = append(items, wireItem(v))
	}
	return items, nil
}

// visibleVersion is the newest version DescribeCallback may show at now.
func visibleVersion(versions []version, now time.Time) (version, bool) {
	for i := len(versions) - 1; i >= 0; i-- {
		if !versions[i].visibleAt.After(now) {
			return versions[i], true
		}
	}
	return version{}, false
}

func wireItem(v version) callbackItem {
	item := callbackItem{
		Vhost:          v.cb.Vhost,
		App:            v.cb.App,
		MessageType:    v.cb.MessageType,
		AuthEnable:     v.cb.AuthEnable,
		AuthKeyPrimary: v.cb.AuthKeyPrimary,
		CreateTime:     v.created.In(beijing).Format(time.RFC3339),
		CreateTimeUTC:  v.created.UTC().Format(time.RFC3339),
	}
	if v.cb.TranscodeCallback {
		item.TranscodeCallback = 1
	}
	for _, d := range v.cb.CallbackDetailList {
		item.CallbackDetailList = append(item.CallbackDetailList, callbackDetail(d))
	}
	return item
}

func (s *Server) delete(accountID string, req callbackRequest) error {
	if err := validateSelector(req); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, err := s.resolveVhost(accountID, req)
	if err != nil {
		return err
	}
	for k := range s.callbacks {
		if matches(k, name, req) {
			delete(s.callbacks, k)
		}
	}
	return nil
}

// sortVersions orders configurations by vhost, app, then message type in the
// documented order.
func sortVersions(vs []version) {
	sort.Slice(vs, func(i, j int) bool {
		a, b := vs[i].cb, vs[j].cb
		if a.Vhost != b.Vhost {
			return a.Vhost < b.Vhost
		}
		if a.App != b.App {
			return a.App < b.App
		}
		return slices.Index(liveapi.MessageTypes, a.MessageType) < slices.Index(liveapi.MessageTypes, b.MessageType)
	})
}

// Put stores a configuration as UpdateCallback would (same validation, Domain
// resolved to its vhost), without signing, limits, faults or counters, and
// visible at once. A non-empty c.CreateTime (RFC 3339) sets the creation
// time; otherwise an existing configuration keeps its own, and a new one gets
// now. The error is a *liveapi.APIError like the HTTP answer's.
func (s *Server) Put(c liveapi.Callback) error {
	err := s.put(c)
	if apiErr, ok := liveapi.AsAPIError(err); ok {
		apiErr.Action = actionUpdate
	}
	return err
}

func (s *Server) put(c liveapi.Callback) error {
	req := callbackRequest{
		Vhost: c.Vhost, Domain: c.Domain, App: c.App, MessageType: c.MessageType,
		AuthEnable: c.AuthEnable, AuthKeyPrimary: c.AuthKeyPrimary,
	}
	if c.TranscodeCallback {
		req.TranscodeCallback = 1
	}
	for _, d := range c.CallbackDetailList {
		req.CallbackDetailList = append(req.CallbackDetailList, callbackDetail(d))
	}
	var created time.Time
	if c.CreateTime != "" {
		t, err := time.Parse(time.RFC3339, c.CreateTime)
		if err != nil {
			return invalidParam("CreateTime must be an RFC 3339 time: %v", err)
		}
		created = t
	}
	req, err := validateUpdate(req)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name, err := s.resolveVhost("", req)
	if err != nil {
		return err
	}
	now := s.now()
	s.store(storedCallback(name, req), created, now, now)
	return nil
}

// Get returns the stored configuration, ignoring any visibility delay.
func (s *Server) Get(vhostName, app, messageType string) (liveapi.Callback, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	versions := s.callbacks[callbackKey{vhostName, app, messageType}]
	if len(versions) == 0 {
		return liveapi.Callback{}, false
	}
	return exported(versions[len(versions)-1]), true
}

// List returns a vhost's stored configurations in the API's order (app, then
// message type), ignoring any visibility delay.
func (s *Server) List(vhostName string) []liveapi.Callback {
	return s.collect(func(k callbackKey) bool { return k.vhost == vhostName })
}

// All returns every stored configuration, sorted by vhost, app and message
// type, ignoring any visibility delay.
func (s *Server) All() []liveapi.Callback {
	return s.collect(func(callbackKey) bool { return true })
}

func (s *Server) collect(keep func(callbackKey) bool) []liveapi.Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	var latest []version
	for k, versions := range s.callbacks {
		if keep(k) && len(versions) > 0 {
			latest = append(latest, versions[len(versions)-1])
		}
	}
	sortVersions(latest)
	out := make([]liveapi.Callback, 0, len(latest))
	for _, v := range latest {
		out = append(out, exported(v))
	}
	return out
}

// Remove deletes exactly one configuration and reports whether it existed.
func (s *Server) Remove(vhostName, app, messageType string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := callbackKey{vhostName, app, messageType}
	_, ok := s.callbacks[key]
	delete(s.callbacks, key)
	return ok
}

func exported(v version) liveapi.Callback {
	cb := v.cb
	cb.CallbackDetailList = slices.Clone(cb.CallbackDetailList)
	cb.CreateTime = v.created.UTC().Format(time.RFC3339)
	return cb
}
