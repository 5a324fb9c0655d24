package store

// kv is the ordered key-value layer under the store: named tables of byte
// keys kept in byte order, read and written in transactions. Two
// implementations exist: boltKV (bbolt on disk, fsync on every commit) and
// memKV (maps in memory, for tests).
type kv interface {
	// View runs fn in a read-only transaction.
	View(fn func(tx kvTx) error) error
	// Update runs fn in a read-write transaction, committed (durably, for
	// bbolt) when fn returns nil and rolled back otherwise.
	Update(fn func(tx kvTx) error) error
	// Close releases the store.
	Close() error
}

// kvTx is one transaction. Byte slices returned by Get and passed to Scan
// callbacks are valid only inside the transaction; copy them to keep them.
type kvTx interface {
	// Get returns the value of key in table, or nil when absent.
	Get(table string, key []byte) []byte
	// Put sets key to val in table.
	Put(table string, key, val []byte) error
	// Delete removes key from table; absent keys are not an error.
	Delete(table string, key []byte) error
	// Seek returns a cursor positioned at the first key >= start.
	Seek(table string, start []byte) kvCursor
}

// kvCursor walks a table in key order.
type kvCursor interface {
	// Key and Value return the current entry; Key is nil past the end.
	Key() []byte
	// Value returns the current value.
	Value() []byte
	// Next advances to the next key.
	Next()
	// Seek repositions at the first key >= k.
	Seek(k []byte)
}

// Table names.
const (
	tableBuckets = "buckets" // bucket name -> bucketRecord JSON
	tableObjects = "objects" // bucket \x00 key -> Object JSON
	tableUploads = "uploads" // bucket \x00 key \x00 upload id -> Upload JSON
	tableUpIndex = "upindex" // upload id -> bucket \x00 key \x00 upload id
	tableParts   = "parts"   // upload id \x00 part number (4 bytes BE) -> Part JSON
)

var allTables = []string{tableBuckets, tableObjects, tableUploads, tableUpIndex, tableParts}
