package provider

import "github.com/liveops/terraform-provider-volcengine/internal/liveapi"

// coordinator serialises the work of one provider instance that can touch
// the same callback configurations, and remembers what the instance learnt
// about the account.
type coordinator struct {
	client *liveapi.Client
}

func newCoordinator(client *liveapi.Client) *coordinator {
	return &coordinator{client: client}
}
