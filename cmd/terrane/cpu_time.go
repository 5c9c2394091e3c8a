//go:build unix

package main

import "syscall"

// processCPU is the CPU time (user + system) this process has used so far,
// in seconds; the bench reads it around each solve (solves run one at a
// time, so the difference is the solve's, over all its threads).
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
