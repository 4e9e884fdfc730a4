package shared

import (
	"log/slog"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// go-redis repeats each failed dial; the tests check this package's
	// own log instead.
	RedisLogsTo(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}
