package liveemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Where a Domain's configuration lives, what Describe and Delete reach, and
// how answers are spelled follow the server's Readings (readings.go). In the
// zero Readings a Domain acts on the vhost that owns it with an empty App:
// UpdateCallback by Domain stores under (owning vhost, "", MessageType),
// DescribeCallback by Domain lists the owning vhost's app-less
// configurations, DeleteCallback by Domain deletes those, and items never
// carry Domain.

// messageTypes are the message types the actions accept, in the documented
// order, which is also the order of DescribeCallback's items.
var messageTypes = []string{"push", "push_end", "snapshot", "record", "audit_snapshot"}

const callbackTypeHTTP = "HTTP"

// extraFieldNames are the fields of a configuration that the BytePlus SDK
// models and the provider does not; see Readings.ExtraFields.
var extraFieldNames = []string{
	"AuthKeySecond", "AuthField", "HttpMethod", "RetryTimes", "RetryInternalSecond", "TimeoutSecond",
	"ValidDuration", "TaskStatusCallback", "CallbackField", "EncryptField", "EncryptionAlgorithm", "SecHandlerType",
}

// CallbackDetail is one receiver of a configuration.
type CallbackDetail struct {
	URL          string
	CallbackType string
}

// Callback is one configuration as Put takes it and Get returns it.
type Callback struct {
	Vhost string
	// Domain is set only on a domain's own record, in the separate domain
	// model; Vhost then names the vhost that owns the domain.
	Domain             string
	App                string
	MessageType        string
	CallbackDetailList []CallbackDetail
	AuthEnable         bool
	AuthKeyPrimary     string
	TranscodeCallback  bool
	// CreateTime is RFC 3339 UTC on output; on Put it is optional.
	CreateTime string
	// Extra holds the fields the provider does not model (AuthKeySecond,
	// HttpMethod, RetryTimes, ...), each as compact JSON.
	Extra map[string]json.RawMessage
}

// callbackRequest is the body of all three actions, with the wire names.
type callbackRequest struct {
	Vhost              string
	Domain             string
	App                string
	MessageType        string
	CallbackDetailList []CallbackDetail
	AuthEnable         bool
	AuthKeyPrimary     string
	TranscodeCallback  int
}

type describeResult struct {
	CallbackList []callbackItem
}

type callbackItem struct {
	Vhost string
	// Domain and NotUseVhost are on every item in the separate domain model
	// only, so pointers tell "absent" from "empty".
	Domain             *string `json:",omitempty"`
	NotUseVhost        *bool   `json:",omitempty"`
	App                string
	MessageType        string
	CallbackDetailList []CallbackDetail
	AuthEnable         bool
	AuthKeyPrimary     string
	TranscodeCallback  int
	CreateTime         string
	CreateTimeUTC      string
	extra              map[string]json.RawMessage
}

// MarshalJSON appends the extra fields, in name order, to the modelled ones.
func (it callbackItem) MarshalJSON() ([]byte, error) {
	type modelled callbackItem
	b, err := json.Marshal(modelled(it))
	if err != nil || len(it.extra) == 0 {
		return b, err
	}
	out := bytes.NewBuffer(b[:len(b)-1])
	for _, name := range slices.Sorted(maps.Keys(it.extra)) {
		fmt.Fprintf(out, ",%q:%s", name, it.extra[name])
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// callbackKey names a stored configuration: a vhost's record has vhost set
// and domain empty; a domain's own record (separate model) has domain set and
// vhost empty, so that it follows its domain to whichever vhost owns it.
type callbackKey struct{ vhost, domain, app, messageType string }

func keyOf(c Callback) callbackKey {
	return callbackKey{c.Vhost, c.Domain, c.App, c.MessageType}
}

// version is one accepted UpdateCallback; a key keeps the versions that
// DescribeCallback may still need while a visibility delay runs.
type version struct {
	cb        Callback // stored form: the fields of its key, CreateTime empty
	created   time.Time
	visibleAt time.Time
}

// target is what a request's scope resolves to.
type target struct {
	vhost  string // the request's Vhost, or the owner of its Domain
	domain string // the request's Domain
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
	if req.MessageType != "" && !slices.Contains(messageTypes, req.MessageType) {
		return outOfRange("MessageType", messageTypes...)
	}
	return nil
}

// validateUpdate checks an UpdateCallback body and returns it with the
// callback types in the spelling the server stores.
func validateUpdate(req callbackRequest, spelling Spelling) (callbackRequest, error) {
	if err := validateSelector(req); err != nil {
		return req, err
	}
	if req.MessageType == "" {
		return req, invalidParam("MessageType is required")
	}
	if len(req.CallbackDetailList) == 0 {
		return req, invalidParam("CallbackDetailList must contain at least one item")
	}
	details := make([]CallbackDetail, len(req.CallbackDetailList))
	for i, d := range req.CallbackDetailList {
		field := fmt.Sprintf("CallbackDetailList[%d]", i)
		if n := utf8.RuneCountInString(d.URL); n < 1 || n > maxURLLength {
			return req, invalidParam("%s.URL must be 1 to %d characters long", field, maxURLLength)
		}
		if u, err := url.Parse(d.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return req, invalidParam("%s.URL must be an absolute http or https URL with a host", field)
		}
		if d.CallbackType == "" {
			return req, invalidParam("%s.CallbackType is missing: it is required, and %q is its only value", field, callbackTypeHTTP)
		}
		if !strings.EqualFold(d.CallbackType, callbackTypeHTTP) {
			return req, outOfRange(field+".CallbackType", callbackTypeHTTP)
		}
		details[i] = CallbackDetail{URL: d.URL, CallbackType: spell(d.CallbackType, spelling)}
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

func spell(sent string, spelling Spelling) string {
	switch spelling {
	case SpellingLower:
		return strings.ToLower(callbackTypeHTTP)
	case SpellingAsSent:
		return sent
	}
	return callbackTypeHTTP
}

// compactExtra checks and compacts a configuration's extra fields; from a
// request body, only the known ones are kept, as the real API binds its
// model's fields and drops the rest.
func compactExtra(fields map[string]json.RawMessage, dropUnknown bool) (map[string]json.RawMessage, error) {
	var out map[string]json.RawMessage
	for name, raw := range fields {
		if !slices.Contains(extraFieldNames, name) {
			if dropUnknown {
				continue
			}
			return nil, invalidParam("Extra has %q; the extra fields are %s", name, strings.Join(extraFieldNames, ", "))
		}
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return nil, invalidParam("Extra %q is not JSON: %v", name, err)
		}
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// requestExtra is what UpdateCallback keeps of the fields the provider does
// not model: nothing unless Readings.ExtraFields.
func (s *Server) requestExtra(body []byte) (map[string]json.RawMessage, error) {
	if !s.readings.ExtraFields {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, newError("InvalidParam.BindError", "")
	}
	return compactExtra(fields, true)
}

// resolve maps the request's scope to the vhost it acts on, checking that
// the account owns it; an empty accountID skips the ownership check.
func (s *Server) resolve(accountID string, req callbackRequest) (target, error) {
	t := target{vhost: req.Vhost, domain: req.Domain}
	if req.Domain != "" {
		owner, ok := s.domains[req.Domain]
		if !ok {
			return t, newError("ResourceNotFound", "domain not found")
		}
		t.vhost = owner
	}
	v, ok := s.vhosts[t.vhost]
	if !ok {
		return t, newError("ResourceNotFound.VhostNotExist", "")
	}
	if accountID != "" && v.owner != accountID {
		return t, newError("RequestForbidden.AccountIDNotAllow", "")
	}
	return t, nil
}

// recordKey is where UpdateCallback stores a configuration of the target.
func (s *Server) recordKey(t target, app, messageType string) callbackKey {
	if t.domain != "" && s.readings.DomainModel == DomainSeparate {
		return callbackKey{domain: t.domain, messageType: messageType}
	}
	return callbackKey{vhost: t.vhost, app: app, messageType: messageType}
}

// owner is the vhost a stored configuration belongs to.
func (s *Server) owner(k callbackKey) string {
	if k.domain != "" {
		return s.domains[k.domain]
	}
	return k.vhost
}

// domainsOwn reports whether k is one of the configurations a Domain names
// as its own: its records, or in the merged model its vhost's app-less ones.
func (s *Server) domainsOwn(k callbackKey, t target) bool {
	if s.readings.DomainModel == DomainSeparate {
		return k.domain == t.domain
	}
	return k.vhost == t.vhost && k.app == ""
}

// describes reports whether DescribeCallback with req lists k. A vhost's
// listing includes its domains' records.
func (s *Server) describes(k callbackKey, t target, req callbackRequest) bool {
	if req.MessageType != "" && k.messageType != req.MessageType {
		return false
	}
	if req.Domain != "" && s.readings.DescribeByDomain == DescribeOwn {
		return s.domainsOwn(k, t)
	}
	return s.owner(k) == t.vhost && (req.App == "" || k.app == req.App)
}

// deletes reports whether DeleteCallback with req removes k: an omitted
// MessageType reaches every type, an omitted App every app of the vhost.
func (s *Server) deletes(k callbackKey, t target, req callbackRequest) bool {
	if req.MessageType != "" && k.messageType != req.MessageType {
		return false
	}
	switch {
	case req.Domain != "":
		return s.domainsOwn(k, t) || (s.readings.DeleteByDomainReachesApps && k.vhost == t.vhost && k.app != "")
	case req.App != "":
		return k.vhost == t.vhost && k.app == req.App
	}
	return k.vhost == t.vhost || (s.readings.DeleteByVhostReachesDomains && k.domain != "" && s.owner(k) == t.vhost)
}

func (s *Server) update(accountID string, req callbackRequest, extra map[string]json.RawMessage) error {
	req, err := validateUpdate(req, s.readings.CallbackTypeSpelling)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.resolve(accountID, req)
	if err != nil {
		return err
	}
	now := s.now()
	s.store(storedCallback(s.recordKey(t, req.App, req.MessageType), req, extra), time.Time{}, now, now.Add(s.visibility))
	return nil
}

// store appends a version, keeping the original creation time of an existing
// configuration; a zero created means "keep or now". Versions hidden behind a
// newer visible one are dropped.
func (s *Server) store(cb Callback, created, now, visibleAt time.Time) {
	key := keyOf(cb)
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

func storedCallback(k callbackKey, req callbackRequest, extra map[string]json.RawMessage) Callback {
	return Callback{
		Vhost:              k.vhost,
		Domain:             k.domain,
		App:                k.app,
		MessageType:        k.messageType,
		CallbackDetailList: req.CallbackDetailList,
		AuthEnable:         req.AuthEnable,
		AuthKeyPrimary:     req.AuthKeyPrimary,
		TranscodeCallback:  req.TranscodeCallback == 1,
		Extra:              extra,
	}
}

func (s *Server) describe(accountID string, req callbackRequest) ([]callbackItem, error) {
	if err := validateSelector(req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.resolve(accountID, req)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var found []version
	for k, versions := range s.callbacks {
		if !s.describes(k, t, req) {
			continue
		}
		if v, ok := visibleVersion(versions, now); ok {
			found = append(found, s.withOwner(k, v))
		}
	}
	sortVersions(found)
	items := make([]callbackItem, 0, len(found))
	for _, v := range found {
		items = append(items, s.wireItem(v))
	}
	return items, nil
}

// withOwner fills a domain record's Vhost with the domain's current owner.
func (s *Server) withOwner(k callbackKey, v version) version {
	v.cb.Vhost = s.owner(k)
	return v
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

func (s *Server) wireItem(v version) callbackItem {
	item := callbackItem{
		Vhost:              v.cb.Vhost,
		App:                v.cb.App,
		MessageType:        v.cb.MessageType,
		CallbackDetailList: v.cb.CallbackDetailList,
		AuthEnable:         v.cb.AuthEnable,
		AuthKeyPrimary:     v.cb.AuthKeyPrimary,
		CreateTime:         v.created.In(beijing).Format(time.RFC3339),
		CreateTimeUTC:      v.created.UTC().Format(time.RFC3339),
		extra:              v.cb.Extra,
	}
	if v.cb.TranscodeCallback {
		item.TranscodeCallback = 1
	}
	if s.readings.DomainModel == DomainSeparate {
		domain, notUseVhost := v.cb.Domain, v.cb.Domain != ""
		item.Domain, item.NotUseVhost = &domain, &notUseVhost
	}
	if s.readings.MaskKeys {
		item.AuthKeyPrimary = maskKey(item.AuthKeyPrimary)
		item.extra = maskSecondKey(item.extra)
	}
	return item
}

// maskSecondKey masks AuthKeySecond when it is a string, on a copy: the
// stored value stays plain.
func maskSecondKey(extra map[string]json.RawMessage) map[string]json.RawMessage {
	var key string
	if err := json.Unmarshal(extra["AuthKeySecond"], &key); err != nil {
		return extra
	}
	masked, _ := json.Marshal(maskKey(key)) // a string always encodes
	extra = maps.Clone(extra)
	extra["AuthKeySecond"] = masked
	return extra
}

func (s *Server) delete(accountID string, req callbackRequest) error {
	if err := validateSelector(req); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.resolve(accountID, req)
	if err != nil {
		return err
	}
	for k := range s.callbacks {
		if s.deletes(k, t, req) {
			delete(s.callbacks, k)
		}
	}
	return nil
}

// sortVersions orders configurations by vhost, then the vhost's own before
// its domains' (by domain), then app, then message type in the documented
// order. Domain records must have their owner filled in (withOwner).
func sortVersions(vs []version) {
	sort.Slice(vs, func(i, j int) bool {
		a, b := vs[i].cb, vs[j].cb
		switch {
		case a.Vhost != b.Vhost:
			return a.Vhost < b.Vhost
		case a.Domain != b.Domain:
			return a.Domain < b.Domain
		case a.App != b.App:
			return a.App < b.App
		}
		return slices.Index(messageTypes, a.MessageType) < slices.Index(messageTypes, b.MessageType)
	})
}

// Put stores a configuration as UpdateCallback would (same validation and
// spelling, a Domain stored per the domain model), with its Extra fields
// whatever Readings.ExtraFields says, as if made in the console; without
// signing, limits, faults or counters, and visible at once. A Domain may
// come with its owning vhost as Vhost, as Get and GetDomain return it. A
// non-empty CreateTime (RFC 3339) sets the creation time; otherwise an
// existing configuration keeps its own, and a new one gets now. The error is
// an *Error like the HTTP answer's.
func (s *Server) Put(c Callback) error {
	err := s.put(c)
	if e, ok := asError(err); ok {
		e.Action = actionUpdate
	}
	return err
}

func (s *Server) put(c Callback) error {
	req := callbackRequest{
		Vhost: c.Vhost, Domain: c.Domain, App: c.App, MessageType: c.MessageType,
		CallbackDetailList: c.CallbackDetailList,
		AuthEnable:         c.AuthEnable, AuthKeyPrimary: c.AuthKeyPrimary,
	}
	if c.TranscodeCallback {
		req.TranscodeCallback = 1
	}
	claimedOwner := ""
	if c.Domain != "" {
		claimedOwner, req.Vhost = c.Vhost, ""
	}
	var created time.Time
	if c.CreateTime != "" {
		t, err := time.Parse(time.RFC3339, c.CreateTime)
		if err != nil {
			return invalidParam("CreateTime must be an RFC 3339 time: %v", err)
		}
		created = t
	}
	extra, err := compactExtra(c.Extra, false)
	if err != nil {
		return err
	}
	req, err = validateUpdate(req, s.readings.CallbackTypeSpelling)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.resolve("", req)
	if err != nil {
		return err
	}
	if claimedOwner != "" && claimedOwner != t.vhost {
		return invalidParam("Vhost %q does not own Domain %q (%q does): give the Domain alone or with its owner", claimedOwner, t.domain, t.vhost)
	}
	now := s.now()
	s.store(storedCallback(s.recordKey(t, req.App, req.MessageType), req, extra), created, now, now)
	return nil
}

// Get returns a vhost's stored configuration (never a domain's own record:
// see GetDomain), ignoring any visibility delay.
func (s *Server) Get(vhostName, app, messageType string) (Callback, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latest(callbackKey{vhost: vhostName, app: app, messageType: messageType})
}

// GetDomain returns the configuration a Domain names as its own: in the
// merged model its owning vhost's app-less one, in the separate model the
// domain's own record. It ignores any visibility delay.
func (s *Server) GetDomain(domain, messageType string) (Callback, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.domainKey(domain, messageType)
	if !ok {
		return Callback{}, false
	}
	return s.latest(k)
}

func (s *Server) domainKey(domain, messageType string) (callbackKey, bool) {
	owner, ok := s.domains[domain]
	if !ok {
		return callbackKey{}, false
	}
	return s.recordKey(target{vhost: owner, domain: domain}, "", messageType), true
}

func (s *Server) latest(k callbackKey) (Callback, bool) {
	versions := s.callbacks[k]
	if len(versions) == 0 {
		return Callback{}, false
	}
	return exported(s.withOwner(k, versions[len(versions)-1])), true
}

// List returns a vhost's stored configurations, its domains' records
// included, in DescribeCallback's order, ignoring any visibility delay.
func (s *Server) List(vhostName string) []Callback {
	return s.collect(func(k callbackKey) bool { return s.owner(k) == vhostName })
}

// All returns every stored configuration in DescribeCallback's order,
// ignoring any visibility delay.
func (s *Server) All() []Callback {
	return s.collect(func(callbackKey) bool { return true })
}

// collect runs keep with s.mu held.
func (s *Server) collect(keep func(callbackKey) bool) []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	var latest []version
	for k, versions := range s.callbacks {
		if keep(k) && len(versions) > 0 {
			latest = append(latest, s.withOwner(k, versions[len(versions)-1]))
		}
	}
	sortVersions(latest)
	out := make([]Callback, 0, len(latest))
	for _, v := range latest {
		out = append(out, exported(v))
	}
	return out
}

// Remove deletes exactly one configuration of a vhost and reports whether it
// existed.
func (s *Server) Remove(vhostName, app, messageType string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.remove(callbackKey{vhost: vhostName, app: app, messageType: messageType})
}

// RemoveDomain deletes the configuration GetDomain would return and reports
// whether it existed.
func (s *Server) RemoveDomain(domain, messageType string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.domainKey(domain, messageType)
	return ok && s.remove(k)
}

func (s *Server) remove(k callbackKey) bool {
	_, ok := s.callbacks[k]
	delete(s.callbacks, k)
	return ok
}

// exported copies a version out, so that callers cannot reach stored slices
// and maps.
func exported(v version) Callback {
	cb := v.cb
	cb.CallbackDetailList = slices.Clone(cb.CallbackDetailList)
	cb.Extra = maps.Clone(cb.Extra)
	cb.CreateTime = v.created.UTC().Format(time.RFC3339)
	return cb
}
