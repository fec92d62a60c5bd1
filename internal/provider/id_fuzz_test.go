package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// Both accepted forms must appear in every parse error, so that a user who
// mistyped an import ID can see what to write instead.
var idForms = []string{"vhost:<vhost>:<app>:<message_type>", "domain:<domain>:<message_type>"}

func TestParseCallbackID(t *testing.T) {
	t.Parallel()
	vhostKey := func(vhost, app, messageType string) callbackKey {
		return callbackKey{Scope: liveapi.Scope{Vhost: vhost}, App: app, MessageType: messageType}
	}
	cases := []struct {
		id      string
		want    callbackKey
		wantErr string // empty: the ID parses to want
	}{
		{id: "vhost:push.live.example.com:app:push", want: vhostKey("push.live.example.com", "app", "push")},
		{id: "vhost:v.example.com::push_end", want: vhostKey("v.example.com", "", "push_end")},
		{id: "vhost:v:A-z_0.9:snapshot", want: vhostKey("v", "A-z_0.9", "snapshot")},
		{id: "vhost:v:" + strings.Repeat("a", 30) + ":audit_snapshot", want: vhostKey("v", strings.Repeat("a", 30), "audit_snapshot")},
		{id: "domain:push.example.com:record", want: callbackKey{Scope: liveapi.Scope{Domain: "push.example.com"}, MessageType: "record"}},

		{id: "", wantErr: "is not a Live callback ID"},
		{id: "x", wantErr: "is not a Live callback ID"},
		{id: "vhost:v:push", wantErr: "is not a Live callback ID"},
		{id: "vhost:v:a:push:extra", wantErr: "is not a Live callback ID"},
		{id: "domain:d:e:f", wantErr: "is not a Live callback ID"},
		{id: "domain:d:app:push", wantErr: "is not a Live callback ID"},
		{id: "VHOST:v:a:push", wantErr: "is not a Live callback ID"},
		{id: "host:v:a:push", wantErr: "is not a Live callback ID"},
		{id: "vhost::a:push", wantErr: "has an invalid vhost \"\""},
		{id: "vhost:::push", wantErr: "has an invalid vhost \"\""},
		{id: "domain::push", wantErr: "has an invalid domain \"\""},
		{id: "vhost:bad host!:a:push", wantErr: `has an invalid vhost "bad host!"`},
		{id: "domain:push.example.com/x:record", wantErr: `has an invalid domain`},
		{id: "vhost:v:bad app:push", wantErr: `has an invalid app "bad app"`},
		{id: "vhost:v:" + strings.Repeat("a", 31) + ":push", wantErr: "has an invalid app"},
		{id: "vhost:v:应用:push", wantErr: "has an invalid app"},
		{id: "vhost:v:a:", wantErr: `has an unknown message type ""`},
		{id: "vhost:v:a:PUSH", wantErr: `has an unknown message type "PUSH"`},
		{id: "domain:d:pushend", wantErr: `has an unknown message type "pushend"`},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			got, err := parseCallbackID(tc.id)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("parseCallbackID(%q): %v", tc.id, err)
				}
				if got != tc.want {
					t.Fatalf("parseCallbackID(%q) = %#v, want %#v", tc.id, got, tc.want)
				}
				if got.String() != tc.id {
					t.Fatalf("%#v renders as %q, want %q", got, got.String(), tc.id)
				}
				return
			}
			if err == nil {
				t.Fatalf("parseCallbackID(%q) = %#v, want an error containing %q", tc.id, got, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseCallbackID(%q) error %q lacks %q", tc.id, err, tc.wantErr)
			}
			for _, form := range idForms {
				if !strings.Contains(err.Error(), form) {
					t.Errorf("parseCallbackID(%q) error does not show the form %s: %v", tc.id, form, err)
				}
			}
		})
	}
}

func FuzzParseCallbackID(f *testing.F) {
	for _, seed := range []string{
		"vhost:push.live.example.com:app:push",
		"vhost:v.example.com::push_end",
		"domain:push.example.com:record",
		"vhost:v:a.b-c_1:audit_snapshot",
		"domain:d:snapshot",
		"x",
		"",
		":",
		":::",
		"vhost::a:push",
		"vhost:v:push",
		"domain:d:e:f",
		"domain::push",
		"vhost:v:bad app:push",
		"vhost:v:a:PUSH",
		"vhost:v:a:push:",
		"vhost:v\x00:a:push",
		"vhost:直播.example.com:app:push",
		"vhost:v:\xff:push",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		key, err := parseCallbackID(id)
		if err != nil {
			for _, form := range idForms {
				if !strings.Contains(err.Error(), form) {
					t.Fatalf("parseCallbackID(%q) error does not show the form %s: %v", id, form, err)
				}
			}
			return
		}
		if !slices.Contains(liveapi.MessageTypes, key.MessageType) {
			t.Fatalf("parseCallbackID(%q) accepted the message type %q", id, key.MessageType)
		}
		if (key.Vhost == "") == (key.Domain == "") {
			t.Fatalf("parseCallbackID(%q) = %#v: want exactly one of vhost and domain", id, key)
		}
		if key.Domain != "" && key.App != "" {
			t.Fatalf("parseCallbackID(%q) = %#v: a domain ID with an app", id, key)
		}
		rendered := key.String()
		if rendered != id {
			t.Fatalf("parseCallbackID(%q) = %#v, which renders as %q", id, key, rendered)
		}
		again, err := parseCallbackID(rendered)
		if err != nil {
			t.Fatalf("%#v renders as %q, which does not parse: %v", key, rendered, err)
		}
		if again != key {
			t.Fatalf("%q parses to %#v, its rendering %q to %#v", id, key, rendered, again)
		}
	})
}
