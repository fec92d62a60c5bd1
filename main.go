package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/liveops/terraform-provider-volcengine/internal/provider"
)

// Set by the release build through -ldflags.
var (
	version = "dev"
	commit  = "none"
)

func main() {
	// The restore journal, shown or replayed by hand (see the README).
	if len(os.Args) > 1 && os.Args[1] == "journal" {
		os.Exit(provider.RunJournalCommand(os.Args[2:], os.Stdout, os.Stderr, os.Getenv))
	}
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the version and exit")
	flag.Parse()

	if showVersion {
		fmt.Printf("terraform-provider-volcengine %s (%s)\n", version, commit)
		os.Exit(0)
	}

	if !debug {
		quietUnlessShown(os.Getenv, os.Setenv)
	}

	var opts []provider.Option
	if !debug {
		guard := provider.NewExitGuard()
		finishBeforeExit(guard)
		endWithTerraform(guard)
		opts = append(opts, provider.WithExitGuard(guard))
	}
	server, err := provider.NewProtocol6Server(version, opts...)()
	if err != nil {
		log.Fatal(err.Error())
	}
	var serveOpts []tf6server.ServeOpt
	if debug {
		serveOpts = append(serveOpts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve("registry.terraform.io/liveops/volcengine", func() tfprotov6.ProviderServer { return server }, serveOpts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}

// logLevels are the variables that set the level of the provider's own log
// (TF_LOG_PROVIDER_ and the provider's name) and of the SDK's parts of it.
var logLevels = []string{"TF_LOG_PROVIDER_VOLCENGINE", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietUnlessShown turns the provider's log off where Terraform would drop
// it: Terraform shows a provider's log only when TF_LOG or TF_LOG_PROVIDER
// is set (it started the provider with its own environment), and otherwise
// the SDK would still write every message at TRACE for Terraform to parse
// and drop, a fifth of the CPU time of a large apply. A level set on its own
// for a part of the log is left as it is. A provider started with -debug
// writes its log to the terminal, so it keeps it.
func quietUnlessShown(getenv func(string) string, setenv func(string, string) error) {
	if getenv("TF_LOG") != "" || getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range logLevels {
		if getenv(name) == "" {
			_ = setenv(name, "OFF")
		}
	}
}

// finishBeforeExit makes SIGTERM end the process only once the deletes that
// must finish have (within provider.FinishBound): a cancelled CI job sends
// it to Terraform and the provider alike, and Terraform waits for the
// operations in flight. With nothing in flight the process ends at once,
// as it would by default. SIGINT needs no handling: the plugin server
// ignores it, since Terraform stops its providers itself.
func finishBeforeExit(guard *provider.ExitGuard) {
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM)
	go func() {
		<-terms
		ctx, cancel := context.WithTimeout(context.Background(), provider.FinishBound)
		defer cancel()
		guard.Wait(ctx)
		os.Exit(exitOnSIGTERM)
	}()
}

// exitOnSIGTERM is the exit status of a process ended by SIGTERM, as a
// shell reports it.
const exitOnSIGTERM = 128 + 15

// parentCheckEvery is how often the provider looks whether the terraform
// process that started it is still there. It assumes Terraform ends its
// providers itself whenever it can; this is for when it could not (it was
// killed). Looking too seldom leaves an orphaned provider around a while
// longer; it costs nothing else.
const parentCheckEvery = time.Second

// endWithTerraform ends the process once the terraform process that started
// it is gone (the process has a new parent), after the deletes that must
// finish have: nothing else would end it, since the plugin server does not
// notice that its client died. On Windows a process keeps its parent's ID,
// so there the provider ends as the plugin server makes it.
func endWithTerraform(guard *provider.ExitGuard) {
	parent := os.Getppid()
	go func() {
		tick := time.NewTicker(parentCheckEvery)
		defer tick.Stop()
		for range tick.C {
			if os.Getppid() == parent {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), provider.FinishBound)
			guard.Wait(ctx)
			cancel()
			os.Exit(1)
		}
	}()
}
