// Reports of completed write-backs, said again in the later walks of the
// Terraform command that completed them.
package journal

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A Terraform command configures the provider once for each of its walks,
// each in a process of its own, and shows the warnings of some walks only:
// those of the refresh that terraform destroy runs first are dropped. What
// a recovery said is therefore kept as a Report and said once more by the
// next walk of the same command (the same parent process). It assumes a
// command's walks run one after another under one terraform process; where
// that is wrong (a provider started by hand for debugging), a report is
// said at most reportShows times and forgotten after reportTTL.
const (
	reportShows = 2
	reportTTL   = 10 * time.Minute
)

// Report is what the completion of an entry said.
type Report struct {
	// Command is the process ID of the terraform command that completed
	// the entry: the provider's parent.
	Command int       `json:"command"`
	Created time.Time `json:"created"`
	Shown   int       `json:"shown"`
	Summary string    `json:"summary"`
	Detail  string    `json:"detail"`
}

const reportSuffix = ".report"

// AddReport keeps r, said once already, for the command's next walk.
func (j *Journal) AddReport(r Report) error {
	if err := makeDir(j.dir); err != nil {
		return err
	}
	id, err := newID(r.Created)
	if err != nil {
		return err
	}
	r.Shown = 1
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(j.dir, id+reportSuffix), raw)
}

// TakeReports returns the reports of command that are still to be said
// again, counting this time, and removes every report that is not: said
// often enough, too old, or of another command, which has ended or shown
// them.
func (j *Journal) TakeReports(command int, now time.Time) []Report {
	des, err := os.ReadDir(j.dir)
	if err != nil {
		return nil
	}
	var out []Report
	for _, de := range des {
		if !strings.HasSuffix(de.Name(), reportSuffix) {
			continue
		}
		path := filepath.Join(j.dir, de.Name())
		raw, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		var r Report
		if err != nil || json.Unmarshal(raw, &r) != nil || r.Command != command ||
			r.Shown >= reportShows || now.Sub(r.Created) > reportTTL {
			_ = os.Remove(path)
			continue
		}
		r.Shown++
		out = append(out, r)
		if r.Shown >= reportShows {
			_ = os.Remove(path)
		} else if raw, err := json.Marshal(r); err == nil {
			_ = writeAtomic(path, raw)
		}
	}
	return out
}
