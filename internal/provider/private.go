package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateKey names the resource's private state.
const privateKey = "live_callback"

// privateData is what the resource keeps in private state, out of plan
// output: the settings it does not model, as last read, which an update
// must send back since UpdateCallback replaces the whole configuration;
// and, in the plan of a delete without an app only, the IDs of the same
// message type whose destroy the same plan holds, so that the delete may
// take them along rather than wait for them or write them back.
type privateData struct {
	Extra          map[string]json.RawMessage `json:"extra,omitempty"`
	PlannedDeletes []string                   `json:"planned_deletes,omitempty"`
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
