// Command live-emulator serves the in-memory Volcengine Live API of package
// liveemu (UpdateCallback, DescribeCallback, DeleteCallback) so that the
// provider can be tried without an account:
//
//	go run ./internal/cmd/live-emulator [-listen 127.0.0.1:0] [-rps 10] [-seed FILE] [-ready-file FILE]
//
// It prints the endpoint, the keys, vhost and domain to use and the matching
// VOLCENGINE_* exports, then serves until SIGINT or SIGTERM. With -ready-file
// it writes the endpoint URL to FILE once it listens (and removes the file when
// it stops), so that scripts can wait for it.
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
//	    {"Vhost": "push.live.example.com", "App": "", "MessageType": "push",
//	     "CallbackDetailList": [{"URL": "https://hooks.example.com/push", "CallbackType": "HTTP"}],
//	     "AuthEnable": false, "AuthKeyPrimary": "", "TranscodeCallback": false,
//	     "CreateTime": "2026-01-02T03:04:05Z"}
//	  ]
//	}
//
// Vhosts maps each vhost to the push domains it owns. A callback takes Vhost
// or Domain, and is checked like an UpdateCallback body, except that
// TranscodeCallback is true or false and CreateTime (RFC 3339, optional) sets
// the creation time. Unknown fields are errors, to catch typos.
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

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("live-emulator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	rps := flags.Float64("rps", 10, "requests per second allowed per account (0 or negative: unlimited)")
	seedFile := flags.String("seed", "", "JSON file with accounts, vhosts, domains and callbacks to start with (format: go doc ./internal/cmd/live-emulator)")
	readyFile := flags.String("ready-file", "", "write the endpoint URL to this file once listening")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flags.Args())
	}

	var sd seed
	if *seedFile != "" {
		var err error
		if sd, err = readSeed(*seedFile); err != nil {
			return err
		}
	}
	cfg := liveemu.Config{RequestsPerSecond: *rps, NoDemoAccount: sd.NoDemoAccount}
	if *rps <= 0 {
		cfg.RequestsPerSecond = -1
	}
	emu := liveemu.New(cfg)
	shown, err := sd.apply(emu)
	if err != nil {
		return fmt.Errorf("seed %s: %w", *seedFile, err)
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	endpoint := endpointURL(ln.Addr().(*net.TCPAddr))
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	printBanner(stdout, endpoint, *rps, shown)
	if *readyFile != "" {
		if err := writeFileAtomic(*readyFile, endpoint+"\n"); err != nil {
			_ = srv.Close()
			return err
		}
		defer os.Remove(*readyFile)
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

func printBanner(w io.Writer, endpoint string, rps float64, a shownAccount) {
	limit := fmt.Sprintf("%g requests/s per account", rps)
	if rps <= 0 {
		limit = "no rate limit"
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
	fmt.Fprintln(w)
	fmt.Fprintf(w, "export VOLCENGINE_LIVE_ENDPOINT=%s\n", shellQuote(endpoint))
	fmt.Fprintf(w, "export VOLCENGINE_ACCESS_KEY=%s\n", shellQuote(a.AccessKey))
	fmt.Fprintf(w, "export VOLCENGINE_SECRET_KEY=%s\n", shellQuote(a.SecretKey))
	if a.SessionToken != "" {
		fmt.Fprintf(w, "export VOLCENGINE_SESSION_TOKEN=%s\n", shellQuote(a.SessionToken))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Stop with Ctrl-C.")
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
