package memory

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/qsgo/qsgo/types"
)

// entry is one object of a space. Entries are never modified once stored:
// every change stores a new entry, so a reader holding an entry (and its data)
// needs no lock. The one exception is that appends may grow data in place
// beyond the len of earlier entries of the same object, which no earlier
// entry ever reads.
type entry struct {
	mode        types.ObjectMode // ModeRead (+ModeAppend), ModeDir or ModeLink
	data        []byte
	target      string // absolute link target (ModeLink)
	contentType string
	contentMd5  string
	etag        string
	modified    time.Time
}

// upload is one multipart upload in progress.
type upload struct {
	id      string
	key     string
	seq     uint64 // creation order, to list uploads of one key in order
	created time.Time
	parts   map[int]*part
}

// part is one uploaded part; its data is never modified.
type part struct {
	data []byte
	etag string // quoted hex MD5
	md5  [16]byte
}

// space is the shared content behind every Storage bound to it: objects by
// key plus multipart uploads. Keys are absolute, cleaned paths; directory
// keys end in "/", file and link keys do not, so a directory sorts right
// before its content.
type space struct {
	mu      sync.RWMutex
	objects map[string]*entry
	keys    []string // sorted keys of objects
	uploads map[string]*upload
	seq     uint64
}

func newSpace() *space {
	return &space{objects: map[string]*entry{}, uploads: map[string]*upload{}}
}

// put stores e at key; the caller holds mu for writing.
func (sp *space) put(key string, e *entry) {
	if _, ok := sp.objects[key]; !ok {
		i := sort.SearchStrings(sp.keys, key)
		sp.keys = append(sp.keys, "")
		copy(sp.keys[i+1:], sp.keys[i:])
		sp.keys[i] = key
	}
	sp.objects[key] = e
}

// remove deletes key; the caller holds mu for writing.
func (sp *space) remove(key string) {
	if _, ok := sp.objects[key]; !ok {
		return
	}
	delete(sp.objects, key)
	i := sort.SearchStrings(sp.keys, key)
	if i < len(sp.keys) && sp.keys[i] == key {
		sp.keys = append(sp.keys[:i], sp.keys[i+1:]...)
	}
}

// hasChildren reports whether some key lies below the directory dirKey
// (which ends in "/"), other than dirKey itself; the caller holds mu.
func (sp *space) hasChildren(dirKey string) bool {
	i := sort.SearchStrings(sp.keys, dirKey)
	for ; i < len(sp.keys) && strings.HasPrefix(sp.keys[i], dirKey); i++ {
		if sp.keys[i] != dirKey {
			return true
		}
	}
	return false
}

// from returns the index of the first key >= k; the caller holds mu.
func (sp *space) from(k string) int { return sort.SearchStrings(sp.keys, k) }

// Named spaces: every Storage opened with the same non-empty name shares one
// space, for the life of the process.
var (
	namedMu sync.Mutex
	named   = map[string]*space{}
)

// spaceFor returns the space called name, creating it; an empty name gets a
// fresh private space.
func spaceFor(name string) *space {
	if name == "" {
		return newSpace()
	}
	namedMu.Lock()
	defer namedMu.Unlock()
	sp, ok := named[name]
	if !ok {
		sp = newSpace()
		named[name] = sp
	}
	return sp
}
