// Package model holds the kinds of the access-repo format v1 as plain Go
// values: people, teams, roles, systems with their access levels, access
// requests and the compliance objects of the permission model.
//
// The package is pure data. It imports nothing of gatehouse's own, does no
// I/O and makes no decisions; the load package fills an Org from a directory
// or a Git revision, validate checks it, authz answers questions about it.
//
// Every document remembers where it came from (Meta): its file, its index in
// a multi-document file and the position of its first key. Findings about a
// document name a field path ("approvers[1]") that an Org's Locator turns
// into a line and column on demand, so the hot path keeps no YAML trees.
package model
