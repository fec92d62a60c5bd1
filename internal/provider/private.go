package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// privateKey names the resource's private state.
const privateKey = "live_callback"

// visibilityWindow is how long a write may take to show in DescribeCallback
// before a read that does not show it is believed. The Live console says a
// configuration takes 3 to 5 minutes to take effect.
const visibilityWindow = 10 * time.Minute

// privateData is what the resource keeps in private state, out of plan
// output: the settings it does not model, as last read, and the last write
// that a read has not shown yet.
type privateData struct {
	Extra   map[string]json.RawMessage `json:"extra,omitempty"`
	Written *writtenMark               `json:"written,omitempty"`
}

// writtenMark identifies a write without holding its key.
type writtenMark struct {
	At       time.Time `json:"at"`
	Settings string    `json:"settings"`
	KeyHash  string    `json:"key_hash,omitempty"`
}

func newWrittenMark(cb liveapi.Callback) *writtenMark {
	return &writtenMark{At: time.Now().UTC(), Settings: settingsOf(cb), KeyHash: hashKey(cb.AuthKeyPrimary)}
}

// pending reports a write that a read may still not show.
func (w *writtenMark) pending() bool {
	return w != nil && time.Since(w.At) < visibilityWindow
}

// shownBy reports whether a described item shows the write: the same
// settings, and the same key unless the API masks it.
func (w *writtenMark) shownBy(it liveapi.Callback) bool {
	return settingsOf(it) == w.Settings && (keyMasked(it.AuthKeyPrimary) || hashKey(it.AuthKeyPrimary) == w.KeyHash)
}

// settingsOf renders the modelled settings but the key, with callback types
// in one case, for comparing a write with a read.
func settingsOf(cb liveapi.Callback) string {
	parts := []string{cb.MessageType}
	for _, d := range cb.CallbackDetailList {
		parts = append(parts, d.URL, strings.ToUpper(d.CallbackType))
	}
	flags, _ := json.Marshal([]bool{cb.AuthEnable, cb.TranscodeCallback})
	parts = append(parts, string(flags))
	b, _ := json.Marshal(slices.Clip(parts))
	return string(b)
}

func hashKey(k string) string {
	if k == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])
}

// privateState is the part of the framework's private state API used here.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func loadPrivate(ctx context.Context, p privateState) (privateData, diag.Diagnostics) {
	var d privateData
	if p == nil {
		return d, nil
	}
	raw, diags := p.GetKey(ctx, privateKey)
	if diags.HasError() || len(raw) == 0 {
		return d, diags
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		// Going on without it could reset the settings it carries over.
		diags.AddError("Error reading the resource's private state",
			"The private state of this volcengine_live_callback is not what this provider writes ("+err.Error()+"). "+
				"Please report this issue to the provider developers.")
	}
	return d, diags
}

func savePrivate(ctx context.Context, p privateState, d privateData) diag.Diagnostics {
	raw, err := json.Marshal(d)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error saving private state", err.Error())
		return diags
	}
	if string(raw) == "{}" {
		raw = nil
	}
	return p.SetKey(ctx, privateKey, raw)
}
