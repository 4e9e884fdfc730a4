//go:build !linux

package geo

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }
