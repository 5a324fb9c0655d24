package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// serviceDef is the content of a service's service.json (see README.md).
type serviceDef struct {
	Name                  string        `json:"name"`
	Package               string        `json:"package"`
	Imports               []string      `json:"imports"`
	Pairs                 []pairDef     `json:"pairs"`
	ObjectSystemMetadata  []pairDef     `json:"object_system_metadata"`
	StorageSystemMetadata []pairDef     `json:"storage_system_metadata"`
	Service               *namespaceDef `json:"service"`
	Storage               *namespaceDef `json:"storage"`
}

// namespaceDef describes the Service or the Storage of a service.
type namespaceDef struct {
	Features  []featureDef     `json:"features"`
	Implement []string         `json:"implement"`
	New       pairsDef         `json:"new"`
	Ops       map[string]opDef `json:"ops"`
}

type featureDef struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type pairsDef struct {
	Required []string `json:"required"`
	Optional []string `json:"optional"`
}

type opDef struct {
	Required   []string `json:"required"`
	Optional   []string `json:"optional"`
	ObjectMode string   `json:"object_mode"`
}

// nsKind carries the names that differ between the two namespaces.
type nsKind struct {
	key       string // "service" / "storage"
	Struct    string // Service / Storage
	Iface     string // Servicer / Storager
	Features  string // ServiceFeatures
	Defaults  string // DefaultServicePairs
	newOp     string // new_servicer
	errorKind string // how formatError is called
}

var (
	serviceKind = nsKind{"service", "Service", "Servicer", "ServiceFeatures", "DefaultServicePairs", "new_servicer", "name"}
	storageKind = nsKind{"storage", "Storage", "Storager", "StorageFeatures", "DefaultStoragePairs", "new_storager", "path"}
)

// loadServiceDef reads and validates a service definition.
func loadServiceDef(path string) (*serviceDef, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseServiceDef(data)
}

// parseServiceDef decodes a definition strictly (unknown fields are errors) and validates it.
func parseServiceDef(data []byte) (*serviceDef, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d serviceDef
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("service definition: %w", err)
	}
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("service definition: %w", err)
	}
	return &d, nil
}

// pairTable returns every pair a namespace may name, key -> definition.
func (d *serviceDef) pairTable() map[string]pairDef {
	t := map[string]pairDef{}
	for _, p := range globalPairs {
		t[p.Name] = p
	}
	for _, p := range d.Pairs {
		t[p.Name] = p
	}
	if d.Service != nil {
		t["service_features"] = pairDef{Name: "service_features", Type: "ServiceFeatures", Description: "are the features of the service"}
		t["default_service_pairs"] = pairDef{Name: "default_service_pairs", Type: "DefaultServicePairs", Description: "are the default pairs of the service operations"}
	}
	t["storage_features"] = pairDef{Name: "storage_features", Type: "StorageFeatures", Description: "are the features of the storage"}
	t["default_storage_pairs"] = pairDef{Name: "default_storage_pairs", Type: "DefaultStoragePairs", Description: "are the default pairs of the storage operations"}
	return t
}

var identRe = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

func (d *serviceDef) validate() error {
	if !identRe.MatchString(d.Name) {
		return fmt.Errorf("name %q must be a lower-case identifier", d.Name)
	}
	if d.Storage == nil {
		return fmt.Errorf("the storage namespace is required")
	}
	global := map[string]bool{}
	for _, p := range globalPairs {
		global[p.Name] = true
	}
	seen := map[string]bool{}
	for _, p := range d.Pairs {
		switch {
		case !isSnake(p.Name):
			return fmt.Errorf("pair %q: name must be snake_case", p.Name)
		case global[p.Name]:
			return fmt.Errorf("pair %q: already a global pair", p.Name)
		case seen[p.Name]:
			return fmt.Errorf("pair %q: declared twice", p.Name)
		case p.Type == "":
			return fmt.Errorf("pair %q: type missing", p.Name)
		case strings.HasPrefix(p.Name, "enable_") || strings.HasPrefix(p.Name, "default_"):
			return fmt.Errorf("pair %q: enable_ and default_ names are generated", p.Name)
		}
		seen[p.Name] = true
	}
	for _, m := range [][]pairDef{d.ObjectSystemMetadata, d.StorageSystemMetadata} {
		for _, f := range m {
			if !isSnake(f.Name) || f.Type == "" {
				return fmt.Errorf("system metadata field %q: snake_case name and type required", f.Name)
			}
		}
	}
	table := d.pairTable()
	for _, ns := range []struct {
		def  *namespaceDef
		kind nsKind
	}{{d.Service, serviceKind}, {d.Storage, storageKind}} {
		if ns.def == nil {
			continue
		}
		if err := ns.def.validate(ns.kind, table); err != nil {
			return fmt.Errorf("%s: %w", ns.kind.key, err)
		}
	}
	return nil
}

func (n *namespaceDef) validate(kind nsKind, table map[string]pairDef) error {
	fs := map[string]bool{}
	for _, f := range n.Features {
		if !isSnake(f.Name) || fs[f.Name] {
			return fmt.Errorf("feature %q: snake_case and unique name required", f.Name)
		}
		fs[f.Name] = true
	}
	checkPairs := func(where string, names []string, newOp bool) error {
		dup := map[string]bool{}
		for _, name := range names {
			if _, ok := table[name]; !ok {
				return fmt.Errorf("%s: unknown pair %q (declare it in pairs)", where, name)
			}
			if dup[name] {
				return fmt.Errorf("%s: pair %q listed twice", where, name)
			}
			if newOp && (name == kindFeaturesKey(kind) || name == kindDefaultsKey(kind)) {
				return fmt.Errorf("%s: %q is always accepted by new", where, name)
			}
			dup[name] = true
		}
		return nil
	}
	if err := checkPairs("new", append(slices.Clone(n.New.Required), n.New.Optional...), true); err != nil {
		return err
	}
	ifaces := map[string]bool{}
	for _, name := range n.Implement {
		it, ok := findIface(name)
		if !ok || it.Namespace != kind.key || it.Name == kind.Iface {
			return fmt.Errorf("implement: %q is not an optional %s interface", name, kind.key)
		}
		ifaces[name] = true
	}
	ops := map[string]operation{}
	for _, op := range n.operations(kind) {
		ops[op.Name] = op
	}
	for name, od := range n.Ops {
		if _, ok := ops[name]; !ok {
			return fmt.Errorf("op %q: not an operation of the implemented interfaces", name)
		}
		if err := checkPairs("op "+name, append(slices.Clone(od.Required), od.Optional...), false); err != nil {
			return err
		}
		if od.ObjectMode != "" && od.ObjectMode != "none" {
			if _, ok := objectModes[od.ObjectMode]; !ok {
				return fmt.Errorf("op %q: unknown object_mode %q", name, od.ObjectMode)
			}
		}
	}
	return nil
}

func kindFeaturesKey(k nsKind) string { return k.key + "_features" }
func kindDefaultsKey(k nsKind) string { return "default_" + k.key + "_pairs" }

func findIface(name string) (iface, bool) {
	for _, it := range interfaces {
		if it.Name == name {
			return it, true
		}
	}
	return iface{}, false
}

// operations returns the operations of the namespace: those of its base
// interface then those of the implemented ones, in definition order.
func (n *namespaceDef) operations(kind nsKind) []operation {
	base, _ := findIface(kind.Iface)
	ops := slices.Clone(base.Ops)
	for _, it := range interfaces {
		if slices.Contains(n.Implement, it.Name) {
			ops = append(ops, it.Ops...)
		}
	}
	return ops
}

// opPairs returns the pairs an operation accepts, required first.
func (n *namespaceDef) opPairs(op string) (required, optional []string) {
	od := n.Ops[op]
	return od.Required, od.Optional
}

// mode returns the mode constant the *Object parameter of op must have, or "".
func (n *namespaceDef) mode(op operation) string {
	m := op.ObjectMode
	if od, ok := n.Ops[op.Name]; ok && od.ObjectMode != "" {
		m = od.ObjectMode
	}
	if m == "none" || !op.takesObject() {
		return ""
	}
	return objectModes[m]
}

func (n *namespaceDef) hasFeature(name string) bool {
	for _, f := range n.Features {
		if f.Name == name {
			return true
		}
	}
	return false
}

// defaultables returns the defaultable pairs some op of the namespace accepts,
// sorted, each with the ops accepting it.
func (n *namespaceDef) defaultables(kind nsKind, table map[string]pairDef) (names []string, ops map[string][]operation) {
	ops = map[string][]operation{}
	for _, op := range n.operations(kind) {
		req, opt := n.opPairs(op.Name)
		for _, p := range append(slices.Clone(req), opt...) {
			if table[p].Defaultable {
				if len(ops[p]) == 0 {
					names = append(names, p)
				}
				ops[p] = append(ops[p], op)
			}
		}
	}
	sort.Strings(names)
	return names, ops
}

// genServiceFile generates out from the definition file def.
func genServiceFile(def, out string) error {
	d, err := loadServiceDef(def)
	if err != nil {
		return err
	}
	pkg := os.Getenv("GOPACKAGE")
	if d.Package != "" {
		pkg = d.Package
	}
	if pkg == "" {
		pkg = d.Name
	}
	src, err := genService(d, pkg)
	if err != nil {
		return err
	}
	g := &printer{}
	g.buf.Write(src)
	return g.write(out)
}

// genService returns the unformatted source of a service's generated.go.
func genService(d *serviceDef, pkg string) ([]byte, error) {
	table := d.pairTable()
	body := &printer{}
	s := &svcGen{d: d, g: body, table: table}
	s.genCommon()
	for _, ns := range []struct {
		def  *namespaceDef
		kind nsKind
	}{{d.Service, serviceKind}, {d.Storage, storageKind}} {
		if ns.def != nil {
			s.genNamespace(ns.def, ns.kind)
		}
	}
	g := &printer{}
	g.header(pkg, "service from service.json")
	g.p("import (")
	src := body.buf.String()
	used := qualifiers(src)
	std := []string{"context", "errors", "fmt", "io", "net/http", "strconv", "strings", "time"}
	for _, imp := range std {
		if used[imp[strings.LastIndex(imp, "/")+1:]] {
			g.p("%q", imp)
		}
	}
	g.p("")
	for _, imp := range d.Imports {
		g.p("%q", imp)
	}
	if used["httpclient"] && !slices.Contains(d.Imports, "github.com/qsgo/qsgo/pkg/httpclient") {
		g.p("%q", "github.com/qsgo/qsgo/pkg/httpclient")
	}
	if used["ps"] {
		g.p("ps %q", "github.com/qsgo/qsgo/pairs")
	}
	g.p("%q", "github.com/qsgo/qsgo/services")
	g.p(". %q", "github.com/qsgo/qsgo/types")
	g.p(")")
	g.buf.WriteString(src)
	return g.buf.Bytes(), nil
}

type svcGen struct {
	d     *serviceDef
	g     *printer
	table map[string]pairDef
}

// pairFunc writes the exported constructor of a service pair: bool pairs take
// no argument and carry true.
func (s *svcGen) pairFunc(name, typ, desc string) {
	g := s.g
	P := pascal(name)
	g.p("// With%s returns the pair %q.", P, name)
	g.p("//")
	g.p("// %s %s.", P, desc)
	if typ == "bool" {
		g.p("func With%s() Pair { return Pair{Key: %q, Value: true} }", P, name)
		return
	}
	g.p("func With%s(v %s) Pair { return Pair{Key: %q, Value: v} }", P, typ, name)
}

func (s *svcGen) genCommon() {
	d, g := s.d, s.g
	g.p("// Type is the type of the service in the registry and in connection strings.")
	g.p("const Type = %q", d.Name)
	for _, p := range d.Pairs {
		s.pairFunc(p.Name, p.Type, p.Description)
		if p.Defaultable {
			s.pairFunc("default_"+p.Name, p.Type, "is the default "+p.Name+" of every operation accepting "+p.Name)
		}
	}
	// Features of both namespaces share the enable_<f> constructors.
	var features []featureDef
	have := map[string]bool{}
	for _, ns := range []*namespaceDef{d.Service, d.Storage} {
		if ns == nil {
			continue
		}
		for _, f := range ns.Features {
			if !have[f.Name] {
				have[f.Name] = true
				features = append(features, f)
			}
		}
	}
	sort.Slice(features, func(i, j int) bool { return features[i].Name < features[j].Name })
	for _, f := range features {
		s.pairFunc("enable_"+f.Name, "bool", "turns on the feature "+f.Name+": "+featureDoc(f))
	}
	s.genSystemMetadata("Object", "o *Object", d.ObjectSystemMetadata)
	s.genSystemMetadata("Storage", "s *StorageMeta", d.StorageSystemMetadata)
	s.genSchema(features)
	g.p("func init() {")
	if d.Service != nil {
		g.p("services.RegisterServicer(Type, NewServicer)")
	}
	g.p("services.RegisterStorager(Type, NewStorager)")
	g.p("services.RegisterSchema(Type, pairMap)")
	g.p("}")
	g.buf.WriteString(`// pairTypeMismatch is the error of a pair whose value has the wrong type. The
// value itself is not kept: it may be a secret.
func pairTypeMismatch(op string, p Pair, typ string) error {
	return &ps.Error{Op: op, Err: ps.ErrPairTypeMismatch, Key: p.Key, Type: typ, Value: fmt.Sprintf("of type %T", p.Value)}
}

// featureFlag reads the value of an enable_<feature> pair: a bool, or a
// string strconv.ParseBool understands ("true", "1", "false", ...).
func featureFlag(op string, p Pair) (bool, error) {
	switch v := p.Value.(type) {
	case bool:
		return v, nil
	case string:
		if on, err := strconv.ParseBool(v); err == nil {
			return on, nil
		}
	}
	return false, pairTypeMismatch(op, p, "bool")
}
`)
}

func featureDoc(f featureDef) string {
	if f.Description != "" {
		return f.Description
	}
	if d, ok := knownFeatures[f.Name]; ok {
		return d
	}
	return "a feature of the service"
}

func (s *svcGen) genSystemMetadata(kind, recv string, fields []pairDef) {
	g := s.g
	name := kind + "SystemMetadata"
	target := map[string]string{"Object": "an object", "Storage": "a storage"}[kind]
	g.p("// %s is the system metadata of %s in this service.", name, target)
	g.p("type %s struct {", name)
	for _, f := range fields {
		g.p("// %s %s.", pascal(f.Name), f.Description)
		g.p("%s %s", pascal(f.Name), f.Type)
	}
	g.p("}")
	arg := recv[:1]
	g.p("// Get%s returns the %s stored in %s, or the zero value.", name, name, arg)
	g.p("func Get%s(%s) %s {", name, recv, name)
	g.p("sm, ok := %s.GetSystemMetadata()", arg)
	g.p("if !ok { return %s{} }", name)
	g.p("v, _ := sm.(%s)", name)
	g.p("return v")
	g.p("}")
	g.p("// set%s stores sm as the system metadata of %s.", name, arg)
	g.p("func set%s(%s, sm %s) { %s.SetSystemMetadata(sm) }", name, recv, name, arg)
}

func (s *svcGen) genSchema(features []featureDef) {
	d, g := s.d, s.g
	m := map[string]string{}
	for name, p := range s.table {
		m[name] = p.Type
	}
	for _, f := range features {
		m["enable_"+f.Name] = "bool"
	}
	for _, ns := range []struct {
		def  *namespaceDef
		kind nsKind
	}{{d.Service, serviceKind}, {d.Storage, storageKind}} {
		if ns.def == nil {
			continue
		}
		names, _ := ns.def.defaultables(ns.kind, s.table)
		for _, n := range names {
			m["default_"+n] = s.table[n].Type
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	g.p("// pairMap is the schema registered for connection strings: pair key -> Go type.")
	g.p("var pairMap = map[string]string{")
	for _, k := range keys {
		g.p("%q: %q,", k, m[k])
	}
	g.p("}")
}

func (s *svcGen) genNamespace(n *namespaceDef, kind nsKind) {
	g := s.g
	ops := n.operations(kind)
	// Features and default pairs.
	g.p("// %s are the features of the %s; turn them on with the enable_<feature> pairs.", kind.Features, strings.ToLower(kind.Struct))
	g.p("type %s struct {", kind.Features)
	for _, f := range n.Features {
		g.p("// %s %s.", pascal(f.Name), featureDoc(f))
		g.p("%s bool", pascal(f.Name))
	}
	g.p("}")
	g.p("// %s are pairs appended, per operation, after the caller's pairs.", kind.Defaults)
	g.p("type %s struct {", kind.Defaults)
	for _, op := range ops {
		g.p("%s []Pair", op.method())
	}
	g.p("}")
	s.pairFunc(kindFeaturesKey(kind), kind.Features, "are the features of the "+strings.ToLower(kind.Struct))
	s.pairFunc(kindDefaultsKey(kind), kind.Defaults, "are the default pairs of the "+strings.ToLower(kind.Struct)+" operations")
	g.p("var _ %s = &%s{}", kind.Iface, kind.Struct)
	for _, name := range n.Implement {
		g.p("var _ %s = &%s{}", name, kind.Struct)
	}
	// Constructor.
	g.p("// New%s returns the %s of this service built from pairs (see new%s).", kind.Iface, kind.Iface, kind.Iface)
	g.p("// Errors are InitError values.")
	g.p("func New%s(pairs ...Pair) (%s, error) {", kind.Iface, kind.Iface)
	g.p("x, err := new%s(pairs...)", kind.Iface)
	g.p("if err != nil {")
	g.p("var ie services.InitError")
	g.p("if errors.As(err, &ie) { return nil, err }")
	g.p("return nil, services.InitError{Op: %q, Type: Type, Err: err, Pairs: pairs}", kind.newOp)
	g.p("}")
	g.p("return x, nil")
	g.p("}")
	s.genNewParser(n, kind)
	for _, op := range ops {
		s.genOpParser(n, kind, op)
		s.genOp(n, kind, op)
	}
}

// field writes HasX/X fields for pairs.
func (s *svcGen) fields(names []string) {
	for _, name := range names {
		P := pascal(name)
		s.g.p("Has%s bool", P)
		s.g.p("%s %s", P, s.table[name].Type)
	}
}

// assign writes the type-checked assignment of v.Value to result.<X>.
func (s *svcGen) assign(op, name, zeroResult string) {
	g := s.g
	P, typ := pascal(name), s.table[name].Type
	g.p("if result.Has%s { continue }", P)
	g.p("x, ok := v.Value.(%s)", typ)
	g.p("if !ok { return %s, pairTypeMismatch(%q, v, %q) }", zeroResult, op, typ)
	g.p("result.Has%s = true", P)
	g.p("result.%s = x", P)
}

// required writes the check of the required pairs.
func (s *svcGen) required(names []string, zeroResult string) {
	if len(names) == 0 {
		return
	}
	g := s.g
	g.p("var missing []string")
	for _, name := range names {
		g.p("if !result.Has%s { missing = append(missing, %q) }", pascal(name), name)
	}
	g.p("if missing != nil { return %s, services.PairRequiredError{Keys: missing} }", zeroResult)
}

func (s *svcGen) genNewParser(n *namespaceDef, kind nsKind) {
	g := s.g
	typ := "pair" + kind.Struct + "New"
	names := append(slices.Clone(n.New.Required), n.New.Optional...)
	g.p("// %s holds the parsed pairs of New%s.", typ, kind.Iface)
	g.p("type %s struct {", typ)
	g.p("pairs []Pair")
	s.fields(names)
	g.p("Has%s bool", kind.Features)
	g.p("%s %s", kind.Features, kind.Features)
	g.p("Has%s bool", kind.Defaults)
	g.p("%s %s", kind.Defaults, kind.Defaults)
	g.p("}")
	g.p("// parsePair%sNew parses the pairs of New%s: the first occurrence of a key", kind.Struct, kind.Iface)
	g.p("// wins, unknown keys are ignored, enable_<feature> turns on a feature and")
	g.p("// default_<pair> is appended to the default pairs of every op accepting <pair>.")
	g.p("func parsePair%sNew(opts []Pair) (%s, error) {", kind.Struct, typ)
	g.p("result := %s{pairs: opts}", typ)
	g.p("seen := make(map[string]bool, len(opts))")
	g.p("for _, v := range opts {")
	g.p("if seen[v.Key] { continue }")
	g.p("seen[v.Key] = true")
	g.p("switch v.Key {")
	zr := typ + "{}"
	for _, name := range names {
		g.p("case %q:", name)
		s.assign(kind.newOp, name, zr)
	}
	// A whole features struct turns on its features; a whole default pairs
	// struct is merged, op by op, with the default_<pair> pairs.
	g.p("case %q:", kindFeaturesKey(kind))
	g.p("x, ok := v.Value.(%s)", kind.Features)
	g.p("if !ok { return %s, pairTypeMismatch(%q, v, %q) }", zr, kind.newOp, kind.Features)
	g.p("result.Has%s = true", kind.Features)
	if len(n.Features) == 0 {
		g.p("_ = x")
	}
	for _, f := range n.Features {
		g.p("result.%s.%s = result.%s.%s || x.%s", kind.Features, pascal(f.Name), kind.Features, pascal(f.Name), pascal(f.Name))
	}
	g.p("case %q:", kindDefaultsKey(kind))
	g.p("x, ok := v.Value.(%s)", kind.Defaults)
	g.p("if !ok { return %s, pairTypeMismatch(%q, v, %q) }", zr, kind.newOp, kind.Defaults)
	g.p("result.Has%s = true", kind.Defaults)
	for _, op := range n.operations(kind) {
		M := op.method()
		g.p("result.%s.%s = append(result.%s.%s, x.%s...)", kind.Defaults, M, kind.Defaults, M, M)
	}
	// enable_<feature> takes a bool or a string that strconv.ParseBool reads,
	// so pairs built from configuration strings ({"enable_virtual_dir",
	// "true"}) work as they did with go-storage v4's generated services. A
	// false value leaves the feature as it is (go-storage v4 turned it on
	// whatever the value, so "enable_virtual_dir=false" enabled it).
	for _, f := range n.Features {
		g.p("case %q:", "enable_"+f.Name)
		g.p("on, err := featureFlag(%q, v)", kind.newOp)
		g.p("if err != nil { return %s, err }", zr)
		g.p("result.Has%s = true", kind.Features)
		g.p("result.%s.%s = result.%s.%s || on", kind.Features, pascal(f.Name), kind.Features, pascal(f.Name))
	}
	defNames, defOps := n.defaultables(kind, s.table)
	for _, name := range defNames {
		ptyp := s.table[name].Type
		g.p("case %q:", "default_"+name)
		g.p("x, ok := v.Value.(%s)", ptyp)
		g.p("if !ok { return %s, pairTypeMismatch(%q, v, %q) }", zr, kind.newOp, ptyp)
		g.p("result.Has%s = true", kind.Defaults)
		g.p("p := Pair{Key: %q, Value: x}", name)
		for _, op := range defOps[name] {
			M := op.method()
			g.p("result.%s.%s = append(result.%s.%s, p)", kind.Defaults, M, kind.Defaults, M)
		}
	}
	g.p("}")
	g.p("}")
	s.required(n.New.Required, zr)
	g.p("return result, nil")
	g.p("}")
}

func (s *svcGen) genOpParser(n *namespaceDef, kind nsKind, op operation) {
	g := s.g
	M := op.method()
	typ := "pair" + kind.Struct + M
	req, opt := n.opPairs(op.Name)
	names := append(slices.Clone(req), opt...)
	g.p("// %s holds the parsed pairs of %s.", typ, M)
	g.p("type %s struct {", typ)
	g.p("pairs []Pair")
	s.fields(names)
	g.p("}")
	g.p("// parsePair%s%s parses the pairs of %s: the first occurrence of a key wins.", kind.Struct, M, M)
	g.p("func (s *%s) parsePair%s%s(opts []Pair) (%s, error) {", kind.Struct, kind.Struct, M, typ)
	g.p("result := %s{pairs: opts}", typ)
	g.p("for _, v := range opts {")
	g.p("switch v.Key {")
	for _, name := range names {
		g.p("case %q:", name)
		s.assign(op.Name, name, typ+"{}")
	}
	g.p("default:")
	if n.hasFeature("loose_pair") {
		g.p("if s.features.LoosePair { continue }")
	}
	g.p("return %s{}, services.PairUnsupportedError{Pair: v}", typ)
	g.p("}")
	g.p("}")
	s.required(req, typ+"{}")
	g.p("return result, nil")
	g.p("}")
}

// genOp writes the exported operation, its WithContext twin (unless the
// operation is local) and the call of the hand-written implementation.
func (s *svcGen) genOp(n *namespaceDef, kind nsKind, op operation) {
	g := s.g
	M, impl := op.method(), camel(op.Name)
	req, opt := n.opPairs(op.Name)
	if op.Local {
		g.p("// %s %s", M, op.Doc)
		g.p("//")
		g.p("// It accepts %s; pair errors are ignored. It calls s.%s.", pairsDoc(req, opt), impl)
		g.p("func (s *%s) %s(%s) %s {", kind.Struct, M, op.params(false), op.results())
		s.parseOpPairs(kind, M, true)
		s.slashPaths(op)
		g.p("return s.%s(%s)", impl, strings.Join(append(op.args(), "opt"), ", "))
		g.p("}")
		return
	}
	g.p("// %s %s", M, op.Doc)
	g.p("//")
	g.p("// It is %sWithContext with context.Background().", M)
	g.p("func (s *%s) %s(%s) %s {", kind.Struct, M, op.params(false), op.results())
	g.p("return s.%sWithContext(%s)", M, strings.Join(append(append([]string{"context.Background()"}, op.args()...), "pairs..."), ", "))
	g.p("}")
	g.p("// %sWithContext %s", M, op.Doc)
	g.p("//")
	g.p("// It accepts %s. Errors are wrapped by s.formatError; it calls s.%s.", pairsDoc(req, opt), impl)
	g.p("func (s *%s) %sWithContext(%s) %s {", kind.Struct, M, op.params(true), op.results())
	g.p("defer func() {")
	g.p("if err != nil { err = s.formatError(%s) }", strings.Join(formatErrorArgs(kind, op), ", "))
	g.p("}()")
	s.checkMode(n.mode(op))
	s.parseOpPairs(kind, M, false)
	s.slashPaths(op)
	g.p("return s.%s(%s)", impl, strings.Join(append(append([]string{"ctx"}, op.args()...), "opt"), ", "))
	g.p("}")
}

// pairsDoc describes the pairs an operation accepts.
func pairsDoc(req, opt []string) string {
	var parts []string
	if len(req) > 0 {
		parts = append(parts, "required: "+strings.Join(req, ", "))
	}
	if len(opt) > 0 {
		parts = append(parts, "optional: "+strings.Join(opt, ", "))
	}
	if len(parts) == 0 {
		return "no pairs"
	}
	return "pairs " + strings.Join(parts, "; ")
}

// formatErrorArgs are the arguments of the formatError call of op: its name,
// err, and what names the failing object (a bucket for service operations).
func formatErrorArgs(kind nsKind, op operation) []string {
	args := []string{fmt.Sprintf("%q", op.Name), "err"}
	if kind != serviceKind {
		return append(args, op.pathArgs()...)
	}
	if len(op.Params) > 0 && op.Params[0].Name == "name" {
		return append(args, "name")
	}
	return append(args, `""`)
}

// checkMode writes the check that the object handed to an operation has
// mode (a types constant); "" means the operation takes any object.
func (s *svcGen) checkMode(mode string) {
	if mode == "" {
		return
	}
	g := s.g
	g.p("if o == nil || o.Mode&%s == 0 {", mode)
	g.p("var actual ObjectMode")
	g.p("if o != nil { actual = o.Mode }")
	g.p("err = services.ObjectModeInvalidError{Expected: %s, Actual: actual}", mode)
	g.p("return")
	g.p("}")
}

// parseOpPairs writes the parsing of the caller's pairs, followed by the
// storage's default pairs of the operation M, into opt. A local operation
// ignores pair errors; the others return them.
func (s *svcGen) parseOpPairs(kind nsKind, M string, ignoreErr bool) {
	g := s.g
	g.p("pairs = append(pairs[:len(pairs):len(pairs)], s.defaultPairs.%s...)", M)
	if ignoreErr {
		g.p("opt, _ := s.parsePair%s%s(pairs)", kind.Struct, M)
		return
	}
	g.p("var opt pair%s%s", kind.Struct, M)
	g.p("opt, err = s.parsePair%s%s(pairs)", kind.Struct, M)
	g.p("if err != nil { return }")
}

// slashPaths writes the rewrite of backslashes to '/' in the path parameters of op.
func (s *svcGen) slashPaths(op operation) {
	for _, p := range op.Params {
		if p.Type == "string" && pathParams[p.Name] {
			s.g.p("%s = strings.ReplaceAll(%s, \"\\\\\", \"/\")", p.Name, p.Name)
		}
	}
}

// qualifiers returns the identifiers X used as X.Y (and not as a.X.Y) in Go
// source, ignoring strings and comments: the packages the code uses.
func qualifiers(src string) map[string]bool {
	fset := token.NewFileSet()
	file := fset.AddFile("generated.go", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), nil, 0)
	used := map[string]bool{}
	var prev, prev2 token.Token
	var prevLit string
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			return used
		}
		if tok == token.PERIOD && prev == token.IDENT && prev2 != token.PERIOD {
			used[prevLit] = true
		}
		prev2, prev, prevLit = prev, tok, lit
	}
}
