//go:build heroku

package main

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/whib/whib/internal/whib"
)

// startDevProvider refuses: the Heroku build (-tags heroku) leaves the
// development provider and its ~270 modules out of the binary.
func startDevProvider(context.Context, *whib.Config, *slog.Logger, io.Writer) (io.Closer, error) {
	return nil, errors.New("-dev: this binary was built without the local sign-in provider (-tags heroku); use `go run . -dev`")
}
