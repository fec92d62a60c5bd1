package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

// The examples are what users copy and what the docs show: each must be
// formatted and valid against the provider built from this tree.
func TestAccExamplesValidate(t *testing.T) {
	t.Parallel()
	tf := terraformPath(t)
	root := moduleRoot(t)
	examples := filepath.Join(root, "examples")

	if out, err := exec.Command(tf, "fmt", "-check", "-diff", "-recursive", examples).CombinedOutput(); err != nil {
		t.Fatalf("terraform fmt -check found unformatted examples (run make fmt):\n%s", out)
	}

	pluginDir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-volcengine"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"liveops/volcengine\" = %q\n  }\n  direct {}\n}\n", pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	writeOnly := terraformAtLeast(t, tf, "1.11.0")
	identity := terraformAtLeast(t, tf, "1.12.0")

	var dirs []string
	err := filepath.WalkDir(examples, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") && !slices.Contains(dirs, filepath.Dir(p)) {
			dirs = append(dirs, filepath.Dir(p))
		}
		return err
	})
	if err != nil || len(dirs) < 4 {
		t.Fatalf("found example directories %v (%v)", dirs, err)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			if filepath.ToSlash(rel) == "examples/resources/volcengine_live_callback" && !writeOnly {
				t.Skip("the resource examples use write-only arguments, which need Terraform 1.11")
			}
			work := t.TempDir()
			files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
			if !identity {
				// Import blocks with an identity need Terraform 1.12.
				files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == "import-by-identity.tf" })
			}
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(work, filepath.Base(f)), raw, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			// Examples shown on a resource's page leave out the provider
			// requirement that a real configuration has once.
			if !declaresProvider(t, files) {
				req := "terraform {\n  required_providers {\n    volcengine = { source = \"liveops/volcengine\" }\n  }\n}\n"
				if err := os.WriteFile(filepath.Join(work, "zz_required_providers.tf"), []byte(req), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(tf, "validate", "-no-color")
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("terraform validate failed in %s:\n%s", rel, out)
			}
		})
	}
}

func declaresProvider(t *testing.T, files []string) bool {
	t.Helper()
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), "required_providers") {
			return true
		}
	}
	return false
}

func terraformPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform binary: set TF_ACC_TERRAFORM_PATH or put terraform on PATH")
	}
	return p
}

func terraformAtLeast(t *testing.T, tf, min string) bool {
	t.Helper()
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("terraform version -json: %v", err)
	}
	have, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatal(err)
	}
	return have.GreaterThanOrEqual(version.Must(version.NewVersion(min)))
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}
