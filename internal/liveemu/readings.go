package liveemu

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Readings chooses how the emulator answers the questions the public sources
// leave open (docs/guides/api-open-questions.md). The provider must
// be correct under every reading, so tests run it against each. The zero
// value is the emulator's original behaviour.
type Readings struct {
	// DomainModel: is a Domain's configuration its own record?
	DomainModel DomainModel
	// DescribeByDomain: what DescribeCallback by Domain lists.
	DescribeByDomain DescribeScope
	// DeleteByVhostReachesDomains: in the separate model, DeleteCallback by
	// Vhost without App also removes the records of the vhost's domains (of
	// the MessageType, or of every type).
	DeleteByVhostReachesDomains bool
	// DeleteByDomainReachesApps: DeleteCallback by Domain also removes every
	// app's configuration of the owning vhost (of the MessageType, or of every
	// type).
	DeleteByDomainReachesApps bool
	// CallbackTypeSpelling: how CallbackType is stored and answered. Input is
	// accepted in any case whatever the reading.
	CallbackTypeSpelling Spelling
	// MaskKeys: answers show AuthKeyPrimary and AuthKeySecond masked like
	// 5552*****e4e2; the stored keys stay plain.
	MaskKeys bool
	// ExtraFields: UpdateCallback keeps the fields the BytePlus SDK models and
	// the provider does not (AuthKeySecond, AuthField, HttpMethod, RetryTimes,
	// RetryInternalSecond, TimeoutSecond, ValidDuration, TaskStatusCallback,
	// CallbackField, EncryptField, EncryptionAlgorithm, SecHandlerType; any
	// JSON value) and DescribeCallback answers them; otherwise UpdateCallback
	// ignores them. Either way an update replaces them all, and fields stored
	// by Put (Callback.Extra) are answered.
	ExtraFields bool
	// VisibilityDelay: how long an accepted UpdateCallback stays invisible to
	// DescribeCallback (see Server.SetVisibilityDelay).
	VisibilityDelay time.Duration
}

// String spells the readings out as the command's flags, so that a run can
// be repeated from a log.
func (r Readings) String() string {
	return fmt.Sprintf("-domain-model=%s -describe-by-domain=%s -delete-by-vhost-reaches-domains=%t -delete-by-domain-reaches-apps=%t "+
		"-callback-type-spelling=%s -mask-keys=%t -extra-fields=%t -visibility-delay=%s",
		r.DomainModel, r.DescribeByDomain, r.DeleteByVhostReachesDomains, r.DeleteByDomainReachesApps,
		r.CallbackTypeSpelling, r.MaskKeys, r.ExtraFields, r.VisibilityDelay)
}

type preset struct {
	name     string
	readings Readings
}

// presets are the named combinations, in the order ReadingNames lists them.
var presets = []preset{
	{"merged", Readings{}},
	{"merged-wide", Readings{DescribeByDomain: DescribeVhost, DeleteByDomainReachesApps: true}},
	{"separate", Readings{DomainModel: DomainSeparate, DescribeByDomain: DescribeVhost, DeleteByVhostReachesDomains: true}},
	{"separate-own", Readings{DomainModel: DomainSeparate}},
	{"separate-own-wide", Readings{DomainModel: DomainSeparate, DeleteByDomainReachesApps: true}},
	{"lower", Readings{CallbackTypeSpelling: SpellingLower}},
	{"as-sent", Readings{CallbackTypeSpelling: SpellingAsSent}},
	{"masked", Readings{MaskKeys: true}},
	{"extra", Readings{ExtraFields: true}},
	{"all-hard", Readings{
		DomainModel: DomainSeparate, DeleteByVhostReachesDomains: true, DeleteByDomainReachesApps: true,
		CallbackTypeSpelling: SpellingLower, MaskKeys: true, ExtraFields: true,
	}},
}

// ReadingNames lists the named readings ReadingByName knows; "merged", the
// zero Readings, comes first.
func ReadingNames() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.name
	}
	return names
}

// ReadingByName returns a named combination of readings.
func ReadingByName(name string) (Readings, error) {
	i := slices.IndexFunc(presets, func(p preset) bool { return p.name == name })
	if i < 0 {
		return Readings{}, fmt.Errorf("unknown reading %q; the readings are %s", name, strings.Join(ReadingNames(), ", "))
	}
	return presets[i].readings, nil
}

// DomainModel is how a Domain's configurations are stored.
type DomainModel int

const (
	// DomainMerged: a Domain acts on its owning vhost with an empty App, and
	// described items carry no Domain.
	DomainMerged DomainModel = iota
	// DomainSeparate: a Domain's configuration is its own record; every
	// described item carries Domain and NotUseVhost, true for a domain's record.
	DomainSeparate
)

// DescribeScope is what DescribeCallback by Domain lists.
type DescribeScope int

const (
	// DescribeOwn lists the domain's own configurations: in the merged model,
	// the owning vhost's app-less ones.
	DescribeOwn DescribeScope = iota
	// DescribeVhost lists everything of the owning vhost, as describing by
	// Vhost does.
	DescribeVhost
)

// Spelling is how CallbackType is stored and answered.
type Spelling int

const (
	SpellingUpper  Spelling = iota // "HTTP", as the SDK models it
	SpellingLower                  // "http", as the reference's example writes it
	SpellingAsSent                 // what UpdateCallback was sent
)

var (
	domainModelNames = []string{"merged", "separate"}
	describeNames    = []string{"own", "vhost"}
	spellingNames    = []string{"HTTP", "http", "as-sent"}
)

func (m DomainModel) String() string   { return enumString(domainModelNames, int(m), "DomainModel") }
func (d DescribeScope) String() string { return enumString(describeNames, int(d), "DescribeScope") }
func (s Spelling) String() string      { return enumString(spellingNames, int(s), "Spelling") }

// The text forms are the command's flag values (flag.TextVar) and the names
// a JSON file may use.

func (m DomainModel) MarshalText() ([]byte, error)   { return []byte(m.String()), nil }
func (d DescribeScope) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
func (s Spelling) MarshalText() ([]byte, error)      { return []byte(s.String()), nil }

func (m *DomainModel) UnmarshalText(b []byte) error {
	return enumParse(domainModelNames, string(b), (*int)(m))
}

func (d *DescribeScope) UnmarshalText(b []byte) error {
	return enumParse(describeNames, string(b), (*int)(d))
}

func (s *Spelling) UnmarshalText(b []byte) error {
	return enumParse(spellingNames, string(b), (*int)(s))
}

func enumString(names []string, v int, typeName string) string {
	if v < 0 || v >= len(names) {
		return fmt.Sprintf("%s(%d)", typeName, v)
	}
	return names[v]
}

// enumParse matches exactly: "HTTP" and "http" are different spellings.
func enumParse(names []string, s string, into *int) error {
	i := slices.Index(names, s)
	if i < 0 {
		return fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
	}
	*into = i
	return nil
}

// maskKey hides a key the way the reference's sample value is shown
// (5552*****e4e2); a short key is hidden whole so that no part of it shows.
func maskKey(key string) string {
	r := []rune(key)
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 8:
		return "*****"
	}
	return string(r[:4]) + "*****" + string(r[len(r)-4:])
}
