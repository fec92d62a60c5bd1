package bench

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// vhostCount vhosts of the demo account hold the benchmark's configurations;
// the refresh of one provider process costs one DescribeCallback per vhost
// at best, so the count shapes the refresh target.
const vhostCount = 4

func vhostName(i int) string { return fmt.Sprintf("v%d.live.example.com", i+1) }

// callbackSpec is one configuration of the generated main.tf.
type callbackSpec struct {
	Vhost, App, MessageType string
}

// resourceName is the Terraform name, readable in terraform's output.
func (s callbackSpec) resourceName() string {
	app := s.App
	if app == "" {
		app = "noapp"
	}
	return strings.SplitN(s.Vhost, ".", 2)[0] + "_" + app + "_" + s.MessageType
}

// layout spreads n configurations round-robin over the vhosts, then the
// message types, then apps. Half of the (vhost, message type) pairs get one
// app-less configuration in the first round: deleting those is the costly
// case (a sibling snapshot, the wildcard delete, a check, and restores), and
// the API allows only one of them per pair.
func layout(n int) []callbackSpec {
	types := liveapi.MessageTypes
	specs := make([]callbackSpec, 0, n)
	for i := range n {
		v := i % vhostCount
		m := (i / vhostCount) % len(types)
		round := i / (vhostCount * len(types))
		app := fmt.Sprintf("app%d", round)
		if round == 0 && (v+m)%2 == 0 {
			app = ""
		}
		specs = append(specs, callbackSpec{Vhost: vhostName(v), App: app, MessageType: types[m]})
	}
	return specs
}

func appLess(specs []callbackSpec) int {
	n := 0
	for _, s := range specs {
		if s.App == "" {
			n++
		}
	}
	return n
}

// mainTF renders the configuration: the provider aimed at the emulator (the
// secret key comes from VOLCENGINE_SECRET_KEY, as a user would pass it) and
// one resource per spec.
func mainTF(endpoint string, specs []callbackSpec) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    volcengine = {
      source = "liveops/volcengine"
    }
  }
}

provider "volcengine" {
  endpoint   = %q
  access_key = %q
}
`, endpoint, liveemu.DemoAccessKey)
	for _, s := range specs {
		fmt.Fprintf(&b, "\nresource \"volcengine_live_callback\" %q {\n", s.resourceName())
		fmt.Fprintf(&b, "  vhost        = %q\n", s.Vhost)
		if s.App != "" {
			fmt.Fprintf(&b, "  app          = %q\n", s.App)
		}
		fmt.Fprintf(&b, "  message_type = %q\n", s.MessageType)
		app := s.App
		if app == "" {
			app = "-"
		}
		fmt.Fprintf(&b, "  callback_detail_list = [\n    { url = %q },\n  ]\n}\n",
			"https://hooks.example.com/live/"+strings.SplitN(s.Vhost, ".", 2)[0]+"/"+app+"/"+s.MessageType)
	}
	return b.String()
}

func TestLayout(t *testing.T) {
	t.Parallel()
	appPattern := regexp.MustCompile(`^[A-Za-z0-9_.-]{1,30}$`)
	for _, n := range []int{50, 200} {
		specs := layout(n)
		if len(specs) != n {
			t.Fatalf("layout(%d) has %d configurations", n, len(specs))
		}
		keys := map[callbackSpec]bool{}
		names := map[string]bool{}
		appLessPairs := map[[2]string]int{}
		vhosts := map[string]bool{}
		types := map[string]bool{}
		for _, s := range specs {
			if keys[s] {
				t.Errorf("layout(%d): %+v twice", n, s)
			}
			keys[s] = true
			if names[s.resourceName()] {
				t.Errorf("layout(%d): resource name %s twice", n, s.resourceName())
			}
			names[s.resourceName()] = true
			if s.App == "" {
				appLessPairs[[2]string{s.Vhost, s.MessageType}]++
			} else if !appPattern.MatchString(s.App) {
				t.Errorf("layout(%d): invalid app %q", n, s.App)
			}
			vhosts[s.Vhost] = true
			types[s.MessageType] = true
		}
		for pair, count := range appLessPairs {
			if count > 1 {
				t.Errorf("layout(%d): %d app-less configurations for %v", n, count, pair)
			}
		}
		if got := appLess(specs); got != 10 {
			t.Errorf("layout(%d) has %d app-less configurations, want 10", n, got)
		}
		if len(vhosts) != vhostCount || len(types) != len(liveapi.MessageTypes) {
			t.Errorf("layout(%d) uses %d vhosts and %d message types", n, len(vhosts), len(types))
		}
	}
}

func TestMainTF(t *testing.T) {
	t.Parallel()
	specs := []callbackSpec{
		{Vhost: vhostName(0), App: "app1", MessageType: "push"},
		{Vhost: vhostName(1), MessageType: "record"},
	}
	got := mainTF("http://127.0.0.1:8080", specs)
	for _, want := range []string{
		`source = "liveops/volcengine"`,
		`endpoint   = "http://127.0.0.1:8080"`,
		`access_key = "` + liveemu.DemoAccessKey + `"`,
		`resource "volcengine_live_callback" "v1_app1_push" {`,
		`  app          = "app1"`,
		`{ url = "https://hooks.example.com/live/v1/app1/push" },`,
		`resource "volcengine_live_callback" "v2_noapp_record" {`,
		`{ url = "https://hooks.example.com/live/v2/-/record" },`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("main.tf lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, liveemu.DemoSecretKey) {
		t.Errorf("main.tf holds the secret key:\n%s", got)
	}
	if n := strings.Count(got, "  app "); n != 1 {
		t.Errorf("main.tf sets app %d times, want once:\n%s", n, got)
	}
}
