package main

import "testing"

func TestOneDisturbedRoundDoesNotDecideTheRatio(t *testing.T) {
	c := pageComparison{RoundRatios: []float64{0.9, 0.88, 49.1, 0.92, 0.61}}
	if got := c.Ratio(); got != 0.9 {
		t.Errorf("Ratio() = %v, want the median round 0.9", got)
	}
}
