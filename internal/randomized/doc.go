// Package randomized holds the randomized end-to-end tests of the provider:
// the real terraform binary, the provider binary built from this tree, and
// the Live API emulator in a reading of the API's open questions drawn at
// random, with configurations made outside Terraform that must survive
// every apply and destroy exactly as they were. Half of the applies go
// through a saved plan, and a refresh-only plan right after each must be
// empty.
//
// `make test` runs 20 seeds; `make randomized` runs RANDOMIZED_SEEDS (200 by
// default) within a time bound. A failing seed prints its reading and every
// step, and runs again alone with
//
//	RANDOMIZED_FIRST_SEED=<seed> RANDOMIZED_SEEDS=1 go test ./internal/randomized -v
package randomized
