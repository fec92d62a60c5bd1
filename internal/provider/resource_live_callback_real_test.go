package provider

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// EnvRealAccountVhost names a vhost of a real Volcengine account. When it is
// set (with VOLCENGINE_ACCESS_KEY and VOLCENGINE_SECRET_KEY, and optionally
// VOLCENGINE_LIVE_ENDPOINT), TestAccLiveCallback_realAccount runs the basic
// lifecycle against that account instead of the emulator. It creates one
// app configuration of its own and deletes it.
const EnvRealAccountVhost = "VOLCENGINE_ACC_VHOST"

func TestAccLiveCallback_realAccount(t *testing.T) {
	realVhost := os.Getenv(EnvRealAccountVhost)
	if realVhost == "" {
		t.Skipf("%s not set: the real-account run is opt-in", EnvRealAccountVhost)
	}
	cfg, diags := resolveClientConfig(providerModel{}, os.Getenv, readSDKConfigFile)
	if diags.HasError() {
		t.Fatalf("credentials for the real account: %v", diags)
	}
	client, err := liveapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	app := fmt.Sprintf("tfacc%d", time.Now().Unix()%100000000)
	name := "volcengine_live_callback.real"
	config := func(url string) string {
		return `provider "volcengine" {}` + "\n" + callbackHCL("real", "vhost", realVhost, app, "push_end", []string{url})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			items, _, err := client.DescribeCallback(context.Background(),
				liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: realVhost}, App: app, MessageType: "push_end"})
			if err != nil {
				return err
			}
			if _, ok := findCallback(items, callbackKey{Scope: liveapi.Scope{Vhost: realVhost}, App: app, MessageType: "push_end"}, ""); ok {
				return fmt.Errorf("app %q configuration still exists", app)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config("https://hooks.example.com/tfacc/a"), ConfigPlanChecks: emptyPlanAfterApply},
			{ResourceName: name, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: createdByTerraform},
			{
				Config:           config("https://hooks.example.com/tfacc/b"),
				ConfigPlanChecks: expectAction(name, plancheck.ResourceActionUpdate),
			},
		},
	})
}
