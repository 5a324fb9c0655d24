package qingstor

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// createMultipart starts a multipart upload at path and returns it as a
// part-mode object carrying its multipart id.
func (s *Storage) createMultipart(ctx context.Context, path string, opt pairStorageCreateMultipart) (*types.Object, error) {
	k, err := s.fileKey(path)
	if err != nil {
		return nil, err
	}
	if err := checkStorageClass(opt.HasStorageClass, opt.StorageClass); err != nil {
		return nil, err
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return nil, err
	}
	out, err := s.client.InitiateMultipartUpload(ctx, s.name, k, &qsapi.InitiateMultipartUploadInput{
		ContentType: opt.ContentType, CacheControl: opt.CacheControl, ContentDisposition: opt.ContentDisposition,
		Metadata: opt.UserMetadata, StorageClass: opt.StorageClass, SSECKey: key,
	})
	if err != nil {
		return nil, err
	}
	o := s.newObject(path, k, types.ModePart, true)
	o.SetMultipartID(out.UploadID)
	return o, nil
}

// uploadOf returns the key and multipart id of a part-mode object.
func (s *Storage) uploadOf(o *types.Object) (string, string, error) {
	k, err := s.objectKey(o)
	if err != nil {
		return "", "", err
	}
	id, ok := o.GetMultipartID()
	if !ok || id == "" {
		return "", "", services.PairRequiredError{Keys: []string{"multipart_id"}}
	}
	return k, id, nil
}

// checkPartIndex checks a go-storage part index, which is the QingStor part
// number: 0..10000.
func checkPartIndex(index int) error {
	if index < 0 || index > qsapi.MaxPartNumber {
		return fmt.Errorf("%w: index %d is outside 0..%d", ErrPartNumberInvalid, index, qsapi.MaxPartNumber)
	}
	return nil
}

// writeMultipart uploads size bytes of r as part index of o's upload and
// returns the part (index, size and ETag). Re-uploading an index replaces it.
func (s *Storage) writeMultipart(ctx context.Context, o *types.Object, r io.Reader, size int64, index int, opt pairStorageWriteMultipart) (int64, *types.Part, error) {
	k, id, err := s.uploadOf(o)
	if err != nil {
		return 0, nil, err
	}
	if err := checkPartIndex(index); err != nil {
		return 0, nil, err
	}
	if size < 0 || size > qsapi.MaxPartSize {
		return 0, nil, fmt.Errorf("%w: part size %d is outside 0..%d", ErrSizeInvalid, size, int64(qsapi.MaxPartSize))
	}
	if r == nil && size > 0 {
		return 0, nil, fmt.Errorf("%w: nil reader with size %d", ErrSizeInvalid, size)
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return 0, nil, err
	}
	sum, err := contentMD5(opt.HasContentMd5, opt.ContentMd5)
	if err != nil {
		return 0, nil, err
	}
	out, err := s.client.UploadPart(ctx, s.name, k, id, index, requestBody(r, size, opt.IoCallback), &qsapi.UploadPartInput{ContentLength: size, ContentMD5: sum, SSECKey: key})
	if err != nil {
		return 0, nil, err
	}
	return size, &types.Part{Index: index, Size: size, ETag: out.ETag}, nil
}

// partStatus is the cursor of a part listing.
type partStatus struct{ l *qsapi.PartLister }

// ContinuationToken returns the last part number listed ("" before any).
func (p *partStatus) ContinuationToken() string {
	if n, ok := p.l.Marker(); ok {
		return strconv.Itoa(n)
	}
	return ""
}

// listMultipart lists the uploaded parts of o's upload in part number order,
// with qsapi's PartLister (correct whichever way the server reads the part
// number marker).
func (s *Storage) listMultipart(ctx context.Context, o *types.Object, _ pairStorageListMultipart) (*types.PartIterator, error) {
	k, id, err := s.uploadOf(o)
	if err != nil {
		return nil, err
	}
	st := &partStatus{l: s.client.NewPartLister(s.name, k, id, qsapi.ListPartsInput{Limit: partPageSize})}
	next := func(ctx context.Context, page *types.PartPage) error {
		if st.l.Done() {
			return types.IterateDone
		}
		out, err := st.l.Next(ctx)
		if err != nil {
			return s.formatError("list_multipart", err)
		}
		for _, p := range out.Parts {
			page.Data = append(page.Data, &types.Part{Index: p.PartNumber, Size: p.Size, ETag: p.ETag})
		}
		if len(page.Data) == 0 {
			return types.IterateDone
		}
		return nil
	}
	return types.NewPartIterator(ctx, next, st), nil
}

// partPageSize is the page size of part listings (QingStor's maximum); a
// variable so tests can force many pages.
var partPageSize = 1000

// completeParts converts go-storage parts into QingStor's list, in
// increasing part number order.
func completeParts(parts []*types.Part) ([]qsapi.CompletedPart, error) {
	out := make([]qsapi.CompletedPart, 0, len(parts))
	for _, p := range parts {
		if p == nil {
			return nil, fmt.Errorf("%w: nil part", ErrPartNumberInvalid)
		}
		if err := checkPartIndex(p.Index); err != nil {
			return nil, err
		}
		out = append(out, qsapi.CompletedPart{PartNumber: p.Index, ETag: p.ETag})
	}
	slices.SortFunc(out, func(a, b qsapi.CompletedPart) int { return a.PartNumber - b.PartNumber })
	for i := 1; i < len(out); i++ {
		if out[i].PartNumber == out[i-1].PartNumber {
			return nil, fmt.Errorf("%w: index %d is given twice", ErrPartNumberInvalid, out[i].PartNumber)
		}
	}
	return out, nil
}

// completeMultipart assembles the given parts into the object.
func (s *Storage) completeMultipart(ctx context.Context, o *types.Object, parts []*types.Part, _ pairStorageCompleteMultipart) error {
	k, id, err := s.uploadOf(o)
	if err != nil {
		return err
	}
	cp, err := completeParts(parts)
	if err != nil {
		return err
	}
	_, err = s.client.CompleteMultipartUpload(ctx, s.name, k, id, cp, nil)
	return err
}
