// What one configured provider instance shares between its resources, data
// source and list resource.

package provider

import (
	"github.com/liveops/terraform-provider-volcengine/internal/journal"
	"github.com/liveops/terraform-provider-volcengine/internal/liveapi"
)

// providerData is what Configure hands to every resource, data source and
// list resource of one provider instance: the API client and what a run
// shares between resources (see doc.go), one part for each job.
type providerData struct {
	client *liveapi.Client
	// views are the shared reads of each scope.
	views *scopeViews
	// locks serialise writes and deletes that can touch the same records.
	locks *locks
	// plans holds what the run's resources declare, create and destroy.
	plans *planRegistry
	// deletes follows the deletes in flight and expected, and what the
	// instance wrote.
	deletes *deleteTracker
	// sched decides how long an operation waits for others of the run.
	sched   *scheduler
	deleter *deleter
	// ledger holds the IDs the state holds and the records they name, for
	// the plan's checks.
	ledger *planLedger
}

// newProviderData builds the data of one configured provider. jrnl is the
// account's restore journal, or nil with noJournal saying why there is none.
func newProviderData(client *liveapi.Client, jrnl *journal.Journal, noJournal error) *providerData {
	sched := newScheduler()
	views := newScopeViews(client)
	d := &providerData{
		client:  client,
		views:   views,
		locks:   newLocks(views),
		plans:   newPlanRegistry(),
		deletes: newDeleteTracker(views, sched.notify),
		sched:   sched,
		ledger:  newPlanLedger(),
	}
	d.deleter = &deleter{client: client, views: d.views, locks: d.locks, deletes: d.deletes, sched: d.sched,
		journal: jrnl, noJournal: noJournal}
	return d
}
