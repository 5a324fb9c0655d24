// Package httpclient builds the HTTP clients of services: a dialer whose
// connections put a deadline on every read and write, and a client that does
// not follow redirects.
package httpclient

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Options are the timeouts of a client built by New. A zero field keeps the
// default of NewDialer.
type Options struct {
	// DialerConnectTimeout bounds establishing a connection.
	DialerConnectTimeout time.Duration
	// ConnReadTimeout bounds every single Read of a connection.
	ConnReadTimeout time.Duration
	// ConnWriteTimeout bounds every single Write of a connection.
	ConnWriteTimeout time.Duration
}

// New returns an HTTP client without an overall timeout that does not follow
// redirects, dialing with NewDialer adjusted by the positive fields of o (nil o
// means the defaults).
func New(o *Options) *http.Client {
	d := NewDialer()
	if o != nil {
		if o.DialerConnectTimeout > 0 {
			d.WithConnectTimeout(o.DialerConnectTimeout)
		}
		if o.ConnReadTimeout > 0 {
			d.WithReadTimeout(o.ConnReadTimeout)
		}
		if o.ConnWriteTimeout > 0 {
			d.WithWriteTimeout(o.ConnWriteTimeout)
		}
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			MaxIdleConnsPerHost:   100,
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
			DisableCompression:    true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Dialer dials connections whose reads and writes have per-call deadlines.
type Dialer struct {
	*net.Dialer

	readTimeout  time.Duration
	writeTimeout time.Duration
}

// NewDialer returns a dialer with a 1 minute connect timeout, 30 second read
// and write timeouts and the pure-Go resolver.
func NewDialer() *Dialer {
	return &Dialer{
		Dialer: &net.Dialer{
			Timeout:  time.Minute,
			Resolver: &net.Resolver{PreferGo: true},
		},
		readTimeout:  30 * time.Second,
		writeTimeout: 30 * time.Second,
	}
}

// DefaultDialer is a dialer with the defaults of NewDialer.
var DefaultDialer = NewDialer()

// WithConnectTimeout sets the connect timeout and returns d.
func (d *Dialer) WithConnectTimeout(t time.Duration) *Dialer {
	d.Dialer.Timeout = t
	return d
}

// WithReadTimeout sets the timeout of every Read and returns d.
func (d *Dialer) WithReadTimeout(t time.Duration) *Dialer {
	d.readTimeout = t
	return d
}

// WithWriteTimeout sets the timeout of every Write and returns d.
func (d *Dialer) WithWriteTimeout(t time.Duration) *Dialer {
	d.writeTimeout = t
	return d
}

// DialContext dials addr and returns a *Conn applying the read and write timeouts.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.Dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &Conn{Conn: c, readTimeout: d.readTimeout, writeTimeout: d.writeTimeout}, nil
}

// Conn is a connection putting a deadline on every Read and Write.
type Conn struct {
	net.Conn

	readTimeout  time.Duration
	writeTimeout time.Duration
}

// Read reads with a deadline of now plus the read timeout, cleared afterwards.
func (c *Conn) Read(buf []byte) (n int, err error) {
	if c.readTimeout > 0 {
		if err := c.Conn.SetReadDeadline(time.Now().Add(c.readTimeout)); err != nil {
			return 0, err
		}
		defer c.Conn.SetReadDeadline(time.Time{}) //nolint:errcheck // clearing a deadline of a live conn
	}
	return c.Conn.Read(buf)
}

// Write writes with a deadline of now plus the write timeout, cleared afterwards.
func (c *Conn) Write(buf []byte) (n int, err error) {
	if c.writeTimeout > 0 {
		if err := c.Conn.SetWriteDeadline(time.Now().Add(c.writeTimeout)); err != nil {
			return 0, err
		}
		defer c.Conn.SetWriteDeadline(time.Time{}) //nolint:errcheck // clearing a deadline of a live conn
	}
	return c.Conn.Write(buf)
}
