//go:build !linux

package main

import "os/exec"

// setParentDeathSignal: only Linux offers a parent-death signal; elsewhere
// the deferred cleanup is all there is.
func setParentDeathSignal(*exec.Cmd) {}
