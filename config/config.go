// Package config holds the controller's default configuration file,
// config/gatehouse.yaml, embedded so that gatehouse serve runs without
// one.
package config

import _ "embed"

// Default is config/gatehouse.yaml.
//
//go:embed gatehouse.yaml
var Default []byte
