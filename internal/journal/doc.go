// Package journal keeps on disk what a delete without an app must write
// back, for as long as the write-back is not done.
//
// A DeleteCallback without an app may remove, besides its target, every
// app's configuration of the message type under the vhost; the provider
// writes back what it must keep. Between the delete and the write-back,
// those configurations would exist only in the provider's memory, which a
// killed process loses. So before such a delete the provider records them
// here, keys included, as an Entry; the entry goes once the write-back is
// verified. Whatever finds an entry left behind (the next run of the
// provider for the same account, or the journal command) completes it.
//
// Layout: one directory per account (endpoint and access key, hashed), one
// file per entry, <id>.json, written whole to a temporary file, synced and
// renamed into place, so a reader sees a complete entry or none. Beside
// each entry, <id>.lock carries an exclusive advisory lock (flock, or
// LockFileEx on Windows) for as long as a process works on the entry: the
// process that writes it takes the lock before the entry appears, and the
// operating system lets go of it when the process ends, however it ends.
// An entry whose lock can be taken therefore has no live owner and is
// waiting to be completed; one whose lock cannot is in hand elsewhere.
// Directories are 0700 and files 0600: the entries hold callback keys.
package journal
