package types

// NewObject returns an object bound to client. With done false, the first
// GetX or MustGetX of an optional field stats the object through
// client.Stat(o.Path) exactly once (concurrency-safe): on success every field is
// replaced by the stat result, on error nothing changes and the error is
// dropped. With done true no stat ever happens: build objects that are already
// complete (results of Stat, Create*, CreateDir, ...) that way.
func NewObject(client Storager, done bool) *Object {
	o := &Object{client: client}
	if done {
		o.lazy.Do(func() {})
	}
	return o
}

// stat runs the lazy stat at most once. An object without a client (an
// &Object{} literal) panics here, as go-storage's does.
func (o *Object) stat() {
	o.lazy.Do(func() {
		if xo, err := o.client.Stat(o.Path); err == nil && xo != nil {
			o.ID, o.Mode, o.Path, o.attrs = xo.ID, xo.Mode, xo.Path, xo.attrs
		}
	})
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	// Index is the part number given to WriteMultipart.
	Index int
	// Size is the size of the part in bytes.
	Size int64
	// ETag is the entity tag of the part.
	ETag string
}

// Block is one block of a block object.
type Block struct {
	// ID is the id of the block.
	ID string
	// Size is the size of the block in bytes.
	Size int64
}
