package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// question is one row of the spec's table of open questions, in the order
// the report answers them.
type question int

const (
	qDomainModel question = iota
	qDescribeByDomain
	qDeleteByDomain
	qDeleteByVhost
	qCallbackType
	qKeys
	qExtraFields
	qVisibility
	numQuestions
)

var questionText = [numQuestions]string{
	qDomainModel:      "Is a Domain's configuration its own record?",
	qDescribeByDomain: "What does DescribeCallback by Domain list?",
	qDeleteByDomain:   "What does DeleteCallback by Domain reach?",
	qDeleteByVhost:    "What does DeleteCallback by Vhost without App reach?",
	qCallbackType:     "How is CallbackType spelled in answers?",
	qKeys:             "Are auth keys answered in plain text?",
	qExtraFields:      "Are fields the provider does not model kept by UpdateCallback?",
	qVisibility:       "When does a change show in DescribeCallback?",
}

// The emulator's flag names, as Readings.String spells them: the report
// names what it could not determine by the flag a user would set.
const (
	flagDomainModel      = "domain-model"
	flagDescribeByDomain = "describe-by-domain"
	flagVhostReachesDoms = "delete-by-vhost-reaches-domains"
	flagDomainReachesApp = "delete-by-domain-reaches-apps"
	flagSpelling         = "callback-type-spelling"
	flagMaskKeys         = "mask-keys"
	flagExtraFields      = "extra-fields"
	flagVisibility       = "visibility-delay"
)

// readingFields compares two Readings one flag at a time, so that presets
// can be matched on what was determined alone.
type readingField struct {
	flag string
	same func(a, b liveemu.Readings) bool
}

var readingFields = []readingField{
	{flagDomainModel, func(a, b liveemu.Readings) bool { return a.DomainModel == b.DomainModel }},
	{flagDescribeByDomain, func(a, b liveemu.Readings) bool { return a.DescribeByDomain == b.DescribeByDomain }},
	{flagVhostReachesDoms, func(a, b liveemu.Readings) bool {
		return a.DeleteByVhostReachesDomains == b.DeleteByVhostReachesDomains
	}},
	{flagDomainReachesApp, func(a, b liveemu.Readings) bool { return a.DeleteByDomainReachesApps == b.DeleteByDomainReachesApps }},
	{flagSpelling, func(a, b liveemu.Readings) bool { return a.CallbackTypeSpelling == b.CallbackTypeSpelling }},
	{flagMaskKeys, func(a, b liveemu.Readings) bool { return a.MaskKeys == b.MaskKeys }},
	{flagExtraFields, func(a, b liveemu.Readings) bool { return a.ExtraFields == b.ExtraFields }},
	{flagVisibility, func(a, b liveemu.Readings) bool { return a.VisibilityDelay == b.VisibilityDelay }},
}

// finding is the answer to one question; an empty answer means "not
// determined", and why says what stood in the way.
type finding struct {
	answer   string
	why      string
	evidence []string
}

// result is everything a run found, and what it left behind.
type result struct {
	endpoint, vhost, domain string
	apps                    []string
	typeNotes               []string // why each message type was or was not used for the wide questions
	calls                   int
	interrupted             bool

	findings [numQuestions]finding
	// readings holds the determined answers; known names their flags.
	readings liveemu.Readings
	known    map[string]bool
	// outside lists what was seen that no emulator reading plays.
	outside  []string
	warnings []string

	cleanup   []string
	leftovers []string
}

func newResult() *result {
	return &result{known: map[string]bool{}}
}

func (r *result) answer(q question, answer string, evidence ...string) {
	r.findings[q].answer = answer
	r.findings[q].evidence = append(r.findings[q].evidence, evidence...)
}

func (r *result) evidence(q question, evidence ...string) {
	r.findings[q].evidence = append(r.findings[q].evidence, evidence...)
}

// undetermined gives each question that has neither an answer nor a reason
// yet the reason why.
func (r *result) undetermined(why string, qs ...question) {
	for _, q := range qs {
		if f := &r.findings[q]; f.answer == "" && f.why == "" {
			f.why = why
		}
	}
}

// learn records one determined reading.
func (r *result) learn(flag string, set func(*liveemu.Readings)) {
	set(&r.readings)
	r.known[flag] = true
}

func (r *result) unknownFlags() []string {
	var out []string
	for _, f := range readingFields {
		if !r.known[f.flag] {
			out = append(out, f.flag)
		}
	}
	return out
}

// consistentPresets are the named readings that agree with every determined
// answer.
func (r *result) consistentPresets() []string {
	var out []string
	for _, name := range liveemu.ReadingNames() {
		p, _ := liveemu.ReadingByName(name) // every listed name is known
		if !slices.ContainsFunc(readingFields, func(f readingField) bool { return r.known[f.flag] && !f.same(p, r.readings) }) {
			out = append(out, name)
		}
	}
	return out
}

// preset is the named reading equal to what was found, when every question
// was determined and nothing fell outside the emulator's readings.
func (r *result) preset() string {
	if len(r.unknownFlags()) > 0 || len(r.outside) > 0 {
		return ""
	}
	for _, name := range liveemu.ReadingNames() {
		if p, _ := liveemu.ReadingByName(name); p == r.readings {
			return name
		}
	}
	return ""
}

// presetBesidesDelay is the named reading equal to what was found but for
// the visibility delay, which no preset has.
func (r *result) presetBesidesDelay() string {
	undelayed := r.readings
	undelayed.VisibilityDelay = 0
	for _, name := range liveemu.ReadingNames() {
		if p, _ := liveemu.ReadingByName(name); p == undelayed {
			return name
		}
	}
	return ""
}

// write renders the report for a person.
func (r *result) write(w io.Writer) {
	fmt.Fprintln(w, "Volcengine Live callback API: answers to its open questions (docs/guides/api-open-questions.md)")
	fmt.Fprintf(w, "  endpoint:      %s\n", r.endpoint)
	fmt.Fprintf(w, "  vhost:         %s\n", r.vhost)
	domain := r.domain
	if domain == "" {
		domain = "(none given)"
	}
	fmt.Fprintf(w, "  domain:        %s\n", domain)
	fmt.Fprintf(w, "  scratch apps:  %s\n", strings.Join(r.apps, ", "))
	for i, note := range r.typeNotes {
		label := ""
		if i == 0 {
			label = "message types:"
		}
		fmt.Fprintf(w, "  %-14s %s\n", label, note)
	}
	fmt.Fprintf(w, "  API calls:     %d (retries not counted)\n", r.calls)
	if r.interrupted {
		fmt.Fprintln(w, "  INTERRUPTED: the questions not reached are not determined")
	}

	for q := range numQuestions {
		f := r.findings[q]
		fmt.Fprintf(w, "\n%d. %s\n", q+1, questionText[q])
		if f.answer != "" {
			fmt.Fprintf(w, "   answer:   %s\n", f.answer)
		} else {
			why := f.why
			if why == "" {
				why = "the run did not reach it"
			}
			fmt.Fprintf(w, "   answer:   not determined: %s\n", why)
		}
		for i, e := range f.evidence {
			label := ""
			if i == 0 {
				label = "evidence:"
			}
			fmt.Fprintf(w, "   %-9s - %s\n", label, e)
		}
	}

	if hint := r.spareVhostHint(); hint != "" {
		fmt.Fprintf(w, "\nTo answer the questions left open\n  %s\n", hint)
	}

	fmt.Fprintln(w, "\nEmulator reading")
	r.writeReading(w)

	if len(r.warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings")
		for _, s := range r.warnings {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}

	fmt.Fprintln(w, "\nCleanup")
	for _, s := range r.cleanup {
		fmt.Fprintf(w, "  - %s\n", s)
	}
	if len(r.leftovers) == 0 {
		fmt.Fprintln(w, "  every scratch configuration is gone")
		return
	}
	fmt.Fprintln(w, "  LEFT BEHIND (remove these yourself, after checking that nothing else shares their message type):")
	for _, s := range r.leftovers {
		fmt.Fprintf(w, "  - %s\n", s)
	}
}

// spareVhostHint tells how to answer the questions about domains and
// deletes without an app that this run left open: on a spare vhost, whose
// configurations (on at least one message type) and push domain nobody
// else uses, the probe's scratch writes meet nothing it did not make. It is
// empty when none was left open, or when the run was interrupted.
func (r *result) spareVhostHint() string {
	if r.interrupted || !slices.ContainsFunc(wideQuestions, func(q question) bool { return r.findings[q].answer == "" }) {
		return ""
	}
	return "Questions 1 to 4 need a write and a delete without App on a message type that holds nothing but the " +
		"probe's own configurations, and a push domain for 1 to 3. Run the probe again on a spare vhost, one that " +
		"can go without callbacks on at least one message type while the probe runs and has a push domain of its " +
		"own: make probe VHOST=<spare vhost> DOMAIN=<its push domain>"
}

func (r *result) writeReading(w io.Writer) {
	const emulator = "go run ./internal/cmd/live-emulator"
	for _, s := range r.outside {
		fmt.Fprintf(w, "  no emulator reading plays this: %s\n", s)
	}
	unknown := r.unknownFlags()
	switch name := r.preset(); {
	case name != "":
		fmt.Fprintf(w, "  preset:  %s\n", name)
		fmt.Fprintf(w, "  flags:   %s\n", r.readings)
		fmt.Fprintf(w, "  run:     %s -reading %s\n", emulator, name)
	case len(unknown) == 0 && len(r.outside) == 0 && r.presetBesidesDelay() != "":
		// No preset has a visibility delay: name the one it otherwise is.
		base := r.presetBesidesDelay()
		fmt.Fprintf(w, "  preset:  %s with -visibility-delay=%s (no preset has a delay)\n", base, r.readings.VisibilityDelay)
		fmt.Fprintf(w, "  flags:   %s\n", r.readings)
		fmt.Fprintf(w, "  run:     %s -reading %s -visibility-delay=%s\n", emulator, base, r.readings.VisibilityDelay)
	case len(unknown) == 0:
		qualifier := "no preset matches; the flags below play it"
		if len(r.outside) > 0 {
			qualifier = "no preset matches; the flags below are the closest the emulator can play"
		}
		fmt.Fprintf(w, "  preset:  none (%s)\n", qualifier)
		fmt.Fprintf(w, "  flags:   %s\n", r.readings)
		fmt.Fprintf(w, "  run:     %s %s\n", emulator, r.readings)
	default:
		presets := r.consistentPresets()
		list := strings.Join(presets, ", ")
		if len(presets) == 0 {
			list = "none"
		}
		fmt.Fprintf(w, "  preset:  not determined: %s undetermined\n", strings.Join(unknown, ", "))
		fmt.Fprintf(w, "  presets consistent with what was found: %s\n", list)
		fmt.Fprintf(w, "  flags, with the undetermined ones at the emulator's defaults: %s\n", r.readings)
	}
}
