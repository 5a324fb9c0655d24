package main

import (
	"bytes"
	"go/format"
	"strings"
	"testing"
)

func TestPascal(t *testing.T) {
	cases := map[string]string{
		"multipart_id": "MultipartID", "query_sign_http_read": "QuerySignHTTPRead", "content_md5": "ContentMd5",
		"http_client_options": "HTTPClientOptions", "disable_uri_cleaning": "DisableURICleaning",
		"append-offset": "AppendOffset", "etag": "Etag",
	}
	for in, want := range cases {
		if got := pascal(in); got != want {
			t.Errorf("pascal(%q) = %q, want %q", in, got, want)
		}
	}
	if camel("query_sign_http_read") != "querySignHTTPRead" || camel("create_dir") != "createDir" || camel("multipart_id") != "multipartID" {
		t.Fatalf("camel: %q %q", camel("query_sign_http_read"), camel("create_dir"))
	}
}

const minimal = `{"name": "x", "storage": {}}`

func TestDefinitionErrors(t *testing.T) {
	cases := map[string]string{
		`{"name": "x"}`:                            "storage namespace is required",
		`{"name": "X", "storage": {}}`:             "lower-case identifier",
		`{"name": "x", "storage": {}, "bogus": 1}`: "unknown field",
		`{"name": "x", "pairs": [{"name": "size", "type": "int64"}], "storage": {}}`:                               "already a global pair",
		`{"name": "x", "pairs": [{"name": "a"}], "storage": {}}`:                                                   "type missing",
		`{"name": "x", "pairs": [{"name": "enable_a", "type": "bool"}], "storage": {}}`:                            "generated",
		`{"name": "x", "storage": {"implement": ["Servicer"]}}`:                                                    "not an optional storage interface",
		`{"name": "x", "storage": {"implement": ["Nope"]}}`:                                                        "not an optional storage interface",
		`{"name": "x", "storage": {"ops": {"copy": {}}}}`:                                                          "not an operation",
		`{"name": "x", "storage": {"ops": {"read": {"optional": ["nope"]}}}}`:                                      "unknown pair",
		`{"name": "x", "storage": {"ops": {"read": {"optional": ["size", "size"]}}}}`:                              "listed twice",
		`{"name": "x", "storage": {"new": {"optional": ["storage_features"]}}}`:                                    "always accepted",
		`{"name": "x", "storage": {"implement": ["Appender"], "ops": {"write_append": {"object_mode": "weird"}}}}`: "unknown object_mode",
		`{"name": "x", "storage": {"features": [{"name": "A b"}]}}`:                                                "feature",
	}
	for in, want := range cases {
		_, err := parseServiceDef([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
	if _, err := parseServiceDef([]byte(minimal)); err != nil {
		t.Fatal(err)
	}
}

func TestServiceGenerationIsDeterministicAndFormats(t *testing.T) {
	def := `{"name": "x", "pairs": [{"name": "storage_class", "type": "string", "defaultable": true},
		{"name": "flag", "type": "bool"}],
		"storage": {"features": [{"name": "virtual_dir"}, {"name": "loose_pair"}],
		"implement": ["Multiparter", "MultipartHTTPSigner"],
		"ops": {"write": {"optional": ["storage_class", "io_callback", "content_type"]},
			"write_multipart": {"optional": ["io_callback"]}, "list_multipart": {"object_mode": "none"}}}}`
	d, err := parseServiceDef([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i := 0; i < 5; i++ {
		src, err := genService(d, "x")
		if err != nil {
			t.Fatal(err)
		}
		out, err := format.Source(src)
		if err != nil {
			t.Fatalf("generated code does not parse: %v", err)
		}
		if first == nil {
			first = out
		} else if !bytes.Equal(first, out) {
			t.Fatal("generation is not deterministic")
		}
	}
	s := string(first)
	for _, want := range []string{
		`func WithFlag() Pair { return Pair{Key: "flag", Value: true} }`,
		`func WithDefaultStorageClass(v string) Pair`,
		`func WithEnableVirtualDir() Pair`,
		`result.DefaultStoragePairs.WriteMultipart = append(result.DefaultStoragePairs.WriteMultipart, p)`,
		`if s.features.LoosePair {`,
		`o.Mode&ModePart == 0`,
		`return s.querySignHTTPWriteMultipart(ctx, o, size, index, expire, opt)`,
		`var _ MultipartHTTPSigner = &Storage{}`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("generated code lacks %q", want)
		}
	}
	// list_multipart's mode check was disabled: exactly the three other part ops of
	// Multiparter plus three of MultipartHTTPSigner check it.
	if n := strings.Count(s, "o.Mode&ModePart == 0"); n != 5 {
		t.Errorf("%d part-mode checks, want 5", n)
	}
	if strings.Contains(s, "ServiceFeatures") {
		t.Error("service code generated without a service namespace")
	}
}

func TestQualifiers(t *testing.T) {
	got := qualifiers("package x\nvar m = map[string]string{\"a\": \"time.Duration\"} // io.Reader\nfunc f() { _ = s.x.y; fmt.Println(strings.ToLower(\"\")) }\n")
	for _, want := range []string{"fmt", "strings", "s"} {
		if !got[want] {
			t.Errorf("%s not found", want)
		}
	}
	for _, not := range []string{"time", "io", "x"} {
		if got[not] {
			t.Errorf("%s found", not)
		}
	}
}
