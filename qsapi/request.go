package qsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// Param is one query parameter. A Flag parameter is written without '='
// (e.g. "uploads"); the server treats "uploads" and "uploads=" alike.
type Param struct {
	Key   string // the query key, e.g. "upload_id"
	Value string // its value (ignored for a flag)
	Flag  bool   // a bare sub-resource such as "uploads", sent without "="
}

// Request describes one QingStor request before it is built: the operation
// name (used in errors), method, bucket and key (both empty for service-level
// calls), query parameters in order, and headers. It is what the general
// Presign entry point takes; each operation has a *Request builder so that
// sending and presigning agree.
type Request struct {
	Op     string // the operation name used in errors, e.g. "PutObject"
	Method string // the HTTP method
	Bucket string // the bucket; empty for service-level calls
	Key    string // the object key; empty for bucket-level calls
	// HasKey marks an object-level request even when Key is empty.
	HasKey bool
	// Query are the query parameters, in order.
	Query []Param
	// Header are the request headers (x-qs-* headers are signed).
	Header http.Header
	// Global sends the request to the host without zone and in path style
	// (location discovery).
	Global bool
	// Unsigned sends the request without a signature.
	Unsigned bool
	// zoneHost names the client's zone in the Host header even on a local
	// endpoint (see PutBucket).
	zoneHost bool
}

// Built is a built and signed (or presigned) request and the canonical URI
// its signature used.
type Built struct {
	HTTP         *http.Request // the request, ready for an *http.Client
	CanonicalURI string        // the canonical URI its signature used

	body *exactBody // the sized body, to tell its failures from the network's
}

// ErrInvalidArgument is wrapped by errors for bad call arguments (an empty
// bucket name, a negative size, a wrong SSE-C key size...). Nothing is sent.
var ErrInvalidArgument = errors.New("qsapi: invalid argument")

// ErrNoNextAppendPosition is wrapped by AppendObject when a successful answer
// lacks a valid X-QS-Next-Append-Position header: the append may have been
// applied, but the caller cannot know the object's new size from the answer.
var ErrNoNextAppendPosition = errors.New("qsapi: append answer has no next position")

func invalidArg(op, format string, args ...any) error {
	return fmt.Errorf("qsapi: %s: %w: %s", op, ErrInvalidArgument, fmt.Sprintf(format, args...))
}

func (r *Request) setHeader(k, v string) {
	if v == "" {
		return
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header.Set(k, v)
}

// resource names the bucket and key of r for error messages.
func (r *Request) resource() string {
	if r.Key != "" || r.HasKey {
		return r.Bucket + "/" + r.Key
	}
	return r.Bucket
}

func (r *Request) addQuery(k, v string) { r.Query = append(r.Query, Param{Key: k, Value: v}) }
func (r *Request) addFlag(k string)     { r.Query = append(r.Query, Param{Key: k, Flag: true}) }

// rawQuery encodes the parameters in order, values query-escaped.
func (r *Request) rawQuery() string {
	var b strings.Builder
	for i, p := range r.Query {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Key))
		if !p.Flag {
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(p.Value))
		}
	}
	return b.String()
}

// paths returns the decoded wire path and the canonical URI.
func (c *Client) paths(r *Request) (decoded, canonical string) {
	vhost := !r.Global && c.useVhost(r.Bucket)
	switch {
	case r.Bucket == "":
		decoded = "/"
	case vhost && (r.Key != "" || r.HasKey):
		decoded = "/" + r.Key
	case vhost:
		decoded = "/"
	case r.Key != "" || r.HasKey:
		decoded = "/" + r.Bucket + "/" + r.Key
	default:
		decoded = "/" + r.Bucket
	}
	decoded = c.cleanPath(decoded)
	if vhost {
		return decoded, sign.CanonicalURI(decoded, r.Bucket)
	}
	return decoded, sign.CanonicalURI(decoded, "")
}

// build turns r into an unsigned *http.Request with body (which may be nil)
// and returns it with its canonical URI.
func (c *Client) build(ctx context.Context, r *Request, body io.Reader, size int64) (*Built, error) {
	decoded, canonical := c.paths(r)
	u := &url.URL{
		Scheme:   c.protocol,
		Host:     c.requestHost(r.Bucket, r.Global),
		Path:     decoded,
		RawPath:  sign.Escape(decoded),
		RawQuery: r.rawQuery(),
	}
	hr, err := http.NewRequestWithContext(ctx, r.Method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("qsapi: %s: build request: %w", r.Op, err)
	}
	if r.zoneHost && c.localHost && c.zone != "" && !r.Global {
		hr.Host = c.hostPort(c.zone + ".localhost")
	}
	built := &Built{HTTP: hr, CanonicalURI: canonical}
	for k, vs := range r.Header {
		hr.Header[k] = append([]string(nil), vs...)
	}
	hr.Header.Set("User-Agent", c.ua)
	if body != nil {
		hr.ContentLength = size
		switch {
		case size == 0:
			hr.Body = http.NoBody
		case size > 0:
			eb := &exactBody{r: body, remaining: size}
			hr.Body = eb
			built.body = eb
		default:
			hr.Body = io.NopCloser(body)
		}
	}
	return built, nil
}

// BuildRequest builds r into a header-signed *http.Request (unsigned when the
// client has no access key or r.Unsigned is set) without sending it, and
// returns the canonical URI the signature used. body may be nil; size is its
// length or -1 when unknown.
func (c *Client) BuildRequest(ctx context.Context, r *Request, body io.Reader, size int64) (*Built, error) {
	b, err := c.build(ctx, r, body, size)
	if err != nil {
		return nil, err
	}
	if c.ak != "" && !r.Unsigned {
		sign.SignRequest(b.HTTP, c.ak, c.sk, b.CanonicalURI)
	}
	return b, nil
}

// PresignedRequest is a presigned request: the method and URL to use, and the
// headers that were signed and so must be sent unchanged with it.
type PresignedRequest struct {
	Method string      // the HTTP method to use
	URL    string      // the absolute URL with access_key_id, expires and signature
	Header http.Header // headers that were signed and must be sent as they are
	// Expires is the absolute expiry of the signature.
	Expires time.Time
}

// Presign presigns r so that it is valid for expires from now (at least one
// second). It is the general entry point behind every Presign* method; any
// operation's *Request can be presigned. It needs an access key.
func (c *Client) Presign(r *Request, expires time.Duration) (*PresignedRequest, error) {
	if c.ak == "" {
		return nil, invalidArg(r.Op, "presigning needs an access key")
	}
	if expires < time.Second {
		return nil, invalidArg(r.Op, "expiry %v is shorter than one second", expires)
	}
	b, err := c.build(context.Background(), r, nil, 0)
	if err != nil {
		return nil, err
	}
	at := time.Now().Add(expires).Truncate(time.Second)
	b.HTTP.Header.Del("User-Agent")
	sign.PresignRequest(b.HTTP, c.ak, c.sk, b.CanonicalURI, at.Unix())
	return &PresignedRequest{Method: r.Method, URL: b.HTTP.URL.String(), Header: b.HTTP.Header, Expires: at}, nil
}

// errBodyTooLong is returned when a request body holds more bytes than its
// declared content length.
var errBodyTooLong = errors.New("qsapi: request body is longer than its content length")

// exactBody delivers exactly remaining bytes of r. Before handing over the
// final bytes it checks that r has nothing more; if it has, it withholds them
// and fails, so the server never receives a complete (silently truncated)
// body. (net/http notices an over-long body only after sending it, racing
// with the response.) A short body is caught by net/http itself.
type exactBody struct {
	mu        sync.Mutex
	r         io.Reader
	remaining int64
	err       error // the first failure of the body itself
}

// failure returns the body's own failure, if any.
func (b *exactBody) failure() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (b *exactBody) Read(p []byte) (int, error) {
	n, err := b.read(p)
	if err != nil && err != io.EOF {
		b.mu.Lock()
		if b.err == nil {
			b.err = err
		}
		b.mu.Unlock()
	}
	return n, err
}

func (b *exactBody) read(p []byte) (int, error) {
	if b.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) < b.remaining {
		n, err := b.r.Read(p)
		b.remaining -= int64(n)
		if err == io.EOF && b.remaining > 0 {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	}
	n, err := io.ReadFull(b.r, p[:b.remaining])
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		b.remaining -= int64(n)
		return n, err
	}
	var one [1]byte
	if m, _ := io.ReadFull(b.r, one[:]); m > 0 {
		return 0, errBodyTooLong
	}
	b.remaining = 0
	return n, io.EOF
}

func (b *exactBody) Close() error { return nil }
