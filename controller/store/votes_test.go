package store

import (
	"context"
	"testing"
	"time"
)

func TestVotesAndPullRequestState(t *testing.T) { forBackends(t, testVotesAndPullRequestState) }

func testVotesAndPullRequestState(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := openTest(t, b)
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i, v := range []Vote{
		{PR: 7, Login: "alice", Kind: "approve", Commit: "c1", Digest: "d1", Source: "review", At: t0},
		{PR: 8, Login: "bob", Kind: "block", Commit: "c9", Digest: "d9", Source: "review", At: t0},
		{PR: 7, Login: "alice", Kind: "withdraw", Commit: "c2", Digest: "d1", Source: "comment", At: t0.Add(time.Minute)},
	} {
		if err := s.RecordVote(ctx, v); err != nil {
			t.Fatalf("vote %d: %v", i, err)
		}
	}
	votes, err := s.Votes(ctx, 7)
	if err != nil || len(votes) != 2 || votes[0].Kind != "approve" || votes[1].Kind != "withdraw" || !votes[1].At.Equal(t0.Add(time.Minute)) {
		t.Fatalf("votes on 7 = %+v %v", votes, err)
	}
	if err := s.RecordVote(ctx, Vote{PR: 7, Login: "x", Kind: "maybe"}); err == nil {
		t.Error("a vote of an unknown kind was recorded")
	}
	if p, err := s.PullRequestState(ctx, 7); err != nil || p.PR != 7 || p.Head != "" {
		t.Fatalf("nothing kept yet: %+v %v", p, err)
	}
	want := PullRequest{PR: 7, Head: "c2", LastPusher: "bob", CommentID: 42, Mentioned: []string{"carol", "alice"}}
	if err := s.SetPullRequestState(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.PullRequestState(ctx, 7)
	if err != nil || got.Head != "c2" || got.LastPusher != "bob" || got.CommentID != 42 || len(got.Mentioned) != 2 || got.Mentioned[0] != "alice" {
		t.Errorf("kept %+v %v", got, err)
	}
}
