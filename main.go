package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/liveops/terraform-provider-volcengine/internal/provider"
)

// Set by the release build through -ldflags.
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the version and exit")
	flag.Parse()

	if showVersion {
		fmt.Printf("terraform-provider-volcengine %s (%s)\n", version, commit)
		os.Exit(0)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/liveops/volcengine",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
