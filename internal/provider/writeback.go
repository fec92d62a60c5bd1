// Writing back configurations that a delete without an app removed, and
// describing them well enough to recreate by hand.

package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// writeBackResult is what writeBack found and did.
type writeBackResult struct {
	// restored were missing and are written back.
	restored []liveapi.Callback
	// changed exist with other settings than recorded: someone made them
	// again, and they are left as they are.
	changed []liveapi.Callback
	// failed were missing and writing them back failed, for failures.
	failed   []liveapi.Callback
	failures []string
	// err is a failed read of the scope: nothing was written.
	err error
}

// complete reports whether every record exists now.
func (r writeBackResult) complete() bool { return r.err == nil && len(r.failed) == 0 }

// writeBack reads in's scope once and writes back, exactly as recorded,
// each of records that it does not show. A record shown, whatever its
// settings, is never written: it was not removed, or it was made again
// since. step, when not nil, is told of each record written back.
func writeBack(ctx context.Context, client *liveapi.Client, in liveapi.DescribeCallbackInput, records []liveapi.Callback, step func(string)) writeBackResult {
	var r writeBackResult
	if len(records) == 0 {
		return r
	}
	now, _, err := client.DescribeCallback(ctx, in)
	if err != nil {
		r.err = err
		return r
	}
	shown := map[recordKey]liveapi.Callback{}
	for _, it := range now {
		shown[recordOf(it)] = it
	}
	for _, it := range records {
		if got, ok := shown[recordOf(it)]; ok {
			if len(got.MaskedFields()) == 0 && !got.Equal(it) {
				r.changed = append(r.changed, got)
			}
			continue
		}
		if _, err := client.UpdateCallback(ctx, it); err != nil {
			r.failed = append(r.failed, it)
			r.failures = append(r.failures, fmt.Sprintf("%s: %s", describeRecord(it), errorDetail(err)))
			continue
		}
		r.restored = append(r.restored, it)
		if step != nil {
			step(stepWroteBack)
		}
	}
	return r
}

// describeForRecreate lists every setting of each configuration that a
// person needs to make it again in the console: receivers, switches and
// the settings the provider does not model, with their values. Keys are
// never shown; keysAt says where they are kept instead.
func describeForRecreate(cbs []liveapi.Callback, keysAt string) string {
	var b strings.Builder
	for _, c := range cbs {
		fmt.Fprintf(&b, "  - %s:\n", describeRecord(c))
		for _, d := range c.CallbackDetailList {
			fmt.Fprintf(&b, "      receiver %s (CallbackType %s)\n", d.URL, d.CallbackType)
		}
		fmt.Fprintf(&b, "      AuthEnable %t, TranscodeCallback %t\n", c.AuthEnable, c.TranscodeCallback)
		if c.AuthKeyPrimary != "" {
			fmt.Fprintf(&b, "      AuthKeyPrimary: set, not shown (%s)\n", keysAt)
		}
		for _, name := range slices.Sorted(maps.Keys(c.Extra)) {
			if liveapi.SecretField(name) {
				fmt.Fprintf(&b, "      %s: set, not shown (%s)\n", name, keysAt)
				continue
			}
			fmt.Fprintf(&b, "      %s: %s\n", name, string(c.Extra[name]))
		}
	}
	return b.String()
}
