package endpoint

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := map[string]Value{
		"http:example.com":       {ProtocolHTTP, "example.com", 80},
		"https:h:8443":           {ProtocolHTTPS, "h", 8443},
		"https:h":                {ProtocolHTTPS, "h", 443},
		"http:127.0.0.1:0":       {ProtocolHTTP, "127.0.0.1", 80},
		"http:127.0.0.1:9000:xx": {ProtocolHTTP, "127.0.0.1", 9000},
	}
	for in, want := range cases {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v", in, got, err)
		}
	}
	if s := (Value{ProtocolHTTPS, "h", 443}).String(); s != "https://h" {
		t.Fatal(s)
	}
	if s := (Value{ProtocolHTTP, "h", 9000}).String(); s != "http://h:9000" {
		t.Fatal(s)
	}
	if s := (Value{ProtocolHTTP, "h", 443}).String(); s != "http://h:443" {
		t.Fatal(s)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]error{
		"":                            ErrInvalidValue,
		"example.com":                 ErrInvalidValue,
		"ftp:h":                       ErrUnsupportedProtocol,
		"http:h:port":                 strconv.ErrSyntax,
		"http:h:99999999999999999999": strconv.ErrRange,
		"http:h:70000":                ErrInvalidValue,
		"http:h:-1":                   ErrInvalidValue,
		"http::80":                    ErrInvalidValue,
		"https://host":                ErrInvalidValue, // URL style: rejected, go-storage would take host "//host"
	}
	for in, want := range cases {
		v, err := Parse(in)
		var e *Error
		if !errors.Is(err, want) {
			t.Errorf("Parse(%q) = %v, want %v", in, err, want)
		}
		if !errors.As(err, &e) || e.Op != "parse" || v != (Value{}) {
			t.Errorf("Parse(%q): %#v", in, err)
		}
	}
	_, err := Parse("ftp:h:21")
	if err.Error() != "parse: ftp, [h 21]: unsupported protocol" {
		t.Fatalf("message %q", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"http:h", "https:h:443", "http:h:abc", "ftp:x", "", "::", "http:h:-5", "https://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Op != "parse" {
				t.Fatalf("Parse(%q): untyped error %v", s, err)
			}
			if !errors.Is(err, ErrInvalidValue) && !errors.Is(err, ErrUnsupportedProtocol) &&
				!errors.Is(err, strconv.ErrSyntax) && !errors.Is(err, strconv.ErrRange) {
				t.Fatalf("Parse(%q): unexpected cause %v", s, err)
			}
			return
		}
		if v.Host == "" || strings.Contains(v.Host, "/") || v.Port <= 0 || v.Port > 65535 || (v.Protocol != ProtocolHTTP && v.Protocol != ProtocolHTTPS) {
			t.Fatalf("Parse(%q) = %+v", s, v)
		}
	})
}
