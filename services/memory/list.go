package memory

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// listPageSize is how many objects one page of a listing holds.
const listPageSize = 100

// listCursor is the page status of an object listing: the next page starts
// at the first key >= from (for uploads: after (from, seq)).
type listCursor struct {
	prefix string
	from   string
	seq    uint64
}

// ContinuationToken returns the key the next page starts from.
func (c *listCursor) ContinuationToken() string { return c.from }

// list returns an iterator over the objects under path. The default list
// mode is dir. In dir mode path is a directory (a trailing "/" is optional):
// its files and links, and its sub-directories (explicit or implied by the
// objects below them) as ModeDir objects whose Path ends in "/". In prefix
// mode every object whose key starts with path (not cleaned) is listed,
// flat. In part mode the uploads in progress whose key starts with path.
func (s *Storage) list(ctx context.Context, p string, opt pairStorageList) (*types.ObjectIterator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mode := types.ListModeDir
	if opt.HasListMode {
		mode = opt.ListMode
	}
	switch mode {
	case types.ListModeDir:
		c := &listCursor{prefix: s.dirKey(p)}
		c.from = c.prefix
		return types.NewObjectIterator(ctx, s.nextDir, c), nil
	case types.ListModePrefix:
		c := &listCursor{prefix: s.rawPrefix(p)}
		c.from = c.prefix
		return types.NewObjectIterator(ctx, s.nextPrefix, c), nil
	case types.ListModePart:
		c := &listCursor{prefix: s.rawPrefix(p)}
		return types.NewObjectIterator(ctx, s.nextPart, c), nil
	default:
		return nil, services.ListModeInvalidError{Actual: mode}
	}
}

// rawPrefix maps a user path to a key prefix without cleaning it, so that
// "dir/su" matches "dir/sub/x".
func (s *Storage) rawPrefix(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if strings.HasPrefix(p, "/") {
		return p
	}
	return s.workDir + p
}

// dirObject is the listed form of the directory dk (ending in "/").
func (s *Storage) dirObject(dk string) *types.Object {
	o := types.NewObject(s, true)
	o.ID, o.Path, o.Mode = dk, s.relPath(dk), types.ModeDir
	return o
}

// nextDir fills page with the next entries of a dir-mode listing.
func (s *Storage) nextDir(ctx context.Context, page *types.ObjectPage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := page.Status.(*listCursor)
	s.sp.mu.RLock()
	defer s.sp.mu.RUnlock()
	keys := s.sp.keys
	for i := s.sp.from(c.from); len(page.Data) < listPageSize; {
		if i >= len(keys) || !strings.HasPrefix(keys[i], c.prefix) {
			return types.IterateDone
		}
		k := keys[i]
		rest := k[len(c.prefix):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			// A sub-directory: list it once and skip everything below it
			// ("0" is the byte after "/").
			page.Data = append(page.Data, s.dirObject(c.prefix+rest[:j+1]))
			c.from = c.prefix + rest[:j] + "0"
			i = s.sp.from(c.from)
			continue
		}
		c.from = k + "\x00"
		i++
		if rest == "" {
			continue // the listed directory itself
		}
		page.Data = append(page.Data, s.objectOf(s.relPath(k), k, s.sp.objects[k]))
	}
	return nil
}

// nextPrefix fills page with the next entries of a prefix-mode listing.
func (s *Storage) nextPrefix(ctx context.Context, page *types.ObjectPage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := page.Status.(*listCursor)
	s.sp.mu.RLock()
	defer s.sp.mu.RUnlock()
	keys := s.sp.keys
	for i := s.sp.from(c.from); len(page.Data) < listPageSize; i++ {
		if i >= len(keys) || !strings.HasPrefix(keys[i], c.prefix) {
			return types.IterateDone
		}
		k := keys[i]
		c.from = k + "\x00"
		if k == c.prefix {
			continue // the marker of the listed directory itself
		}
		page.Data = append(page.Data, s.objectOf(s.relPath(k), k, s.sp.objects[k]))
	}
	return nil
}

// nextPart fills page with the next uploads of a part-mode listing, in key
// then creation order.
func (s *Storage) nextPart(ctx context.Context, page *types.ObjectPage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := page.Status.(*listCursor)
	s.sp.mu.RLock()
	var ups []*upload
	for _, u := range s.sp.uploads {
		if strings.HasPrefix(u.key, c.prefix) && (u.key > c.from || (u.key == c.from && u.seq > c.seq)) {
			ups = append(ups, u)
		}
	}
	s.sp.mu.RUnlock()
	sort.Slice(ups, func(i, j int) bool {
		if ups[i].key != ups[j].key {
			return ups[i].key < ups[j].key
		}
		return ups[i].seq < ups[j].seq
	})
	for _, u := range ups {
		if len(page.Data) == listPageSize {
			return nil
		}
		o := types.NewObject(s, true)
		o.ID, o.Path, o.Mode = u.key, s.relPath(u.key), types.ModePart
		o.SetMultipartID(u.id)
		o.SetLastModified(u.created)
		page.Data = append(page.Data, o)
		c.from, c.seq = u.key, u.seq
	}
	return types.IterateDone
}

// partCursor is the page status of a part listing: the next page starts
// after part index after.
type partCursor struct{ after int }

// ContinuationToken returns the index of the last part handed out.
func (c *partCursor) ContinuationToken() string { return strconv.Itoa(c.after) }
