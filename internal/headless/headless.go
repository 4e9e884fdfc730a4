// Package headless starts Debian's Chromium the way whib's browser tests,
// screenshot tool and benchmark all need it: headless, as root, and without
// the background traffic a machine with no internet would only see refused.
package headless

import (
	"errors"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// paths are tried in order; Debian names the binary "chromium".
var paths = []string{"chromium", "chromium-browser", "/usr/bin/chromium"}

// ErrNotInstalled says how to get Chromium.
var ErrNotInstalled = errors.New("chromium is not installed (looked for chromium, chromium-browser, /usr/bin/chromium): apt-get install chromium")

// Find returns the path of the Chromium binary.
func Find() (string, error) {
	for _, name := range paths {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", ErrNotInstalled
}

// Options are the allocator options for Chromium at execPath with a window
// of width×height; extra options come last and win. Without a UserDataDir
// option the allocator makes a temporary profile and removes it on exit.
func Options(execPath string, width, height int, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	return append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox, // CI and containers run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("no-proxy-server", true), // everything whib's tools open is on loopback
		chromedp.WindowSize(width, height),
	}, extra...)
}
