package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// What a create leaves in the state is what the next read returns, under
// every reading: a refresh-only plan right after an apply is empty.
func TestProtocolReadAfterCreateChangesNothing(t *testing.T) {
	t.Parallel()
	for _, name := range liveemu.ReadingNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, _ := readingEmulator(t, name)
			p := newProtoProvider(t, emu)
			urls := details("https://hooks.example.com/a", "", "https://hooks.example.com/b", "http")
			configs := map[string]map[string]tftypes.Value{
				"vhost-wide": {"vhost": str(vhost), "message_type": str("push"), "callback_detail_list": urls},
				"app": {"vhost": str(vhost), "app": str("app1"), "message_type": str("push"), "callback_detail_list": urls,
					"auth_enable": boolean(true), "auth_key_primary": str("tfkey0123456789")},
				"domain":    {"domain": str(liveemu.DemoDomain), "message_type": str("record"), "callback_detail_list": urls},
				"transcode": {"vhost": str(vhost), "app": str("app2"), "message_type": str("snapshot"), "callback_detail_list": urls, "transcode_callback": boolean(true)},
			}
			for what, config := range configs {
				created := p.create(config)
				after := p.attrs(p.resourceType, created.NewState)
				if after["create_time"].IsNull() {
					t.Fatalf("%s: create left create_time null", what)
				}
				read := p.read(created.NewState, created.Private, created.NewIdentity)
				failOnDiagnostics(t, "ReadResource", read.Diagnostics)
				refreshed := p.attrs(p.resourceType, read.NewState)
				for attr, v := range after {
					if !v.Equal(refreshed[attr]) {
						t.Errorf("%s: the read after create changed %s from %s to %s", what, attr, v, refreshed[attr])
					}
				}
			}
		})
	}
}

// A configuration deleted and made again outside Terraform shows the API's
// new creation time on the next read.
func TestProtocolReadShowsRecreatedConfiguration(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t)
	p := newProtoProvider(t, emu)
	created := p.create(map[string]tftypes.Value{
		"vhost": str(vhost), "app": str("app1"), "message_type": str("push"),
		"callback_detail_list": details("https://hooks.example.com/a", ""),
	})
	again := time.Now().UTC().Add(2 * createTimeSkew).Format(time.RFC3339)
	c, _ := emu.Get(vhost, "app1", "push")
	c.CreateTime = again
	emu.Remove(vhost, "app1", "push")
	seed(t, emu, c)
	read := p.read(created.NewState, created.Private, created.NewIdentity)
	failOnDiagnostics(t, "ReadResource", read.Diagnostics)
	if got := p.attrs(p.resourceType, read.NewState)["create_time"]; !got.Equal(str(again)) {
		t.Fatalf("create_time after the configuration was made again: %s, want %s", got, again)
	}
}

func TestSameCreation(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		state, server string
		want          bool
	}{
		{base.Format(time.RFC3339), base.Format(time.RFC3339), true},
		{base.Format(time.RFC3339), base.Add(time.Second).Format(time.RFC3339), true},
		{base.Format(time.RFC3339), base.Add(-createTimeSkew).Format(time.RFC3339), true},
		{base.Format(time.RFC3339), base.Add(createTimeSkew + time.Second).Format(time.RFC3339), false},
		{base.Format(time.RFC3339), base.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339), true},
		{"", base.Format(time.RFC3339), false},
		{base.Format(time.RFC3339), "", false},
	}
	for _, tc := range cases {
		if got := sameCreation(tc.state, tc.server); got != tc.want {
			t.Errorf("sameCreation(%q, %q) = %t, want %t", tc.state, tc.server, got, tc.want)
		}
	}
}
