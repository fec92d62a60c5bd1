package liveapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	live "github.com/volcengine/volc-sdk-golang/service/live/v20230101"
)

// Action names, as the API and the SDK spell them.
const (
	ActionUpdateCallback   = "UpdateCallback"
	ActionDescribeCallback = "DescribeCallback"
	ActionDeleteCallback   = "DeleteCallback"
)

// UpdateCallback creates or replaces the configuration cb identifies with
// all of cb, cb.Extra included; the API resets whatever is left out.
// cb.CreateTime is ignored. A configuration with a Domain is written by its
// domain alone, even when cb also names the vhost it was read from.
// Retrying is safe because the call is a full replacement.
func (c *Client) UpdateCallback(ctx context.Context, cb Callback) (requestID string, err error) {
	c.forgetScopes()
	defer c.forgetScopes()

	body, err := updateBody(cb)
	if err != nil {
		return "", fmt.Errorf("%s: encoding the request: %w", ActionUpdateCallback, err)
	}
	secrets := []string{cb.AuthKeyPrimary}
	for name, v := range cb.Extra {
		var s string
		if secretField(name) && json.Unmarshal(v, &s) == nil {
			secrets = append(secrets, s)
		}
	}
	env, err := c.send(ctx, ActionUpdateCallback, target{cb.Scope, cb.App, cb.MessageType}, body, secrets...)
	if err != nil {
		return "", err
	}
	return env.ResponseMetadata.RequestID, nil
}

// wireDetail is a CallbackDetailList item as the API spells it.
type wireDetail struct {
	URL          string
	CallbackType string
}

// updateBody is the UpdateCallback body: the modelled fields, then every
// Extra field as it was read. A modelled field always wins over an Extra
// field of the same name.
func updateBody(cb Callback) (map[string]any, error) {
	body := make(map[string]any, len(cb.Extra)+8)
	for name, v := range cb.Extra {
		body[name] = v
	}
	delete(body, "Vhost")
	delete(body, "Domain")
	delete(body, "App")
	if cb.Domain != "" {
		body["Domain"] = cb.Domain
	} else {
		body["Vhost"] = cb.Vhost
		if cb.App != "" {
			body["App"] = cb.App
		}
	}
	details := make([]wireDetail, 0, len(cb.CallbackDetailList))
	for _, d := range cb.CallbackDetailList {
		details = append(details, wireDetail(d))
	}
	body["MessageType"] = cb.MessageType
	body["CallbackDetailList"] = details
	body["AuthEnable"] = cb.AuthEnable
	delete(body, "AuthKeyPrimary")
	if cb.AuthKeyPrimary != "" {
		body["AuthKeyPrimary"] = cb.AuthKeyPrimary
	}
	body["TranscodeCallback"] = 0
	if cb.TranscodeCallback {
		body["TranscodeCallback"] = 1
	}
	if cb.NotUseVhost {
		body["NotUseVhost"] = true
	}
	return body, nil
}

// DescribeCallback lists the configurations of in.Scope that match the
// optional App and MessageType filters. Items carry their vhost, even when
// asked by domain, and their Domain only where the API answers one.
func (c *Client) DescribeCallback(ctx context.Context, in DescribeCallbackInput) ([]Callback, string, error) {
	body := live.DescribeCallbackBody{
		Vhost:       optional(in.Vhost),
		Domain:      optional(in.Domain),
		App:         optional(in.App),
		MessageType: optional(in.MessageType),
	}
	env, err := c.send(ctx, ActionDescribeCallback, target{in.Scope, in.App, in.MessageType}, body)
	if err != nil {
		return nil, "", err
	}
	requestID := env.ResponseMetadata.RequestID
	list, err := decodeCallbackList(env.Result)
	if err != nil {
		return nil, requestID, fmt.Errorf("%s: reading the answer's Result [RequestId %s]: %w", ActionDescribeCallback, requestID, err)
	}
	return list, requestID, nil
}

// DeleteCallback removes what in names. An empty MessageType or App widens
// the deletion to every message type or every app; see DeleteCallbackInput.
func (c *Client) DeleteCallback(ctx context.Context, in DeleteCallbackInput) (requestID string, err error) {
	c.forgetScopes()
	defer c.forgetScopes()

	body := live.DeleteCallbackBody{
		Vhost:       optional(in.Vhost),
		Domain:      optional(in.Domain),
		App:         optional(in.App),
		MessageType: optional(in.MessageType),
	}
	env, err := c.send(ctx, ActionDeleteCallback, target{in.Scope, in.App, in.MessageType}, body)
	if err != nil {
		return "", err
	}
	return env.ResponseMetadata.RequestID, nil
}

// modelledFields are the item fields Callback has a field for; CreateTime
// and CreateTimeUTC are the server's and never written back.
var modelledFields = []string{
	"Vhost", "Domain", "App", "MessageType", "CallbackDetailList", "AuthEnable", "AuthKeyPrimary",
	"TranscodeCallback", "NotUseVhost", "CreateTime", "CreateTimeUTC",
}

// wireItem is the modelled part of a DescribeCallback item.
type wireItem struct {
	Vhost              string
	Domain             string
	App                string
	MessageType        string
	CallbackDetailList []*wireDetail
	AuthEnable         bool
	AuthKeyPrimary     string
	TranscodeCallback  int32
	NotUseVhost        bool
	CreateTime         string
	CreateTimeUTC      string
}

func decodeCallbackList(raw json.RawMessage) ([]Callback, error) {
	var result struct{ CallbackList []json.RawMessage }
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &result); err != nil {
			return nil, err
		}
	}
	list := make([]Callback, 0, len(result.CallbackList))
	for i, rawItem := range result.CallbackList {
		if len(rawItem) == 0 || string(rawItem) == "null" {
			continue
		}
		cb, err := decodeItem(rawItem)
		if err != nil {
			return nil, fmt.Errorf("CallbackList[%d]: %w", i, err)
		}
		list = append(list, cb)
	}
	return list, nil
}

func decodeItem(raw json.RawMessage) (Callback, error) {
	var item wireItem
	if err := json.Unmarshal(raw, &item); err != nil {
		return Callback{}, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Callback{}, err
	}
	_, hasDomain := fields["Domain"]
	_, hasNotUseVhost := fields["NotUseVhost"]
	for _, name := range modelledFields {
		delete(fields, name)
	}
	for name, v := range fields {
		var compact bytes.Buffer
		if err := json.Compact(&compact, v); err != nil {
			return Callback{}, fmt.Errorf("%s: %w", name, err)
		}
		fields[name] = compact.Bytes()
	}
	if len(fields) == 0 {
		fields = nil
	}
	details := make([]CallbackDetail, 0, len(item.CallbackDetailList))
	for _, d := range item.CallbackDetailList {
		if d != nil {
			details = append(details, CallbackDetail(*d))
		}
	}
	created := item.CreateTimeUTC
	if created == "" {
		created = item.CreateTime
	}
	return Callback{
		Scope:              Scope{Vhost: item.Vhost, Domain: item.Domain},
		App:                item.App,
		MessageType:        item.MessageType,
		CallbackDetailList: details,
		AuthEnable:         item.AuthEnable,
		AuthKeyPrimary:     item.AuthKeyPrimary,
		TranscodeCallback:  item.TranscodeCallback == 1,
		CreateTime:         created,
		NotUseVhost:        item.NotUseVhost,
		DomainReported:     hasDomain || hasNotUseVhost,
		Extra:              fields,
	}, nil
}

// optional leaves empty strings out of request bodies: the API documents
// what an absent App or Domain means, not what "" means.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
