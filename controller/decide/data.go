package decide

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// basePath is where policies find the base commit's documents:
// data.gatehouse.base.<collection>.<name>.
var basePath = storage.Path{"gatehouse", "base"}

// Collections of data.gatehouse.base, by kind.
var collections = map[string]string{
	model.KindPerson:        "people",
	model.KindTeam:          "teams",
	model.KindRole:          "roles",
	model.KindSystem:        "systems",
	model.KindAccessRequest: "requests",
	model.KindControl:       "controls",
	model.KindTest:          "tests",
	model.KindDocument:      "documents",
	model.KindRiskScenario:  "riskScenarios",
	model.KindRiskTask:      "riskTasks",
	model.KindReport:        "reports",
	model.KindAccessReview:  "accessReviews",
}

// baseStore is the OPA store of one base commit. It serves
// data.gatehouse.base straight from the loaded Org, converting only the
// documents an evaluation reads (and keeping them converted): copying a
// large organisation into OPA's own store would cost more than deciding
// thousands of pull requests. Everything else goes to an in-memory store.
type baseStore struct {
	storage.Store

	org *model.Org
	// tree is data.gatehouse.base as nested maps whose leaves are the
	// model documents; OPA converts what it touches (ast.LazyObject).
	// Built on the first read: many decisions never read the base.
	once   sync.Once
	tree   map[string]any
	byName map[string]map[string]model.Doc

	mu     sync.Mutex
	values map[model.Doc]ast.Value
}

func newBaseStore(org *model.Org) *baseStore {
	return &baseStore{
		Store:  inmem.NewWithOpts(inmem.OptRoundTripOnWrite(false)),
		org:    org,
		values: map[model.Doc]ast.Value{},
	}
}

// build fills tree and byName from the Org, once.
func (s *baseStore) build() {
	s.once.Do(func() {
		s.tree = map[string]any{}
		s.byName = map[string]map[string]model.Doc{}
		for _, c := range collections {
			s.tree[c] = map[string]any{}
			s.byName[c] = map[string]model.Doc{}
		}
		s.org.Each(func(d model.Doc) {
			kind, name := d.KindName()
			if kind == model.KindConfig {
				s.tree["config"] = d
				s.byName[""] = map[string]model.Doc{"config": d}
				return
			}
			c, ok := collections[kind]
			if !ok {
				return
			}
			s.tree[c].(map[string]any)[name] = d
			s.byName[c][name] = d
		})
	})
}

// Read serves paths under data.gatehouse.base from the Org and merges the
// base into reads of its ancestors.
func (s *baseStore) Read(ctx context.Context, txn storage.Transaction, path storage.Path) (any, error) {
	s.build()
	switch {
	case len(path) >= len(basePath) && path.HasPrefix(basePath):
		return s.readBase(path[len(basePath):])
	case basePath.HasPrefix(path):
		v, err := s.Store.Read(ctx, txn, path)
		if err != nil && !storage.IsNotFound(err) {
			return nil, err
		}
		out := map[string]any{}
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				out[k] = x
			}
		}
		if len(path) == 0 {
			out["gatehouse"] = mergeBase(out["gatehouse"], s.tree)
			return out, nil
		}
		return mergeBase(v, s.tree), nil
	}
	return s.Store.Read(ctx, txn, path)
}

// mergeBase returns the data.gatehouse object with base added.
func mergeBase(gatehouse any, tree map[string]any) map[string]any {
	out := map[string]any{}
	if m, ok := gatehouse.(map[string]any); ok {
		for k, x := range m {
			out[k] = x
		}
	}
	out["base"] = tree
	return out
}

func (s *baseStore) readBase(rest storage.Path) (any, error) {
	if len(rest) == 0 {
		return s.tree, nil
	}
	collection := rest[0]
	if collection == "config" {
		collection, rest = "", append(storage.Path{"", "config"}, rest[1:]...)
	}
	docs, ok := s.byName[collection]
	if !ok {
		return nil, notFound(rest)
	}
	if len(rest) == 1 {
		return s.tree[collection], nil
	}
	d, ok := docs[rest[1]]
	if !ok {
		return nil, notFound(rest)
	}
	v, err := s.value(d)
	if err != nil {
		return nil, err
	}
	if len(rest) == 2 {
		return v, nil
	}
	ref := make(ast.Ref, 0, len(rest)-2)
	for _, k := range rest[2:] {
		ref = append(ref, ast.StringTerm(k))
	}
	found, err := v.Find(ref)
	if err != nil {
		// A list index is a number in the ref; retry the path the way OPA
		// writes it.
		found, err = v.Find(storagePathRef(rest[2:]))
	}
	if err != nil {
		return nil, notFound(rest)
	}
	return found, nil
}

// storagePathRef turns a storage path into a ref with numeric list
// indexes.
func storagePathRef(p storage.Path) ast.Ref {
	ref := make(ast.Ref, len(p))
	for i, k := range p {
		if n, err := json.Number(k).Int64(); err == nil {
			ref[i] = ast.IntNumberTerm(int(n))
			continue
		}
		ref[i] = ast.StringTerm(k)
	}
	return ref
}

// value returns a base document as an OPA value, converting it once.
func (s *baseStore) value(d model.Doc) (ast.Value, error) {
	s.mu.Lock()
	v, ok := s.values[d]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := docValue(d)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.values[d] = v
	s.mu.Unlock()
	return v, nil
}

func notFound(p storage.Path) error {
	return &storage.Error{Code: storage.NotFoundErr, Message: fmt.Sprintf("%v: document does not exist", append(basePath[:len(basePath):len(basePath)], p...))}
}

// docValue converts a document to the OPA value policies see: its JSON
// in format v1's field names.
func docValue(d model.Doc) (ast.Value, error) {
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("convert %s for policies: %w", d.Source().File, err)
	}
	v, err := ast.ValueFromReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("convert %s for policies: %w", d.Source().File, err)
	}
	return v, nil
}
