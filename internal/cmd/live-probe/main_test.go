package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
	"github.com/liveops/terraform-provider-volcengine/internal/provider"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func demoEnv(endpoint string) map[string]string {
	return map[string]string{
		provider.EnvAccessKey: liveemu.DemoAccessKey,
		provider.EnvSecretKey: liveemu.DemoSecretKey,
		provider.EnvEndpoint:  endpoint,
	}
}

func TestRun_reportFromEnvironment(t *testing.T) {
	emu, endpoint := startEmulator(t, reading(t, "masked"), nil)
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"-vhost", liveemu.DemoVhost, "-domain", liveemu.DemoDomain, "-rps", "1000"},
		env(demoEnv(endpoint)), &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"endpoint:      " + endpoint, "preset:  masked\n", "6. Are auth keys answered in plain text?\n   answer:   masked"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "live-probe: writing scratch app tfprobe-") {
		t.Errorf("no progress on stderr: %q", stderr.String())
	}
	if all := emu.All(); len(all) != 0 {
		t.Errorf("left behind: %+v", all)
	}
}

func TestRun_endpointFlagOverridesEnvironment(t *testing.T) {
	_, endpoint := startEmulator(t, liveemu.Readings{}, nil)
	vars := demoEnv("http://127.0.0.1:1")
	var stdout strings.Builder
	err := run(context.Background(), []string{"-vhost", liveemu.DemoVhost, "-endpoint", endpoint, "-rps", "1000"}, env(vars), &stdout, io.Discard)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(stdout.String(), "endpoint:      "+endpoint) {
		t.Errorf("the report names another endpoint:\n%s", stdout.String())
	}
}

// What the probe could not remove makes the command fail, after the report
// has said what it is.
func TestRun_leftoversFail(t *testing.T) {
	var emu *liveemu.Server
	var once sync.Once
	emu, endpoint := startEmulator(t, liveemu.Readings{}, func(action string, body map[string]any, after bool) {
		if after && action == liveapi.ActionUpdateCallback && body["Domain"] != nil {
			once.Do(func() {
				if err := emu.Put(liveemu.Callback{Vhost: liveemu.DemoVhost, App: "intruder", MessageType: body["MessageType"].(string),
					CallbackDetailList: []liveemu.CallbackDetail{{URL: "https://hooks.example.com/intruder", CallbackType: "HTTP"}}}); err != nil {
					t.Error(err)
				}
			})
		}
	})
	var stdout strings.Builder
	err := run(context.Background(), []string{"-vhost", liveemu.DemoVhost, "-domain", liveemu.DemoDomain, "-rps", "1000"},
		env(demoEnv(endpoint)), &stdout, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "1 scratch configuration(s) are left behind") {
		t.Errorf("error %v; want the leftover counted", err)
	}
	if !strings.Contains(stdout.String(), "LEFT BEHIND") {
		t.Errorf("the report does not list the leftover:\n%s", stdout.String())
	}
}

func TestParseFlags(t *testing.T) {
	full := map[string]string{
		provider.EnvAccessKey: "AK", provider.EnvSecretKey: "SK", provider.EnvSessionToken: "token", provider.EnvRegion: "cn-north-1",
	}
	o, cfg, err := parseFlags([]string{"-vhost", "v"}, env(full), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AccessKey != "AK" || cfg.SecretKey != "SK" || cfg.SessionToken != "token" || cfg.Region != "cn-north-1" ||
		cfg.Endpoint != provider.DefaultEndpoint || cfg.RequestsPerSecond != 5 || o.vhost != "v" || !o.wide {
		t.Errorf("options %+v, config %+v", o, cfg)
	}

	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{}, full, "-vhost is required"},
		{[]string{"-vhost", "v"}, map[string]string{provider.EnvAccessKey: "AK"}, "set VOLCENGINE_ACCESS_KEY and VOLCENGINE_SECRET_KEY"},
		{[]string{"-vhost", "v", "-rps", "0"}, full, "-rps 0 must be positive"},
		{[]string{"-vhost", "v", "-visibility-timeout", "0s"}, full, "-visibility-timeout 0s must be positive"},
		{[]string{"-vhost", "v", "-callback-url", "ftp://example.com"}, full, "-callback-url"},
		{[]string{"-vhost", "v", "-callback-url", "https://example.com/" + strings.Repeat("a", 80)}, full, "at most 80 characters"},
		{[]string{"-vhost", "v", "extra"}, full, "unexpected arguments"},
	} {
		if _, _, err := parseFlags(c.args, env(c.env), io.Discard); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.args, err, c.want)
		}
	}
}
