// Package endpoint parses and builds endpoint strings:
// "<protocol>:<host>[:<port>]", e.g. "https:qingstor.com:443".
//
// Deprecated: go-storage moved endpoints to github.com/beyondstorage/go-endpoint;
// this package is kept for compatibility with go-storage v4.
package endpoint

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

const (
	// ProtocolHTTPS is the https protocol, default port 443.
	//
	// Deprecated: see the package documentation.
	ProtocolHTTPS = "https"
	// ProtocolHTTP is the http protocol, default port 80.
	//
	// Deprecated: see the package documentation.
	ProtocolHTTP = "http"
)

var (
	// ErrUnsupportedProtocol means the protocol is neither http nor https.
	//
	// Deprecated: see the package documentation.
	ErrUnsupportedProtocol = errors.New("unsupported protocol")
	// ErrInvalidValue means the endpoint does not fit the grammar.
	//
	// Deprecated: see the package documentation.
	ErrInvalidValue = errors.New("invalid value")
)

// Value is a parsed endpoint.
//
// Deprecated: see the package documentation.
type Value struct {
	Protocol string // "http" or "https"
	Host     string // host name or IP address, without port
	Port     int    // TCP port; Parse fills in 80 or 443 when it is absent or 0
}

// String returns "<protocol>://<host>" when Port is the default of the
// protocol (80 for http, 443 for https), else "<protocol>://<host>:<port>".
func (v Value) String() string {
	if (v.Protocol == ProtocolHTTP && v.Port == 80) || (v.Protocol == ProtocolHTTPS && v.Port == 443) {
		return fmt.Sprintf("%s://%s", v.Protocol, v.Host)
	}
	return fmt.Sprintf("%s://%s:%d", v.Protocol, v.Host, v.Port)
}

// Parse parses "<protocol>:<host>[:<port>]", split on every ':' (fields after
// the port are ignored). A missing or 0 port is the protocol default. Errors
// are *Error: fewer than two fields or an empty host wrap ErrInvalidValue, as does a
// host containing '/' (a URL such as https://host); a port that is not a base-10 integer wraps the strconv error (errors.Is
// strconv.ErrSyntax or strconv.ErrRange); a port outside 0..65535 wraps
// ErrInvalidValue; a protocol other than http and https wraps
// ErrUnsupportedProtocol.
//
// Deprecated: see the package documentation.
func Parse(cfg string) (p Value, err error) {
	s := strings.Split(cfg, ":")
	if len(s) < 2 {
		return Value{}, &Error{Op: "parse", Err: ErrInvalidValue, Protocol: s[0]}
	}
	fail := func(err error) (Value, error) {
		return Value{}, &Error{Op: "parse", Err: err, Protocol: s[0], Values: s[1:]}
	}
	var port int
	if len(s) >= 3 {
		x, err := strconv.ParseInt(s[2], 10, 64)
		if err != nil {
			return fail(err)
		}
		if x < 0 || x > 65535 {
			return fail(fmt.Errorf("%w: port %d out of range", ErrInvalidValue, x))
		}
		port = int(x)
	}
	if s[1] == "" {
		return fail(fmt.Errorf("%w: empty host", ErrInvalidValue))
	}
	// Deliberate divergence: go-storage accepts "https://host" with host
	// "//host", which can never work; reject it with a clear error instead.
	if strings.ContainsAny(s[1], "/?#@ ") {
		return fail(fmt.Errorf("%w: host %q is not a host name (write <protocol>:<host>[:<port>], not a URL)", ErrInvalidValue, s[1]))
	}
	switch s[0] {
	case ProtocolHTTPS:
		return NewHTTPS(s[1], port), nil
	case ProtocolHTTP:
		return NewHTTP(s[1], port), nil
	default:
		return fail(ErrUnsupportedProtocol)
	}
}

// NewHTTPS returns an https endpoint; port 0 means 443.
//
// Deprecated: see the package documentation.
func NewHTTPS(host string, port int) Value {
	if port == 0 {
		port = 443
	}
	return Value{Protocol: ProtocolHTTPS, Host: host, Port: port}
}

// NewHTTP returns an http endpoint; port 0 means 80.
//
// Deprecated: see the package documentation.
func NewHTTP(host string, port int) Value {
	if port == 0 {
		port = 80
	}
	return Value{Protocol: ProtocolHTTP, Host: host, Port: port}
}

// Error is an error about an endpoint.
//
// Deprecated: see the package documentation.
type Error struct {
	Op       string   // the operation, e.g. "parse"
	Err      error    // the cause, e.g. ErrUnsupportedProtocol or a strconv error
	Protocol string   // the protocol field of the input
	Values   []string // the fields after the protocol
}

// Error returns "<Op>: <Protocol>: <Err>" when Values is nil, else
// "<Op>: <Protocol>, <Values>: <Err>".
func (e *Error) Error() string {
	if e.Values == nil {
		return fmt.Sprintf("%s: %s: %v", e.Op, e.Protocol, e.Err)
	}
	return fmt.Sprintf("%s: %s, %v: %v", e.Op, e.Protocol, e.Values, e.Err)
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }
