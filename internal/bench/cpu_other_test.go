//go:build !unix

package bench

import "time"

// childrenCPU is not measured here: the table shows "-".
func childrenCPU() time.Duration { return 0 }
