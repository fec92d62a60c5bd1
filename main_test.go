package main

import (
	"maps"
	"testing"
)

func TestQuietUnlessShown(t *testing.T) {
	allOff := map[string]string{"TF_LOG_PROVIDER_VOLCENGINE": "OFF", "TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"}
	for _, tc := range []struct {
		name     string
		env, set map[string]string
	}{
		{name: "nothing set: Terraform drops the log", env: map[string]string{}, set: allOff},
		{name: "only core logging", env: map[string]string{"TF_LOG_CORE": "TRACE"}, set: allOff},
		{name: "TF_LOG", env: map[string]string{"TF_LOG": "DEBUG"}, set: map[string]string{}},
		{name: "TF_LOG_PROVIDER", env: map[string]string{"TF_LOG_PROVIDER": "TRACE"}, set: map[string]string{}},
		{
			name: "a part's own level is kept",
			env:  map[string]string{"TF_LOG_SDK_PROTO": "TRACE"},
			set:  map[string]string{"TF_LOG_PROVIDER_VOLCENGINE": "OFF", "TF_LOG_SDK": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{}
			quietUnlessShown(func(k string) string { return tc.env[k] }, func(k, v string) error {
				set[k] = v
				return nil
			})
			if !maps.Equal(set, tc.set) {
				t.Errorf("set %v, want %v", set, tc.set)
			}
		})
	}
}
