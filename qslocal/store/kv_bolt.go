package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// boltKV is the durable kv: one bbolt file, one bbolt bucket per table.
// bbolt fsyncs on every commit (NoSync stays false), so an acknowledged write
// survives a crash.
type boltKV struct{ db *bolt.DB }

func openBoltKV(path string) (*boltKV, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("store: open metadata %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, t := range allTables {
			if _, err := tx.CreateBucketIfNotExists([]byte(t)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: init metadata: %w", err)
	}
	return &boltKV{db: db}, nil
}

func (b *boltKV) View(fn func(kvTx) error) error {
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (b *boltKV) Update(fn func(kvTx) error) error {
	return b.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (b *boltKV) Close() error { return b.db.Close() }

type boltTx struct{ tx *bolt.Tx }

func (t boltTx) Get(table string, key []byte) []byte {
	return t.tx.Bucket([]byte(table)).Get(key)
}

func (t boltTx) Put(table string, key, val []byte) error {
	return t.tx.Bucket([]byte(table)).Put(key, val)
}

func (t boltTx) Delete(table string, key []byte) error {
	return t.tx.Bucket([]byte(table)).Delete(key)
}

func (t boltTx) Seek(table string, start []byte) kvCursor {
	c := &boltCursor{c: t.tx.Bucket([]byte(table)).Cursor()}
	c.Seek(start)
	return c
}

type boltCursor struct {
	c    *bolt.Cursor
	k, v []byte
}

func (c *boltCursor) Key() []byte   { return c.k }
func (c *boltCursor) Value() []byte { return c.v }
func (c *boltCursor) Next()         { c.k, c.v = c.c.Next() }
func (c *boltCursor) Seek(k []byte) { c.k, c.v = c.c.Seek(k) }
