package bench

import (
	"os"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/tfrun"
)

func TestMain(m *testing.M) {
	code := m.Run()
	tfrun.Cleanup()
	os.Exit(code)
}
