package main

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill the child if the benchmark dies
// without cleaning up (killed by its own timeout, say), so no app, ceiling
// or browser outlives the run.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
