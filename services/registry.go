package services

import (
	"sync"

	"github.com/qsgo/qsgo/types"
)

// NewServicerFunc is the constructor of a service's Servicer.
type NewServicerFunc func(ps ...types.Pair) (types.Servicer, error)

// NewStoragerFunc is the constructor of a service's Storager.
type NewStoragerFunc func(ps ...types.Pair) (types.Storager, error)

var (
	servicerMu  sync.RWMutex
	servicerFns = map[string]NewServicerFunc{}

	storagerMu  sync.RWMutex
	storagerFns = map[string]NewStoragerFunc{}

	schemaMu sync.RWMutex
	schemas  = map[string]map[string]string{}
)

// RegisterServicer registers the Servicer constructor of service type ty,
// replacing any earlier one. Services call it from init().
func RegisterServicer(ty string, fn NewServicerFunc) {
	servicerMu.Lock()
	defer servicerMu.Unlock()
	servicerFns[ty] = fn
}

// RegisterStorager registers the Storager constructor of service type ty,
// replacing any earlier one. Services call it from init().
func RegisterStorager(ty string, fn NewStoragerFunc) {
	storagerMu.Lock()
	defer storagerMu.Unlock()
	storagerFns[ty] = fn
}

// RegisterSchema registers the pairs service type ty accepts in connection
// strings: pair key -> Go type name ("string", "bool", "int", "int64",
// "uint64", "[]byte", "time.Duration"; other types cannot be given in a
// connection string). Services call it from init(). The map is copied.
func RegisterSchema(ty string, m map[string]string) {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	schemaMu.Lock()
	defer schemaMu.Unlock()
	schemas[ty] = c
}

// schema returns the registered schema of ty.
func schema(ty string) (map[string]string, bool) {
	schemaMu.RLock()
	defer schemaMu.RUnlock()
	m, ok := schemas[ty]
	return m, ok
}

// NewServicer returns the Servicer of service type ty built from ps, or an
// InitError wrapping ErrServiceNotRegistered when ty is unknown. Otherwise it
// returns exactly what the registered constructor returns.
func NewServicer(ty string, ps ...types.Pair) (types.Servicer, error) {
	servicerMu.RLock()
	fn, ok := servicerFns[ty]
	servicerMu.RUnlock()
	if !ok || fn == nil {
		return nil, InitError{Op: "new_servicer", Type: ty, Err: ErrServiceNotRegistered, Pairs: ps}
	}
	return fn(ps...)
}

// NewStorager returns the Storager of service type ty built from ps, or an
// InitError wrapping ErrServiceNotRegistered when ty is unknown. Otherwise it
// returns exactly what the registered constructor returns.
func NewStorager(ty string, ps ...types.Pair) (types.Storager, error) {
	storagerMu.RLock()
	fn, ok := storagerFns[ty]
	storagerMu.RUnlock()
	if !ok || fn == nil {
		return nil, InitError{Op: "new_storager", Type: ty, Err: ErrServiceNotRegistered, Pairs: ps}
	}
	return fn(ps...)
}
