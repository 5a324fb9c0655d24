package types

// optional is one optional field of Object or StorageMeta: its value and
// whether it was set (a field set to its zero value is set).
type optional[T any] struct {
	value T
	isSet bool
}

// get returns the value and whether it is set.
func (f *optional[T]) get() (T, bool) { return f.value, f.isSet }

// must returns the value, or panics with notSet when it is not set.
func (f *optional[T]) must(notSet string) T {
	if !f.isSet {
		panic(notSet)
	}
	return f.value
}

// put sets the value.
func (f *optional[T]) put(v T) { f.value, f.isSet = v, true }
