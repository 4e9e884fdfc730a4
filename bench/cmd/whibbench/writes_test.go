package main

import (
	"strings"
	"testing"
)

func TestCheckWritesFindsLostDoubledAndRewrittenRows(t *testing.T) {
	original := []byte("name,latitude,longitude\nGraz,47.07,15.44\n")
	cases := []struct {
		name    string
		file    string
		created []string
		ok      bool
		says    string
	}{
		{"every add once", "name,latitude,longitude\nGraz,47.07,15.44\nA,1,1\nB,2,2\n", []string{"A", "B"}, true, "OK: 3 rows = 1 + 2 created"},
		{"an acknowledged add is missing", "name,latitude,longitude\nGraz,47.07,15.44\nA,1,1\n", []string{"A", "B"}, false, "lost 1"},
		{"an add landed twice", "name,latitude,longitude\nGraz,47.07,15.44\nA,1,1\nA,1,1\n", []string{"A"}, false, "doubled 1"},
		{"an unacknowledged row appeared", "name,latitude,longitude\nGraz,47.07,15.44\nA,1,1\nZ,3,3\n", []string{"A"}, false, "3 rows = 1 + 1 created"},
		{"an original row was rewritten", "name,latitude,longitude\nGraz,47.0707,15.44\nA,1,1\n", []string{"A"}, false, "kept byte for byte: false"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := checkWrites([]byte(c.file), original, c.created)
			if got.OK != c.ok || !strings.Contains(got.Summary, c.says) {
				t.Errorf("checkWrites = %v %q, want %v and a summary saying %q", got.OK, got.Summary, c.ok, c.says)
			}
		})
	}
}

func TestReportedCommandLeavesOutWhatRunShAdds(t *testing.T) {
	got := strings.Join(userArgs([]string{"-root", ".", "-app", "/tmp/x/whib", "-sizes=10", "-app-env", "GOGC=50", "--app=/y"}), " ")
	if want := "-sizes=10 -app-env GOGC=50"; got != want {
		t.Errorf("userArgs = %q, want %q", got, want)
	}
}
