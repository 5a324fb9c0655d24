// Package credential parses and builds the credential strings of services:
// "<protocol>:<value>[:<value>]", e.g. "hmac:<access_key>:<secret_key>".
package credential

import (
	"errors"
	"fmt"
	"strings"
)

// The credential protocols.
const (
	// ProtocolHmac is "hmac:<access_key>:<secret_key>".
	ProtocolHmac = "hmac"
	// ProtocolAPIKey is "apikey:<key>".
	ProtocolAPIKey = "apikey"
	// ProtocolFile is "file:<path>": the service reads its credential from a file.
	ProtocolFile = "file"
	// ProtocolEnv is "env": the service reads its credential from environment variables.
	ProtocolEnv = "env"
	// ProtocolBase64 is "base64:<data>", e.g. the content of a token file.
	ProtocolBase64 = "base64"
)

var (
	// ErrUnsupportedProtocol means the protocol is none of the Protocol* constants.
	ErrUnsupportedProtocol = errors.New("unsupported protocol")
	// ErrInvalidValue means the values do not fit the protocol.
	ErrInvalidValue = errors.New("invalid value")
)

// Provider is a parsed credential: a protocol and its values.
type Provider struct {
	protocol string
	args     []string
}

// Protocol returns the protocol of the credential.
func (p Provider) Protocol() string { return p.protocol }

// Value returns the values of the credential.
func (p Provider) Value() []string { return p.args }

// String returns "<protocol>" when there are no values, else
// "<protocol>:<values joined by ':'>". It contains the secrets: never log it.
func (p Provider) String() string {
	if len(p.args) == 0 {
		return p.protocol
	}
	return p.protocol + ":" + strings.Join(p.args, ":")
}

// Hmac returns the access and secret keys. It panics with an Error wrapping
// ErrInvalidValue if the protocol is not hmac.
func (p Provider) Hmac() (accessKey, secretKey string) {
	if p.protocol != ProtocolHmac || len(p.args) < 2 {
		panic(Error{Op: "hmac", Err: ErrInvalidValue, Protocol: p.protocol, Values: p.args})
	}
	return p.args[0], p.args[1]
}

// APIKey returns the API key. It panics with an Error wrapping
// ErrInvalidValue if the protocol is not apikey.
func (p Provider) APIKey() (apiKey string) {
	if p.protocol != ProtocolAPIKey || len(p.args) < 1 {
		panic(Error{Op: "api_key", Err: ErrInvalidValue, Protocol: p.protocol, Values: p.args})
	}
	return p.args[0]
}

// File returns the path of the credential file. It panics with an Error
// wrapping ErrInvalidValue if the protocol is not file.
func (p Provider) File() (path string) {
	if p.protocol != ProtocolFile || len(p.args) < 1 {
		panic(Error{Op: "file", Err: ErrInvalidValue, Protocol: p.protocol, Values: p.args})
	}
	return p.args[0]
}

// Base64 returns the base64 data. It panics with an Error wrapping
// ErrInvalidValue if the protocol is not base64.
func (p Provider) Base64() (value string) {
	if p.protocol != ProtocolBase64 || len(p.args) < 1 {
		panic(Error{Op: "base64", Err: ErrInvalidValue, Protocol: p.protocol, Values: p.args})
	}
	return p.args[0]
}

// Parse parses "<protocol>:<values>" split on every ':'. hmac takes two values,
// apikey, file and base64 one, env none; extra fields are ignored (so a value
// cannot contain ':'). An unknown protocol gives *Error wrapping
// ErrUnsupportedProtocol; missing or empty values give *Error wrapping
// ErrInvalidValue (go-storage panics there instead).
func Parse(cfg string) (Provider, error) {
	s := strings.Split(cfg, ":")
	need := map[string]int{ProtocolHmac: 2, ProtocolAPIKey: 1, ProtocolFile: 1, ProtocolBase64: 1, ProtocolEnv: 0}
	n, ok := need[s[0]]
	if !ok {
		return Provider{}, &Error{Op: "parse", Err: ErrUnsupportedProtocol, Protocol: s[0]}
	}
	if n == 0 {
		return NewEnv(), nil
	}
	if len(s) < n+1 {
		return Provider{}, &Error{Op: "parse", Err: fmt.Errorf("%w: %s needs %d values, got %d", ErrInvalidValue, s[0], n, len(s)-1), Protocol: s[0], Values: s[1:]}
	}
	args := s[1 : n+1]
	for i, a := range args {
		if a == "" {
			return Provider{}, &Error{Op: "parse", Err: fmt.Errorf("%w: %s value %d is empty", ErrInvalidValue, s[0], i+1), Protocol: s[0], Values: args}
		}
	}
	return Provider{protocol: s[0], args: append([]string(nil), args...)}, nil
}

// NewHmac returns an hmac credential.
func NewHmac(accessKey, secretKey string) Provider {
	return Provider{protocol: ProtocolHmac, args: []string{accessKey, secretKey}}
}

// NewAPIKey returns an apikey credential.
func NewAPIKey(apiKey string) Provider {
	return Provider{protocol: ProtocolAPIKey, args: []string{apiKey}}
}

// NewFile returns a file credential.
func NewFile(filePath string) Provider {
	return Provider{protocol: ProtocolFile, args: []string{filePath}}
}

// NewEnv returns an env credential; it has no values.
func NewEnv() Provider {
	return Provider{protocol: ProtocolEnv}
}

// NewBase64 returns a base64 credential.
func NewBase64(value string) Provider {
	return Provider{protocol: ProtocolBase64, args: []string{value}}
}

// Error is an error about a credential.
type Error struct {
	Op       string   // the operation, e.g. "parse"
	Err      error    // the cause, e.g. ErrUnsupportedProtocol or ErrInvalidValue
	Protocol string   // the protocol field of the input
	Values   []string // the fields after the protocol (secrets are masked in Error)
}

// Error returns "<Op>: <Protocol>: <Err>" when Values is nil, else
// "<Op>: <Protocol>, <Values>: <Err>". Unlike go-storage, values that may be
// secret are masked: an hmac credential shows its access key only, apikey and
// base64 show nothing; file paths are shown.
func (e Error) Error() string {
	if e.Values == nil {
		return fmt.Sprintf("%s: %s: %v", e.Op, e.Protocol, e.Err)
	}
	return fmt.Sprintf("%s: %s, %v: %v", e.Op, e.Protocol, masked(e.Protocol, e.Values), e.Err)
}

// Unwrap returns Err.
func (e Error) Unwrap() error { return e.Err }

// masked returns the values with every possibly secret one replaced by "***".
func masked(protocol string, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		switch {
		case protocol == ProtocolFile, protocol == ProtocolHmac && i == 0:
			out[i] = v
		default:
			out[i] = "***"
		}
	}
	return out
}
