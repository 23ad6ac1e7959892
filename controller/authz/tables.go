package authz

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

//go:embed permissions.yaml
var permissionsYAML []byte

// kind numbers the kinds that carry actions. The order is the engine's
// own; kindNames spells each as in format v1.
type kind uint8

const (
	kControl kind = iota
	kTest
	kDocument
	kRiskScenario
	kRiskTask
	kAccessReview
	kReport
	kSystem
	kPerson
	kTeam
	kRole
	kConfig
	numKinds
)

var kindNames = [numKinds]string{
	kControl:      model.KindControl,
	kTest:         model.KindTest,
	kDocument:     model.KindDocument,
	kRiskScenario: model.KindRiskScenario,
	kRiskTask:     model.KindRiskTask,
	kAccessReview: model.KindAccessReview,
	kReport:       model.KindReport,
	kSystem:       model.KindSystem,
	kPerson:       model.KindPerson,
	kTeam:         model.KindTeam,
	kRole:         model.KindRole,
	kConfig:       model.KindConfig,
}

func (k kind) String() string { return kindNames[k] }

// kindOf returns the kind spelled s in any case.
func kindOf(s string) (kind, bool) {
	for k, n := range kindNames {
		if n == s {
			return kind(k), true
		}
	}
	for k, n := range kindNames {
		if strings.EqualFold(n, s) {
			return kind(k), true
		}
	}
	return 0, false
}

// holder is one source of a right in permissions.yaml.
type holder uint8

const (
	hObjectRole holder = iota // owner, reviewer or viewer: the kind's object role
	hEmployee
	hCollaborator
	hEditor
	hViewOnlyAdmin
	hAdmin
	hTrustCollaborator
	hTrustAdmin
	hApprovers
	hAdmins
	hAnyActive
	hSelf
	numHolders
)

var holderNames = [numHolders]string{
	hObjectRole:        "(object role)",
	hEmployee:          model.RoleEmployee,
	hCollaborator:      model.RoleCollaborator,
	hEditor:            model.RoleEditor,
	hViewOnlyAdmin:     model.RoleViewOnlyAdmin,
	hAdmin:             model.RoleAdmin,
	hTrustCollaborator: model.TrustCollaborator,
	hTrustAdmin:        model.TrustAdmin,
	hApprovers:         "approvers",
	hAdmins:            "admins",
	hAnyActive:         "any-active",
	hSelf:              "self",
}

// builtin numbers the built-in org-level roles, lowest to highest as in
// model.BuiltinRoles; its holder is hEmployee+builtin.
type builtin uint8

const (
	bEmployee builtin = iota
	bCollaborator
	bEditor
	bViewOnlyAdmin
	bAdmin
	numBuiltins
)

func (b builtin) holder() holder { return hEmployee + holder(b) }

// trust numbers the Trust roles; noTrust means none.
type trust int8

const (
	noTrust            trust = -1
	tTrustCollaborator trust = 0
	tTrustAdmin        trust = 1
	numTrust                 = 2
)

func (t trust) holder() holder { return hTrustCollaborator + holder(t) }

// maxActions is how many actions one kind may have: masks are uint64.
const maxActions = 64

// kindTable is one kind's rows of permissions.yaml, compiled.
type kindTable struct {
	// objectRole is "owner", "reviewer", "viewer" or "" for kinds
	// without object-level roles.
	objectRole string
	// actions in file order; index maps an action id to its bit number.
	actions []string
	index   map[string]uint8
	// holders[i] is the set of holders of actions[i], one bit per holder.
	holders []uint32

	// by[h] is the mask of actions holder h holds on this kind.
	by [numHolders]uint64
	// parent is the kind whose owners inherit rights here (valid when
	// hasParent); parentExtra are the rights they get beyond the
	// object role's.
	parent      kind
	hasParent   bool
	parentExtra uint64
	// restrictedKeep is the set of holders that keep their rights on a
	// restricted object (Document only); restrictable reports whether
	// the kind has a restricted flag at all.
	restrictedKeep uint32
	restrictable   bool
	// grantable is the mask of actions a custom Role's permissions may
	// grant on this kind.
	grantable uint64
}

// tableSet is permissions.yaml, compiled.
type tableSet struct {
	kinds [numKinds]kindTable
	// allActions lists every action id of every kind, sorted, once each.
	allActions []string
}

// tables is compiled once; tablesErr is returned by New so that a broken
// data file fails closed instead of answering from half a table.
var tables, tablesErr = compileTables(permissionsYAML)

type rawTables struct {
	BuiltinRoles      []string  `yaml:"builtinRoles"`
	ObjectRoleHolders []string  `yaml:"objectRoleHolders"`
	TrustRoles        []string  `yaml:"trustRoles"`
	Kinds             yaml.Node `yaml:"kinds"`
}

type rawKind struct {
	ObjectRole       string   `yaml:"objectRole"`
	Parents          []string `yaml:"parents"`
	ParentOwnerExtra []string `yaml:"parentOwnerExtra"`
	Restricted       *struct{ Keep []string }
	Actions          yaml.Node `yaml:"actions"`
}

// compileTables parses permissions.yaml and checks it against what the
// engine's code relies on: the same built-in roles and kinds as the model,
// known holders, at most 64 actions a kind.
func compileTables(data []byte) (*tableSet, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var raw rawTables
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("authz: read permissions.yaml: %w", err)
	}
	// The first pass keeps the order of kinds and actions but cannot reject
	// unknown fields below kinds; this one can.
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	var check struct {
		BuiltinRoles      []string `yaml:"builtinRoles"`
		ObjectRoleHolders []string `yaml:"objectRoleHolders"`
		TrustRoles        []string `yaml:"trustRoles"`
		Kinds             map[string]struct {
			ObjectRole       string   `yaml:"objectRole"`
			Parents          []string `yaml:"parents"`
			ParentOwnerExtra []string `yaml:"parentOwnerExtra"`
			Restricted       *struct{ Keep []string }
			Actions          map[string][]string `yaml:"actions"`
		} `yaml:"kinds"`
	}
	if err := strict.Decode(&check); err != nil {
		return nil, fmt.Errorf("authz: read permissions.yaml: %w", err)
	}
	if !slices.Equal(raw.BuiltinRoles, model.BuiltinRoles) {
		return nil, fmt.Errorf("authz: permissions.yaml builtinRoles %v differ from the model's %v", raw.BuiltinRoles, model.BuiltinRoles)
	}
	if !slices.Equal(raw.TrustRoles, []string{model.TrustCollaborator, model.TrustAdmin}) {
		return nil, fmt.Errorf("authz: permissions.yaml trustRoles %v differ from the model's", raw.TrustRoles)
	}
	if !slices.Equal(raw.ObjectRoleHolders, model.BuiltinRoles[1:]) {
		return nil, fmt.Errorf("authz: permissions.yaml objectRoleHolders must be collaborator and above, got %v", raw.ObjectRoleHolders)
	}
	if raw.Kinds.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("authz: permissions.yaml kinds must be a mapping")
	}
	ts := &tableSet{}
	seen := [numKinds]bool{}
	all := map[string]bool{}
	type parentRef struct {
		child kind
		name  string
	}
	var parents []parentRef
	for i := 0; i+1 < len(raw.Kinds.Content); i += 2 {
		name := raw.Kinds.Content[i].Value
		k, ok := kindOf(name)
		if !ok || kindNames[k] != name {
			return nil, fmt.Errorf("authz: permissions.yaml line %d: unknown kind %q", raw.Kinds.Content[i].Line, name)
		}
		if seen[k] {
			return nil, fmt.Errorf("authz: permissions.yaml line %d: kind %s twice", raw.Kinds.Content[i].Line, name)
		}
		seen[k] = true
		var rk rawKind
		if err := raw.Kinds.Content[i+1].Decode(&rk); err != nil {
			return nil, fmt.Errorf("authz: permissions.yaml kind %s: %w", name, err)
		}
		kt, err := compileKind(name, &rk)
		if err != nil {
			return nil, err
		}
		for _, a := range kt.actions {
			all[a] = true
		}
		ts.kinds[k] = *kt
		switch len(rk.Parents) {
		case 0:
		case 1:
			parents = append(parents, parentRef{child: k, name: rk.Parents[0]})
		default:
			return nil, fmt.Errorf("authz: permissions.yaml kind %s: one parent kind at most", name)
		}
	}
	for k := range numKinds {
		if !seen[k] {
			return nil, fmt.Errorf("authz: permissions.yaml has no rows for kind %s", k)
		}
	}
	for _, p := range parents {
		pk, ok := kindOf(p.name)
		if !ok || ts.kinds[pk].objectRole != "owner" {
			return nil, fmt.Errorf("authz: permissions.yaml kind %s: parent %q is not a kind with owners", p.child, p.name)
		}
		kt := &ts.kinds[p.child]
		kt.parent, kt.hasParent = pk, true
	}
	for a := range all {
		ts.allActions = append(ts.allActions, a)
	}
	slices.Sort(ts.allActions)
	return ts, nil
}

func compileKind(name string, rk *rawKind) (*kindTable, error) {
	kt := &kindTable{objectRole: rk.ObjectRole, index: map[string]uint8{}}
	switch rk.ObjectRole {
	case "", "owner", "reviewer", "viewer":
	default:
		return nil, fmt.Errorf("authz: permissions.yaml kind %s: unknown objectRole %q", name, rk.ObjectRole)
	}
	if rk.Actions.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("authz: permissions.yaml kind %s: actions must be a mapping", name)
	}
	if len(rk.Actions.Content)/2 > maxActions {
		return nil, fmt.Errorf("authz: permissions.yaml kind %s: more than %d actions", name, maxActions)
	}
	for i := 0; i+1 < len(rk.Actions.Content); i += 2 {
		action := rk.Actions.Content[i].Value
		if _, dup := kt.index[action]; dup {
			return nil, fmt.Errorf("authz: permissions.yaml kind %s: action %s twice", name, action)
		}
		var hs []string
		if err := rk.Actions.Content[i+1].Decode(&hs); err != nil {
			return nil, fmt.Errorf("authz: permissions.yaml %s %s: %w", name, action, err)
		}
		bit := uint8(len(kt.actions))
		var set uint32
		for _, h := range hs {
			hid, err := holderOf(h, rk.ObjectRole)
			if err != nil {
				return nil, fmt.Errorf("authz: permissions.yaml %s %s: %w", name, action, err)
			}
			set |= 1 << hid
			kt.by[hid] |= 1 << bit
		}
		kt.index[action] = bit
		kt.actions = append(kt.actions, action)
		kt.holders = append(kt.holders, set)
		if set&(1<<hEditor|1<<hTrustCollaborator|1<<hTrustAdmin) != 0 {
			kt.grantable |= 1 << bit
		}
	}
	for _, a := range rk.ParentOwnerExtra {
		bit, ok := kt.index[a]
		if !ok {
			return nil, fmt.Errorf("authz: permissions.yaml kind %s: parentOwnerExtra %q is not an action of the kind", name, a)
		}
		kt.parentExtra |= 1 << bit
	}
	if rk.Restricted != nil {
		kt.restrictable = true
		for _, h := range rk.Restricted.Keep {
			hid, err := holderOf(h, rk.ObjectRole)
			if err != nil {
				return nil, fmt.Errorf("authz: permissions.yaml kind %s restricted: %w", name, err)
			}
			kt.restrictedKeep |= 1 << hid
		}
	}
	return kt, nil
}

func holderOf(name, objectRole string) (holder, error) {
	if name == objectRole && name != "" {
		return hObjectRole, nil
	}
	for h, n := range holderNames {
		if n == name && holder(h) != hObjectRole {
			return holder(h), nil
		}
	}
	return 0, fmt.Errorf("unknown holder %q", name)
}
