// Command live-emulator serves the in-memory Volcengine Live API of package
// liveemu (UpdateCallback, DescribeCallback, DeleteCallback) so that the
// provider can be tried without an account:
//
//	go run ./internal/cmd/live-emulator [-listen 127.0.0.1:0] [-rps 10] [-seed FILE] [-ready-file FILE]
//	    [-update-rps N] [-describe-rps N] [-delete-rps N] [-gateway token-bucket|window] [-retry-after]
//	    [-reading NAME] [-domain-model merged|separate] [-describe-by-domain own|vhost]
//	    [-delete-by-vhost-reaches-domains] [-delete-by-domain-reaches-apps]
//	    [-callback-type-spelling HTTP|http|as-sent] [-mask-keys] [-extra-fields] [-visibility-delay DURATION]
//
// It prints the endpoint, the keys, vhost and domain to use, the readings it
// plays and the matching VOLCENGINE_* exports (VOLCENGINE_REGION=cn-north-1,
// the only region whose signatures it accepts), then serves until SIGINT or
// SIGTERM. With -ready-file it writes the endpoint URL to FILE once it listens
// (and removes the file when it stops), so that scripts can wait for it.
//
// It keeps the latest 10000 requests it received in a log, served at
// GET <endpoint>/emulator/requests as JSON lines in arrival order: time,
// action, access key, body (signatures are not kept), HTTP status, error
// code and RequestId of each answer:
//
//	curl -s http://127.0.0.1:8765/emulator/requests
//
// # Rate limits
//
// -rps limits each account's requests of all actions together (10, the
// API's documented limit). -update-rps, -describe-rps and -delete-rps add
// a limit of one action on top of it, per account (BytePlus documents 1
// request per second for UpdateCallback on its twin API); 0 means none.
// -gateway picks how the limits count: token-bucket (a bucket of
// ceil(limit) tokens refilled at the limit's rate) or window (a counter of
// each clock second, refusing what goes beyond the limit until the next).
// Refused requests count for nothing. -retry-after adds a Retry-After header
// to throttled answers, which the real gateway is not known to send.
//
// # Readings
//
// The public sources leave some of the API's behaviour open; the provider
// must be correct under every reading (docs/guides/api-open-questions.md).
// -reading picks a named combination; each of the other flags
// overrides one question of it, wherever it stands on the command line:
//
//	-reading NAME                        merged (default), merged-wide, separate, separate-own,
//	                                     separate-own-wide, lower, as-sent, masked, extra, all-hard
//	-domain-model merged|separate        merged: a Domain acts on its vhost with no App, items carry
//	                                     no Domain; separate: a Domain's configuration is its own
//	                                     record, and every item carries Domain and NotUseVhost
//	-describe-by-domain own|vhost        DescribeCallback by Domain lists the domain's own
//	                                     configurations, or everything of its vhost
//	-delete-by-vhost-reaches-domains     DeleteCallback by Vhost without App also removes the
//	                                     vhost's domains' records (separate model)
//	-delete-by-domain-reaches-apps       DeleteCallback by Domain also removes every app's
//	                                     configuration of its vhost
//	-callback-type-spelling HTTP|http|as-sent
//	                                     how CallbackType is answered
//	-mask-keys                           answer AuthKeyPrimary and AuthKeySecond as 5552*****e4e2
//	-extra-fields                        UpdateCallback keeps AuthKeySecond, HttpMethod, RetryTimes
//	                                     and the other fields the provider does not send
//	-visibility-delay DURATION           an update shows in DescribeCallback only this much later
//
// merged-wide is merged with -describe-by-domain vhost and
// -delete-by-domain-reaches-apps; separate is -domain-model separate with
// -describe-by-domain vhost and -delete-by-vhost-reaches-domains;
// separate-own and separate-own-wide describe a domain's own records, the
// latter deleting the vhost's apps with a domain; lower, as-sent, masked and
// extra set one flag each; all-hard is separate-own with both reaches,
// lower-case http, masked keys and extra fields.
//
// # Seed file
//
// The demo account (liveemu.DemoAccessKey / DemoSecretKey, vhost
// push.live.example.com owning push.example.com) is always there unless the
// seed file says "NoDemoAccount": true. A seed file adds accounts, vhosts and
// callback configurations:
//
//	{
//	  "NoDemoAccount": false,
//	  "Accounts": [
//	    {"ID": "2100000002", "AccessKey": "AKLTTEAM", "SecretKey": "team-secret",
//	     "SessionToken": "", "Unbilled": false,
//	     "Vhosts": {"team.live.example.com": ["team.example.com"]}}
//	  ],
//	  "Callbacks": [
//	    {"Vhost": "push.live.example.com", "Domain": "", "App": "", "MessageType": "push",
//	     "CallbackDetailList": [{"URL": "https://hooks.example.com/push", "CallbackType": "HTTP"}],
//	     "AuthEnable": false, "AuthKeyPrimary": "", "TranscodeCallback": false,
//	     "CreateTime": "2026-01-02T03:04:05Z",
//	     "Extra": {"AuthKeySecond": "backup-key", "HttpMethod": "POST", "RetryTimes": 3}}
//	  ]
//	}
//
// Vhosts maps each vhost to the push domains it owns. A callback takes Vhost
// or Domain (stored as -domain-model says), and is checked like an
// UpdateCallback body, except that TranscodeCallback is true or false,
// CreateTime (RFC 3339, optional) sets the creation time, and Extra holds
// fields the provider does not model (AuthKeySecond, AuthField, HttpMethod,
// RetryTimes, RetryInternalSecond, TimeoutSecond, ValidDuration,
// TaskStatusCallback, CallbackField, EncryptField, EncryptionAlgorithm,
// SecHandlerType; any JSON value), as a configuration made in the console
// has them; they are answered whatever -extra-fields says. Unknown fields
// are errors, to catch typos.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "live-emulator:", err)
		os.Exit(1)
	}
}

// requestLogSize is how many of the latest requests the command keeps: enough
// to look into a run, bounded for one that serves for days.
const requestLogSize = 10000

// requestLogPath is where the request log is served. The API itself is
// POST / with the action in the query, so no API request reaches it.
const requestLogPath = "/emulator/requests"

// options are the command line's settings.
type options struct {
	listen, seedFile, readyFile string
	rps                         float64
	actionRPS                   map[string]float64
	gateway                     liveemu.GatewayModel
	retryAfter                  bool
	readings                    liveemu.Readings
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	flags := flag.NewFlagSet("live-emulator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	flags.Float64Var(&o.rps, "rps", 10, "requests per second allowed per account (0 or negative: unlimited)")
	var updateRPS, describeRPS, deleteRPS float64
	flags.Float64Var(&updateRPS, "update-rps", 0, "UpdateCallback requests per second allowed per account, on top of -rps (0: no limit of its own)")
	flags.Float64Var(&describeRPS, "describe-rps", 0, "DescribeCallback requests per second allowed per account, on top of -rps (0: no limit of its own)")
	flags.Float64Var(&deleteRPS, "delete-rps", 0, "DeleteCallback requests per second allowed per account, on top of -rps (0: no limit of its own)")
	o.gateway = liveemu.TokenBucket
	flags.TextVar(&o.gateway, "gateway", liveemu.TokenBucket, "how the rate limits count requests: `token-bucket|window`")
	flags.BoolVar(&o.retryAfter, "retry-after", false, "send a Retry-After header with throttled answers")
	flags.StringVar(&o.seedFile, "seed", "", "JSON file with accounts, vhosts, domains and callbacks to start with (format: go doc ./internal/cmd/live-emulator)")
	flags.StringVar(&o.readyFile, "ready-file", "", "write the endpoint URL to this file once listening")
	preset := flags.String("reading", "merged", "combination of readings of the API's open questions, by `NAME`: "+
		strings.Join(liveemu.ReadingNames(), ", ")+"; the flags of single questions override it")
	var set liveemu.Readings
	flags.TextVar(&set.DomainModel, "domain-model", liveemu.DomainMerged,
		"whether a Domain acts on its vhost with no App, or its configuration is a record of its own: `merged|separate`")
	flags.TextVar(&set.DescribeByDomain, "describe-by-domain", liveemu.DescribeOwn,
		"what DescribeCallback by Domain lists, the domain's own configurations or everything of its vhost: `own|vhost`")
	flags.BoolVar(&set.DeleteByVhostReachesDomains, "delete-by-vhost-reaches-domains", false,
		"DeleteCallback by Vhost without App also removes the vhost's domains' records (separate model)")
	flags.BoolVar(&set.DeleteByDomainReachesApps, "delete-by-domain-reaches-apps", false,
		"DeleteCallback by Domain also removes every app's configuration of its vhost")
	flags.TextVar(&set.CallbackTypeSpelling, "callback-type-spelling", liveemu.SpellingUpper,
		"how CallbackType is answered: `HTTP|http|as-sent`")
	flags.BoolVar(&set.MaskKeys, "mask-keys", false, "answer AuthKeyPrimary and AuthKeySecond masked, like 5552*****e4e2")
	flags.BoolVar(&set.ExtraFields, "extra-fields", false,
		"UpdateCallback keeps the fields the provider does not send (AuthKeySecond, HttpMethod, RetryTimes, ...)")
	flags.DurationVar(&set.VisibilityDelay, "visibility-delay", 0, "how long an update stays invisible to DescribeCallback")
	if err := flags.Parse(args); err != nil {
		return o, err
	}
	if flags.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	if set.VisibilityDelay < 0 {
		return o, fmt.Errorf("-visibility-delay %s is negative", set.VisibilityDelay)
	}
	o.actionRPS = map[string]float64{}
	for action, rps := range map[string]float64{"UpdateCallback": updateRPS, "DescribeCallback": describeRPS, "DeleteCallback": deleteRPS} {
		if rps < 0 {
			return o, fmt.Errorf("the limit of %s, %g, is negative", action, rps)
		}
		if rps > 0 {
			o.actionRPS[action] = rps
		}
	}
	var err error
	if o.readings, err = liveemu.ReadingByName(*preset); err != nil {
		return o, fmt.Errorf("-reading: %w", err)
	}
	flags.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "domain-model":
			o.readings.DomainModel = set.DomainModel
		case "describe-by-domain":
			o.readings.DescribeByDomain = set.DescribeByDomain
		case "delete-by-vhost-reaches-domains":
			o.readings.DeleteByVhostReachesDomains = set.DeleteByVhostReachesDomains
		case "delete-by-domain-reaches-apps":
			o.readings.DeleteByDomainReachesApps = set.DeleteByDomainReachesApps
		case "callback-type-spelling":
			o.readings.CallbackTypeSpelling = set.CallbackTypeSpelling
		case "mask-keys":
			o.readings.MaskKeys = set.MaskKeys
		case "extra-fields":
			o.readings.ExtraFields = set.ExtraFields
		case "visibility-delay":
			o.readings.VisibilityDelay = set.VisibilityDelay
		}
	})
	return o, nil
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}

	var sd seed
	if o.seedFile != "" {
		if sd, err = readSeed(o.seedFile); err != nil {
			return err
		}
	}
	cfg := liveemu.Config{RequestsPerSecond: o.rps, ActionRequestsPerSecond: o.actionRPS, Gateway: o.gateway, RetryAfter: o.retryAfter,
		NoDemoAccount: sd.NoDemoAccount, MaxRequestLog: requestLogSize, Readings: o.readings}
	if o.rps <= 0 {
		cfg.RequestsPerSecond = -1
	}
	emu := liveemu.New(cfg)
	shown, err := sd.apply(emu)
	if err != nil {
		return fmt.Errorf("seed %s: %w", o.seedFile, err)
	}

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	endpoint := endpointURL(ln.Addr().(*net.TCPAddr))
	srv := &http.Server{Handler: handler(emu), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	printBanner(stdout, endpoint, o, shown)
	if o.readyFile != "" {
		if err := writeFileAtomic(o.readyFile, endpoint+"\n"); err != nil {
			_ = srv.Close()
			return err
		}
		defer os.Remove(o.readyFile)
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "live-emulator stopped")
	return nil
}

// endpointURL names the listener in a form clients can dial: a wildcard
// address becomes the loopback one.
func endpointURL(addr *net.TCPAddr) string {
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// shownAccount is what the banner tells the user to use.
type shownAccount struct {
	liveemu.Account
	Vhost, Domain string
}

func printBanner(w io.Writer, endpoint string, o options, a shownAccount) {
	limit := fmt.Sprintf("%g requests/s per account", o.rps)
	if o.rps <= 0 {
		limit = "no rate limit"
	}
	for _, action := range []string{"UpdateCallback", "DescribeCallback", "DeleteCallback"} {
		if rps, ok := o.actionRPS[action]; ok {
			limit += fmt.Sprintf(", %s %g/s", action, rps)
		}
	}
	if o.rps > 0 || len(o.actionRPS) > 0 {
		limit += ", counted by " + o.gateway.String()
	}
	fmt.Fprintf(w, "Volcengine Live API emulator (UpdateCallback, DescribeCallback, DeleteCallback; %s)\n", limit)
	fmt.Fprintf(w, "  endpoint:   %s\n", endpoint)
	fmt.Fprintf(w, "  access key: %s\n", a.AccessKey)
	fmt.Fprintf(w, "  secret key: %s\n", a.SecretKey)
	if a.SessionToken != "" {
		fmt.Fprintf(w, "  session token: %s\n", a.SessionToken)
	}
	fmt.Fprintf(w, "  vhost:      %s\n", a.Vhost)
	fmt.Fprintf(w, "  domain:     %s\n", a.Domain)
	fmt.Fprintf(w, "  readings:   %s\n", o.readings)
	fmt.Fprintf(w, "  requests:   %s%s (the latest %d, as JSON lines)\n", endpoint, requestLogPath, requestLogSize)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "export VOLCENGINE_LIVE_ENDPOINT=%s\n", shellQuote(endpoint))
	fmt.Fprintf(w, "export VOLCENGINE_ACCESS_KEY=%s\n", shellQuote(a.AccessKey))
	fmt.Fprintf(w, "export VOLCENGINE_SECRET_KEY=%s\n", shellQuote(a.SecretKey))
	fmt.Fprintf(w, "export VOLCENGINE_REGION=%s\n", shellQuote(liveemu.DefaultRegion))
	if a.SessionToken != "" {
		fmt.Fprintf(w, "export VOLCENGINE_SESSION_TOKEN=%s\n", shellQuote(a.SessionToken))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}

// handler serves the API, and the request log at requestLogPath.
func handler(emu *liveemu.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+requestLogPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		_ = writeRequestLog(w, emu.Requests())
	})
	mux.Handle("/", emu)
	return mux
}

// loggedRequest is one line of the request log.
type loggedRequest struct {
	Time       time.Time
	Action     string
	AccessKey  string
	Body       json.RawMessage // the body as sent when it is JSON, else as a JSON string
	HTTPStatus int             // 0 when no answer was sent
	Code       string          `json:",omitempty"`
	RequestID  string          `json:"RequestId,omitempty"`
}

func writeRequestLog(w io.Writer, records []liveemu.RequestRecord) error {
	enc := json.NewEncoder(w)
	for _, r := range records {
		body := json.RawMessage(r.Body)
		if !json.Valid(body) {
			body, _ = json.Marshal(string(r.Body))
		}
		var compact bytes.Buffer
		if json.Compact(&compact, body) == nil {
			body = compact.Bytes()
		}
		if err := enc.Encode(loggedRequest{Time: r.Time.UTC(), Action: r.Action, AccessKey: r.AccessKey, Body: body,
			HTTPStatus: r.HTTPStatus, Code: r.Code, RequestID: r.RequestID}); err != nil {
			return err
		}
	}
	return nil
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// seed is the -seed file; see the package comment.
type seed struct {
	NoDemoAccount bool
	Accounts      []seedAccount
	Callbacks     []liveemu.Callback
}

type seedAccount struct {
	liveemu.Account
	Vhosts map[string][]string
}

func readSeed(path string) (seed, error) {
	var sd seed
	raw, err := os.ReadFile(path)
	if err != nil {
		return sd, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sd); err != nil {
		return sd, fmt.Errorf("seed %s: %w", path, err)
	}
	return sd, nil
}

// apply loads the seed into emu and returns the account the banner shows:
// the demo one, or else the seed's first account with its first vhost.
func (sd seed) apply(emu *liveemu.Server) (shownAccount, error) {
	var shown shownAccount
	if !sd.NoDemoAccount {
		shown = shownAccount{
			Account: liveemu.Account{ID: liveemu.DemoAccountID, AccessKey: liveemu.DemoAccessKey, SecretKey: liveemu.DemoSecretKey},
			Vhost:   liveemu.DemoVhost, Domain: liveemu.DemoDomain,
		}
	}
	for i, a := range sd.Accounts {
		if a.ID == "" || a.AccessKey == "" || a.SecretKey == "" {
			return shown, fmt.Errorf("account %d needs ID, AccessKey and SecretKey", i)
		}
		emu.AddAccount(a.Account)
		vhosts := make([]string, 0, len(a.Vhosts))
		for v := range a.Vhosts {
			vhosts = append(vhosts, v)
		}
		slices.Sort(vhosts)
		for _, v := range vhosts {
			emu.AddVhost(a.ID, v, a.Vhosts[v]...)
		}
		if shown.AccessKey == "" {
			shown.Account = a.Account
			if len(vhosts) > 0 {
				shown.Vhost = vhosts[0]
				if domains := a.Vhosts[vhosts[0]]; len(domains) > 0 {
					shown.Domain = domains[0]
				}
			}
		}
	}
	if shown.AccessKey == "" {
		return shown, errors.New("no account: the seed sets NoDemoAccount and lists no Accounts")
	}
	for i, cb := range sd.Callbacks {
		if err := emu.Put(cb); err != nil {
			return shown, fmt.Errorf("callback %d (vhost %q, domain %q, app %q, %s): %w", i, cb.Vhost, cb.Domain, cb.App, cb.MessageType, err)
		}
	}
	return shown, nil
}

// writeFileAtomic writes through a temporary file so that a script polling
// for the file never reads it half-written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".live-emulator-ready-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
