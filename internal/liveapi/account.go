// The account a client acts for.
package liveapi

// Endpoint is the URL the client calls (scheme and host) and AccessKey the
// key ID it signs with: together they name whose configurations it reaches.
func (c *Client) Endpoint() string { return c.endpoint }

// AccessKey is the access key ID the client signs with.
func (c *Client) AccessKey() string { return c.sdk.ServiceInfo.Credentials.AccessKeyID }
