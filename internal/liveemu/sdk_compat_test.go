package liveemu_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/volcengine/volc-sdk-golang/base"

	"github.com/liveops/terraform-provider-volcengine/internal/liveemu"
)

// The emulator verifies signatures with its own code; these tests prove that
// what the SDK signs verifies, so that a client built on the SDK talks to the
// emulator as it would to the real API.

func TestSDKClientRequestsVerify(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	inst := demoClient(t, ts)
	mustOK(t, inst, "UpdateCallback", pushBody())
	mustOK(t, inst, "DescribeCallback", body{"Vhost": liveemu.DemoVhost})
	mustOK(t, inst, "DeleteCallback", body{"Vhost": liveemu.DemoVhost, "MessageType": "push"})
	for _, r := range emu.Requests() {
		if r.HTTPStatus != http.StatusOK {
			t.Errorf("%s answered %d %s", r.Action, r.HTTPStatus, r.Code)
		}
	}
}

func TestSDKSignerCanonicalisationVerifies(t *testing.T) {
	emu, ts := start(t, liveemu.Config{})
	emu.AddAccount(liveemu.Account{ID: "2100000009", AccessKey: "AKTPSTS", SecretKey: "sts-secret", SessionToken: "tok/en+=="})
	emu.AddVhost("2100000009", "sts.live.example.com")

	cases := []struct {
		name  string
		creds base.Credentials
		path  string
		query string
		host  string
		body  string
	}{
		{name: "plain", creds: demoCreds("cn-north-1")},
		{name: "escaped path", creds: demoCreds("cn-north-1"), path: "/a path/ü~x_y-z.%25/"},
		{name: "query to sort and escape", creds: demoCreds("cn-north-1"),
			query: "&z=a+b&a=2&a=1&q=x%2By%2Fz&e=&star=*"},
		{name: "default port dropped from host", creds: demoCreds("cn-north-1"), host: "live.volcengineapi.com:443"},
		{name: "non-default port kept in host", creds: demoCreds("cn-north-1"), host: "localhost:8443"},
		{name: "session token", creds: base.Credentials{AccessKeyID: "AKTPSTS", SecretAccessKey: "sts-secret",
			SessionToken: "tok/en+==", Region: "cn-north-1", Service: "live"}, body: `{"Vhost":"sts.live.example.com"}`},
		{name: "empty body", creds: demoCreds("cn-north-1"), body: "-"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			payload := tc.body
			switch payload {
			case "":
				payload = `{"Vhost":"` + liveemu.DemoVhost + `"}`
			case "-":
				payload = ""
			}
			path := tc.path
			if path == "" {
				path = "/"
			}
			req, err := http.NewRequest(http.MethodPost, ts.URL+path+"?Action=DescribeCallback&Version=2023-01-01"+tc.query, strings.NewReader(payload))
			if err != nil {
				t.Fatal(err)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Custom-Trace", "  padded value  ")
			req = tc.creds.Sign(req)

			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			answer, _ := io.ReadAll(resp.Body)
			// An empty body passes the signature and then fails body binding.
			if strings.Contains(string(answer), "SignatureDoesNotMatch") || strings.Contains(string(answer), "MissingRequestInfo") ||
				strings.Contains(string(answer), "InvalidAccessKey") {
				t.Fatalf("the SDK's signature did not verify: %s", answer)
			}
			if payload != "" && resp.StatusCode != http.StatusOK {
				t.Fatalf("HTTP %d: %s", resp.StatusCode, answer)
			}
		})
	}
}

func demoCreds(region string) base.Credentials {
	return base.Credentials{AccessKeyID: liveemu.DemoAccessKey, SecretAccessKey: liveemu.DemoSecretKey, Region: region, Service: "live"}
}
