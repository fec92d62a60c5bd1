// Package interrupt holds the end-to-end tests of runs cut short: real
// terraform destroys, interrupted with Ctrl-C or SIGTERM, or with the provider or
// terraform itself killed, between a delete without an app and its
// write-back, then followed by a plain terraform destroy that must leave
// every configuration Terraform does not manage as it was.
package interrupt
