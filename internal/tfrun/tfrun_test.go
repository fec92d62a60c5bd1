package tfrun

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// TestProviderLogShownWhenAsked checks, through the binary terraform
// starts, that the provider's log reaches terraform's when TF_LOG_PROVIDER
// asks for it (the provider turns its log off only where terraform would
// drop it), and that no provider message shows without it.
func TestProviderLogShownWhenAsked(t *testing.T) {
	t.Parallel()
	h, err := Get()
	if errors.Is(err, ErrNoTerraform) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	emu := liveemu.New(liveemu.Config{RequestsPerSecond: -1})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	config := fmt.Sprintf(`terraform {
  required_providers {
    volcengine = { source = "liveops/volcengine" }
  }
}

provider "volcengine" {
  endpoint   = %q
  access_key = %q
}

data "volcengine_live_callbacks" "all" {
  vhost = %q
}
`, srv.URL, liveemu.DemoAccessKey, liveemu.DemoVhost)

	const message = "configured the Live API client"
	for _, tc := range []struct {
		env  string
		want bool
	}{
		{env: "TF_LOG=DEBUG", want: true},
		{env: "TF_LOG_PROVIDER=DEBUG", want: true},
		{env: "TF_LOG_CORE=DEBUG", want: false},
	} {
		ws := h.Workspace(t.TempDir(), "VOLCENGINE_SECRET_KEY="+liveemu.DemoSecretKey, tc.env)
		if err := ws.WriteConfig(config); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		out, code, err := ws.Run(ctx, "plan", "-input=false", "-no-color")
		cancel()
		if err != nil || code != 0 {
			t.Fatalf("%s terraform plan: exit %d, %v\n%s", tc.env, code, err, out)
		}
		if got := strings.Contains(out, message); got != tc.want {
			t.Errorf("with %s, the provider's %q in terraform's output: %v, want %v", tc.env, message, got, tc.want)
		}
	}
}
