// Package tfrun runs the real terraform binary against the provider binary
// built from this tree, the way a user does: a CLI configuration with a
// development override, one working directory per workspace, and the
// provider started by terraform for each command. The end-to-end
// benchmarks and the randomized apply tests share it.
package tfrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Harness is terraform and the provider binary, built once per process.
type Harness struct {
	Root             string // the module root
	Terraform        string
	TerraformVersion string
	pluginDir        string
	env              []string
}

var (
	buildOnce sync.Once
	built     *Harness
	buildErr  error
)

// ErrNoTerraform means neither TF_ACC_TERRAFORM_PATH nor PATH has terraform.
var ErrNoTerraform = errors.New("terraform not found: set TF_ACC_TERRAFORM_PATH or put terraform on PATH " +
	"(scripts/ensure-terraform.sh installs one)")

// Get returns the process's harness, building the provider on first use
// into a directory that lives until Cleanup.
func Get() (*Harness, error) {
	buildOnce.Do(func() { built, buildErr = build() })
	return built, buildErr
}

// Cleanup removes the provider that Get built, if it built one. A test
// package's TestMain calls it once its tests have run; every build would
// stay behind in the temporary directory otherwise.
func Cleanup() {
	if built != nil {
		_ = os.RemoveAll(built.pluginDir)
	}
}

func build() (*Harness, error) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			return nil, ErrNoTerraform
		}
	}
	version, err := exec.Command(tf, "version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", tf, err)
	}
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		return nil, fmt.Errorf("the module root %q has no main.go: %w", root, err)
	}
	pluginDir, err := os.MkdirTemp("", "tfrun-provider-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-volcengine"), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	cliConfig := filepath.Join(pluginDir, "terraform.rc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"liveops/volcengine\" = %s\n  }\n  direct {}\n}\n",
		strconv.Quote(pluginDir))
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return nil, err
	}
	return &Harness{
		Root:             root,
		Terraform:        tf,
		TerraformVersion: strings.TrimSpace(strings.SplitN(string(version), "\n", 2)[0]),
		pluginDir:        pluginDir,
		env: append(cleanEnv(os.Environ()),
			"TF_CLI_CONFIG_FILE="+cliConfig,
			"CHECKPOINT_DISABLE=1",
			"TF_IN_AUTOMATION=1",
			"TF_INPUT=0",
			// The provider's restore journal stays with the build.
			"VOLCENGINE_LIVE_JOURNAL_DIR="+filepath.Join(pluginDir, "journal"),
		),
	}, nil
}

// cleanEnv drops what could aim terraform or the provider elsewhere (another
// CLI configuration, extra arguments, reattached providers, other
// credentials or endpoints), keeping terraform's logging switches.
func cleanEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := strings.HasPrefix(name, "TF_") && !strings.HasPrefix(name, "TF_LOG") ||
			strings.HasPrefix(name, "VOLC") || name == "CHECKPOINT_DISABLE"
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// Workspace is one terraform working directory.
type Workspace struct {
	h   *Harness
	Dir string
	Env []string // added to the harness's environment, e.g. VOLCENGINE_SECRET_KEY=...
}

// Workspace returns a workspace in dir, which must exist.
func (h *Harness) Workspace(dir string, env ...string) *Workspace {
	return &Workspace{h: h, Dir: dir, Env: env}
}

// WriteConfig replaces the workspace's main.tf.
func (w *Workspace) WriteConfig(config string) error {
	return os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(config), 0o644)
}

// Run runs one terraform command and returns its combined output and exit
// code; err is set only when terraform could not run or was stopped.
func (w *Workspace) Run(ctx context.Context, args ...string) (out string, exitCode int, err error) {
	cmd := exec.CommandContext(ctx, w.h.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(append([]string(nil), w.h.env...), w.Env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err = cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && ctx.Err() == nil {
		return buf.String(), exitErr.ExitCode(), nil
	}
	return buf.String(), 0, err
}
