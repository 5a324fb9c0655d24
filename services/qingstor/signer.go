package qingstor

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/types"
)

// request turns a presigned request into an *http.Request that a plain
// http.Client can send: absolute URL, method, and the signed headers (SSE-C,
// content type, ...) that must travel with it.
func request(ctx context.Context, p *qsapi.PresignedRequest, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, p.Method, p.URL, r)
	if err != nil {
		return nil, err
	}
	for k, v := range p.Header {
		req.Header[k] = append([]string(nil), v...)
	}
	return req, nil
}

// reach returns a presigned GET URL of path that anyone can use until
// expire (a duration from now) has passed.
func (s *Storage) reach(_ context.Context, path string, opt pairStorageReach) (string, error) {
	k, err := s.fileKey(path)
	if err != nil {
		return "", err
	}
	p, err := s.client.PresignGetObject(s.name, k, nil, opt.Expire)
	if err != nil {
		return "", err
	}
	return p.URL, nil
}

// querySignHTTPRead presigns a GET of path (optionally a range) valid for expire.
func (s *Storage) querySignHTTPRead(ctx context.Context, path string, expire time.Duration, opt pairStorageQuerySignHTTPRead) (*http.Request, error) {
	k, err := s.fileKey(path)
	if err != nil {
		return nil, err
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return nil, err
	}
	if opt.HasOffset && opt.Offset < 0 || opt.HasSize && opt.Size <= 0 {
		return nil, fmt.Errorf("%w: a presigned read needs offset >= 0 and size > 0", ErrSizeInvalid)
	}
	rng, err := byteRange(opt.Offset, opt.Size, opt.HasSize)
	if err != nil {
		return nil, err
	}
	p, err := s.client.PresignGetObject(s.name, k, &qsapi.GetObjectInput{SSECKey: key, Range: rng}, expire)
	if err != nil {
		return nil, err
	}
	return request(ctx, p, nil)
}

// querySignHTTPWrite presigns a PUT of size bytes at path. The request has
// ContentLength set and no body: the caller assigns req.Body.
func (s *Storage) querySignHTTPWrite(ctx context.Context, path string, size int64, expire time.Duration, opt pairStorageQuerySignHTTPWrite) (*http.Request, error) {
	k, err := s.fileKey(path)
	if err != nil {
		return nil, err
	}
	if err := checkStorageClass(opt.HasStorageClass, opt.StorageClass); err != nil {
		return nil, err
	}
	if size < 0 || size > qsapi.MaxPartSize {
		return nil, fmt.Errorf("%w: %d is outside 0..%d (one PUT)", ErrSizeInvalid, size, int64(qsapi.MaxPartSize))
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return nil, err
	}
	sum, err := contentMD5(opt.HasContentMd5, opt.ContentMd5)
	if err != nil {
		return nil, err
	}
	p, err := s.client.PresignPutObject(s.name, k, &qsapi.PutObjectInput{
		ContentLength: size, ContentMD5: sum, ContentType: opt.ContentType, StorageClass: opt.StorageClass, SSECKey: key,
	}, expire)
	if err != nil {
		return nil, err
	}
	req, err := request(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	req.ContentLength = size
	return req, nil
}

// querySignHTTPDelete presigns a DELETE of path: of its directory marker
// with object_mode dir, an abort of the upload with multipart_id.
func (s *Storage) querySignHTTPDelete(ctx context.Context, path string, expire time.Duration, opt pairStorageQuerySignHTTPDelete) (*http.Request, error) {
	var p *qsapi.PresignedRequest
	var err error
	switch {
	case opt.HasMultipartID:
		k, kerr := s.fileKey(path)
		if kerr != nil {
			return nil, kerr
		}
		p, err = s.client.PresignAbortMultipartUpload(s.name, k, opt.MultipartID, expire)
	case opt.HasObjectMode && opt.ObjectMode.IsDir():
		p, err = s.client.PresignDeleteObject(s.name, s.dirKey(path), expire)
	default:
		k, kerr := s.fileKey(path)
		if kerr != nil {
			return nil, kerr
		}
		p, err = s.client.PresignDeleteObject(s.name, k, expire)
	}
	if err != nil {
		return nil, err
	}
	return request(ctx, p, nil)
}

// querySignHTTPCreateMultipart presigns the initiation of an upload at path.
func (s *Storage) querySignHTTPCreateMultipart(ctx context.Context, path string, expire time.Duration, opt pairStorageQuerySignHTTPCreateMultipart) (*http.Request, error) {
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
	p, err := s.client.PresignInitiateMultipartUpload(s.name, k, &qsapi.InitiateMultipartUploadInput{
		ContentType: opt.ContentType, StorageClass: opt.StorageClass, SSECKey: key,
	}, expire)
	if err != nil {
		return nil, err
	}
	return request(ctx, p, nil)
}

// querySignHTTPWriteMultipart presigns the upload of part index (size
// bytes) of o's upload; the caller assigns req.Body.
func (s *Storage) querySignHTTPWriteMultipart(ctx context.Context, o *types.Object, size int64, index int, expire time.Duration, opt pairStorageQuerySignHTTPWriteMultipart) (*http.Request, error) {
	k, id, err := s.uploadOf(o)
	if err != nil {
		return nil, err
	}
	if err := checkPartIndex(index); err != nil {
		return nil, err
	}
	if size < 0 || size > qsapi.MaxPartSize {
		return nil, fmt.Errorf("%w: part size %d is outside 0..%d", ErrSizeInvalid, size, int64(qsapi.MaxPartSize))
	}
	key, err := sseKey(opt.HasEncryptionCustomerAlgorithm, opt.EncryptionCustomerAlgorithm, opt.HasEncryptionCustomerKey, opt.EncryptionCustomerKey)
	if err != nil {
		return nil, err
	}
	sum, err := contentMD5(opt.HasContentMd5, opt.ContentMd5)
	if err != nil {
		return nil, err
	}
	p, err := s.client.PresignUploadPart(s.name, k, id, index, &qsapi.UploadPartInput{ContentLength: size, ContentMD5: sum, SSECKey: key}, expire)
	if err != nil {
		return nil, err
	}
	req, err := request(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	req.ContentLength = size
	return req, nil
}

// querySignHTTPListMultipart presigns the listing of o's parts (first page).
func (s *Storage) querySignHTTPListMultipart(ctx context.Context, o *types.Object, expire time.Duration, _ pairStorageQuerySignHTTPListMultipart) (*http.Request, error) {
	k, id, err := s.uploadOf(o)
	if err != nil {
		return nil, err
	}
	p, err := s.client.PresignListParts(s.name, k, id, &qsapi.ListPartsInput{Limit: partPageSize}, expire)
	if err != nil {
		return nil, err
	}
	return request(ctx, p, nil)
}

// querySignHTTPCompleteMultipart presigns the completion of o's upload with
// parts; the request carries its JSON body.
func (s *Storage) querySignHTTPCompleteMultipart(ctx context.Context, o *types.Object, parts []*types.Part, expire time.Duration, _ pairStorageQuerySignHTTPCompleteMultipart) (*http.Request, error) {
	k, id, err := s.uploadOf(o)
	if err != nil {
		return nil, err
	}
	cp, err := completeParts(parts)
	if err != nil {
		return nil, err
	}
	p, body, err := s.client.PresignCompleteMultipartUpload(s.name, k, id, cp, nil, expire)
	if err != nil {
		return nil, err
	}
	return request(ctx, p, body)
}
