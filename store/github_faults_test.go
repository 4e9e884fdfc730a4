package store

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/whib/whib/store/githubtest"
)

// storedRowsIntact fails the test unless the file on the fake still starts
// with orig byte for byte (append-only: every original row where it was)
// and parses with at least as many places.
func storedRowsIntact(t *testing.T, srv *githubtest.Server, orig []byte, step string) []byte {
	t.Helper()
	file := srv.File("places.csv")
	if !bytes.HasPrefix(file, orig) {
		t.Fatalf("%s: the stored file lost or changed original bytes (%d bytes stored, %d originally)", step, len(file), len(orig))
	}
	places, err := decodeCSV(file)
	want, _ := decodeCSV(orig)
	if err != nil || len(places) < len(want) {
		t.Fatalf("%s: stored file has %d places (%v), started with %d", step, len(places), err, len(want))
	}
	return file
}

// TestGitHubMisstatedContentIsNeverUsed: for every way a contents answer can
// misstate the file, whether it is read by Load, as the base of a first Add,
// or on the re-read after a conflict, whib either reads the exact file
// (through the raw blob) or refuses — and never commits a shorter file.
func TestGitHubMisstatedContentIsNeverUsed(t *testing.T) {
	ctx := context.Background()
	for _, size := range []int{200, 25000} { // inline, and over 1 MB (Git Data API)
		orig := githubtest.SampleCSV(size)
		for _, fault := range githubtest.ContentFaults {
			refused := fault == githubtest.WrongSize // the answer's size contradicts the real blob
			t.Run(fmt.Sprintf("%d rows, %s", size, fault), func(t *testing.T) {
				srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", orig))
				s := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})

				srv.FaultNextContents(1, fault)
				snap, err := s.Load(ctx)
				checkReadOrRefusal(t, "load", snap, err, refused, len(orig))

				// As the base of a write on a fresh process.
				fresh := newTestGitHub(t, srv, GitHubConfig{Branch: "main"})
				srv.FaultNextContents(1, fault)
				res, err := under(fresh).Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"})
				checkReadOrRefusal(t, "first add", res.Snapshot, err, refused, len(orig))
				file := storedRowsIntact(t, srv, orig, "first add")

				// On the re-read after another writer was first.
				if _, err := s.Load(ctx); err != nil && !refused {
					t.Fatal(err)
				}
				srv.SetFile("places.csv", append(append([]byte{}, file...), "Linz,48.3069,14.2858\n"...))
				srv.FaultNextContents(1, fault)
				_, err = under(s).Add(ctx, mustPlace(t, "Graz", "47.07", "15.43"), Author{Name: "Bo"})
				if (err != nil) != refused {
					t.Errorf("add after a conflict: %v", err)
				}
				storedRowsIntact(t, srv, orig, "add after a conflict")
			})
		}
	}
}

func checkReadOrRefusal(t *testing.T, step string, snap Snapshot, err error, refused bool, origLen int) {
	t.Helper()
	if refused {
		if KindOf(err) != KindUnavailable || RetryAfter(err) <= 0 {
			t.Errorf("%s: %v (kind %v, retry after %v), want unavailable with a retry hint", step, err, KindOf(err), RetryAfter(err))
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if len(snap.Content) < origLen {
		t.Errorf("%s: read %d bytes of %d", step, len(snap.Content), origLen)
	}
}

// TestGitHubRefusesWhenNoReadProvesTheFile: when the raw blob is broken too,
// Load and Add fail with 503-material (unavailable, Retry-After), nothing is
// committed, the log says why, and Live keeps serving the last good map.
func TestGitHubRefusesWhenNoReadProvesTheFile(t *testing.T) {
	ctx := context.Background()
	orig := githubtest.SampleCSV(200)
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", orig))
	var logs bytes.Buffer
	s := newTestGitHub(t, srv, GitHubConfig{Branch: "main", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	live := NewLive(s, nil)
	good, err := live.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}

	grown := append(append([]byte{}, orig...), "Linz,48.3069,14.2858\n"...)
	srv.SetFile("places.csv", grown) // so the next read is a full answer, not a 304
	srv.FaultNextContents(2, githubtest.TruncatedContent)
	srv.TruncateNextRaw(2)
	if _, err := live.Refresh(ctx); KindOf(err) != KindUnavailable || RetryAfter(err) <= 0 {
		t.Fatalf("refresh = %v, want unavailable with a retry hint", err)
	}
	if snap, status, _ := live.Current(); snap.Version != good.Version || len(snap.Places) != 200 || !status.Stale {
		t.Errorf("Live should keep the last good snapshot: %d places, stale %v", len(snap.Places), status.Stale)
	}
	for _, want := range []string{"refusing the places file", "reported_sha=" + gitBlobSHA(grown), "computed_sha=" + gitBlobSHA(grown[:len(grown)*2/3]), "reported_size=" + fmt.Sprint(len(grown))} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}

	// A write whose base cannot be proven writes nothing.
	srv.ConflictNext(1) // the cached base is stale: the add must re-read
	_, err = live.Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"})
	if KindOf(err) != KindUnavailable || RetryAfter(err) <= 0 {
		t.Errorf("add = %v, want unavailable with a retry hint", err)
	}
	if !bytes.Equal(srv.File("places.csv"), grown) || len(srv.Commits()) != 1 {
		t.Error("a write was made on an unproven base")
	}

	// Honest answers again: everything works.
	if snap, err := live.Refresh(ctx); err != nil || len(snap.Places) != 201 {
		t.Fatalf("refresh after recovery: %d places, %v", len(snap.Places), err)
	}
}

// TestGitHubFaultySequencesNeverStoreFewerRows interleaves every fault mode
// with loads, adds, restarts, conflicts and another writer's commits, in
// seeded random orders, through the real go-github client. After every step
// the stored file keeps every original byte, and every snapshot handed out is
// a version the file really had.
func TestGitHubFaultySequencesNeverStoreFewerRows(t *testing.T) {
	ctx := context.Background()
	orig := githubtest.SampleCSV(200)
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", orig))
			s := newTestGitHub(t, srv, GitHubConfig{Branch: "main", MaxRetries: 2})
			for i := range 80 {
				step := fmt.Sprintf("step %d", i)
				var snap Snapshot
				var err error
				switch rng.IntN(8) {
				case 0, 1:
					srv.FaultNextContents(1+rng.IntN(2), githubtest.ContentFaults[rng.IntN(len(githubtest.ContentFaults))])
				case 2:
					srv.TruncateNextRaw(1 + rng.IntN(2))
				case 3:
					step += ": another writer commits"
					srv.SetFile("places.csv", append(srv.File("places.csv"), fmt.Sprintf("Theirs %d,1.%d,2.%d\n", i, i, i)...))
				case 4:
					step += ": load"
					snap, err = s.Load(ctx)
				case 5, 6:
					step += ": add"
					if rng.IntN(3) == 0 {
						srv.ConflictNext(1)
					}
					var res AddResult
					res, err = under(s).Add(ctx, mustPlace(t, fmt.Sprint("Ours ", i), fmt.Sprint(i%90), "3"), Author{Name: "Bo"})
					snap = res.Snapshot
				case 7:
					step += ": restart"
					s = newTestGitHub(t, srv, GitHubConfig{Branch: "main", MaxRetries: 2})
				}
				if k := KindOf(err); err != nil && k != KindUnavailable && k != KindBusy {
					t.Fatalf("%s: %v (kind %v)", step, err, k)
				}
				file := storedRowsIntact(t, srv, orig, step)
				if err == nil && snap.Content != nil && !bytes.HasPrefix(file, snap.Content) {
					t.Fatalf("%s: handed out a snapshot of %d bytes that the file never had", step, len(snap.Content))
				}
			}
		})
	}
}
