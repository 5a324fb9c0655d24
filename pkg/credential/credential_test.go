package credential

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in       string
		protocol string
		values   []string
	}{
		{"hmac:ak:sk", ProtocolHmac, []string{"ak", "sk"}},
		{"hmac:ak:sk:extra", ProtocolHmac, []string{"ak", "sk"}},
		{"apikey:k", ProtocolAPIKey, []string{"k"}},
		{"file:/etc/cred", ProtocolFile, []string{"/etc/cred"}},
		{"base64:QUJD", ProtocolBase64, []string{"QUJD"}},
		{"env", ProtocolEnv, nil},
		{"env:ignored", ProtocolEnv, nil},
	}
	for _, c := range cases {
		p, err := Parse(c.in)
		if err != nil || p.Protocol() != c.protocol || !reflect.DeepEqual(p.Value(), c.values) {
			t.Errorf("Parse(%q) = %v %v, %v", c.in, p.Protocol(), p.Value(), err)
		}
	}
	p, _ := Parse("hmac:ak:sk")
	if ak, sk := p.Hmac(); ak != "ak" || sk != "sk" || p.String() != "hmac:ak:sk" {
		t.Fatal("hmac accessors")
	}
	if NewEnv().String() != "env" || NewAPIKey("k").APIKey() != "k" || NewFile("/f").File() != "/f" || NewBase64("b").Base64() != "b" {
		t.Fatal("constructors")
	}
	if !reflect.DeepEqual(NewHmac("ak", "sk"), p) {
		t.Fatal("NewHmac")
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{"", ErrUnsupportedProtocol},
		{"ftp:x", ErrUnsupportedProtocol},
		{"HMAC:a:b", ErrUnsupportedProtocol},
		{"hmac:onlyone", ErrInvalidValue},
		{"hmac", ErrInvalidValue},
		{"hmac::sk", ErrInvalidValue},
		{"apikey", ErrInvalidValue},
		{"file:", ErrInvalidValue},
		{"base64", ErrInvalidValue},
	}
	for _, c := range cases {
		p, err := Parse(c.in)
		var e *Error
		if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Op != "parse" || p.Protocol() != "" {
			t.Errorf("Parse(%q) = %v, %v", c.in, p, err)
		}
	}
	_, err := Parse("ftp:x")
	if err.Error() != "parse: ftp: unsupported protocol" {
		t.Fatalf("message %q", err.Error())
	}
}

func TestErrorsHideSecrets(t *testing.T) {
	_, err := Parse("hmac:AK:")
	if err == nil || strings.Contains(err.Error(), "SK") || !strings.Contains(err.Error(), "AK") {
		t.Fatalf("err = %v", err)
	}
	defer func() {
		r := recover()
		e, ok := r.(Error)
		if !ok || e.Op != "api_key" || !errors.Is(e, ErrInvalidValue) || strings.Contains(e.Error(), "TOPSECRET") {
			t.Fatalf("panic %v", r)
		}
	}()
	NewHmac("AK", "TOPSECRET").APIKey()
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"hmac:ak:sk", "hmac:onlyone", "apikey:k", "env", "file:/x", "base64:QQ", "", ":", "hmac:::", "x:y:z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (!errors.Is(err, ErrUnsupportedProtocol) && !errors.Is(err, ErrInvalidValue)) {
				t.Fatalf("Parse(%q): untyped error %v", s, err)
			}
			if p.Protocol() != "" {
				t.Fatalf("Parse(%q): provider with an error", s)
			}
			return
		}
		// A parsed credential round-trips through its String form.
		q, err := Parse(p.String())
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip of %q: %v %v", s, q, err)
		}
	})
}
