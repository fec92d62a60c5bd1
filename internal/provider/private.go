package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// privateKey names the resource's private state.
const privateKey = "live_callback"

// privateData is what the resource keeps in private state, out of plan
// output: the settings it does not model, as last read, which an update
// must send back since UpdateCallback replaces the whole configuration;
// and, in the plan of a delete without an app only, the IDs of the same
// message type whose destroy the same plan holds, so that the delete may
// take them along rather than wait for them or write them back; and, after
// a delete without an app that failed once its DeleteCallback was sent, the
// write-back it still owes, so that a run on any machine completes it.
// StoredKey is the key the last read found stored with signing off where
// the state holds none (as answered, so possibly masked), which an update
// must send back.
type privateData struct {
	Extra          map[string]json.RawMessage `json:"extra,omitempty"`
	StoredKey      string                     `json:"stored_key,omitempty"`
	PlannedDeletes []string                   `json:"planned_deletes,omitempty"`
	PendingRestore *pendingRestore            `json:"pending_restore,omitempty"`
}

// pendingRestore is a write-back that a delete still owes: the records of
// Vhost and MessageType that must exist, exactly as read before the delete,
// keys included (private state never reaches plan output or logs).
type pendingRestore struct {
	Vhost       string             `json:"vhost"`
	MessageType string             `json:"message_type"`
	Records     []liveapi.Callback `json:"records"`
	// Journal is the restore journal entry of the same write-back, on the
	// machine that ran the delete.
	Journal string `json:"journal,omitempty"`
}

func (p *pendingRestore) input() liveapi.DescribeCallbackInput {
	return liveapi.DescribeCallbackInput{Scope: liveapi.Scope{Vhost: p.Vhost}, MessageType: p.MessageType}
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
