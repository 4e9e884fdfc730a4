package handlers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/whib/whib/geo"
)

// A map with more than 500 visited regions names them in addresses GET
// /regions.geojson takes: 500 codes each, sorted.
func TestRegionsURLsTakeAtMost500CodesEach(t *testing.T) {
	many := make([]geo.RegionCount, 1001)
	for i := range many {
		many[i].Code = fmt.Sprintf("XX-%03d", 1000-i)
	}
	urls := regionsURLs(many)
	if len(urls) != 3 || !strings.HasPrefix(urls[0], "/regions.geojson?codes=XX-000,XX-001,") ||
		strings.Count(urls[0], ",") != 499 || strings.Count(urls[1], ",") != 499 || urls[2] != "/regions.geojson?codes=XX-999" {
		t.Errorf("1,001 regions: %d addresses, %.80q", len(urls), urls)
	}
	if urls := regionsURLs(nil); urls != nil {
		t.Errorf("no regions: %q", urls)
	}
}
