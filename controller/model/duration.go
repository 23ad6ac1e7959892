package model

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Duration is a length of time written as whole units: "90d", "2w",
// "12h", "30m", or combinations such as "1d12h". Days are 24 hours and
// weeks 7 days; months and years are deliberately absent because they
// vary in length.
type Duration struct {
	time.Duration
	// Text is the duration as written, kept for messages and round trips.
	Text string
}

var durationRE = regexp.MustCompile(`^(?:[0-9]+[wdhm])+$`)
var durationPartRE = regexp.MustCompile(`([0-9]+)([wdhm])`)

// DurationPattern is the pattern a Duration's text must match; the JSON
// Schemas use it too.
const DurationPattern = `^([0-9]+[wdhm])+$`

// ParseDuration parses a Duration such as "90d" or "1d12h".
func ParseDuration(s string) (Duration, error) {
	if !durationRE.MatchString(s) {
		return Duration{}, fmt.Errorf("invalid duration %q: write whole units such as 90d, 2w, 12h or 30m", s)
	}
	var total time.Duration
	for _, m := range durationPartRE.FindAllStringSubmatch(s, -1) {
		n, err := strconv.ParseInt(m[1], 10, 32)
		if err != nil {
			return Duration{}, fmt.Errorf("invalid duration %q: %s is too large", s, m[1])
		}
		unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[m[2]]
		total += time.Duration(n) * unit
		if total < 0 || total > 100*365*24*time.Hour {
			return Duration{}, fmt.Errorf("invalid duration %q: longer than 100 years", s)
		}
	}
	return Duration{Duration: total, Text: s}, nil
}

// String returns the duration as written.
func (d Duration) String() string { return d.Text }

// MarshalJSON writes the duration as written.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.Text) }

// UnmarshalJSON parses a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"90d\"")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
