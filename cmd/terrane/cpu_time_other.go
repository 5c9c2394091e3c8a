//go:build !unix

package main

import "math"

// processCPU is NaN where getrusage is not available: the bench then
// shows no CPU time.
func processCPU() float64 { return math.NaN() }
