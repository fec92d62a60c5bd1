package liveapi

import (
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
// all of cb; the API resets whatever is left out. cb.CreateTime is ignored.
// Retrying is safe because the call is a full replacement.
func (c *Client) UpdateCallback(ctx context.Context, cb Callback) (requestID string, err error) {
	c.forgetScopes()
	defer c.forgetScopes()

	details := make([]live.UpdateCallbackBodyCallbackDetailListItem, 0, len(cb.CallbackDetailList))
	for _, d := range cb.CallbackDetailList {
		details = append(details, live.UpdateCallbackBodyCallbackDetailListItem{URL: d.URL, CallbackType: d.CallbackType})
	}
	authEnable := cb.AuthEnable
	transcode := int32(0)
	if cb.TranscodeCallback {
		transcode = 1
	}
	body := live.UpdateCallbackBody{
		Vhost:              optional(cb.Vhost),
		Domain:             optional(cb.Domain),
		App:                optional(cb.App),
		MessageType:        cb.MessageType,
		CallbackDetailList: details,
		AuthEnable:         &authEnable,
		AuthKeyPrimary:     optional(cb.AuthKeyPrimary),
		TranscodeCallback:  &transcode,
	}
	env, err := c.send(ctx, ActionUpdateCallback, target{cb.Scope, cb.App, cb.MessageType}, body, cb.AuthKeyPrimary)
	if err != nil {
		return "", err
	}
	return env.ResponseMetadata.RequestID, nil
}

// DescribeCallback lists the configurations of in.Scope that match the
// optional App and MessageType filters. Items carry the vhost as their
// scope, even when asked by domain: the API answers no domain.
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

func decodeCallbackList(raw json.RawMessage) ([]Callback, error) {
	var result live.DescribeCallbackResResult
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &result); err != nil {
			return nil, err
		}
	}
	list := make([]Callback, 0, len(result.CallbackList))
	for _, item := range result.CallbackList {
		if item == nil {
			continue
		}
		details := make([]CallbackDetail, 0, len(item.CallbackDetailList))
		for _, d := range item.CallbackDetailList {
			if d != nil {
				details = append(details, CallbackDetail{URL: d.URL, CallbackType: d.CallbackType})
			}
		}
		created := item.CreateTimeUTC
		if created == "" {
			created = item.CreateTime
		}
		list = append(list, Callback{
			Scope:              Scope{Vhost: item.Vhost},
			App:                item.App,
			MessageType:        item.MessageType,
			CallbackDetailList: details,
			AuthEnable:         item.AuthEnable,
			AuthKeyPrimary:     item.AuthKeyPrimary,
			TranscodeCallback:  item.TranscodeCallback == 1,
			CreateTime:         created,
		})
	}
	return list, nil
}

// optional leaves empty strings out of request bodies: the API documents
// what an absent App or Domain means, not what "" means.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
