package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// faultKinds are the answers the Live API or the network between can give
// instead of a normal one. Each is injected twice in a row, which the retry
// policy must absorb.
var faultKinds = []struct {
	name  string
	fault liveemu.Fault
}{
	{"throttled_429", liveemu.Fault{HTTPStatus: 429, Code: "FlowLimitExceeded", Times: 2}},
	{"common_err_200", liveemu.Fault{HTTPStatus: 200, Code: "CommonErr", Times: 2}},
	{"internal_error_500", liveemu.Fault{HTTPStatus: 500, Code: "InternalError", Times: 2}},
	{"bad_gateway_502", liveemu.Fault{HTTPStatus: 502, Code: "InternalServiceError", Times: 2}},
	{"timeout_504", liveemu.Fault{HTTPStatus: 504, Code: "InternalServiceTimeout", Times: 2}},
	{"dropped_connection", liveemu.Fault{Drop: true, Times: 2}},
	{"answer_lost_after_write", liveemu.Fault{Drop: true, AfterApply: true, Times: 1}},
	{"non_json_body", liveemu.Fault{RawBody: "<html><body>502 Bad Gateway</body></html>", HTTPStatus: 502, Times: 2}},
}

// faultScenario is an app configuration, a vhost-wide one, and an app
// configuration that Terraform does not manage but whose message type the
// vhost-wide one shares: it must survive everything.
type faultScenario struct {
	t       *testing.T
	emu     *testEmulator
	sibling liveapi.Callback
}

func newFaultScenario(t *testing.T, cfg liveemu.Config) *faultScenario {
	emu := newTestEmulatorWith(t, cfg)
	s := &faultScenario{t: t, emu: emu, sibling: liveapi.Callback{
		Scope: liveapi.Scope{Vhost: vhost}, App: "unmanaged", MessageType: "record",
		CallbackDetailList: []liveapi.CallbackDetail{{URL: "https://unmanaged.example.com/", CallbackType: "HTTP"}},
		AuthEnable:         true, AuthKeyPrimary: "unmanaged-key",
	}}
	if _, err := emu.client(t).UpdateCallback(context.Background(), s.sibling); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *faultScenario) config(version string, extra ...string) string {
	return s.emu.providerConfig(
		callbackHCL("app", "vhost", vhost, "app1", "push", []string{"https://hooks.example.com/" + version}, extra...),
		callbackHCL("wide", "vhost", vhost, "", "record", []string{"https://hooks.example.com/rec-" + version}, extra...),
	)
}

// expectExactly checks that the emulator holds exactly the managed
// configurations with the given version's URLs, and the untouched sibling:
// nothing lost, nothing duplicated.
func (s *faultScenario) expectExactly(version string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, c := range s.emu.All() {
			got = append(got, fmt.Sprintf("%s/%s/%s", c.App, c.MessageType, c.CallbackDetailList[0].URL))
		}
		want := []string{
			"/record/https://hooks.example.com/rec-" + version,
			"app1/push/https://hooks.example.com/" + version,
			"unmanaged/record/https://unmanaged.example.com/",
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("emulator holds %v, want %v", got, want)
		}
		return s.siblingIntact()
	}
}

func (s *faultScenario) siblingIntact() error {
	got, ok := s.emu.Get(vhost, s.sibling.App, s.sibling.MessageType)
	if !ok {
		return fmt.Errorf("the unmanaged sibling configuration was lost")
	}
	if got.AuthKeyPrimary != s.sibling.AuthKeyPrimary || got.CallbackDetailList[0].URL != s.sibling.CallbackDetailList[0].URL {
		return fmt.Errorf("the unmanaged sibling configuration changed: %+v", got)
	}
	return nil
}

// onlySiblingLeft is the scenario's CheckDestroy.
func (s *faultScenario) onlySiblingLeft(st *terraform.State) error {
	if err := s.emu.checkDestroyed(st); err != nil {
		return err
	}
	if n := len(s.emu.All()); n != 1 {
		return fmt.Errorf("after destroy the emulator holds %d configurations, want only the sibling", n)
	}
	if err := s.faultsMet(); err != nil {
		return err
	}
	return s.siblingIntact()
}

// faultsMet fails while a use of an injected fault is left: the test did
// not exercise what the fault was injected for.
func (s *faultScenario) faultsMet() error {
	if n := s.emu.PendingFaults(); n != 0 {
		return fmt.Errorf("%d uses of the injected faults were never met", n)
	}
	return nil
}

// inject queues a fault once the faults injected before are all met, so
// that each fault is met by the step it is injected for.
func (s *faultScenario) inject(action string, f liveemu.Fault) func() {
	return func() {
		if err := s.faultsMet(); err != nil {
			s.t.Fatalf("before injecting a %s fault: %v", action, err)
		}
		f.Action = action
		s.emu.InjectFault(f)
	}
}

// Every operation converges under every retryable fault: create, refresh,
// update, import and delete.
func TestAccLiveCallback_faults(t *testing.T) {
	t.Parallel()
	for _, fk := range faultKinds {
		t.Run(fk.name, func(t *testing.T) {
			t.Parallel()
			s := newFaultScenario(t, liveemu.Config{})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             s.onlySiblingLeft,
				Steps: []resource.TestStep{
					{
						PreConfig: s.inject("UpdateCallback", fk.fault),
						Config:    s.config("v1"),
						Check:     s.expectExactly("v1"),
					},
					{
						PreConfig: s.inject("DescribeCallback", fk.fault),
						Config:    s.config("v1"),
						PlanOnly:  true,
					},
					{
						PreConfig:        s.inject("UpdateCallback", fk.fault),
						Config:           s.config("v2"),
						ConfigPlanChecks: expectAction("volcengine_live_callback.app", plancheck.ResourceActionUpdate),
						Check:            s.expectExactly("v2"),
					},
					{
						PreConfig:               s.inject("DescribeCallback", fk.fault),
						ResourceName:            "volcengine_live_callback.app",
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: createdByTerraform,
					},
					{
						Config: s.config("v2"),
						Check: func(*terraform.State) error {
							// Consumed by the destroy that follows the last step.
							s.inject("DeleteCallback", fk.fault)()
							return nil
						},
					},
				},
			})
		})
	}
}

// An answer slower than the operation's timeout fails the operation with a
// diagnostic that says so; running Terraform again converges.
func TestAccLiveCallback_slowerThanTimeout(t *testing.T) {
	t.Parallel()
	s := newFaultScenario(t, liveemu.Config{})
	slow := liveemu.Fault{Latency: 4 * time.Second, Times: 1}
	timeouts := `timeouts {
    create = "2s"
    update = "2s"
    delete = "2s"
  }`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             s.onlySiblingLeft,
		Steps: []resource.TestStep{
			{
				PreConfig:   s.inject("UpdateCallback", slow),
				Config:      s.config("v1", timeouts),
				ExpectError: regexp.MustCompile(`(?s)Error creating Live callback.*deadline exceeded.*ran out of time`),
			},
			{
				Config: s.config("v1", timeouts),
				Check:  s.expectExactly("v1"),
			},
			{
				PreConfig:   s.inject("UpdateCallback", slow),
				Config:      s.config("v2", timeouts),
				ExpectError: regexp.MustCompile(`(?s)Error updating Live callback.*deadline exceeded`),
			},
			{
				Config: s.config("v2", timeouts),
				Check:  s.expectExactly("v2"),
			},
			{
				Config:      s.config("v2", timeouts),
				Destroy:     true,
				PreConfig:   s.inject("DeleteCallback", liveemu.Fault{Latency: 4 * time.Second, Times: 2}),
				ExpectError: regexp.MustCompile(`(?s)Error deleting Live callback.*deadline exceeded`),
			},
			{
				Config: s.config("v2", timeouts),
				Check:  s.expectExactly("v2"),
			},
		},
	})
}

// An update that the API shows only after a delay is waited for, so that
// the state and the next plan reflect the server.
func TestAccLiveCallback_delayedVisibility(t *testing.T) {
	t.Parallel()
	// The emulator's clock runs with the real one and jumps by the delay
	// when the test lets it pass, so that what a plan sees depends on no race
	// with the machine's load. Two jumps stay within the signatures' allowed
	// clock skew.
	const delay = 5 * time.Minute
	var jumped atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(jumped.Load())) }
	s := newFaultScenario(t, liveemu.Config{Now: now})
	s.emu.SetVisibilityDelay(delay)
	// Writes are trusted, not polled for: a plan made while the API does not
	// show them yet shows the configurations as the API does, and once it
	// does, the plan is empty with no further apply.
	settle := func() { jumped.Add(int64(delay)) }
	converged := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             s.onlySiblingLeft,
		Steps: []resource.TestStep{
			{Config: s.config("v1"), Check: s.expectExactly("v1"), ExpectNonEmptyPlan: true},
			{PreConfig: settle, Config: s.config("v1"), ConfigPlanChecks: converged},
			{Config: s.config("v2"), Check: s.expectExactly("v2"), ExpectNonEmptyPlan: true},
			{PreConfig: settle, Config: s.config("v2"), ConfigPlanChecks: converged, Check: s.expectExactly("v2")},
		},
	})
}

// When retries run out, the error names the cause and the attempts, and a
// plain re-run converges.
func TestAccLiveCallback_retriesExhausted(t *testing.T) {
	t.Parallel()
	s := newFaultScenario(t, liveemu.Config{})
	config := strings.Replace(s.config("v1"), "provider \"volcengine\" {", "provider \"volcengine\" {\n  max_retries = 1", 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             s.onlySiblingLeft,
		Steps: []resource.TestStep{
			{
				PreConfig:   s.inject("UpdateCallback", liveemu.Fault{HTTPStatus: 500, Code: "InternalError", Times: 4}),
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)InternalError.*RequestId.*gave up after 2 attempts.*temporary`),
			},
			{Config: config, Check: s.expectExactly("v1")},
		},
	})
}

// A create whose write lands but whose every answer is lost leaves the
// configuration in the state (tainted), so that the next apply replaces it
// instead of refusing it as a configuration Terraform does not manage.
func TestAccLiveCallback_createAnswerLost(t *testing.T) {
	t.Parallel()
	s := newFaultScenario(t, liveemu.Config{})
	config := strings.Replace(s.config("v1"), "provider \"volcengine\" {", "provider \"volcengine\" {\n  max_retries = 1", 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             s.onlySiblingLeft,
		Steps: []resource.TestStep{
			{
				PreConfig:   s.inject("UpdateCallback", liveemu.Fault{Drop: true, AfterApply: true, Times: 4}),
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Error creating Live callback`),
			},
			{
				Config:           config,
				ConfigPlanChecks: emptyPlanAfterApply,
				Check:            s.expectExactly("v1"),
			},
		},
	})
}

// Many configurations applied at Terraform's default parallelism against an
// account limited below the provider's own rate: the API throttles, the
// provider waits and slows down, and no throttling error reaches the user.
// With requests_per_second at the account's limit, the API hardly has to
// throttle: only a provider instance that starts with a fresh rate, its
// predecessor's gone, may send its first request closer than the limit
// allows to the predecessor's last.
func TestAccLiveCallback_throttledAccount(t *testing.T) {
	t.Parallel()
	var resources []string
	for i := range 8 {
		resources = append(resources, callbackHCL(fmt.Sprintf("c%d", i), "vhost", vhost, fmt.Sprintf("app%d", i),
			liveapi.MessageTypes[i%len(liveapi.MessageTypes)], []string{"https://hooks.example.com/"}))
	}
	for _, tc := range []struct {
		name                       string
		providerRate               string
		minThrottled, maxThrottled int
	}{
		{"provider_faster_than_account", "", 1, 1000},
		{"provider_at_account_limit", "requests_per_second = 2", 0, 2},
	} {
		// The cases run one after the other in this test's slot: they mostly
		// wait on the account's limit, and as parallel subtests they would
		// queue behind every other test and wait at the end of the run.
		t.Run(tc.name, func(t *testing.T) {
			emu := newTestEmulatorWith(t, liveemu.Config{RequestsPerSecond: 2, Burst: 2})
			config := strings.Replace(emu.providerConfig(resources...), "provider \"volcengine\" {",
				"provider \"volcengine\" {\n  "+tc.providerRate, 1)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(st *terraform.State) error {
					if n := len(emu.All()); n != 0 {
						return fmt.Errorf("%d configurations left after destroy", n)
					}
					if got := emu.Throttled(); got < tc.minThrottled || got > tc.maxThrottled {
						return fmt.Errorf("emulator throttled %d requests, want %d to %d", got, tc.minThrottled, tc.maxThrottled)
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config: config,
					Check: func(*terraform.State) error {
						if n := len(emu.All()); n != len(resources) {
							return fmt.Errorf("emulator holds %d configurations, want %d", n, len(resources))
						}
						return nil
					},
				}},
			})
		})
	}
}
