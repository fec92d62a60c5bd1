package provider

import (
	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// providerData is what Configure hands to every resource, data source and
// list resource of one provider instance: the API client and the
// coordination of their work.
type providerData struct {
	client  *liveapi.Client
	coord   *coordinator
	deleter *deleter
	plans   *planLedger
}

// newProviderData builds the data of one configured provider. jrnl is the
// account's restore journal, or nil with noJournal saying why there is none.
func newProviderData(client *liveapi.Client, jrnl *journal.Journal, noJournal error) *providerData {
	coord := newCoordinator(client)
	return &providerData{client: client, coord: coord, plans: newPlanLedger(),
		deleter: &deleter{client: client, coord: coord, journal: jrnl, noJournal: noJournal}}
}
