package qsapi

import "time"

// PresignGetObject presigns a GET of bucket/key valid for expires. Any
// Range, conditions, response overrides and SSE-C key in `in` are signed;
// the headers among them are in the result's Header and must be sent.
func (c *Client) PresignGetObject(bucket, key string, in *GetObjectInput, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.GetObjectRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}

// PresignPutObject presigns a PUT of bucket/key valid for expires. The
// headers of `in` (content type, MD5, storage class, metadata, SSE-C) are
// signed and returned in Header; the uploader must send them unchanged.
// in.ContentLength is not signed.
func (c *Client) PresignPutObject(bucket, key string, in *PutObjectInput, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.PutObjectRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}

// PresignHeadObject presigns a HEAD of bucket/key valid for expires.
func (c *Client) PresignHeadObject(bucket, key string, in *HeadObjectInput, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.HeadObjectRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}

// PresignDeleteObject presigns a DELETE of bucket/key valid for expires.
func (c *Client) PresignDeleteObject(bucket, key string, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.DeleteObjectRequest(bucket, key)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}

// PresignInitiateMultipartUpload presigns POST /<bucket>/<key>?uploads.
func (c *Client) PresignInitiateMultipartUpload(bucket, key string, in *InitiateMultipartUploadInput, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.InitiateMultipartUploadRequest(bucket, key, in)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}

// PresignUploadPart presigns PUT /<bucket>/<key>?part_number=N&upload_id=ID.
func (c *Client) PresignUploadPart(bucket, key, uploadID string, partNumber int, in *UploadPartInput, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.UploadPartRequest(bucket, key, uploadID, partNumber, in)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}

// PresignListParts presigns GET /<bucket>/<key>?upload_id=ID.
func (c *Client) PresignListParts(bucket, key, uploadID string, in *ListPartsInput, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.ListPartsRequest(bucket, key, uploadID, in)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}

// PresignCompleteMultipartUpload presigns POST /<bucket>/<key>?upload_id=ID
// and returns the JSON body to send with it (its Content-Type,
// application/json, is signed and in Header).
func (c *Client) PresignCompleteMultipartUpload(bucket, key, uploadID string, parts []CompletedPart, in *CompleteMultipartUploadInput, expires time.Duration) (*PresignedRequest, []byte, error) {
	r, body, err := c.CompleteMultipartUploadRequest(bucket, key, uploadID, parts, in)
	if err != nil {
		return nil, nil, err
	}
	p, err := c.Presign(r, expires)
	if err != nil {
		return nil, nil, err
	}
	return p, body, nil
}

// PresignAbortMultipartUpload presigns DELETE /<bucket>/<key>?upload_id=ID.
func (c *Client) PresignAbortMultipartUpload(bucket, key, uploadID string, expires time.Duration) (*PresignedRequest, error) {
	r, err := c.AbortMultipartUploadRequest(bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	return c.Presign(r, expires)
}
