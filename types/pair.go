package types

import "fmt"

// Pair is one option of an operation: a key and its value. When a key is given
// several times, operations use the first occurrence.
type Pair struct {
	Key   string
	Value interface{}
}

// String formats the pair as "<Key>: <Value>", e.g. "size: 3".
func (p Pair) String() string {
	return fmt.Sprintf("%s: %v", p.Key, p.Value)
}
