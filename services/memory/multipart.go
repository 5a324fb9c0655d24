package memory

import (
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// maxParts is the number of part indexes an upload accepts: 0..maxParts-1,
// as in QingStor. memory has no minimum part size.
const maxParts = 10000

// createMultipart starts a new upload at path; several uploads may target
// one path at once.
func (s *Storage) createMultipart(ctx context.Context, p string, _ pairStorageCreateMultipart) (*types.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	k, err := s.fileTarget(p)
	if err != nil {
		return nil, err
	}
	s.sp.seq++
	u := &upload{id: uuid.NewString(), key: k, seq: s.sp.seq, created: time.Now(), parts: map[int]*part{}}
	s.sp.uploads[u.id] = u
	o := types.NewObject(s, true)
	o.ID, o.Path, o.Mode = k, p, types.ModePart
	o.SetMultipartID(u.id)
	return o, nil
}

// multipartID returns the upload id o carries. Call it before locking sp.mu:
// a getter of a lazily built object runs Stat.
func multipartID(o *types.Object) (string, error) {
	id, ok := o.GetMultipartID()
	if !ok {
		return "", services.PairRequiredError{Keys: []string{"multipart_id"}}
	}
	return id, nil
}

// uploadOf returns the upload id at o's path; the caller holds sp.mu.
func (s *Storage) uploadOf(o *types.Object, id string) (*upload, error) {
	u, ok := s.sp.uploads[id]
	if !ok || u.key != s.objectKey(o) {
		return nil, fmt.Errorf("%w: no upload %q at %q", services.ErrObjectNotExist, id, o.Path)
	}
	return u, nil
}

// writeMultipart stores size bytes of r as part index of o's upload,
// replacing an earlier part with that index.
func (s *Storage) writeMultipart(ctx context.Context, o *types.Object, r io.Reader, size int64, index int, opt pairStorageWriteMultipart) (int64, *types.Part, error) {
	if index < 0 || index >= maxParts {
		return 0, nil, fmt.Errorf("%w: part index %d outside [0, %d)", services.ErrRestrictionDissatisfied, index, maxParts)
	}
	var cb func([]byte)
	if opt.HasIoCallback {
		cb = opt.IoCallback
	}
	data, sum, err := readData(ctx, r, size, cb)
	if err != nil {
		return 0, nil, err
	}
	pt := &part{data: data, md5: sum, etag: quotedHex(sum[:])}
	id, err := multipartID(o)
	if err != nil {
		return 0, nil, err
	}
	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	u, err := s.uploadOf(o, id)
	if err != nil {
		return 0, nil, err
	}
	u.parts[index] = pt
	return size, &types.Part{Index: index, Size: size, ETag: pt.etag}, nil
}

// listMultipart returns an iterator over the parts of o's upload, by index.
func (s *Storage) listMultipart(ctx context.Context, o *types.Object, _ pairStorageListMultipart) (*types.PartIterator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	id, err := multipartID(o)
	if err != nil {
		return nil, err
	}
	s.sp.mu.RLock()
	u, err := s.uploadOf(o, id)
	s.sp.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	next := func(ctx context.Context, page *types.PartPage) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		c := page.Status.(*partCursor)
		s.sp.mu.RLock()
		var idx []int
		for i := range u.parts {
			if i > c.after {
				idx = append(idx, i)
			}
		}
		sort.Ints(idx)
		if len(idx) > listPageSize {
			idx = idx[:listPageSize]
		}
		for _, i := range idx {
			pt := u.parts[i]
			page.Data = append(page.Data, &types.Part{Index: i, Size: int64(len(pt.data)), ETag: pt.etag})
			c.after = i
		}
		s.sp.mu.RUnlock()
		if len(idx) < listPageSize {
			return types.IterateDone
		}
		return nil
	}
	return types.NewPartIterator(ctx, next, &partCursor{after: -1}), nil
}

// completeMultipart assembles the given parts, in the given (strictly
// increasing) index order, into the object at o's path and ends the upload.
// Each part must have been uploaded with the given size (and ETag, when the
// part carries one); parts uploaded but not given are dropped.
func (s *Storage) completeMultipart(ctx context.Context, o *types.Object, parts []*types.Part, _ pairStorageCompleteMultipart) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(parts) == 0 {
		return fmt.Errorf("%w: no parts to complete", services.ErrRestrictionDissatisfied)
	}
	id, err := multipartID(o)
	if err != nil {
		return err
	}
	// Check the parts and take their data under the lock; assemble outside.
	s.sp.mu.RLock()
	u, err := s.uploadOf(o, id)
	var chosen []*part
	if err == nil {
		chosen, err = pickParts(u, parts)
	}
	s.sp.mu.RUnlock()
	if err != nil {
		return err
	}
	var total int64
	for _, pt := range chosen {
		total += int64(len(pt.data))
	}
	data := make([]byte, 0, total)
	sums := make([]byte, 0, 16*len(chosen))
	for _, pt := range chosen {
		data = append(data, pt.data...)
		sums = append(sums, pt.md5[:]...)
	}
	all := md5.Sum(sums)
	etag := `"` + fmt.Sprintf("%x", all[:]) + "-" + strconv.Itoa(len(chosen)) + `"`

	s.sp.mu.Lock()
	defer s.sp.mu.Unlock()
	if cur, ok := s.sp.uploads[u.id]; !ok || cur != u {
		return fmt.Errorf("%w: upload %q ended meanwhile", services.ErrObjectNotExist, u.id)
	}
	if _, ok := s.sp.objects[u.key+"/"]; ok {
		return services.ObjectModeInvalidError{Expected: types.ModeRead, Actual: types.ModeDir}
	}
	s.sp.put(u.key, &entry{mode: types.ModeRead, data: data, etag: etag, modified: time.Now()})
	delete(s.sp.uploads, u.id)
	return nil
}

// pickParts checks parts against the upload and returns their data in
// order; the caller holds sp.mu.
func pickParts(u *upload, parts []*types.Part) ([]*part, error) {
	out := make([]*part, 0, len(parts))
	last := -1
	for _, p := range parts {
		if p == nil {
			return nil, fmt.Errorf("%w: nil part", services.ErrRestrictionDissatisfied)
		}
		if p.Index <= last {
			return nil, fmt.Errorf("%w: part %d after part %d: indexes must increase", services.ErrRestrictionDissatisfied, p.Index, last)
		}
		last = p.Index
		pt, ok := u.parts[p.Index]
		if !ok {
			return nil, fmt.Errorf("%w: part %d was not uploaded", services.ErrObjectNotExist, p.Index)
		}
		if p.Size != int64(len(pt.data)) {
			return nil, fmt.Errorf("%w: part %d has %d bytes, not %d", services.ErrRestrictionDissatisfied, p.Index, len(pt.data), p.Size)
		}
		if p.ETag != "" && p.ETag != pt.etag {
			return nil, fmt.Errorf("%w: part %d has ETag %s, not %s", services.ErrRestrictionDissatisfied, p.Index, pt.etag, p.ETag)
		}
		out = append(out, pt)
	}
	return out, nil
}
