// Package provider is the Terraform provider for Volcengine Live callback
// configurations: the resource volcengine_live_callback, the data source
// volcengine_live_callbacks and the list resource volcengine_live_callback,
// served through terraform-plugin-framework.
//
// The resource, data source and list resource follow the framework's shape
// (resource_live_callback.go, data_source_live_callbacks.go,
// list_resource_live_callback.go, with identity, IDs and validators beside
// them). What does not follow from that shape is how the resources of one
// run work together so that a delete never removes a configuration that
// should stay. This comment describes that.
//
// # A delete without an app
//
// DeleteCallback always gets the message type, and the app when the
// configuration has one: a delete by app reaches that app's configuration
// alone (delete.go, deleteApp). A configuration without an app (vhost-wide,
// or a push domain's) can only be deleted by a call without an app, which,
// depending on how the API answers the questions its documentation leaves
// open, may also remove every app's configuration of the message type under
// the vhost, the vhost's domains' own configurations, or, by domain, every
// app of the domain's vhost. Such a delete (delete.go, deleteWide) goes:
//
//  1. Wait for the run's own deletes in its reach (awaitDeletes), so that it
//     neither removes nor writes back what the run deletes anyway.
//  2. Read, under an exclusive lock of the vhost and message type, every
//     configuration of the vhost and message type: the records in reach.
//     If the target is already gone, stop without calling DeleteCallback.
//  3. Refuse, deleting nothing, when a record in reach could not be written
//     back exactly (the API answers its key masked); the error shows the
//     removed block that stops managing the resource without deleting it.
//  4. Record what must be written back in the restore journal on disk
//     (restore_journal.go, internal/journal), keys included, before
//     anything is deleted.
//  5. Delete. From here on the delete runs to its end within finishBound,
//     whatever happens to the request's context, and holds the process's
//     exit (ExitGuard, exit_guard.go) so that a SIGTERM waits for it.
//  6. Read again and write back each record that went missing, exactly as
//     read in step 2 (writeback.go), then check that each is there as
//     written, and remove the journal entry.
//
// A run cut short between steps 4 and 6 (Ctrl-C, a killed process) loses
// nothing: the next run of the provider for the same account finds the
// journal entry when it is configured and completes the write-back, never
// overwriting a configuration that exists again; what it wrote back is said
// once more in the command's next walk (journal.Report), since Terraform
// drops the warnings of the refresh before a destroy. A delete that fails after
// step 5 keeps its resource in the state and the write-back it owes in the
// resource's private state (private.go, pendingRestore), so that the next
// delete or update of that resource completes it first, on any machine.
//
// # What a run shares between resources
//
// Terraform calls the provider once per resource, in an order of its own
// and several at a time. What those calls share lives in providerData
// (provider_data.go), one part for each job:
//
//   - scopeViews (scope_views.go): the shared reads. One DescribeCallback
//     per scope, kept up to date with the run's own writes and deletes, and
//     the vhost that answers for each domain. Creates look there for an
//     existing configuration; a waiting delete without an app counts there
//     what it still waits for. Safety never rests on them: step 2 above
//     reads afresh.
//   - locks (locks.go): writes and deletes that can touch the same records
//     never overlap with a delete without an app that reaches them.
//   - planRegistry (plan_registry.go): what the run's resources declare,
//     so that two resources never manage one configuration, and which
//     destroys the plan holds, so that a delete without an app can take
//     them along.
//   - planLedger (plan_ledger.go): the IDs the state holds and the record
//     each names, as the refresh read it. The plan's checks use it: a
//     create of an ID the state holds is no takeover (plan_check.go), and
//     two IDs that name one record are aliases (aliases.go), refused as
//     two owners of one record.
//   - deleteTracker (delete_tracker.go): the deletes in flight, the deletes
//     expected, and the records written in this run.
//   - scheduler (scheduler.go): how long an operation waits for others.
//
// Each provider process has its own providerData: Terraform starts a new
// process for each of validate, plan and apply, so what a plan learns
// reaches the apply only through the private state (privateData).
//
// # Why operations wait, and for how long
//
// Two operations of a run wait for others: a delete without an app waits
// for the run's deletes in its reach (step 1), and a create whose
// configuration the run still deletes under another address (a resource
// renamed without a moved block) waits for that delete. A destroy plan of
// a configuration without an app also waits, until the run has planned
// everything else, so that it knows what the plan destroys (awaitPlans).
// Terraform never says what it will start next, so the scheduler guesses
// from what it sees: the operations the provider serves (countingServer).
// Its rules are named constants and methods in scheduler.go (minQuiet,
// planQuiet, gapFactor and gapWindow, maxQuiet, giveUpShare, the stall rule
// runPicture.stalled and the drain rule runPicture.draining), each with
// what it assumes and what a wrong guess costs: an extra write-back, a
// refusal that another apply resolves, or a delay. No wrong guess deletes
// or overwrites what it should not.
//
// Where a guess decides the outcome rather than the cost, the outcome
// depends on the order in which Terraform walks the graph and on
// -parallelism. At -parallelism=1 a waiting operation holds Terraform's
// only slot, so what it waits for cannot start until it gives up:
//
//   - A resource renamed without a moved block: when Terraform starts the
//     create before the old address's delete, the create is refused ("Live
//     callback already exists" or "not created yet"). A moved block avoids
//     it: nothing is deleted or created.
//   - Under masked keys, a vhost-wide (or domain) configuration destroyed
//     together with app configurations of its vhost and message type that
//     have keys: when its destroy is planned before theirs and its delete
//     starts before theirs, it refuses. depends_on from each app resource
//     to the vhost-wide one avoids it: Terraform then destroys the apps
//     first.
//
// The resource's documentation gives both configurations, and
// internal/randomized's TestWalkOrderConfigurations applies them at
// -parallelism=1 and 10.
//
// # Glossary
//
//   - In reach: a record that a delete could remove besides its target,
//     under some reading of the API: for a delete without an app, every
//     record of the vhost and message type, the vhost's domains' included.
//   - Wide delete: a delete without an app, whose reach is wider than its
//     target.
//   - Written back: a record in reach that a wide delete removed, written
//     again with UpdateCallback exactly as it was read before the delete.
//   - Owed write-back: a write-back that a delete could not complete, kept
//     in the restore journal and in the resource's private state until a
//     later run completes it.
//   - Taken along: a record in reach whose own destroy the same plan holds;
//     a wide delete neither waits for its delete nor writes it back, and
//     its own delete still runs and finds it gone.
//   - Planned deletes: the IDs a wide delete may take along, noted in its
//     planned private state by its destroy plan.
//   - Expected delete: the own delete of a record a wide delete took along,
//     still to run; a create of that record waits for it.
//   - Scope: a vhost or a push domain, what DescribeCallback reads.
//   - Record: one stored configuration as the API's answers show it
//     (recordKey); an ID (callbackKey) names the configuration a resource
//     manages.
//   - Waiter, stall, quiet period, drain: see scheduler.go.
package provider
