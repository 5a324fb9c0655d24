package main

import (
	"fmt"
	"strings"
)

// genTypes writes the generated part of package types.
func genTypes(path string) error {
	g := &printer{}
	g.header("types", "types")
	g.p("import (")
	for _, imp := range []string{"context", "io", "net/http", "sync", "time"} {
		g.p("%q", imp)
	}
	g.p(")")
	genObject(g)
	genStorageMeta(g)
	for _, it := range interfaces {
		genInterface(g, it)
		genStub(g, it)
	}
	for _, k := range []struct{ kind, item string }{
		{"Object", "*Object"}, {"Part", "*Part"}, {"Block", "*Block"}, {"Storager", "Storager"},
	} {
		genIterator(g, k.kind, k.item)
	}
	return g.write(path)
}

func genObject(g *printer) {
	g.p(`// Object is one object of a storage. Build it with NewObject; it must not be
// copied (it holds a sync.Once), so use *Object everywhere.
//
// The exported fields and their accessors never stat. The optional fields are
// reached through GetX (value and whether it is set), MustGetX (value, or a
// panic "object <name> is not set") and SetX (chainable). For an object built
// with NewObject(client, false), the first GetX or MustGetX runs
// client.Stat(o.Path) once and, on success, replaces every field by the result.
type Object struct {
	// ID is the unique key of the object in its storage: an absolute path or a service id.
	ID string
	// Mode is the set of modes of the object.
	Mode ObjectMode
	// Path is the path of the object as the user gave it, '/'-separated, relative to the work dir or absolute.
	Path string

	// attrs are the optional fields, each knowing whether it was set.
	attrs objectAttrs
	// client stats the object when an optional field is first read.
	client Storager
	// lazy guards that stat: it runs at most once (never for a complete object).
	lazy sync.Once
}
`)
	for _, f := range []struct{ name, typ, doc string }{
		{"ID", "string", "the unique key of the object in its storage"},
		{"Path", "string", "the path of the object as the user gave it"},
		{"Mode", "ObjectMode", "the modes of the object"},
	} {
		g.p("// Get%s returns %s; it never stats.", f.name, f.doc)
		g.p("func (o *Object) Get%s() %s { return o.%s }", f.name, f.typ, f.name)
		g.p("// Set%s sets %s and returns o; it never stats.", f.name, f.doc)
		g.p("func (o *Object) Set%s(v %s) *Object { o.%s = v; return o }", f.name, f.typ, f.name)
	}
	genAttrs(g, attrOwner{typ: "Object", recv: "o", attrs: "objectAttrs", subject: "object", lazy: true}, objectFields)
}

func genStorageMeta(g *printer) {
	g.p(`// StorageMeta is the metadata of a storage: its name, work dir and limits.
// Optional fields follow the Object pattern (GetX, MustGetX, SetX) but never stat.
type StorageMeta struct {
	// Name is the name of the storage (bucket).
	Name string
	// WorkDir is the absolute work dir of the storage, e.g. "/" or "/prefix/".
	WorkDir string

	// attrs are the optional fields, each knowing whether it was set.
	attrs storageMetaAttrs
}
`)
	for _, f := range []struct{ name, doc string }{
		{"Name", "the name of the storage"}, {"WorkDir", "the absolute work dir of the storage"},
	} {
		g.p("// Get%s returns %s.", f.name, f.doc)
		g.p("func (m *StorageMeta) Get%s() string { return m.%s }", f.name, f.name)
		g.p("// Set%s sets %s and returns m.", f.name, f.doc)
		g.p("func (m *StorageMeta) Set%s(v string) *StorageMeta { m.%s = v; return m }", f.name, f.name)
	}
	genAttrs(g, attrOwner{typ: "StorageMeta", recv: "m", attrs: "storageMetaAttrs", subject: "storage-meta"}, storageMetaFields)
}

// attrOwner describes a type with optional fields: Object or StorageMeta.
type attrOwner struct {
	typ, recv string
	attrs     string // the struct type holding the optional fields
	subject   string // names the owner in the "<subject> <field> is not set" panic
	lazy      bool   // reading a field stats the owner first
}

// genAttrs writes the struct of the optional fields of ow (each an
// optional[T], see types/optional.go) and their GetX, MustGetX and SetX.
func genAttrs(g *printer, ow attrOwner, fields []infoField) {
	g.p("// %s are the optional fields of %s.", ow.attrs, ow.typ)
	g.p("type %s struct {", ow.attrs)
	for _, f := range fields {
		g.p("%s optional[%s]", camel(f.Name), f.Type)
	}
	g.p("}")
	stat, statDoc := "", ""
	if ow.lazy {
		stat, statDoc = ow.recv+".stat()", "\n// It stats the object first if it is not done yet."
	}
	for _, f := range fields {
		P, attr := pascal(f.Name), ow.recv+".attrs."+camel(f.Name)
		g.p("// Get%s returns the %s, which %s, and whether it is set.%s", P, f.Name, f.Doc, statDoc)
		g.p("func (%s *%s) Get%s() (%s, bool) {\n%s\nreturn %s.get()\n}", ow.recv, ow.typ, P, f.Type, stat, attr)
		g.p("// MustGet%s returns the %s, which %s, or panics with", P, f.Name, f.Doc)
		g.p("// \"%s %s is not set\".%s", ow.subject, f.Name, strings.TrimPrefix(statDoc, "\n//"))
		g.p("func (%s *%s) MustGet%s() %s {\n%s\nreturn %s.must(%q)\n}", ow.recv, ow.typ, P, f.Type, stat, attr, ow.subject+" "+f.Name+" is not set")
		g.p("// Set%s sets the %s, marks it set and returns %s%s.", P, f.Name, ow.recv, map[bool]string{true: "; it never stats"}[ow.lazy])
		g.p("func (%s *%s) Set%s(v %s) *%s {\n%s.put(v)\nreturn %s\n}", ow.recv, ow.typ, P, f.Type, ow.typ, attr, ow.recv)
	}
}

func genInterface(g *printer, it iface) {
	g.p("// %s", it.Doc)
	g.p("//")
	g.p("// Implementations outside this package must embed Unimplemented%s.", it.Name)
	g.p("type %s interface {", it.Name)
	if it.HasString {
		g.p("// String returns a human-readable description of the %s.", strings.ToLower(it.Name))
		g.p("String() string")
	}
	for _, op := range it.Ops {
		M := op.method()
		g.p("// %s %s", M, op.Doc)
		g.p("%s(%s) %s", M, op.params(false), op.results())
		if !op.Local {
			g.p("// %sWithContext %s", M, op.Doc)
			g.p("%sWithContext(%s) %s", M, op.params(true), op.results())
		}
	}
	g.p("")
	g.p("mustEmbedUnimplemented%s()", it.Name)
	g.p("}")
}

func genStub(g *printer, it iface) {
	n := "Unimplemented" + it.Name
	g.p("// %s implements every method of %s by returning zero values and an", n, it.Name)
	g.p("// OperationError wrapping ErrNotImplemented. Embed it in every %s.", it.Name)
	g.p("type %s struct{}", n)
	g.p("func (s %s) mustEmbed%s() {}", n, n)
	g.p("// String returns %q.", n)
	g.p("func (s %s) String() string { return %q }", n, n)
	for _, op := range it.Ops {
		M := op.method()
		body := fmt.Sprintf("err = NewOperationNotImplementedError(%q)\nreturn", op.Name)
		if op.Local {
			body = "return"
		}
		g.p("// %s returns zero values%s.", M, map[bool]string{false: " and an error wrapping ErrNotImplemented", true: ""}[op.Local])
		g.p("func (s %s) %s(%s) %s {\n%s\n}", n, M, op.params(false), op.results(), body)
		if !op.Local {
			g.p("// %sWithContext returns zero values and an error wrapping ErrNotImplemented.", M)
			g.p("func (s %s) %sWithContext(%s) %s {\n%s\n}", n, M, op.params(true), op.results(), body)
		}
	}
}

func genIterator(g *printer, kind, item string) {
	g.p(`// Next%[1]sFunc fetches the next page into page: nil means more pages may
// follow, IterateDone (or an error wrapping it) means this is the last page.
type Next%[1]sFunc func(ctx context.Context, page *%[1]sPage) error

// %[1]sPage is one page of a %[1]sIterator; Status holds the service's cursor.
type %[1]sPage struct {
	// Status is the service's pagination cursor, given to New%[1]sIterator.
	Status Continuable
	// Data holds the items of the current page; the iterator empties it before
	// each call of the next function.
	Data []%[2]s
}

// %[1]sIterator hands out the items of the pages fetched by its next function.
type %[1]sIterator struct {
	// fetch fills page with the following page (the next function bound to its context).
	fetch func(page *%[1]sPage) error
	// page is the page last fetched; its Status is the service's cursor.
	page %[1]sPage
	// unread are the items of page not handed out yet.
	unread []%[2]s
	// final is set once the next function reported the last page.
	final bool
}

// New%[1]sIterator returns an iterator calling next with ctx and a page whose
// Status is status.
func New%[1]sIterator(ctx context.Context, next Next%[1]sFunc, status Continuable) *%[1]sIterator {
	fetch := func(page *%[1]sPage) error { return next(ctx, page) }
	return &%[1]sIterator{fetch: fetch, page: %[1]sPage{Status: status}}
}

// ContinuationToken returns the continuation token of the page status, or ""
// when the iterator was made without one.
func (it *%[1]sIterator) ContinuationToken() string {
	return continuationToken(it.page.Status)
}

// Next returns the next item. At the end it returns (nil, IterateDone), the
// unwrapped sentinel; a failing next function gives an error wrapping it.
func (it *%[1]sIterator) Next() (object %[2]s, err error) {
	if len(it.unread) == 0 {
		if it.final {
			return nil, IterateDone
		}
		it.page.Data = it.page.Data[:0]
		it.final, err = pageEnd(it.fetch(&it.page))
		it.unread = it.page.Data // a failed fetch may still have delivered items
		if err != nil {
			return nil, err
		}
		if len(it.unread) == 0 {
			return nil, IterateDone
		}
	}
	object, it.unread = it.unread[0], it.unread[1:]
	return object, nil
}
`, kind, item)
}

// genPairs writes the generated part of package pairs.
func genPairs(path string) error {
	g := &printer{}
	g.header("pairs", "pairs")
	g.p("import (")
	for _, imp := range []string{"context", "time", "github.com/qsgo/qsgo/pkg/httpclient", ". github.com/qsgo/qsgo/types"} {
		if strings.HasPrefix(imp, ". ") {
			g.p(". %q", imp[2:])
			continue
		}
		g.p("%q", imp)
	}
	g.p(")")
	g.p("var (")
	g.p("_ context.Context")
	g.p("_ time.Duration")
	g.p("_ *httpclient.Options")
	g.p(")")
	for _, pd := range globalPairs {
		writePairFunc(g, pd.Name, pd.Type, pd.Description, "Pair")
		if pd.Defaultable {
			writePairFunc(g, "default_"+pd.Name, pd.Type, "is the default "+pd.Name+" of every operation accepting "+pd.Name, "Pair")
		}
	}
	return g.write(path)
}

// writePairFunc writes With<Pascal>(v T) returning Pair{Key: name, Value: v}.
func writePairFunc(g *printer, name, typ, desc, pairType string) {
	P := pascal(name)
	g.p("// With%s returns the pair %q with value v.", P, name)
	g.p("//")
	g.p("// %s %s.", P, desc)
	g.p("func With%s(v %s) (p %s) {", P, typ, pairType)
	g.p("return %s{Key: %q, Value: v}", pairType, name)
	g.p("}")
}
