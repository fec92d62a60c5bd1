package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The files in testdata are the go test -json output of a module
// example.com/sample with one package each: ok (passes and parallel
// subtests), mixed (a pass, a failure, a skip, a failing and a skipped
// subtest, a parent failing in its own cleanup, a skip without a reason),
// broken (a build error), panics (a test that panics) and slow (a test
// stopped by -timeout 1s).

func summarise(t *testing.T, status int, checks []check, files ...string) (string, bool) {
	t.Helper()
	s := newSummary("example.com/sample")
	for _, f := range files {
		label, name, _ := strings.Cut(f, "=")
		if name == "" {
			label, name = "", f
		}
		if err := s.readFile(label, filepath.Join("testdata", name+".json")); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range checks {
		s.addCheck(c)
	}
	var out bytes.Buffer
	failed := s.write(&out, status)
	return out.String(), failed
}

func lastLine(out string) string {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestCounts(t *testing.T) {
	for _, tc := range []struct {
		files  []string
		checks []check
		status int
		want   string
	}{
		{files: []string{"ok"}, want: "3 passed, 0 failed, 0 skipped"},
		// TestSubtests/broken counts, not its parent; TestOwnFailure's own
		// failure counts, as its subtest passed.
		{files: []string{"mixed"}, want: "3 passed, 3 failed, 3 skipped"},
		{files: []string{"broken"}, want: "0 passed, 1 failed, 0 skipped"},
		{files: []string{"panics"}, want: "1 passed, 1 failed, 0 skipped"},
		{files: []string{"slow"}, want: "1 passed, 1 failed, 0 skipped"},
		{files: []string{"ok", "mixed", "broken", "panics", "slow"}, want: "8 passed, 6 failed, 3 skipped"},
		{files: []string{"ok", "new=ok"}, want: "6 passed, 0 failed, 0 skipped"},
		{
			files:  []string{"ok"},
			checks: []check{{name: "docs-check", outcome: "skip", reason: "Terraform 1.5.7 is older than 1.14"}, {name: "lint", outcome: "pass"}},
			want:   "4 passed, 0 failed, 1 skipped",
		},
		{files: []string{"ok"}, checks: []check{{name: "docs-check", outcome: "fail", reason: "docs/ is stale"}}, want: "3 passed, 1 failed, 0 skipped"},
		{files: []string{"ok"}, status: 2, want: "3 passed, 1 failed, 0 skipped"},
		// A failure found in the output already accounts for the status.
		{files: []string{"mixed"}, status: 1, want: "3 passed, 3 failed, 3 skipped"},
	} {
		t.Run(strings.Join(tc.files, "+"), func(t *testing.T) {
			out, failed := summarise(t, tc.status, tc.checks, tc.files...)
			if got := lastLine(out); got != tc.want {
				t.Errorf("last line %q, want %q; whole output:\n%s", got, tc.want, out)
			}
			if want := !strings.Contains(tc.want, " 0 failed"); failed != want {
				t.Errorf("reported failure %t, want %t", failed, want)
			}
		})
	}
}

func TestFailuresShowTheirOutputAndPassesNothing(t *testing.T) {
	out, _ := summarise(t, 0, nil, "ok", "mixed", "broken", "panics", "slow")
	for _, want := range []string{
		"--- FAIL: mixed TestFail (0.00s)\n    mixed_test.go:8: the log of a failure\n    mixed_test.go:9: want 1, got 2\n",
		"--- FAIL: mixed TestSubtests/broken (0.00s)\n    mixed_test.go:16: a subtest's failure\n",
		"--- FAIL: mixed TestOwnFailure (0.00s)\n    mixed_test.go:22: a failure of the parent's own\n",
		"--- FAIL: broken, outside its tests\n# example.com/sample/broken [example.com/sample/broken.test]\nbroken/broken_test.go:5:32: undefined: undefined\n",
		"--- FAIL: panics TestPanics (0.00s)\npanic: boom",
		"--- FAIL: slow TestSlow (0.00s)\npanic: test timed out after 1s",
		"(did not finish: its package failed while it ran)",
		"Skipped:\n" +
			"    mixed TestSkip: Terraform CLI version 1.5.7 is below minimum version 1.11.0: skipping test\n" +
			"    mixed TestSubtests/skipped: needs Terraform 1.14\n" +
			"    mixed TestSkipWithoutReason: no reason given\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, quiet := range []string{"passing quietly", "=== RUN", "--- PASS", "TestSubtests (", "TestTable"} {
		if strings.Contains(out, quiet) {
			t.Errorf("output has %q, which belongs to a pass or go test's framing:\n%s", quiet, out)
		}
	}
}

func TestLabelsAndChecksAreNamed(t *testing.T) {
	out, _ := summarise(t, 0, []check{{name: "docs-check", outcome: "skip", reason: "Terraform 1.5.7 is older than 1.14"}}, "terraform 1.15=mixed")
	for _, want := range []string{
		"--- FAIL: mixed TestFail [terraform 1.15] (0.00s)",
		"    mixed TestSkip [terraform 1.15]: Terraform CLI version",
		"    docs-check: Terraform 1.5.7 is older than 1.14\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestMissingPackageResultFails(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "ok.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Cut the stream where go test was stopped: before the package's result.
	lines := strings.SplitAfter(string(raw), "\n")
	var cut []string
	for _, l := range lines {
		var e event
		if json.Unmarshal([]byte(l), &e) == nil && e.Test == "TestTable/b" && e.Action == "pass" {
			break
		}
		cut = append(cut, l)
	}
	s := newSummary("example.com/sample")
	if err := s.read("", strings.NewReader(strings.Join(cut, ""))); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if !s.write(&out, 0) {
		t.Fatalf("a stream without the package's result passed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "TestTable/b") {
		t.Errorf("the unfinished test is not named:\n%s", out.String())
	}
}

func TestCheckFlag(t *testing.T) {
	var c checkFlags
	for _, v := range []string{"docs-check=skip:Terraform 1.5.7: older than 1.14", "lint=pass"} {
		if err := c.Set(v); err != nil {
			t.Fatalf("Set(%q): %v", v, err)
		}
	}
	want := checkFlags{{"docs-check", "skip", "Terraform 1.5.7: older than 1.14"}, {"lint", "pass", ""}}
	if len(c) != len(want) || c[0] != want[0] || c[1] != want[1] {
		t.Errorf("got %+v, want %+v", c, want)
	}
	for _, bad := range []string{"docs-check", "=pass", "docs-check=skipped"} {
		if err := c.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

func TestEchoPrintsWhatGoTestVPrints(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "broken.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := echoOutput(bytes.NewReader(append(raw, "go: not an event\n"...)), &out); err != nil {
		t.Fatal(err)
	}
	want := "# example.com/sample/broken [example.com/sample/broken.test]\n" +
		"broken/broken_test.go:5:32: undefined: undefined\n" +
		"FAIL\texample.com/sample/broken [build failed]\n" +
		"go: not an event\n"
	if out.String() != want {
		t.Errorf("echo printed\n%q\nwant\n%q", out.String(), want)
	}
}
