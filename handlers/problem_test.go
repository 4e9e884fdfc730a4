package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/store"
)

func TestProblemForStoreKinds(t *testing.T) {
	tests := []struct {
		kind       store.Kind
		retryAfter time.Duration
		status     int
		code       string
		says       string
		minRetry   time.Duration
	}{
		{store.KindUnknownOutcome, 0, http.StatusServiceUnavailable, "outcome_unknown", "it may have been saved; adding it again is safe", time.Second},
		{store.KindUnknownOutcome, 42 * time.Second, http.StatusServiceUnavailable, "outcome_unknown", "may have been saved", 42 * time.Second},
		{store.KindUnavailable, time.Minute, http.StatusServiceUnavailable, "storage_unavailable", "nothing was saved", time.Minute},
		{store.KindUnavailable, 0, http.StatusServiceUnavailable, "storage_unavailable", "nothing was saved", time.Second},
		{store.KindBusy, 0, http.StatusServiceUnavailable, "busy", "nothing was saved", time.Second},
		{store.KindRateLimited, 0, http.StatusServiceUnavailable, "rate_limited", "nothing was saved", time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v after %v", tt.kind, tt.retryAfter), func(t *testing.T) {
			err := fmt.Errorf("add: %w", &store.Error{Kind: tt.kind, Op: "github: update places.csv", Err: errors.New("timeout"), RetryAfter: tt.retryAfter})
			p := problemFor(err)
			if p.Status != tt.status || p.Code != tt.code || !strings.Contains(p.Description, tt.says) || p.RetryAfter < tt.minRetry {
				t.Errorf("problem = %d %s %q, Retry-After %v", p.Status, p.Code, p.Description, p.RetryAfter)
			}
		})
	}
}
