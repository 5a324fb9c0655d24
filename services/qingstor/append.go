package qingstor

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/types"
)

// createAppend replaces whatever is at path by an empty appendable object
// (delete, then a 0-byte append at position 0) and returns it in append
// mode at offset 0.
func (s *Storage) createAppend(ctx context.Context, path string, opt pairStorageCreateAppend) (*types.Object, error) {
	k, err := s.fileKey(path)
	if err != nil {
		return nil, err
	}
	if err := checkStorageClass(opt.HasStorageClass, opt.StorageClass); err != nil {
		return nil, err
	}
	if _, err := s.client.DeleteObject(ctx, s.name, k); err != nil {
		return nil, err
	}
	out, err := s.appendObject(ctx, k, 0, nil, &qsapi.AppendObjectInput{
		ContentType: opt.ContentType, StorageClass: opt.StorageClass,
	})
	if err != nil {
		return nil, err
	}
	o := s.newObject(path, k, types.ModeRead|types.ModeAppend, true)
	o.SetAppendOffset(out.NextPosition)
	o.SetContentLength(out.NextPosition)
	return o, nil
}

// writeAppend appends size bytes of r at o's append offset (read from the
// server when o does not carry one) and advances the offset.
func (s *Storage) writeAppend(ctx context.Context, o *types.Object, r io.Reader, size int64, opt pairStorageWriteAppend) (int64, error) {
	k, err := s.objectKey(o)
	if err != nil {
		return 0, err
	}
	if size < 0 || size > appendSizeMaximum {
		return 0, fmt.Errorf("%w: %d is outside 0..%d", ErrSizeInvalid, size, int64(appendSizeMaximum))
	}
	if r == nil && size > 0 {
		return 0, fmt.Errorf("%w: nil reader with size %d", ErrSizeInvalid, size)
	}
	sum, err := contentMD5(opt.HasContentMd5, opt.ContentMd5)
	if err != nil {
		return 0, err
	}
	pos, ok := o.GetAppendOffset()
	if !ok {
		m, err := s.client.HeadObject(ctx, s.name, k, nil)
		if err != nil {
			return 0, err
		}
		if m.ObjectType != qsapi.ObjectTypeAppendable {
			return 0, modeInvalid(types.ModeAppend, types.ModeRead)
		}
		pos = m.ContentLength
		if m.HasNextAppendPosition {
			pos = m.NextAppendPosition
		}
	}
	out, err := s.appendObject(ctx, k, pos, requestBody(r, size, opt.IoCallback), &qsapi.AppendObjectInput{ContentLength: size, ContentMD5: sum})
	if err != nil {
		return 0, err
	}
	o.SetAppendOffset(out.NextPosition)
	o.SetContentLength(out.NextPosition)
	return size, nil
}

// appendObject sends one append. An acknowledged append whose answer lacks
// X-QS-Next-Append-Position is ErrAppendNextPositionEmpty (as in
// go-service-qingstor); qsapi reports it as qsapi.ErrNoNextAppendPosition.
func (s *Storage) appendObject(ctx context.Context, k string, pos int64, body io.Reader, in *qsapi.AppendObjectInput) (*qsapi.AppendObjectOutput, error) {
	out, err := s.client.AppendObject(ctx, s.name, k, pos, body, in)
	if err == nil {
		return out, nil
	}
	if errors.Is(err, qsapi.ErrNoNextAppendPosition) {
		return nil, fmt.Errorf("%w: %v", ErrAppendNextPositionEmpty, err)
	}
	return nil, err
}

// commitAppend has nothing to do: every append is durable when it returns.
func (s *Storage) commitAppend(_ context.Context, o *types.Object, _ pairStorageCommitAppend) error {
	_, err := s.objectKey(o)
	return err
}
