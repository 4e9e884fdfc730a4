//go:build !linux

package redistest

import "os/exec"

// setParentDeathSignal: only Linux offers a parent-death signal; elsewhere
// the test's cleanup is all there is.
func setParentDeathSignal(*exec.Cmd) {}
