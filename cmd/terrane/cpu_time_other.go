//go:build !unix

package main

import "time"

// processCPU is 0 where getrusage is not available: the bench then shows
// no CPU time.
func processCPU() time.Duration { return 0 }
