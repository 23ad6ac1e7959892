package store

import (
	"context"
	"testing"
	"time"
)

func TestFirstNoticeOncePerContent(t *testing.T) { forBackends(t, testFirstNoticeOncePerContent) }

func testFirstNoticeOncePerContent(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	steps := []struct {
		pr            int
		digest, who   string
		forget, first bool
	}{
		{pr: 7, digest: "d1", who: "carol", first: true},
		{pr: 7, digest: "d1", who: "carol", first: false},
		{pr: 7, digest: "d1", who: "dave", first: true},
		{pr: 7, digest: "d2", who: "carol", first: true}, // the content changed
		{pr: 8, digest: "d1", who: "carol", first: true},
		{pr: 8, digest: "d1", who: "carol", forget: true},
		{pr: 8, digest: "d1", who: "carol", first: true}, // forgotten after a failed send
	}
	for i, st := range steps {
		if st.forget {
			if err := s.ForgetNotice(ctx, st.pr, st.digest, st.who, "approve"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		first, err := s.FirstNotice(ctx, st.pr, st.digest, st.who, "approve", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if first != st.first {
			t.Errorf("step %d: first = %v, want %v", i, first, st.first)
		}
	}
	if _, err := s.FirstNotice(ctx, 0, "d", "carol", "approve", time.Time{}); err == nil {
		t.Error("a notice without a pull request was accepted")
	}
}
