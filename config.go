package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/internal/whib"
)

// config is whib's settings (internal/whib.LoadConfig owns every
// environment variable, default and check) and the command's flags.
type config struct {
	whib.Config
	// Dev also runs a local sign-in provider (-dev).
	Dev bool
}

func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	flags := flag.NewFlagSet("whib", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dev := flags.Bool("dev", false, "also run a local sign-in provider so the signed-in flow works without an Auth0 tenant (loopback only)")
	if err := flags.Parse(args); err != nil {
		return config{}, err
	}
	settings, err := whib.LoadConfig(getenv)
	c := config{Config: settings, Dev: *dev}
	if c.Dev {
		err = errors.Join(err, c.checkDev())
	}
	return c, err
}

// checkDev keeps -dev, which signs anyone in, off the open network.
func (c config) checkDev() error {
	u, err := url.Parse(c.BaseURL())
	if err != nil || !auth.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("-dev: BASE_URL %q is not a loopback address; -dev signs anyone in and only runs on this machine", c.BaseURL())
	}
	if c.Auth.Issuer != "" {
		return errors.New("-dev: AUTH0_DOMAIN or OIDC_ISSUER is set; -dev brings its own provider, so unset them")
	}
	return nil
}
