package synth

import (
	"fmt"
	"strings"
)

// Size says how many documents of each kind a generated organisation has.
type Size struct {
	// Name is the preset's name ("small", "medium", "large"), used in
	// messages and cache paths.
	Name     string
	People   int
	Teams    int
	Systems  int
	Requests int
	// Objects is the number of compliance objects of all kinds together:
	// controls, tests, documents, risk scenarios, risk tasks, reports and
	// access reviews.
	Objects int
}

// The preset sizes. Large writes about 150,000 files.
var (
	// Small is a start-up: 100 people, 20 systems.
	Small = Size{Name: "small", People: 100, Teams: 10, Systems: 20, Requests: 500, Objects: 400}
	// Medium is a scale-up: 1,000 people, 100 systems.
	Medium = Size{Name: "medium", People: 1000, Teams: 50, Systems: 100, Requests: 10_000, Objects: 4000}
	// Large is an enterprise: 10,000 people, 1,000 systems.
	Large = Size{Name: "large", People: 10_000, Teams: 500, Systems: 1000, Requests: 100_000, Objects: 40_000}
)

// Sizes lists the presets, smallest first.
var Sizes = []Size{Small, Medium, Large}

// SizeByName returns the preset called name.
func SizeByName(name string) (Size, error) {
	var names []string
	for _, s := range Sizes {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Size{}, fmt.Errorf("unknown size %q: choose one of %s", name, strings.Join(names, ", "))
}

// String returns the size's name.
func (s Size) String() string { return s.Name }
