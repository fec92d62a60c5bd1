// Command live-probe answers, on a real account, the open questions of the
// Live callback API, and names the emulator reading that plays what it
// found (docs/guides/api-open-questions.md says what each question and
// reading means, and how to read the report):
//
//	go run ./internal/cmd/live-probe -vhost VHOST [-domain PUSH_DOMAIN] [-endpoint URL]
//	    [-rps 5] [-visibility-timeout 10m] [-callback-url URL] [-wide=true]
//
// Credentials come from the provider's variables: VOLCENGINE_ACCESS_KEY,
// VOLCENGINE_SECRET_KEY, optionally VOLCENGINE_SESSION_TOKEN, VOLCENGINE_REGION
// and VOLCENGINE_LIVE_ENDPOINT (which -endpoint overrides).
//
// # What it writes and deletes
//
// Only configurations of its own, whose receivers are addresses under
// -callback-url (by default in .invalid, which never resolves):
//
//   - two scratch apps, tfprobe-<random>-1 and -2, checked unused first;
//     the first answers the CallbackType spelling, key masking, the
//     unmodelled fields and the visibility delay on audit_snapshot;
//   - on one message type that the vhost and the domain hold nothing of at
//     the start (audit_snapshot, snapshot, record, push_end, push: the first
//     free one), a record written by Domain, the vhost's app-less record and
//     a DeleteCallback by Domain and one by Vhost without App, which answer
//     the domain model, what Describe by Domain lists and what the deletes
//     reach. Each such write or delete comes right after a read of the vhost
//     and the domain; if anything not made by the probe has appeared on that
//     type, those questions stop there as "not determined". With no free
//     type, or -wide=false, they are not asked at all.
//
// At the end, also after an error or Ctrl-C, it deletes every scratch app
// configuration by App and MessageType, and its domain and app-less records
// only after the same read; whatever it could not remove is listed in the
// report, and the command then exits with status 1. A second Ctrl-C stops it
// at once.
//
// Progress goes to standard error, the report to standard output.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/provider"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		// The cleanup still runs; a second signal then ends the process.
		stop()
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "live-probe:", err)
		os.Exit(1)
	}
}

// maxCallbackURL leaves room under the API's 100 characters for the run's
// random part and a write's number.
const maxCallbackURL = 80

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	api, err := liveapi.New(cfg)
	if err != nil {
		return err
	}
	res, err := probe(ctx, api, o, stderr)
	if err != nil {
		return err
	}
	res.write(stdout)
	if len(res.leftovers) > 0 {
		return fmt.Errorf("%d scratch configuration(s) are left behind; the report lists them", len(res.leftovers))
	}
	return nil
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, liveapi.Config, error) {
	var o options
	cfg := liveapi.Config{
		AccessKey:    getenv(provider.EnvAccessKey),
		SecretKey:    getenv(provider.EnvSecretKey),
		SessionToken: getenv(provider.EnvSessionToken),
		Region:       getenv(provider.EnvRegion),
		MaxRetries:   provider.DefaultMaxRetries,
		UserAgent:    "terraform-provider-volcengine-live-probe",
	}
	endpoint := getenv(provider.EnvEndpoint)
	if endpoint == "" {
		endpoint = provider.DefaultEndpoint
	}

	flags := flag.NewFlagSet("live-probe", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&o.vhost, "vhost", "", "the vhost to probe (required)")
	flags.StringVar(&o.domain, "domain", "", "a push domain of the vhost; without it the domain questions are not asked")
	flags.StringVar(&o.endpoint, "endpoint", endpoint, "Live API endpoint (default from "+provider.EnvEndpoint+")")
	// Below the API's 10 per second, so that the account's other users keep
	// their share while the probe runs.
	flags.Float64Var(&cfg.RequestsPerSecond, "rps", 5, "requests per second at most")
	flags.DurationVar(&o.bound, "visibility-timeout", 10*time.Minute, "how long to wait for a write or delete to show in DescribeCallback")
	flags.StringVar(&o.callbackURL, "callback-url", "https://callback.invalid/tfprobe",
		"receiver address under which every scratch configuration gets its own; .invalid never resolves")
	flags.BoolVar(&o.wide, "wide", true, "ask the questions that need a write or delete without App, on a message type holding nothing else")
	if err := flags.Parse(args); err != nil {
		return o, cfg, err
	}
	cfg.Endpoint = o.endpoint
	switch {
	case flags.NArg() > 0:
		return o, cfg, fmt.Errorf("unexpected arguments %q", flags.Args())
	case o.vhost == "":
		return o, cfg, errors.New("-vhost is required")
	case cfg.AccessKey == "" || cfg.SecretKey == "":
		return o, cfg, fmt.Errorf("set %s and %s to the account's keys", provider.EnvAccessKey, provider.EnvSecretKey)
	case cfg.RequestsPerSecond <= 0:
		return o, cfg, fmt.Errorf("-rps %g must be positive", cfg.RequestsPerSecond)
	case o.bound <= 0:
		return o, cfg, fmt.Errorf("-visibility-timeout %s must be positive", o.bound)
	}
	if u, err := url.Parse(o.callbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(o.callbackURL) > maxCallbackURL {
		return o, cfg, fmt.Errorf("-callback-url %q must be an http or https address of at most %d characters", o.callbackURL, maxCallbackURL)
	}
	return o, cfg, nil
}
