package qingstor

import (
	"context"
	"fmt"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/types"
)

// createDir creates the directory marker of path: an empty object
// "<key>/" of type application/x-directory. Creating it again succeeds.
func (s *Storage) createDir(ctx context.Context, path string, opt pairStorageCreateDir) (*types.Object, error) {
	k := s.dirKey(path)
	if k == "" {
		return nil, fmt.Errorf("%w: the bucket root is not a directory object", ErrPathInvalid)
	}
	if err := checkStorageClass(opt.HasStorageClass, opt.StorageClass); err != nil {
		return nil, err
	}
	_, err := s.client.PutObject(ctx, s.name, k, nil, &qsapi.PutObjectInput{
		ContentType:  directoryContentType,
		StorageClass: opt.StorageClass,
	})
	if err != nil {
		return nil, err
	}
	o := s.newObject(path, k, types.ModeDir, true)
	o.SetContentLength(0)
	o.SetContentType(directoryContentType)
	return o, nil
}

// checkNotDir refuses a Copy or Move onto the name of a directory when the
// storage does not simulate directories (virtual_dir off): the directory
// marker "<key>/" must not exist. With virtual_dir on, a file and the marker
// of the same name coexist, as they do in QingStor itself.
func (s *Storage) checkNotDir(ctx context.Context, dstKey string) error {
	if s.features.VirtualDir {
		return nil
	}
	_, err := s.client.HeadObject(ctx, s.name, dstKey+"/", nil)
	switch {
	case err == nil:
		return modeInvalid(types.ModeRead, types.ModeDir)
	case qsapi.IsNotFound(err):
		return nil
	default:
		return err
	}
}
