package bench

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

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

// shape is how a case spreads its configurations over the account.
type shape struct {
	vhosts, n int
	// sparse gives an app-less configuration to half of the (vhost, message
	// type) pairs rather than to each: the layout has one per pair,
	// the 4-vhost one keeps the costly deletes at 10 whatever n is.
	sparse bool
}

func (s shape) String() string {
	vhosts := "vhosts"
	if s.vhosts == 1 {
		vhosts = "vhost"
	}
	return fmt.Sprintf("%d callbacks over %d %s, %d app-less", s.n, s.vhosts, vhosts, appLess(s.specs()))
}

// specs spreads the configurations round-robin over the vhosts, then the
// message types, then apps; the first round holds the app-less ones, which
// the API allows once per (vhost, message type) pair. Deleting those is the
// costly case: a snapshot of what the delete could reach, and restores when
// the provider gets the order wrong.
func (s shape) specs() []callbackSpec {
	types := liveapi.MessageTypes
	specs := make([]callbackSpec, 0, s.n)
	for i := range s.n {
		v := i % s.vhosts
		m := (i / s.vhosts) % len(types)
		round := i / (s.vhosts * len(types))
		app := fmt.Sprintf("app%d", round)
		if round == 0 && (!s.sparse || (v+m)%2 == 0) {
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
// one resource per spec. A zero rps keeps the provider's default, the
// account's limit.
func mainTF(endpoint string, rps float64, specs []callbackSpec) string {
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
`, endpoint, liveemu.DemoAccessKey)
	if rps > 0 {
		fmt.Fprintf(&b, "  requests_per_second = %g\n", rps)
	}
	b.WriteString("}\n")
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

func TestShapes(t *testing.T) {
	t.Parallel()
	appPattern := regexp.MustCompile(`^[A-Za-z0-9_.-]{1,30}$`)
	for _, tc := range []struct {
		shape   shape
		appLess int
		apps    int // distinct apps
	}{
		{shape{vhosts: 2, n: 200}, 10, 19},
		{shape{vhosts: 1, n: 50}, 5, 9},
		{shape{vhosts: 4, n: 200, sparse: true}, 10, 10},
		{shape{vhosts: 4, n: 1000, sparse: true}, 10, 50},
	} {
		specs := tc.shape.specs()
		if len(specs) != tc.shape.n {
			t.Fatalf("%v has %d configurations", tc.shape, len(specs))
		}
		keys := map[callbackSpec]bool{}
		names := map[string]bool{}
		appLessPairs := map[[2]string]int{}
		vhosts := map[string]bool{}
		types := map[string]bool{}
		apps := map[string]bool{}
		for _, s := range specs {
			if keys[s] {
				t.Errorf("%v: %+v twice", tc.shape, s)
			}
			keys[s] = true
			if names[s.resourceName()] {
				t.Errorf("%v: resource name %s twice", tc.shape, s.resourceName())
			}
			names[s.resourceName()] = true
			if s.App == "" {
				appLessPairs[[2]string{s.Vhost, s.MessageType}]++
			} else if !appPattern.MatchString(s.App) {
				t.Errorf("%v: invalid app %q", tc.shape, s.App)
			} else {
				apps[s.App] = true
			}
			vhosts[s.Vhost] = true
			types[s.MessageType] = true
		}
		for pair, count := range appLessPairs {
			if count > 1 {
				t.Errorf("%v: %d app-less configurations for %v", tc.shape, count, pair)
			}
		}
		if got := appLess(specs); got != tc.appLess {
			t.Errorf("%v: %d app-less configurations, want %d", tc.shape, got, tc.appLess)
		}
		if len(apps) != tc.apps {
			t.Errorf("%v: %d apps, want %d", tc.shape, len(apps), tc.apps)
		}
		if len(vhosts) != tc.shape.vhosts || len(types) != len(liveapi.MessageTypes) {
			t.Errorf("%v uses %d vhosts and %d message types", tc.shape, len(vhosts), len(types))
		}
	}
}

func TestMainTF(t *testing.T) {
	t.Parallel()
	specs := []callbackSpec{
		{Vhost: vhostName(0), App: "app1", MessageType: "push"},
		{Vhost: vhostName(1), MessageType: "record"},
	}
	got := mainTF("http://127.0.0.1:8080", 0, specs)
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
	if strings.Contains(got, "requests_per_second") {
		t.Errorf("main.tf sets requests_per_second without being asked to:\n%s", got)
	}
	if n := strings.Count(got, "  app "); n != 1 {
		t.Errorf("main.tf sets app %d times, want once:\n%s", n, got)
	}
	if got := mainTF("http://127.0.0.1:8080", 1000, specs); !strings.Contains(got, "  requests_per_second = 1000\n") {
		t.Errorf("main.tf lacks requests_per_second = 1000:\n%s", got)
	}
}
