package store

import (
	"bytes"
	"sort"
	"sync"
)

// memKV is the in-memory kv used by the memory store: each table is a sorted
// slice of entries guarded by one RWMutex (writers are serialised like bbolt's).
// Inserts are O(n); it is meant for tests, not for millions of keys.
type memKV struct {
	mu     sync.RWMutex
	tables map[string]*memTable
}

type memEntry struct{ k, v []byte }

type memTable struct{ entries []memEntry }

func newMemKV() *memKV {
	m := &memKV{tables: map[string]*memTable{}}
	for _, t := range allTables {
		m.tables[t] = &memTable{}
	}
	return m
}

func (m *memKV) View(fn func(kvTx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{m: m})
}

// Update runs fn against a copy-on-write journal so a failing fn changes nothing.
func (m *memKV) Update(fn func(kvTx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{m: m, writable: true}
	if err := fn(tx); err != nil {
		return err
	}
	for _, op := range tx.journal {
		t := m.tables[op.table]
		i := t.find(op.k)
		found := i < len(t.entries) && bytes.Equal(t.entries[i].k, op.k)
		switch {
		case op.del && found:
			t.entries = append(t.entries[:i], t.entries[i+1:]...)
		case !op.del && found:
			t.entries[i].v = op.v
		case !op.del:
			t.entries = append(t.entries, memEntry{})
			copy(t.entries[i+1:], t.entries[i:])
			t.entries[i] = memEntry{k: op.k, v: op.v}
		}
	}
	return nil
}

func (m *memKV) Close() error { return nil }

func (t *memTable) find(k []byte) int {
	return sort.Search(len(t.entries), func(i int) bool { return bytes.Compare(t.entries[i].k, k) >= 0 })
}

type memOp struct {
	table string
	k, v  []byte
	del   bool
}

// memTx reads the committed tables overlaid with its own journal. Reads of a
// key written earlier in the same transaction see the write; cursors see only
// committed data (the store never scans what it just wrote in one transaction).
type memTx struct {
	m        *memKV
	writable bool
	journal  []memOp
}

func (t *memTx) Get(table string, key []byte) []byte {
	for i := len(t.journal) - 1; i >= 0; i-- {
		op := t.journal[i]
		if op.table == table && bytes.Equal(op.k, key) {
			if op.del {
				return nil
			}
			return op.v
		}
	}
	tb := t.m.tables[table]
	i := tb.find(key)
	if i < len(tb.entries) && bytes.Equal(tb.entries[i].k, key) {
		return tb.entries[i].v
	}
	return nil
}

func (t *memTx) Put(table string, key, val []byte) error {
	t.journal = append(t.journal, memOp{table: table, k: bytes.Clone(key), v: bytes.Clone(val)})
	return nil
}

func (t *memTx) Delete(table string, key []byte) error {
	t.journal = append(t.journal, memOp{table: table, k: bytes.Clone(key), del: true})
	return nil
}

func (t *memTx) Seek(table string, start []byte) kvCursor {
	c := &memCursor{t: t.m.tables[table]}
	c.Seek(start)
	return c
}

type memCursor struct {
	t *memTable
	i int
}

func (c *memCursor) Key() []byte {
	if c.i >= len(c.t.entries) {
		return nil
	}
	return c.t.entries[c.i].k
}

func (c *memCursor) Value() []byte {
	if c.i >= len(c.t.entries) {
		return nil
	}
	return c.t.entries[c.i].v
}

func (c *memCursor) Next()         { c.i++ }
func (c *memCursor) Seek(k []byte) { c.i = c.t.find(k) }
