package services

import (
	"maps"
	"sync"

	"github.com/qsgo/qsgo/types"
)

// NewServicerFunc is the constructor of a service's Servicer.
type NewServicerFunc func(ps ...types.Pair) (types.Servicer, error)

// NewStoragerFunc is the constructor of a service's Storager.
type NewStoragerFunc func(ps ...types.Pair) (types.Storager, error)

// registryMu guards the three registries (written only at init, read
// on every construction).
var (
	registryMu  sync.RWMutex
	servicerFns = map[string]NewServicerFunc{}
	storagerFns = map[string]NewStoragerFunc{}
	schemas     = map[string]map[string]string{}
)

// RegisterServicer registers the Servicer constructor of service type ty,
// replacing any earlier one. Services call it from init().
func RegisterServicer(ty string, fn NewServicerFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	servicerFns[ty] = fn
}

// RegisterStorager registers the Storager constructor of service type ty,
// replacing any earlier one. Services call it from init().
func RegisterStorager(ty string, fn NewStoragerFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	storagerFns[ty] = fn
}

// RegisterSchema registers the pairs service type ty accepts in connection
// strings: pair key -> Go type name ("string", "bool", "int", "int64",
// "uint64", "[]byte", "time.Duration"; other types cannot be given in a
// connection string). Services call it from init(). The map is copied.
func RegisterSchema(ty string, m map[string]string) {
	c := maps.Clone(m)
	registryMu.Lock()
	defer registryMu.Unlock()
	schemas[ty] = c
}

// schema returns the registered schema of ty.
func schema(ty string) (map[string]string, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	m, ok := schemas[ty]
	return m, ok
}

// NewServicer returns the Servicer of service type ty built from ps, or an
// InitError wrapping ErrServiceNotRegistered when ty is unknown. Otherwise it
// returns exactly what the registered constructor returns.
func NewServicer(ty string, ps ...types.Pair) (types.Servicer, error) {
	registryMu.RLock()
	fn, ok := servicerFns[ty]
	registryMu.RUnlock()
	if !ok || fn == nil {
		return nil, InitError{Op: "new_servicer", Type: ty, Err: ErrServiceNotRegistered, Pairs: ps}
	}
	return fn(ps...)
}

// NewStorager returns the Storager of service type ty built from ps, or an
// InitError wrapping ErrServiceNotRegistered when ty is unknown. Otherwise it
// returns exactly what the registered constructor returns.
func NewStorager(ty string, ps ...types.Pair) (types.Storager, error) {
	registryMu.RLock()
	fn, ok := storagerFns[ty]
	registryMu.RUnlock()
	if !ok || fn == nil {
		return nil, InitError{Op: "new_storager", Type: ty, Err: ErrServiceNotRegistered, Pairs: ps}
	}
	return fn(ps...)
}
