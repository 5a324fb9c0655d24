package types

import "fmt"

// Pair is one option of an operation: a key and its value. When a key is given
// several times, operations use the first occurrence.
type Pair struct {
	// Key names the option, e.g. "size" (snake_case).
	Key string
	// Value is the option's value; its dynamic type must be exactly the type
	// the key requires (parsers type-assert it).
	Value interface{}
}

// String formats the pair as "<Key>: <Value>", e.g. "size: 3".
func (p Pair) String() string {
	return fmt.Sprintf("%s: %v", p.Key, p.Value)
}
