package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdMention finds what a document names as another Markdown document: a
// link target, or a path or file name in the text.
var mdMention = regexp.MustCompile(`[A-Za-z0-9_./-]+\.md\b`)

// TestDocumentsPointOnlyToDocumentsInTheRepository: every Markdown document
// that the README, the generated docs or their templates name, by link or
// by name, is in the repository, where a reader can open it.
func TestDocumentsPointOnlyToDocumentsInTheRepository(t *testing.T) {
	byName := map[string]bool{}
	var readers []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "bin" || d.Name() == "dist") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			byName[filepath.Base(path)] = true
		}
		if path == "README.md" || strings.HasPrefix(path, "docs"+string(filepath.Separator)) && strings.HasSuffix(path, ".md") ||
			strings.HasPrefix(path, "templates"+string(filepath.Separator)) && strings.HasSuffix(path, ".tmpl") {
			readers = append(readers, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(readers) < 5 {
		t.Fatalf("found only %v to check", readers)
	}
	for _, path := range readers {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// A template is read where it is rendered: templates/x/y.md.tmpl
		// becomes docs/x/y.md.
		dir := filepath.Dir(path)
		if rel, ok := strings.CutPrefix(dir, "templates"); ok {
			dir = filepath.Join("docs", rel)
		}
		for _, loc := range mdMention.FindAllStringIndex(string(raw), -1) {
			name := string(raw[loc[0]:loc[1]])
			if strings.HasPrefix(name, "//") || loc[0] > 0 && raw[loc[0]-1] == ':' {
				continue // a web address
			}
			if exists(filepath.Join(dir, name)) || exists(name) || !strings.Contains(name, "/") && byName[name] {
				continue
			}
			t.Errorf("%s names %s, which is not in the repository", path, name)
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// The registry's front page names everything the provider offers and the
// Terraform each part needs.
func TestDocsIndexNamesEveryPart(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("docs", "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"list resource", "terraform query", "1.11", "1.12", "1.14", "guides/deleting-safely.md",
		"guides/adopting-existing-configurations.md", "guides/api-open-questions.md"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("docs/index.md does not mention %q", want)
		}
	}
}
