// Command testsummary turns the JSON of `go test -json` into what a reader
// of a CI log needs: the output of each failure, each skipped test or check
// with its reason, and, alone on the last line,
//
//	N passed, M failed, K skipped
//
// Usage:
//
//	go run ./internal/cmd/testsummary [-status N] [-check NAME=OUTCOME[:REASON]]... [LABEL=]FILE...
//	go test -json ./... | go run ./internal/cmd/testsummary -echo
//
// Each FILE holds one `go test -json` run; a LABEL (e.g. the Terraform that
// run used) is shown next to its failures and skips. -status is the exit
// status of the go test commands: non-zero with no failure in the files
// counts as one failure, so that an error outside any test is never
// summarised as a pass. Each -check is one more outcome (pass, fail or skip)
// of a check run beside the tests, such as the docs check. With -echo it
// copies the output of a stream as `go test -v` prints it, and nothing else.
//
// What counts: a test or subtest that ran no subtests of its own counts once;
// a test with subtests counts only when it failed while none of its subtests
// did (a failure of its own, such as one in a cleanup); a package that failed
// outside its tests (a build error, a panic between tests, a timeout) counts
// as one failure, as does each failed check. A failing subtest therefore does
// not also count its parents.
//
// The command exits with status 1 when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
)

func main() {
	status := flag.Int("status", 0, "exit status of the go test commands")
	echo := flag.Bool("echo", false, "copy the output of the stream on stdin as go test -v prints it")
	var checks checkFlags
	flag.Var(&checks, "check", "NAME=OUTCOME[:REASON], OUTCOME one of pass, fail, skip (repeatable)")
	flag.Parse()

	if *echo {
		if err := echoOutput(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(2)
		}
		return
	}

	s := newSummary(modulePath())
	for _, arg := range flag.Args() {
		label, file := "", arg
		if l, f, ok := strings.Cut(arg, "="); ok {
			label, file = l, f
		}
		if err := s.readFile(label, file); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(2)
		}
	}
	for _, c := range checks {
		s.addCheck(c)
	}
	failed := s.write(os.Stdout, *status)
	if failed {
		os.Exit(1)
	}
}

// modulePath is the module the command is built in, trimmed from package
// names to keep lines short.
func modulePath() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Path
	}
	return ""
}

type check struct {
	name, outcome, reason string
}

type checkFlags []check

func (c *checkFlags) String() string { return "" }

func (c *checkFlags) Set(v string) error {
	name, rest, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return errors.New("want NAME=OUTCOME[:REASON]")
	}
	outcome, reason, _ := strings.Cut(rest, ":")
	switch outcome {
	case "pass", "fail", "skip":
	default:
		return fmt.Errorf("outcome %q of %s: want pass, fail or skip", outcome, name)
	}
	*c = append(*c, check{name: name, outcome: outcome, reason: strings.TrimSpace(reason)})
	return nil
}

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	ImportPath  string // of build-output and build-fail
	FailedBuild string // of a package's fail: the import path whose build failed
}

func echoOutput(r io.Reader, w io.Writer) error {
	sc := newScanner(r)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Fprintln(w, sc.Text())
			continue
		}
		if e.Action == "output" || e.Action == "build-output" {
			fmt.Fprint(w, e.Output)
		}
	}
	return sc.Err()
}

func newScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	// A test may print long lines, such as a Terraform plan on one line.
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	return sc
}

// result is the outcome of one test of one labelled run.
type result struct {
	label, pkg, test string
	action           string // pass, fail or skip; empty while it runs
	elapsed          float64
	output           []string
}

type pkgState struct {
	label, name   string
	ended, failed bool
	output        []string
	buildOutput   []string
}

type summary struct {
	module   string
	results  map[string]*result // by label, package and test
	order    []*result          // in the order they ended
	started  []*result          // in the order they started
	packages []*pkgState
	builds   map[string][]string // build output by import path
	checks   []check
	stray    []string // lines that are not go test -json events
}

func newSummary(module string) *summary {
	return &summary{module: module, results: map[string]*result{}, builds: map[string][]string{}}
}

func (s *summary) readFile(label, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.read(label, f)
}

func (s *summary) read(label string, r io.Reader) error {
	pkgs := map[string]*pkgState{}
	pkg := func(name string) *pkgState {
		p, ok := pkgs[name]
		if !ok {
			p = &pkgState{label: label, name: name}
			pkgs[name] = p
			s.packages = append(s.packages, p)
		}
		return p
	}
	sc := newScanner(r)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Action == "" {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				s.stray = append(s.stray, line)
			}
			continue
		}
		switch e.Action {
		case "build-output":
			s.builds[e.ImportPath] = append(s.builds[e.ImportPath], e.Output)
			continue
		case "build-fail":
			continue
		}
		if e.Test == "" {
			p := pkg(e.Package)
			switch e.Action {
			case "output":
				p.output = append(p.output, e.Output)
			case "pass", "skip":
				p.ended = true
			case "fail":
				p.ended, p.failed = true, true
				if e.FailedBuild != "" {
					p.buildOutput = s.builds[e.FailedBuild]
				}
			}
			continue
		}
		key := label + "\x00" + e.Package + "\x00" + e.Test
		res, ok := s.results[key]
		if !ok {
			res = &result{label: label, pkg: e.Package, test: e.Test}
			s.results[key] = res
			s.started = append(s.started, res)
		}
		switch e.Action {
		case "output":
			res.output = append(res.output, e.Output)
		case "pass", "fail", "skip":
			res.action, res.elapsed = e.Action, e.Elapsed
			s.order = append(s.order, res)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for _, p := range pkgs {
		s.endUnfinished(p)
	}
	return nil
}

// endUnfinished fails the tests of a failed package that never ended: a
// panic elsewhere or the timeout stopped them. A package whose result is
// missing, as when go test was stopped, failed.
func (s *summary) endUnfinished(p *pkgState) {
	if !p.ended {
		p.failed = true
		p.output = append(p.output, "(the go test output ends before this package's result)\n")
	}
	if !p.failed {
		return
	}
	for _, r := range s.started {
		if r.label == p.label && r.pkg == p.name && r.action == "" {
			r.action = "fail"
			r.output = append(r.output, "(did not finish: its package failed while it ran)\n")
			s.order = append(s.order, r)
		}
	}
}

func (s *summary) addCheck(c check) { s.checks = append(s.checks, c) }

// counted reports whether r counts on its own (see the package comment).
func (s *summary) counted(r *result) bool {
	var hasSub, subFailed bool
	for _, o := range s.order {
		if o.label == r.label && o.pkg == r.pkg && strings.HasPrefix(o.test, r.test+"/") {
			hasSub = true
			subFailed = subFailed || o.action == "fail"
		}
	}
	return !hasSub || r.action == "fail" && !subFailed
}

// write prints failures, skips and the closing line, and reports whether
// anything failed.
func (s *summary) write(w io.Writer, goTestStatus int) bool {
	var passed, failed, skipped int
	var skips []string

	if len(s.stray) > 0 {
		fmt.Fprintln(w, "Lines in the go test output that are not test events:")
		for _, l := range s.stray {
			fmt.Fprintln(w, "    "+l)
		}
		fmt.Fprintln(w)
	}
	for _, r := range s.order {
		if !s.counted(r) {
			continue
		}
		switch r.action {
		case "pass":
			passed++
		case "skip":
			skipped++
			skips = append(skips, fmt.Sprintf("%s: %s", s.name(r.label, r.pkg, r.test), skipReason(r)))
		case "fail":
			failed++
			fmt.Fprintf(w, "--- FAIL: %s (%.2fs)\n", s.name(r.label, r.pkg, r.test), r.elapsed)
			for _, l := range ownOutput(r) {
				fmt.Fprint(w, l)
			}
			fmt.Fprintln(w)
		}
	}
	for _, p := range s.packages {
		if !p.failed || s.anyFailedIn(p) {
			continue
		}
		failed++
		fmt.Fprintf(w, "--- FAIL: %s, outside its tests\n", s.name(p.label, p.name, ""))
		for _, l := range append(p.buildOutput, p.output...) {
			fmt.Fprint(w, l)
		}
		fmt.Fprintln(w)
	}
	for _, c := range s.checks {
		switch c.outcome {
		case "pass":
			passed++
		case "skip":
			skipped++
			skips = append(skips, fmt.Sprintf("%s: %s", c.name, c.reason))
		case "fail":
			failed++
			fmt.Fprintf(w, "--- FAIL: %s: %s\n\n", c.name, c.reason)
		}
	}
	if goTestStatus != 0 && failed == 0 {
		failed++
		fmt.Fprintf(w, "--- FAIL: go test exited with status %d but reported no failure: see its messages above\n\n", goTestStatus)
	}
	if len(skips) > 0 {
		fmt.Fprintln(w, "Skipped:")
		for _, l := range skips {
			fmt.Fprintln(w, "    "+l)
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	return failed > 0
}

func (s *summary) anyFailedIn(p *pkgState) bool {
	for _, r := range s.order {
		if r.label == p.label && r.pkg == p.name && r.action == "fail" {
			return true
		}
	}
	return false
}

// name is a test's package relative to the module, the test, and the run's
// label.
func (s *summary) name(label, pkg, test string) string {
	n := strings.TrimPrefix(strings.TrimPrefix(pkg, s.module), "/")
	if n == "" {
		n = pkg
	}
	if test != "" {
		n += " " + test
	}
	if label != "" {
		n += " [" + label + "]"
	}
	return n
}

// ownOutput is what the test printed, without the lines go test frames it
// with.
func ownOutput(r *result) []string {
	var out []string
	for _, l := range r.output {
		t := strings.TrimSpace(l)
		if framing.MatchString(t) && strings.Contains(t, r.test) {
			continue
		}
		out = append(out, l)
	}
	return out
}

var (
	framing  = regexp.MustCompile(`^(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|FAIL|SKIP):) `)
	location = regexp.MustCompile(`^[\w.-]+\.go:\d+:( |$)`)
)

// skipReason is the message of t.Skip, on one line.
func skipReason(r *result) string {
	var parts []string
	for _, l := range ownOutput(r) {
		if t := location.ReplaceAllString(strings.TrimSpace(l), ""); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return strings.Join(parts, " ")
}
