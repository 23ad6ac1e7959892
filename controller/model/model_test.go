package model

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "90d", want: 90 * 24 * time.Hour},
		{in: "2w", want: 14 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "30m", want: 30 * time.Minute},
		{in: "", wantErr: true},
		{in: "90", wantErr: true},
		{in: "1y", wantErr: true},
		{in: "-1d", wantErr: true},
		{in: "99999999999d", wantErr: true},
		{in: "40000d", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDuration(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && got.Duration != tt.want {
				t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, got.Duration, tt.want)
			}
		})
	}
}

func TestOrgAddReportsDuplicates(t *testing.T) {
	o := NewOrg()
	a := &Person{Meta: Meta{File: "people/a.yaml"}, Name: "alice"}
	b := &Person{Meta: Meta{File: "people/b.yaml"}, Name: "alice"}
	if prev := o.Add(a); prev != nil {
		t.Fatalf("first Add returned %v", prev)
	}
	prev := o.Add(b)
	if prev != Doc(a) {
		t.Fatalf("second Add returned %v, want the first document", prev)
	}
	if len(o.People) != 1 || o.Lookup(KindPerson, "alice") != Doc(a) {
		t.Fatalf("duplicate was added: %d people", len(o.People))
	}
}

func TestFindingsSortAndCount(t *testing.T) {
	fs := Findings{
		{Severity: SeverityWarning, File: "b.yaml", Line: 1, Column: 1, Rule: "r", Message: "m"},
		{Severity: SeverityError, File: "a.yaml", Line: 2, Column: 1, Rule: "r", Message: "m"},
		{Severity: SeverityError, File: "a.yaml", Line: 2, Column: 1, Rule: "r", Message: "m"},
	}
	fs.Sort()
	if len(fs) != 2 || fs[0].File != "a.yaml" {
		t.Fatalf("Sort = %v", fs)
	}
	if fs.Errors() != 1 || fs.Warnings() != 1 {
		t.Fatalf("Errors/Warnings = %d/%d", fs.Errors(), fs.Warnings())
	}
	if got, want := fs[0].String(), "a.yaml:2:1: error r: m"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestCanonicalKind(t *testing.T) {
	for in, want := range map[string]string{"riskscenario": "RiskScenario", "TEST": "Test", "System": "System"} {
		if got, ok := CanonicalKind(in); !ok || got != want {
			t.Errorf("CanonicalKind(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := CanonicalKind("Widget"); ok {
		t.Error("CanonicalKind(Widget) matched")
	}
}
