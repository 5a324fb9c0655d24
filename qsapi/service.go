package qsapi

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ListBucketsInput selects buckets. Zero values mean server defaults.
type ListBucketsInput struct {
	// Location, when set, limits the result to one zone (sent as the
	// Location header).
	Location string
	// Limit is the page size (server default 200). 0 means unset.
	Limit int
	// Offset is the index of the first bucket to return.
	Offset int
}

// BucketInfo describes one bucket in a listing.
type BucketInfo struct {
	Name     string    `json:"name"`
	Location string    `json:"location"`
	URL      string    `json:"url"`
	Created  time.Time `json:"created"`
}

// ListBucketsOutput is one page of buckets. Count is the total number of
// buckets matching, not the page size.
type ListBucketsOutput struct {
	Count     int          `json:"count"`
	Buckets   []BucketInfo `json:"buckets"`
	RequestID string       `json:"-"`
}

// ListBucketsRequest returns the request ListBuckets sends.
func (c *Client) ListBucketsRequest(in *ListBucketsInput) *Request {
	r := &Request{Op: "ListBuckets", Method: http.MethodGet}
	if in != nil {
		r.setHeader("Location", in.Location)
		if in.Limit > 0 {
			r.addQuery("limit", strconv.Itoa(in.Limit))
		}
		if in.Offset > 0 {
			r.addQuery("offset", strconv.Itoa(in.Offset))
		}
	}
	return r
}

// ListBuckets returns one page of the account's buckets (GET / on the global
// host, 200).
func (c *Client) ListBuckets(ctx context.Context, in *ListBucketsInput) (*ListBucketsOutput, error) {
	out := &ListBucketsOutput{}
	resp, err := c.sendJSON(ctx, call{req: c.ListBucketsRequest(in), ok: okOK}, out)
	if err != nil {
		return nil, err
	}
	out.RequestID = requestID(resp.Header)
	return out, nil
}

// BucketPages iterates over all buckets page by page, starting at in.Offset:
// the offset advances by the number of buckets received, and the listing ends
// when the offset reaches Count or a page is empty. The iteration stops after
// yielding an error.
func (c *Client) BucketPages(ctx context.Context, in ListBucketsInput) iter.Seq2[*ListBucketsOutput, error] {
	return func(yield func(*ListBucketsOutput, error) bool) {
		for {
			out, err := c.ListBuckets(ctx, &in)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(out, nil) {
				return
			}
			in.Offset += len(out.Buckets)
			if len(out.Buckets) == 0 || in.Offset >= out.Count {
				return
			}
		}
	}
}

// DetectLocation finds the zone of bucket: it sends an unsigned HEAD
// /<bucket> to the global host (no zone, path style), expects 301 with a
// Location header such as https://pek3a.qingstor.com/<bucket>, and returns
// the first label of that host. Any other status is an error (a *Error for a
// server answer). An IP or localhost endpoint has no zone hosts, so nothing
// is sent and the client's own zone (possibly empty) is returned.
func (c *Client) DetectLocation(ctx context.Context, bucket string) (string, error) {
	const op = "DetectLocation"
	if err := checkBucket(op, bucket); err != nil {
		return "", err
	}
	if c.localHost {
		return c.zone, nil
	}
	r := &Request{Op: op, Method: http.MethodHead, Bucket: bucket, Global: true, Unsigned: true}
	resp, err := c.sendNoBody(ctx, call{req: r, ok: []int{http.StatusMovedPermanently}})
	if err != nil {
		return "", err
	}
	loc := resp.Header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("qsapi: %s: bad Location %q (request id %s)", op, loc, requestID(resp.Header))
	}
	zone, _, found := strings.Cut(u.Hostname(), ".")
	if !found || zone == "" {
		return "", fmt.Errorf("qsapi: %s: Location %q names no zone (request id %s)", op, loc, requestID(resp.Header))
	}
	return strings.ToLower(zone), nil
}

// checkBucket rejects an empty bucket name or one with bytes a DNS label
// cannot hold (the server decides on the finer rules).
func checkBucket(op, bucket string) error {
	if bucket == "" {
		return invalidArg(op, "empty bucket name")
	}
	for i := 0; i < len(bucket); i++ {
		c := bucket[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c >= 'A' && c <= 'Z' || c == '_' || c == '.') {
			return invalidArg(op, "bucket name %q has a byte outside [a-z0-9-]", bucket)
		}
	}
	return nil
}
