package redistest

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill redis-server when the test
// process dies without its cleanup (a timeout, a kill), so no server
// outlives the tests.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
