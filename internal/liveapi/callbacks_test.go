package liveapi

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

func TestUpdateCallbackBody(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { writeOK(w, action) })
	c := newTestClient(t, testConfig(srv.URL))

	tests := []struct {
		name string
		cb   Callback
		want map[string]any
	}{
		{
			name: "vhost without app",
			cb: Callback{
				Scope:       Scope{Vhost: "push.live.example.com"},
				MessageType: MessageTypePushEnd,
				CallbackDetailList: []CallbackDetail{
					{URL: "https://a.example.com/x", CallbackType: "HTTP"},
					{URL: "http://b.example.com/y", CallbackType: "HTTP"},
				},
				TranscodeCallback: true,
				CreateTime:        "2024-01-01T00:00:00Z",
			},
			want: map[string]any{
				"Vhost":       "push.live.example.com",
				"MessageType": "push_end",
				"CallbackDetailList": []any{
					map[string]any{"URL": "https://a.example.com/x", "CallbackType": "HTTP"},
					map[string]any{"URL": "http://b.example.com/y", "CallbackType": "HTTP"},
				},
				"AuthEnable":        false,
				"TranscodeCallback": float64(1),
			},
		},
		{
			name: "domain with auth",
			cb: Callback{
				Scope:              Scope{Domain: "push.example.com"},
				MessageType:        MessageTypeRecord,
				CallbackDetailList: []CallbackDetail{{URL: "https://a.example.com/x", CallbackType: "HTTP"}},
				AuthEnable:         true,
				AuthKeyPrimary:     "k3y",
			},
			want: map[string]any{
				"Domain":             "push.example.com",
				"MessageType":        "record",
				"CallbackDetailList": []any{map[string]any{"URL": "https://a.example.com/x", "CallbackType": "HTTP"}},
				"AuthEnable":         true,
				"AuthKeyPrimary":     "k3y",
				"TranscodeCallback":  float64(0),
			},
		},
	}
	for _, tt := range tests {
		requestID, err := c.UpdateCallback(context.Background(), tt.cb)
		if err != nil || requestID != "req-UpdateCallback" {
			t.Fatalf("%s: UpdateCallback = %q, %v", tt.name, requestID, err)
		}
		if got := f.last().body; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: body\n got %#v\nwant %#v", tt.name, got, tt.want)
		}
	}
}

func TestDescribeAndDeleteBodies(t *testing.T) {
	t.Parallel()
	f, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) { writeOK(w, action) })
	c := newTestClient(t, testConfig(srv.URL))
	ctx := context.Background()

	if _, _, err := c.DescribeCallback(ctx, DescribeCallbackInput{Scope: Scope{Domain: "d.example.com"}, MessageType: "push"}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.last().body, map[string]any{"Domain": "d.example.com", "MessageType": "push"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DescribeCallback body %v, want %v", got, want)
	}
	if _, err := c.DeleteCallback(ctx, DeleteCallbackInput{Scope: Scope{Vhost: "v"}, App: "a", MessageType: "snapshot"}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.last().body, map[string]any{"Vhost": "v", "App": "a", "MessageType": "snapshot"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DeleteCallback body %v, want %v", got, want)
	}
	if _, err := c.DeleteCallback(ctx, DeleteCallbackInput{Scope: Scope{Vhost: "v"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.last().body, map[string]any{"Vhost": "v"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DeleteCallback body %v, want %v", got, want)
	}
}

func TestDescribeCallbackDecoding(t *testing.T) {
	t.Parallel()
	const result = `{"CallbackList":[
		{"Vhost":"v.example.com","App":"live","MessageType":"push",
		 "CallbackDetailList":[{"URL":"https://a.example.com","CallbackType":"HTTP"},{"URL":"http://b.example.com","CallbackType":"http"}],
		 "AuthEnable":true,"AuthKeyPrimary":"secret","TranscodeCallback":1,
		 "CreateTime":"2024-05-01 08:00:00","CreateTimeUTC":"2024-05-01T00:00:00Z"},
		{"Vhost":"v.example.com","App":"","MessageType":"record","CallbackDetailList":[{"URL":"https://c.example.com","CallbackType":"HTTP"}],
		 "AuthEnable":false,"AuthKeyPrimary":"","TranscodeCallback":0,"CreateTime":"2024-05-02T00:00:00Z"}]}`
	_, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) {
		fmt.Fprintf(w, `{"ResponseMetadata":{"RequestId":"rid","Action":%q},"Result":%s}`, action, result)
	})
	c := newTestClient(t, testConfig(srv.URL))

	list, requestID, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Domain: "push.example.com"}})
	if err != nil || requestID != "rid" {
		t.Fatalf("DescribeCallback = %q, %v", requestID, err)
	}
	want := []Callback{
		{
			Scope: Scope{Vhost: "v.example.com"}, App: "live", MessageType: "push",
			CallbackDetailList: []CallbackDetail{{URL: "https://a.example.com", CallbackType: "HTTP"}, {URL: "http://b.example.com", CallbackType: "http"}},
			AuthEnable:         true, AuthKeyPrimary: "secret", TranscodeCallback: true, CreateTime: "2024-05-01T00:00:00Z",
		},
		{
			Scope: Scope{Vhost: "v.example.com"}, MessageType: "record",
			CallbackDetailList: []CallbackDetail{{URL: "https://c.example.com", CallbackType: "HTTP"}},
			CreateTime:         "2024-05-02T00:00:00Z",
		},
	}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("DescribeCallback list\n got %#v\nwant %#v", list, want)
	}
}

func TestDescribeCallbackEmptyAndMalformedResults(t *testing.T) {
	t.Parallel()
	for name, result := range map[string]string{
		"empty object": `,"Result":{}`,
		"empty list":   `,"Result":{"CallbackList":[]}`,
		"null":         `,"Result":null`,
		"absent":       ``,
		"malformed":    `,"Result":{"CallbackList":[{"TranscodeCallback":"yes"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, srv := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, action string, _ int) {
				fmt.Fprintf(w, `{"ResponseMetadata":{"RequestId":"rid","Action":%q}%s}`, action, result)
			})
			c := newTestClient(t, testConfig(srv.URL))
			list, _, err := c.DescribeCallback(context.Background(), DescribeCallbackInput{Scope: Scope{Vhost: "v"}})
			if name == "malformed" {
				if err == nil {
					t.Fatalf("DescribeCallback = %v, want an error for a malformed Result", list)
				}
				return
			}
			if err != nil || list == nil || len(list) != 0 {
				t.Errorf("DescribeCallback = %#v, %v; want an empty list", list, err)
			}
		})
	}
}
