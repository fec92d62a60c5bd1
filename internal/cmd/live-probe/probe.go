package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// Polling a read for a write to show: often enough at first to measure a
// short delay closely, then spaced out so that a delay of minutes (the
// console guide speaks of 3 to 5) costs few requests.
const (
	minPoll = 50 * time.Millisecond
	maxPoll = 5 * time.Second
)

// delayResolution is the precision a measured visibility delay is reported
// with: a poll's round trip blurs anything finer.
const delayResolution = 100 * time.Millisecond

// cleanupTimeout bounds the cleanup that runs after an interrupt, when the
// run's own context is already over.
const cleanupTimeout = 2 * time.Minute

// options are what a run needs besides the client.
type options struct {
	vhost, domain string
	endpoint      string // for the report only
	callbackURL   string // base of every scratch receiver address
	bound         time.Duration
	wide          bool
}

// identity names a configuration the way the API keys it.
type identity struct{ vhost, domain, app, messageType string }

func idOf(c liveapi.Callback) identity {
	return identity{c.Vhost, c.Domain, c.App, c.MessageType}
}

func (id identity) String() string {
	switch {
	case id.domain != "":
		return fmt.Sprintf("domain %s's record of %s", id.domain, id.messageType)
	case id.app != "":
		return fmt.Sprintf("app %s of %s", id.app, id.messageType)
	}
	return fmt.Sprintf("the app-less configuration of %s", id.messageType)
}

// view is one read of the vhost, of the domain when there is one, and of
// the domain's owner when that is another vhost.
type view struct {
	byVhost, byDomain, byOwner []liveapi.Callback
}

func (v view) all() []liveapi.Callback { return slices.Concat(v.byVhost, v.byDomain, v.byOwner) }

// find returns the item that carries url in each listing, if any.
func (v view) find(url string) (inVhost, inDomain *liveapi.Callback) {
	return carrying(v.byVhost, url), carrying(v.byDomain, url)
}

func (v view) has(url string) bool {
	a, b := v.find(url)
	return a != nil || b != nil
}

func carrying(list []liveapi.Callback, url string) *liveapi.Callback {
	for i, c := range list {
		if slices.ContainsFunc(c.CallbackDetailList, func(d liveapi.CallbackDetail) bool { return d.URL == url }) {
			return &list[i]
		}
	}
	return nil
}

// notVisibleError is a write that did not show within the bound: every later
// observation would be as blind, so the run stops asking.
type notVisibleError struct {
	what  string
	bound time.Duration
}

func (e *notVisibleError) Error() string {
	return fmt.Sprintf("%s did not show in DescribeCallback within %s (-visibility-timeout)", e.what, e.bound)
}

type prober struct {
	api      *liveapi.Client
	o        options
	progress io.Writer
	res      *result

	run  string // random, in every scratch app name and receiver address
	apps [2]string
	key  string // the scratch configurations' signing key
	seq  int

	// foreign are the configurations present at the start, by the listing
	// they were seen in, so that one that vanishes is noticed.
	foreign map[identity]string
	lost    map[identity]bool

	// What cleanup must remove: every app configuration written, and the
	// message type of a domain record or app-less record written and not
	// yet seen gone ("" for none).
	madeApps    map[identity]bool
	dirtyDomain string
	dirtyVhost  string
	// owner is the vhost the domain belongs to, as the domain's items say;
	// "" until one is seen. A delete by Domain may reach that vhost's apps,
	// so none is sent before its listing has been read.
	owner string
	// vhostHidesDomains: DescribeCallback by Vhost was seen not to list a
	// domain's record, so other domains' records are out of sight and a
	// delete by Vhost without App, which may reach them, is never sent.
	vhostHidesDomains bool
	// delays are how long each write took to show; late counts the writes
	// the first read after them did not show.
	delays            []time.Duration
	late              int
	appDeletes, wides int
}

func newProber(api *liveapi.Client, o options, progress io.Writer) *prober {
	res := newResult()
	res.endpoint, res.vhost, res.domain = o.endpoint, o.vhost, o.domain
	return &prober{
		api: api, o: o, progress: progress, res: res,
		foreign: map[identity]string{}, lost: map[identity]bool{}, madeApps: map[identity]bool{},
	}
}

func (p *prober) logf(format string, args ...any) {
	fmt.Fprintf(p.progress, "live-probe: "+format+"\n", args...)
}

// urlPrefix marks every receiver address of this run, so that an app-less or
// domain record, which has no scratch app name, is still known as the run's.
func (p *prober) urlPrefix() string {
	return strings.TrimSuffix(p.o.callbackURL, "/") + "/" + p.run + "/"
}

func (p *prober) ours(c liveapi.Callback) bool {
	if slices.Contains(p.apps[:], c.App) {
		return true
	}
	return slices.ContainsFunc(c.CallbackDetailList, func(d liveapi.CallbackDetail) bool {
		return strings.HasPrefix(d.URL, p.urlPrefix())
	})
}

// scratch is a new configuration of the run with a receiver address no
// other write used, by which a read can tell this write from the last.
func (p *prober) scratch(scope liveapi.Scope, app, messageType, callbackType string) liveapi.Callback {
	p.seq++
	return liveapi.Callback{
		Scope: scope, App: app, MessageType: messageType,
		CallbackDetailList: []liveapi.CallbackDetail{{URL: fmt.Sprintf("%s%d", p.urlPrefix(), p.seq), CallbackType: callbackType}},
		AuthEnable:         true,
		AuthKeyPrimary:     p.key,
	}
}

func urlOf(c liveapi.Callback) string { return c.CallbackDetailList[0].URL }

func (p *prober) describe(ctx context.Context, scope liveapi.Scope) ([]liveapi.Callback, error) {
	p.res.calls++
	list, _, err := p.api.DescribeCallback(ctx, liveapi.DescribeCallbackInput{Scope: scope})
	return list, err
}

// look reads the vhost, and the domain if asked, whole: a filtered read could
// not tell that a configuration of another message type has vanished.
func (p *prober) look(ctx context.Context, withDomain bool) (view, error) {
	var v view
	var err error
	if v.byVhost, err = p.describe(ctx, liveapi.Scope{Vhost: p.o.vhost}); err != nil {
		return v, err
	}
	if withDomain && p.o.domain != "" {
		if v.byDomain, err = p.describe(ctx, liveapi.Scope{Domain: p.o.domain}); err != nil {
			return v, err
		}
		for _, c := range v.byDomain {
			p.owner = c.Vhost
		}
		if p.owner != "" && p.owner != p.o.vhost {
			if v.byOwner, err = p.describe(ctx, liveapi.Scope{Vhost: p.owner}); err != nil {
				return v, err
			}
		}
	}
	p.noticeLost(v, withDomain)
	return v, nil
}

func (p *prober) noticeLost(v view, withDomain bool) {
	seen := map[string]map[identity]bool{"vhost": {}, "domain": {}}
	for _, c := range v.byVhost {
		seen["vhost"][idOf(c)] = true
	}
	for _, c := range v.byDomain {
		seen["domain"][idOf(c)] = true
	}
	for _, id := range slices.SortedFunc(maps.Keys(p.foreign), compareIDs) {
		source := p.foreign[id]
		if (source == "domain" && !withDomain) || seen[source][id] || p.lost[id] {
			continue
		}
		p.lost[id] = true
		p.res.warnings = append(p.res.warnings, fmt.Sprintf(
			"%s, which the probe did not make, is no longer listed by %s: someone changed it, or a delete of the probe reached it",
			id, source))
	}
}

func compareIDs(a, b identity) int {
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// await reads until found accepts what it sees, for at most the bound, and
// returns the view with how long after the start the accepting read was
// sent; reads says how many it took.
func (p *prober) await(ctx context.Context, withDomain bool, what string, found func(view) bool) (v view, after time.Duration, reads int, err error) {
	start := time.Now()
	for {
		sent := time.Since(start)
		reads++
		if v, err = p.look(ctx, withDomain); err != nil {
			return v, 0, reads, err
		}
		if found(v) {
			return v, sent, reads, nil
		}
		if sent > p.o.bound {
			return v, sent, reads, &notVisibleError{what: what, bound: p.o.bound}
		}
		if reads == 1 {
			p.logf("waiting for %s to show, up to %s", what, p.o.bound)
		}
		if err := sleep(ctx, min(max(sent/10, minPoll), maxPoll)); err != nil {
			return v, 0, reads, err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// write sends cb, noting first what cleanup will have to remove: a write
// whose answer is lost may still have been applied.
func (p *prober) write(ctx context.Context, cb liveapi.Callback) error {
	switch {
	case cb.Domain != "":
		p.dirtyDomain = cb.MessageType
	case cb.App == "":
		p.dirtyVhost = cb.MessageType
	default:
		p.madeApps[idOf(cb)] = true
	}
	p.logf("writing %s", describeScratch(cb))
	p.res.calls++
	_, err := p.api.UpdateCallback(ctx, cb)
	return err
}

// writeVisible writes cb and waits until a read shows it, which is also how
// the visibility delay is measured.
func (p *prober) writeVisible(ctx context.Context, cb liveapi.Callback) (view, error) {
	if err := p.write(ctx, cb); err != nil {
		return view{}, fmt.Errorf("writing %s: %w", describeScratch(cb), err)
	}
	url := urlOf(cb)
	v, after, reads, err := p.await(ctx, cb.Domain != "", "the write of "+describeScratch(cb), func(v view) bool { return v.has(url) })
	if err != nil {
		return v, err
	}
	p.delays = append(p.delays, after)
	if reads > 1 {
		p.late++
	}
	if cb.Domain != "" {
		// The write may have become visible between the poll's read by
		// Vhost and its read by Domain; only a read of both made after it
		// showed tells where it is listed.
		return p.look(ctx, true)
	}
	return v, nil
}

// writeWide writes a configuration that is not an app's, on a message type
// just read to hold nothing the probe did not make.
func (p *prober) writeWide(ctx context.Context, cb liveapi.Callback) (view, error) {
	if _, err := p.clear(ctx, cb.MessageType); err != nil {
		return view{}, err
	}
	return p.writeVisible(ctx, cb)
}

func describeScratch(cb liveapi.Callback) string {
	switch {
	case cb.Domain != "":
		return fmt.Sprintf("a record of domain %s on %s", cb.Domain, cb.MessageType)
	case cb.App == "":
		return fmt.Sprintf("the vhost's app-less configuration of %s", cb.MessageType)
	}
	return fmt.Sprintf("scratch app %s on %s", cb.App, cb.MessageType)
}

// clear reads the vhost and domain and fails if messageType holds any
// configuration the probe did not make: a write or delete without App on it
// could then replace or remove someone's configuration. It also fails once
// such a configuration has vanished during the run, since a delete of the
// probe may have reached further than the API documents.
func (p *prober) clear(ctx context.Context, messageType string) (view, error) {
	v, err := p.look(ctx, true)
	if err != nil {
		return v, err
	}
	if len(p.lost) > 0 {
		return v, errors.New("configurations the probe did not make have vanished during the run (see Warnings), so nothing more is sent without App")
	}
	var foreign []string
	for _, c := range v.all() {
		if c.MessageType == messageType && !p.ours(c) && !slices.Contains(foreign, idOf(c).String()) {
			foreign = append(foreign, idOf(c).String())
		}
	}
	if len(foreign) > 0 {
		return v, fmt.Errorf("%s now holds configurations the probe did not make (%s), so nothing that could reach them is sent",
			messageType, strings.Join(foreign, "; "))
	}
	return v, nil
}

// deleteApp removes one scratch app configuration, the only kind of delete
// that cannot reach anything else.
func (p *prober) deleteApp(ctx context.Context, id identity) error {
	p.logf("deleting %s", id)
	p.res.calls++
	_, err := p.api.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: liveapi.Scope{Vhost: p.o.vhost}, App: id.app, MessageType: id.messageType})
	if err != nil && !liveapi.IsNotFound(err) {
		return err
	}
	p.appDeletes++
	return nil
}

// deleteWide sends a DeleteCallback without App on messageType, right after
// a read has found nothing on it that the probe did not make, and returns
// that read.
func (p *prober) deleteWide(ctx context.Context, scope liveapi.Scope, messageType string) (view, error) {
	if scope.Vhost != "" {
		if err := p.vhostDeleteUnchecked(); err != nil {
			return view{}, err
		}
	}
	before, err := p.clear(ctx, messageType)
	if err != nil {
		return before, err
	}
	if scope.Domain != "" && p.owner == "" {
		return before, fmt.Errorf("no read has shown which vhost domain %s belongs to, so what a delete by it reaches is unchecked", scope.Domain)
	}
	p.logf("deleting by %s without App on %s", scope, messageType)
	p.res.calls++
	if _, err := p.api.DeleteCallback(ctx, liveapi.DeleteCallbackInput{Scope: scope, MessageType: messageType}); err != nil && !liveapi.IsNotFound(err) {
		return before, err
	}
	p.wides++
	return before, nil
}

func (p *prober) vhostDeleteUnchecked() error {
	if p.vhostHidesDomains {
		return errors.New("DescribeCallback by Vhost does not list domains' records, so other push domains' records cannot be checked, and a delete by Vhost without App could reach them")
	}
	return nil
}

// afterDelete waits until the configuration the delete surely reached is
// gone, then for the longest visibility delay seen, so that whatever else
// the same delete removed shows as removed too.
func (p *prober) afterDelete(ctx context.Context, surelyGone liveapi.Callback) (view, error) {
	url := urlOf(surelyGone)
	if _, _, _, err := p.await(ctx, true, "the removal of "+describeScratch(surelyGone), func(v view) bool { return !v.has(url) }); err != nil {
		return view{}, err
	}
	if err := sleep(ctx, slices.Max(append([]time.Duration{0}, p.delays...))); err != nil {
		return view{}, err
	}
	return p.look(ctx, true)
}

// start reads the vhost and domain before anything is written, picks scratch
// app names no configuration uses, and notes every configuration present.
func (p *prober) start(ctx context.Context) (view, error) {
	v, err := p.look(ctx, true)
	if err != nil {
		return v, err
	}
	if p.owner != "" && p.owner != p.o.vhost {
		return v, fmt.Errorf("domain %s belongs to vhost %s, not %s: give a push domain of -vhost", p.o.domain, p.owner, p.o.vhost)
	}
	for _, c := range v.byVhost {
		p.foreign[idOf(c)] = "vhost"
	}
	for _, c := range v.byDomain {
		if _, ok := p.foreign[idOf(c)]; !ok {
			p.foreign[idOf(c)] = "domain"
		}
	}
	used := func(app string) bool {
		return slices.ContainsFunc(slices.Concat(v.byVhost, v.byDomain), func(c liveapi.Callback) bool { return c.App == app })
	}
	for {
		p.run = strings.ToLower(rand.Text()[:8])
		p.apps = [2]string{"tfprobe-" + p.run + "-1", "tfprobe-" + p.run + "-2"}
		if !used(p.apps[0]) && !used(p.apps[1]) {
			break
		}
	}
	p.res.apps = p.apps[:]
	// Letters and digits, at most 32 characters, as the console asks of a
	// key; long enough that a masked answer still shows its ends.
	p.key = rand.Text()
	return v, nil
}

// wideTypePreference is the order in which a free message type is taken for
// the wide questions: while the probe's app-less or domain record exists, the
// vhost's real events of that type go to the scratch receiver, and audit and
// snapshot events are the rarest.
var wideTypePreference = []string{
	liveapi.MessageTypeAuditSnapshot, liveapi.MessageTypeSnapshot, liveapi.MessageTypeRecord,
	liveapi.MessageTypePushEnd, liveapi.MessageTypePush,
}

// freeType returns the first message type on which neither the vhost (any
// app, or none) nor the domain has a configuration, and notes for the report
// what each type holds.
func (p *prober) freeType(v view) string {
	held := map[string]map[identity]bool{}
	for _, c := range v.all() {
		if held[c.MessageType] == nil {
			held[c.MessageType] = map[identity]bool{}
		}
		held[c.MessageType][idOf(c)] = true
	}
	free := ""
	var others, taken []string
	for _, mt := range wideTypePreference {
		switch n := len(held[mt]); {
		case n > 0:
			taken = append(taken, fmt.Sprintf("%s (%d)", mt, n))
		case free == "":
			free = mt
		default:
			others = append(others, mt)
		}
	}
	notes := &p.res.typeNotes
	if free != "" {
		*notes = append(*notes, "used for the wide questions: "+free)
	}
	if len(others) > 0 {
		*notes = append(*notes, "also free: "+strings.Join(others, ", "))
	}
	if len(taken) > 0 {
		*notes = append(*notes, "holding configurations not made by the probe: "+strings.Join(taken, ", "))
	}
	return free
}

// cleanup removes what the run made: every scratch app configuration by App
// and MessageType, then a domain or app-less record only after a read finds
// nothing else on its message type.
func (p *prober) cleanup(ctx context.Context) {
	for _, id := range slices.SortedFunc(maps.Keys(p.madeApps), compareIDs) {
		if err := p.deleteApp(ctx, id); err != nil {
			p.res.cleanup = append(p.res.cleanup, fmt.Sprintf("deleting %s failed: %v", id, err))
		}
	}
	if p.dirtyDomain != "" {
		p.cleanWide(ctx, liveapi.Scope{Domain: p.o.domain}, p.dirtyDomain)
	}
	if p.dirtyVhost != "" {
		p.cleanWide(ctx, liveapi.Scope{Vhost: p.o.vhost}, p.dirtyVhost)
	}
	p.res.cleanup = append(p.res.cleanup, fmt.Sprintf("%d delete(s) by App and MessageType, %d by Domain or Vhost without App (each on a message type just read to hold only the probe's configurations)",
		p.appDeletes, p.wides))

	v, err := p.look(ctx, true)
	if err == nil && p.leftIn(v) && len(p.delays) > 0 {
		// A delete may show as late as a write does.
		if err = sleep(ctx, slices.Max(p.delays)); err == nil {
			v, err = p.look(ctx, true)
		}
	}
	if err != nil {
		p.res.leftovers = append(p.res.leftovers, fmt.Sprintf("the final read failed (%v): check vhost %s for apps %s and for receivers under %s",
			err, p.o.vhost, strings.Join(p.apps[:], ", "), p.urlPrefix()))
		return
	}
	seen := map[identity]bool{}
	for _, c := range v.all() {
		if p.ours(c) && !seen[idOf(c)] {
			seen[idOf(c)] = true
			p.res.leftovers = append(p.res.leftovers, fmt.Sprintf("%s (receiver %s)", idOf(c), c.CallbackDetailList[0].URL))
		}
	}
}

func (p *prober) leftIn(v view) bool {
	return slices.ContainsFunc(v.all(), p.ours)
}

func (p *prober) cleanWide(ctx context.Context, scope liveapi.Scope, messageType string) {
	if _, err := p.deleteWide(ctx, scope, messageType); err != nil {
		p.res.cleanup = append(p.res.cleanup, fmt.Sprintf("not deleting by %s on %s: %v", scope, messageType, err))
	}
}

// isRefusal reports an answer that rejects the request's content.
func isRefusal(err error) bool {
	apiErr, ok := liveapi.AsAPIError(err)
	return ok && strings.HasPrefix(apiErr.Code, "InvalidParam")
}

// stops reports an error after which no later step can see anything.
func stops(err error) bool {
	var nv *notVisibleError
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nv)
}
