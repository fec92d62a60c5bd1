//go:build unix

package bench

import (
	"syscall"
	"time"
)

// childrenCPU is the CPU time of this process's children that have ended
// and been waited for, with their own such children: terraform and the
// provider processes it ran.
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
