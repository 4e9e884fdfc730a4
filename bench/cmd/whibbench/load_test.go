package main

import (
	"testing"
	"time"
)

func TestOneDisturbedRoundDoesNotDecideTheRatio(t *testing.T) {
	c := pageComparison{RoundRatios: []float64{0.9, 0.88, 49.1, 0.92, 0.61}}
	if got := c.Ratio(); got != 0.9 {
		t.Errorf("Ratio() = %v, want the median round 0.9", got)
	}
}

func TestWrksSummaryIsRead(t *testing.T) {
	out := `Running 3s test @ http://127.0.0.1:18081/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.95ms    2.10ms  30.00ms   87.25%
    Req/Sec    17.80k     2.13k   21.04k    70.00%
  Latency Distribution
     50%  812.00us
     75%    2.10ms
     90%    4.25ms
     99%   10.31ms
  53123 requests in 3.00s, 172.96MB read
  Socket errors: connect 0, read 2, write 0, timeout 0
  Non-2xx or 3xx responses: 5
Requests/sec:  17700.21
Transfer/sec:     57.62MB
`
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 53123 || r.Seconds != 3 || r.RPS != 17700.21 || r.Non2xx != 5 ||
		r.P50 != 812*time.Microsecond || r.P99 != 10310*time.Microsecond || r.Errors != "connect 0, read 2, write 0, timeout 0" {
		t.Errorf("parsed %+v", r)
	}
}
