package services

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/qsgo/qsgo/types"
)

// NewServicerFromString returns the Servicer described by the connection string
// connStr, with ps appended after the pairs of the string:
//
//	<type>://[<name>][<work_dir>][?<key>[=<value>]{&<key>[=<value>]}]
//
// A malformed string gives an InitError{Op: "new_servicer"} wrapping
// ErrConnectionStringInvalid (or ErrServiceNotRegistered for an unknown type).
// See NewStoragerFromString for the grammar.
func NewServicerFromString(connStr string, ps ...types.Pair) (types.Servicer, error) {
	ty, parsed, err := parseConnectionString(connStr)
	if err != nil {
		return nil, InitError{Op: "new_servicer", Type: ty, Err: err, Pairs: ps}
	}
	return NewServicer(ty, append(parsed, ps...)...)
}

// NewStoragerFromString returns the Storager described by the connection string
// connStr, with ps appended after the pairs of the string:
//
//	<type>://[<name>][<work_dir>][?<key>[=<value>]{&<key>[=<value>]}]
//
// The location part is the name up to the first '/', and the work dir from it
// on ("bucket/tmp/" gives name "bucket", work_dir "/tmp/"; "/tmp/" gives only
// the work dir). Query values are taken literally (no unescaping); a key
// without '=' has the value "true". Every key must be in the schema the service
// registered and its value is converted to the schema type (bool, int, int64,
// uint64, []byte as unpadded standard base64, time.Duration as nanoseconds).
// Since operations keep the first occurrence of a key, values of the string
// win over ps.
//
// A malformed string gives an InitError{Op: "new_storager"} wrapping
// ErrConnectionStringInvalid (or ErrServiceNotRegistered for an unknown type).
func NewStoragerFromString(connStr string, ps ...types.Pair) (types.Storager, error) {
	ty, parsed, err := parseConnectionString(connStr)
	if err != nil {
		return nil, InitError{Op: "new_storager", Type: ty, Err: err, Pairs: ps}
	}
	return NewStorager(ty, append(parsed, ps...)...)
}

// invalid wraps cause into ErrConnectionStringInvalid.
func invalid(cause error) error {
	return fmt.Errorf("%w: %v", ErrConnectionStringInvalid, cause)
}

// parseConnectionString returns the type of connStr and its pairs, in order:
// name, work_dir, then the query pairs in textual order.
func parseConnectionString(connStr string) (ty string, ps []types.Pair, err error) {
	colon := strings.IndexByte(connStr, ':')
	if colon < 0 {
		return "", nil, invalid(errors.New("service type missing"))
	}
	ty, rest := connStr[:colon], connStr[colon+1:]
	sch, ok := schema(ty)
	if !ok {
		return ty, nil, ErrServiceNotRegistered
	}
	if !strings.HasPrefix(rest, "//") {
		return ty, nil, invalid(errors.New("// missing after the service type"))
	}
	rest = rest[2:]
	location, query, _ := strings.Cut(rest, "?")
	switch slash := strings.IndexByte(location, '/'); {
	case location == "":
	case slash < 0:
		ps = append(ps, types.Pair{Key: "name", Value: location})
	case slash == 0:
		ps = append(ps, types.Pair{Key: "work_dir", Value: location})
	default:
		ps = append(ps,
			types.Pair{Key: "name", Value: location[:slash]},
			types.Pair{Key: "work_dir", Value: location[slash:]})
	}
	for _, seg := range strings.Split(query, "&") {
		if seg == "" {
			continue
		}
		key, value, found := strings.Cut(seg, "=")
		if !found {
			value = "true"
		}
		typ, ok := sch[key]
		if !ok {
			return ty, nil, invalid(fmt.Errorf("pair not registered: %s", key))
		}
		v, err := parseValue(typ, value)
		if err != nil {
			return ty, nil, invalid(fmt.Errorf("pair value invalid: %s: %w", key, err))
		}
		ps = append(ps, types.Pair{Key: key, Value: v})
	}
	return ty, ps, nil
}

// errTypeNotParseable means a schema type cannot be given in a connection string.
var errTypeNotParseable = errors.New("type not parseable")

// parseValue converts a connection-string value to the schema type typ.
func parseValue(typ, v string) (interface{}, error) {
	switch typ {
	case "string":
		return v, nil
	case "bool":
		return strconv.ParseBool(v)
	case "int":
		i, err := strconv.ParseInt(v, 0, 0)
		return int(i), err
	case "int64":
		return strconv.ParseInt(v, 0, 64)
	case "uint64":
		return strconv.ParseUint(v, 0, 64)
	case "[]byte":
		return base64.RawStdEncoding.DecodeString(v)
	case "time.Duration":
		i, err := strconv.ParseInt(v, 0, 64)
		return time.Duration(i), err
	default:
		return nil, fmt.Errorf("%w: %s", errTypeNotParseable, typ)
	}
}
