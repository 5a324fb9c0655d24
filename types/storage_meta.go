package types

// NewStorageMeta returns an empty StorageMeta.
func NewStorageMeta() *StorageMeta {
	return &StorageMeta{}
}
