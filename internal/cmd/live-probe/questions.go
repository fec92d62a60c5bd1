package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// appMessageType carries the questions that an app's configuration answers.
// Any type would do, since a scratch app is the run's alone; the console
// itself makes audit_snapshot configurations per app.
const appMessageType = liveapi.MessageTypeAuditSnapshot

// mixedCase is a CallbackType spelling that neither upper- nor lower-case
// answers keep, so an answer that repeats it shows "as sent".
const mixedCase = "Http"

// probeExtra are fields the provider does not model, with values the
// BytePlus SDK's model allows.
var probeExtra = map[string]json.RawMessage{"RetryTimes": json.RawMessage(`3`), "HttpMethod": json.RawMessage(`"POST"`)}

var (
	appQuestions  = []question{qCallbackType, qKeys, qExtraFields, qVisibility}
	wideQuestions = []question{qDomainModel, qDescribeByDomain, qDeleteByDomain, qDeleteByVhost}
)

// probe answers the open questions on o.vhost and removes what it wrote,
// also when ctx ends. The error is for a run that could not start; once it
// has, failures become "not determined" answers in the result.
func probe(ctx context.Context, api *liveapi.Client, o options, progress io.Writer) (*result, error) {
	p := newProber(api, o, progress)
	v, err := p.start(ctx)
	if err != nil {
		return nil, err
	}
	free := p.freeType(v)

	defer func() {
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		p.cleanup(cleanupCtx)
		p.res.interrupted = ctx.Err() != nil
	}()

	err = p.appQuestions(ctx)
	if err != nil {
		p.res.undetermined(err.Error(), appQuestions...)
	}
	switch {
	case stops(err):
		p.res.undetermined("the run stopped before it: "+err.Error(), wideQuestions...)
	case !o.wide:
		p.res.undetermined("-wide=false: nothing was written or deleted without an App", wideQuestions...)
	case free == "":
		p.res.undetermined("every message type has configurations the probe did not make, and the answer needs a write or delete without App on one that has none", wideQuestions...)
	default:
		if err := p.wideQuestions(ctx, free); err != nil {
			p.res.undetermined(err.Error(), wideQuestions...)
		}
	}
	p.visibility()
	return p.res, nil
}

// appQuestions writes one scratch app configuration four times: HTTP and a
// key, the mixed-case spelling, the unmodelled fields, and without them.
func (p *prober) appQuestions(ctx context.Context) error {
	scope := liveapi.Scope{Vhost: p.o.vhost}
	app := p.apps[0]

	first := p.scratch(scope, app, appMessageType, liveapi.CallbackTypeHTTP)
	v, err := p.writeVisible(ctx, first)
	if err != nil {
		return err
	}
	got, _ := v.find(urlOf(first))
	p.learnKeys(*got)
	upper := got.CallbackDetailList[0].CallbackType

	mixed := p.scratch(scope, app, appMessageType, mixedCase)
	v, err = p.writeVisible(ctx, mixed)
	switch {
	case isRefusal(err):
		p.learnSpelling(upper, "", err)
	case err != nil:
		return err
	default:
		got, _ = v.find(urlOf(mixed))
		p.learnSpelling(upper, got.CallbackDetailList[0].CallbackType, nil)
	}

	if err := p.learnExtraFields(ctx, scope, app); err != nil {
		return err
	}
	return p.deleteApp(ctx, idOf(first))
}

func (p *prober) learnKeys(got liveapi.Callback) {
	sent := fmt.Sprintf("a %d-character key was written with AuthEnable", len(p.key))
	switch {
	case got.AuthKeyPrimary == p.key:
		p.res.answer(qKeys, "plain: the key is answered as it was written", sent+" and answered unchanged")
		p.res.learn(flagMaskKeys, func(r *liveemu.Readings) { r.MaskKeys = false })
	case slices.Contains(got.MaskedFields(), "AuthKeyPrimary"):
		p.res.answer(qKeys, "masked: writing a read configuration back would store the mask",
			fmt.Sprintf("%s and answered as %q", sent, got.AuthKeyPrimary))
		p.res.learn(flagMaskKeys, func(r *liveemu.Readings) { r.MaskKeys = true })
	default:
		p.res.evidence(qKeys, fmt.Sprintf("%s and answered as %d characters with no mask: %q", sent, len(got.AuthKeyPrimary), got.AuthKeyPrimary))
		p.res.undetermined("the answer is neither the key written nor a masked form of it", qKeys)
		p.res.outside = append(p.res.outside, "the auth key is answered neither as written nor masked")
	}
}

// learnSpelling reads the answers to HTTP and to the mixed case; refused is
// the refusal of the mixed case, if it was refused.
func (p *prober) learnSpelling(upper, mixed string, refused error) {
	ev := fmt.Sprintf("CallbackType %q was answered as %q", liveapi.CallbackTypeHTTP, upper)
	if refused != nil {
		p.res.evidence(qCallbackType, ev, fmt.Sprintf("CallbackType %q was refused: %v", mixedCase, refused))
		p.res.outside = append(p.res.outside, fmt.Sprintf("UpdateCallback refuses CallbackType %q (the emulator accepts any case)", mixedCase))
		if upper == "http" {
			p.res.answer(qCallbackType, "http: lower case, whatever was written")
			p.res.learn(flagSpelling, func(r *liveemu.Readings) { r.CallbackTypeSpelling = liveemu.SpellingLower })
			return
		}
		p.res.undetermined("the API refuses other spellings than HTTP, so upper case and \"as sent\" look the same", qCallbackType)
		return
	}
	p.res.evidence(qCallbackType, ev, fmt.Sprintf("CallbackType %q was answered as %q", mixedCase, mixed))
	var s liveemu.Spelling
	switch {
	case upper == "HTTP" && mixed == "HTTP":
		s = liveemu.SpellingUpper
		p.res.answer(qCallbackType, "HTTP: upper case, whatever was written")
	case upper == "http" && mixed == "http":
		s = liveemu.SpellingLower
		p.res.answer(qCallbackType, "http: lower case, whatever was written")
	case upper == liveapi.CallbackTypeHTTP && mixed == mixedCase:
		s = liveemu.SpellingAsSent
		p.res.answer(qCallbackType, "as sent: the answer repeats the spelling written")
	default:
		p.res.undetermined("the answers follow none of HTTP, http or as sent", qCallbackType)
		p.res.outside = append(p.res.outside, fmt.Sprintf("CallbackType %q and %q are answered as %q and %q", liveapi.CallbackTypeHTTP, mixedCase, upper, mixed))
		return
	}
	p.res.learn(flagSpelling, func(r *liveemu.Readings) { r.CallbackTypeSpelling = s })
}

// learnExtraFields writes probeExtra, reads it back, then writes without it
// to see whether a full replacement resets it.
func (p *prober) learnExtraFields(ctx context.Context, scope liveapi.Scope, app string) error {
	sent := strings.Join(slices.Sorted(maps.Keys(probeExtra)), " and ")
	with := p.scratch(scope, app, appMessageType, liveapi.CallbackTypeHTTP)
	with.Extra = maps.Clone(probeExtra)
	v, err := p.writeVisible(ctx, with)
	if isRefusal(err) {
		p.res.evidence(qExtraFields, fmt.Sprintf("writing %s was refused: %v", sent, err))
		p.res.undetermined("the API refused the fields", qExtraFields)
		p.res.outside = append(p.res.outside, "UpdateCallback refuses "+sent)
		return nil
	}
	if err != nil {
		return err
	}
	got, _ := v.find(urlOf(with))
	switch kept := extraKept(*got); kept {
	case "none":
		p.res.answer(qExtraFields, "no: UpdateCallback ignores fields the provider does not model",
			fmt.Sprintf("written with %s, answered without them", sent))
		p.res.learn(flagExtraFields, func(r *liveemu.Readings) { r.ExtraFields = false })
		return nil
	case "some":
		p.res.evidence(qExtraFields, fmt.Sprintf("written with %s, answered with %s", sent, extraText(got.Extra)))
		p.res.undetermined("only some of them were kept, or with other values", qExtraFields)
		p.res.outside = append(p.res.outside, "UpdateCallback keeps part of the unmodelled fields: "+extraText(got.Extra))
		return nil
	}
	p.res.evidence(qExtraFields, fmt.Sprintf("written with %s, answered with them", sent))
	p.res.learn(flagExtraFields, func(r *liveemu.Readings) { r.ExtraFields = true })

	without := p.scratch(scope, app, appMessageType, liveapi.CallbackTypeHTTP)
	if v, err = p.writeVisible(ctx, without); err != nil {
		return err
	}
	got, _ = v.find(urlOf(without))
	if extraKept(*got) == "none" {
		p.res.answer(qExtraFields, "yes when sent, and reset by a write that leaves them out (a full replacement)",
			"written again without them, answered without them")
		return nil
	}
	p.res.answer(qExtraFields, "yes, and kept even by a write that leaves them out",
		"written again without them, answered with "+extraText(got.Extra))
	p.res.outside = append(p.res.outside, "UpdateCallback keeps unmodelled fields a later write leaves out (not a full replacement)")
	return nil
}

// extraKept says whether got carries all of probeExtra with the values
// written ("all"), none of it, or something in between ("some").
func extraKept(got liveapi.Callback) string {
	same := 0
	present := 0
	for name, want := range probeExtra {
		if v, ok := got.Extra[name]; ok {
			present++
			if bytes.Equal(v, want) {
				same++
			}
		}
	}
	switch {
	case present == 0:
		return "none"
	case same == len(probeExtra):
		return "all"
	}
	return "some"
}

func extraText(extra map[string]json.RawMessage) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		parts = append(parts, name+"="+string(extra[name]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// visibility turns the delays every write took to show into the answer.
func (p *prober) visibility() {
	if len(p.delays) == 0 {
		return
	}
	var d time.Duration
	if p.late == 0 {
		p.res.answer(qVisibility, "at once",
			fmt.Sprintf("each of %d write(s) showed in the first DescribeCallback sent after it returned", len(p.delays)))
	} else {
		longest := slices.Max(p.delays)
		d = max(longest.Round(delayResolution), delayResolution)
		p.res.answer(qVisibility, fmt.Sprintf("after a delay of up to about %s", d),
			fmt.Sprintf("%d of %d write(s) did not show in the first DescribeCallback after them; the slowest showed %s after it returned (reads every %s to %s)",
				p.late, len(p.delays), longest.Round(time.Millisecond), minPoll, maxPoll))
	}
	p.res.learn(flagVisibility, func(r *liveemu.Readings) { r.VisibilityDelay = d })
}

// domainModel is what the domain's record turned out to be.
type domainModel int

const (
	modelUnknown domainModel = iota
	modelMerged
	modelSeparate
)

// wideQuestions works on messageType, which held nothing at the start: a
// scratch app configuration, then a domain record and an app-less record,
// then a delete by Domain and one by Vhost, each preceded by a read that
// stops the part if someone else's configuration has appeared.
func (p *prober) wideQuestions(ctx context.Context, messageType string) error {
	appCB := p.scratch(liveapi.Scope{Vhost: p.o.vhost}, p.apps[1], messageType, liveapi.CallbackTypeHTTP)
	if _, err := p.writeVisible(ctx, appCB); err != nil {
		return err
	}
	model := modelUnknown
	if p.o.domain == "" {
		p.res.undetermined("no -domain was given", qDomainModel, qDescribeByDomain, qDeleteByDomain)
	} else {
		domainCB := p.scratch(liveapi.Scope{Domain: p.o.domain}, "", messageType, liveapi.CallbackTypeHTTP)
		v, err := p.writeWide(ctx, domainCB)
		if err != nil {
			return err
		}
		if model, err = p.learnDomainModel(v, domainCB); err != nil {
			return err
		}
		p.learnDescribeByDomain(v, appCB, domainCB)
		if err := p.learnDeleteByDomain(ctx, model, appCB, domainCB); err != nil {
			return err
		}
	}
	return p.learnDeleteByVhost(ctx, model, appCB)
}

func (p *prober) learnDomainModel(v view, domainCB liveapi.Callback) (domainModel, error) {
	inVhost, inDomain := v.find(urlOf(domainCB))
	item := inVhost
	if item == nil {
		item = inDomain
	}
	if item.Vhost != p.o.vhost {
		return modelUnknown, fmt.Errorf("domain %s belongs to vhost %s, not %s: give a push domain of -vhost", p.o.domain, item.Vhost, p.o.vhost)
	}
	written := fmt.Sprintf("written by Domain %s on %s", p.o.domain, domainCB.MessageType)
	switch {
	case inVhost != nil && inVhost.Domain == p.o.domain && inVhost.NotUseVhost:
		p.res.answer(qDomainModel, "yes: its own record, listed with the vhost's items and marked with Domain and NotUseVhost",
			written+"; DescribeCallback by Vhost lists it as "+itemText(*inVhost))
		p.res.learn(flagDomainModel, func(r *liveemu.Readings) { r.DomainModel = liveemu.DomainSeparate })
		return modelSeparate, nil
	case inVhost != nil && !inVhost.DomainReported && inVhost.App == "":
		p.res.answer(qDomainModel, "no: a Domain acts on its vhost's app-less configuration, and items carry no Domain",
			written+"; DescribeCallback by Vhost lists it as "+itemText(*inVhost))
		p.res.learn(flagDomainModel, func(r *liveemu.Readings) { r.DomainModel = liveemu.DomainMerged })
		return modelMerged, nil
	case inVhost == nil && inDomain.Domain == p.o.domain && inDomain.NotUseVhost:
		p.res.answer(qDomainModel, "yes: its own record, marked with Domain and NotUseVhost, but not listed with the vhost's items",
			written+"; DescribeCallback by Vhost does not list it, by Domain it lists "+itemText(*inDomain))
		p.res.learn(flagDomainModel, func(r *liveemu.Readings) { r.DomainModel = liveemu.DomainSeparate })
		p.res.outside = append(p.res.outside, "DescribeCallback by Vhost does not list the vhost's domains' records")
		p.vhostHidesDomains = true
		return modelSeparate, nil
	}
	p.res.evidence(qDomainModel, written+"; it is answered as "+itemText(*item))
	p.res.outside = append(p.res.outside, "a Domain's configuration is answered as "+itemText(*item))
	return modelUnknown, errors.New("a Domain's configuration is answered in a form neither reading describes, so what deletes reach cannot be read from it")
}

func itemText(c liveapi.Callback) string {
	domain := "no Domain or NotUseVhost field"
	if c.DomainReported {
		domain = fmt.Sprintf("Domain %q, NotUseVhost %t", c.Domain, c.NotUseVhost)
	}
	return fmt.Sprintf("{Vhost %q, App %q, %s}", c.Vhost, c.App, domain)
}

func (p *prober) learnDescribeByDomain(v view, appCB, domainCB liveapi.Callback) {
	listed := func(c liveapi.Callback) string {
		if _, in := v.find(urlOf(c)); in != nil {
			return "listed"
		}
		return "not listed"
	}
	ev := fmt.Sprintf("with scratch app %s and the domain's record both on %s, DescribeCallback by Domain: the app's configuration %s, the domain's record %s",
		appCB.App, appCB.MessageType, listed(appCB), listed(domainCB))
	_, app := v.find(urlOf(appCB))
	_, own := v.find(urlOf(domainCB))
	switch {
	case own != nil && app != nil:
		p.res.answer(qDescribeByDomain, "everything of the vhost, apps included", ev)
		p.res.learn(flagDescribeByDomain, func(r *liveemu.Readings) { r.DescribeByDomain = liveemu.DescribeVhost })
	case own != nil:
		p.res.answer(qDescribeByDomain, "the domain's own configurations only", ev)
		p.res.learn(flagDescribeByDomain, func(r *liveemu.Readings) { r.DescribeByDomain = liveemu.DescribeOwn })
	default:
		p.res.evidence(qDescribeByDomain, ev)
		p.res.undetermined("DescribeCallback by Domain does not list the domain's own record", qDescribeByDomain)
		p.res.outside = append(p.res.outside, "DescribeCallback by Domain does not list a configuration written by that Domain")
	}
}

// fate says what became of each configuration across a delete: "went",
// "stayed", or "was not there".
func fate(before, after view, c liveapi.Callback) string {
	switch url := urlOf(c); {
	case !before.has(url):
		return "was not there"
	case after.has(url):
		return "stayed"
	}
	return "went"
}

// deleteAndSee sends a delete without App on scope, waits for surelyGone to
// go, and stops if a configuration the probe did not make went with it.
func (p *prober) deleteAndSee(ctx context.Context, scope liveapi.Scope, surelyGone liveapi.Callback, watched ...liveapi.Callback) (before, after view, err error) {
	lostBefore := len(p.lost)
	if before, err = p.deleteWide(ctx, scope, surelyGone.MessageType); err != nil {
		return before, after, err
	}
	// A fate means something only for a configuration that was there.
	for _, c := range append(watched, surelyGone) {
		if !before.has(urlOf(c)) {
			return before, after, fmt.Errorf("%s was not listed right before DeleteCallback by %s", describeScratch(c), scope)
		}
	}
	if after, err = p.afterDelete(ctx, surelyGone); err != nil {
		return before, after, err
	}
	if surelyGone.Domain != "" {
		p.dirtyDomain = ""
	} else {
		p.dirtyVhost = ""
	}
	if len(p.lost) > lostBefore {
		return before, after, fmt.Errorf("configurations the probe did not make vanished after DeleteCallback by %s on %s (see Warnings); nothing more is deleted",
			scope, surelyGone.MessageType)
	}
	return before, after, nil
}

// learnDeleteByDomain deletes by Domain with the scratch app configuration
// there, and in the separate model the vhost's app-less record too.
func (p *prober) learnDeleteByDomain(ctx context.Context, model domainModel, appCB, domainCB liveapi.Callback) error {
	mt := domainCB.MessageType
	watched := []liveapi.Callback{appCB}
	var vhostCB liveapi.Callback
	// Only a delete by Vhost could remove an app-less record again.
	if model == modelSeparate && !p.vhostHidesDomains {
		vhostCB = p.scratch(liveapi.Scope{Vhost: p.o.vhost}, "", mt, liveapi.CallbackTypeHTTP)
		if _, err := p.writeWide(ctx, vhostCB); err != nil {
			return err
		}
		watched = append(watched, vhostCB)
	}
	before, after, err := p.deleteAndSee(ctx, liveapi.Scope{Domain: p.o.domain}, domainCB, watched...)
	if err != nil {
		return err
	}
	appFate := fate(before, after, appCB)
	ev := []string{fmt.Sprintf("DeleteCallback by Domain %s on %s: the domain's record went, scratch app %s's configuration %s", p.o.domain, mt, appCB.App, appFate)}
	if len(watched) > 1 {
		vhostFate := fate(before, after, vhostCB)
		ev = append(ev, "the vhost's app-less configuration "+vhostFate)
		if vhostFate == "went" {
			p.res.outside = append(p.res.outside, "DeleteCallback by Domain also removes the vhost's app-less configuration (separate model)")
		}
	}
	if appFate == "went" {
		p.res.answer(qDeleteByDomain, "its own configuration and every app's configuration of the vhost, of the message type", ev...)
	} else {
		p.res.answer(qDeleteByDomain, "its own configuration; the vhost's app configurations stay", ev...)
	}
	p.res.learn(flagDomainReachesApp, func(r *liveemu.Readings) { r.DeleteByDomainReachesApps = appFate == "went" })
	return nil
}

// learnDeleteByVhost deletes by Vhost without App with the scratch app
// configuration, the app-less record and, in the separate model, the
// domain's record there.
func (p *prober) learnDeleteByVhost(ctx context.Context, model domainModel, appCB liveapi.Callback) error {
	mt := appCB.MessageType
	if err := p.vhostDeleteUnchecked(); err != nil {
		return err
	}
	v, err := p.look(ctx, true)
	if err != nil {
		return err
	}
	if !v.has(urlOf(appCB)) {
		appCB = p.scratch(appCB.Scope, appCB.App, mt, liveapi.CallbackTypeHTTP)
		if _, err := p.writeVisible(ctx, appCB); err != nil {
			return err
		}
	}
	watched := []liveapi.Callback{appCB}
	if model == modelSeparate {
		domainCB := p.scratch(liveapi.Scope{Domain: p.o.domain}, "", mt, liveapi.CallbackTypeHTTP)
		if _, err := p.writeWide(ctx, domainCB); err != nil {
			return err
		}
		watched = append(watched, domainCB)
	}
	vhostCB := p.scratch(liveapi.Scope{Vhost: p.o.vhost}, "", mt, liveapi.CallbackTypeHTTP)
	if _, err := p.writeWide(ctx, vhostCB); err != nil {
		return err
	}
	before, after, err := p.deleteAndSee(ctx, liveapi.Scope{Vhost: p.o.vhost}, vhostCB, watched...)
	if err != nil {
		return err
	}
	appFate := fate(before, after, appCB)
	ev := []string{fmt.Sprintf("DeleteCallback by Vhost %s on %s without App: the app-less configuration went, scratch app %s's configuration %s",
		p.o.vhost, mt, appCB.App, appFate)}
	apps := "every app's configuration of the message type"
	if appFate != "went" {
		apps = "the app-less configuration but not the apps' configurations"
		p.res.outside = append(p.res.outside, "DeleteCallback by Vhost without App leaves the apps' configurations")
	}
	switch model {
	case modelSeparate:
		domainFate := fate(before, after, watched[1])
		ev = append(ev, "the domain's record "+domainFate)
		if domainFate == "went" {
			p.dirtyDomain = ""
			p.res.answer(qDeleteByVhost, apps+", and the vhost's domains' records", ev...)
		} else {
			p.res.answer(qDeleteByVhost, apps+"; the vhost's domains' records stay", ev...)
		}
		p.res.learn(flagVhostReachesDoms, func(r *liveemu.Readings) { r.DeleteByVhostReachesDomains = domainFate == "went" })
	case modelMerged:
		p.res.answer(qDeleteByVhost, apps+", the domain's configuration included (it is the app-less one)", ev...)
		p.res.learn(flagVhostReachesDoms, func(r *liveemu.Readings) { r.DeleteByVhostReachesDomains = false })
	default:
		p.res.answer(qDeleteByVhost, apps+"; whether it reaches domains' records is not determined (no -domain was given)", ev...)
	}
	return nil
}
