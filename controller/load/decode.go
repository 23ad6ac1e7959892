package load

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// newDoc returns an empty document of a canonical kind.
func newDoc(kind string) model.Doc {
	switch kind {
	case model.KindConfig:
		return &model.Config{}
	case model.KindPerson:
		return &model.Person{}
	case model.KindTeam:
		return &model.Team{}
	case model.KindRole:
		return &model.Role{}
	case model.KindSystem:
		return &model.System{}
	case model.KindAccessRequest:
		return &model.AccessRequest{}
	case model.KindControl:
		return &model.Control{}
	case model.KindTest:
		return &model.Test{}
	case model.KindDocument:
		return &model.Document{}
	case model.KindRiskScenario:
		return &model.RiskScenario{}
	case model.KindRiskTask:
		return &model.RiskTask{}
	case model.KindReport:
		return &model.Report{}
	case model.KindAccessReview:
		return &model.AccessReview{}
	}
	return nil
}

// pathError is a decode problem at a field path.
type pathError struct {
	path, rule, message string
}

// decoder fills a model struct from JSON values, following the structs'
// json tags. It does what a JSON round trip with DisallowUnknownFields
// would, without serialising, and reports every problem with its path.
type decoder struct {
	kind string
	errs []pathError
}

var (
	durationType = reflect.TypeFor[model.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
)

func (d *decoder) fail(path, rule, format string, args ...any) {
	d.errs = append(d.errs, pathError{path: path, rule: rule, message: fmt.Sprintf(format, args...)})
}

func (d *decoder) where(path string) string {
	if path == "" {
		return d.kind
	}
	return path + " of " + d.kind
}

func (d *decoder) decode(v reflect.Value, x any, path string) {
	if x == nil {
		return // null leaves the zero value, as in JSON
	}
	t := v.Type()
	switch t {
	case durationType:
		s, ok := x.(string)
		if !ok {
			d.wrongType(path, "a duration such as \"90d\"", x)
			return
		}
		dur, err := model.ParseDuration(s)
		if err != nil {
			d.fail(path, RuleInvalidValue, "%s: %v", d.where(path), err)
			return
		}
		v.Set(reflect.ValueOf(dur))
		return
	case timeType:
		s, ok := x.(string)
		if !ok {
			d.wrongType(path, "an RFC 3339 time such as \"2026-12-31T00:00:00Z\"", x)
			return
		}
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			d.fail(path, RuleInvalidValue, "%s: %q is not an RFC 3339 time; write it as 2026-12-31T00:00:00Z", d.where(path), s)
			return
		}
		v.Set(reflect.ValueOf(tm))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		e := reflect.New(t.Elem())
		d.decode(e.Elem(), x, path)
		v.Set(e)
	case reflect.String:
		s, ok := x.(string)
		if !ok {
			d.wrongType(path, "a string", x)
			return
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := x.(bool)
		if !ok {
			d.wrongType(path, "true or false", x)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		var i int64
		switch n := x.(type) {
		case int64:
			i = n
		case float64:
			if n != math.Trunc(n) || n < math.MinInt64 || n >= math.MaxInt64 {
				d.fail(path, RuleInvalidValue, "%s: %v is not a whole number", d.where(path), n)
				return
			}
			i = int64(n)
		default:
			d.wrongType(path, "a whole number", x)
			return
		}
		if v.OverflowInt(i) {
			d.fail(path, RuleInvalidValue, "%s: %d is out of range", d.where(path), i)
			return
		}
		v.SetInt(i)
	case reflect.Slice:
		list, ok := x.([]any)
		if !ok {
			d.wrongType(path, "a list", x)
			return
		}
		s := reflect.MakeSlice(t, len(list), len(list))
		for i, e := range list {
			d.decode(s.Index(i), e, path+"["+strconv.Itoa(i)+"]")
		}
		v.Set(s)
	case reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			d.wrongType(path, "a mapping", x)
			return
		}
		info := structInfoOf(t)
		for k, e := range m {
			f, ok := info.fields[k]
			if !ok {
				d.unknownField(path, k, info)
				continue
			}
			d.decode(v.Field(f), e, joinPath(path, k))
		}
	default:
		d.fail(path, RuleInvalidValue, "%s: gatehouse cannot read this field (type %s)", d.where(path), t)
	}
}

func (d *decoder) wrongType(path, want string, got any) {
	d.fail(path, RuleWrongType, "%s must be %s, not %s", d.where(path), want, describe(got))
}

func (d *decoder) unknownField(path, key string, info *structInfo) {
	msg := fmt.Sprintf("unknown field %q in %s", key, d.where(path))
	if s := closest(key, info.names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; fields: " + strings.Join(info.names, ", ")
	}
	d.errs = append(d.errs, pathError{path: joinPath(path, key), rule: RuleUnknownField, message: msg})
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names a JSON value's type for messages.
func describe(x any) string {
	switch v := x.(type) {
	case string:
		return fmt.Sprintf("the string %q", truncate(v, 40))
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case int64, float64:
		return fmt.Sprintf("the number %v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return "null"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

type structInfo struct {
	fields map[string]int // json name -> field index
	names  []string       // sorted json names
}

var structInfos sync.Map // reflect.Type -> *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{fields: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		info.fields[name] = i
		info.names = append(info.names, name)
	}
	sort.Strings(info.names)
	structInfos.Store(t, info)
	return info
}
