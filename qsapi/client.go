package qsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Default endpoint values.
const (
	DefaultProtocol = "https"
	DefaultHost     = "qingstor.com"
)

// Options configure a Client. The zero value of every field has a default.
type Options struct {
	// Protocol is "http" or "https" (default "https").
	Protocol string
	// Host is the global host without zone, bucket or port (default "qingstor.com").
	Host string
	// Port is the TCP port; 0 means 443 for https and 80 for http. The port is
	// always written into the URL, as the SDK does.
	Port int
	// Zone is the zone id (e.g. "pek3a") used for bucket and object calls.
	// It is lower-cased. Empty means no zone prefix.
	Zone string
	// AccessKeyID and SecretAccessKey sign requests. When AccessKeyID is
	// empty requests are sent anonymously.
	AccessKeyID     string
	SecretAccessKey string
	// VirtualHostStyle puts the bucket into the host name. Ignored for IP and
	// localhost endpoints.
	VirtualHostStyle bool
	// DisableURICleaning keeps runs of '/' in the request path (see package doc).
	DisableURICleaning bool
	// HTTPClient, when set, sends the requests. The client keeps its Transport,
	// Jar and Timeout but never follows redirects (CheckRedirect is replaced in
	// a copy). When nil, a client with the timeouts below is built.
	HTTPClient *http.Client
	// ConnectTimeout, TLSHandshakeTimeout and ResponseHeaderTimeout configure
	// the built-in transport (defaults 10s, 10s, 60s). Ignored with HTTPClient.
	ConnectTimeout        time.Duration
	TLSHandshakeTimeout   time.Duration
	ResponseHeaderTimeout time.Duration
	// Retry is the retry policy; its zero value means DefaultRetryPolicy.
	Retry RetryPolicy
	// UserAgent, when set, is appended to "qsgo/<Version>" in the User-Agent.
	UserAgent string
}

// Client is a QingStor wire client. It is safe for concurrent use.
type Client struct {
	protocol  string
	host      string
	port      int
	zone      string
	ak, sk    string
	vhost     bool
	noClean   bool
	localHost bool // IP or localhost: no zone, path style
	hc        *http.Client
	retry     RetryPolicy
	ua        string
}

// ErrInvalidOptions is wrapped by every error New returns for bad Options.
var ErrInvalidOptions = errors.New("qsapi: invalid options")

// New returns a Client for opts. It returns an error wrapping
// ErrInvalidOptions for an unknown protocol, a host containing a scheme,
// path, port or spaces, or a port outside 0..65535.
func New(opts Options) (*Client, error) {
	c := &Client{
		protocol: strings.ToLower(opts.Protocol),
		host:     strings.ToLower(opts.Host),
		port:     opts.Port,
		zone:     strings.ToLower(opts.Zone),
		ak:       opts.AccessKeyID,
		sk:       opts.SecretAccessKey,
		vhost:    opts.VirtualHostStyle,
		noClean:  opts.DisableURICleaning,
		retry:    opts.Retry.withDefaults(),
	}
	if c.protocol == "" {
		c.protocol = DefaultProtocol
	}
	if c.host == "" {
		c.host = DefaultHost
	}
	if c.protocol != "http" && c.protocol != "https" {
		return nil, fmt.Errorf("%w: protocol %q is not http or https", ErrInvalidOptions, opts.Protocol)
	}
	if strings.ContainsAny(c.host, "/:?#@ \t\r\n") && net.ParseIP(strings.Trim(c.host, "[]")) == nil {
		return nil, fmt.Errorf("%w: host %q must be a bare host name", ErrInvalidOptions, opts.Host)
	}
	if c.port < 0 || c.port > 65535 {
		return nil, fmt.Errorf("%w: port %d out of range", ErrInvalidOptions, opts.Port)
	}
	if c.port == 0 {
		c.port = 443
		if c.protocol == "http" {
			c.port = 80
		}
	}
	if strings.ContainsAny(c.zone, "/:?#@. \t\r\n") {
		return nil, fmt.Errorf("%w: zone %q", ErrInvalidOptions, opts.Zone)
	}
	c.localHost = c.host == "localhost" || net.ParseIP(strings.Trim(c.host, "[]")) != nil
	c.ua = "qsgo/" + Version
	if opts.UserAgent != "" {
		c.ua += " " + opts.UserAgent
	}
	if opts.HTTPClient != nil {
		hc := *opts.HTTPClient
		hc.CheckRedirect = noRedirect
		c.hc = &hc
	} else {
		c.hc = &http.Client{Transport: newTransport(opts), CheckRedirect: noRedirect}
	}
	return c, nil
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func newTransport(opts Options) *http.Transport {
	connect := durOr(opts.ConnectTimeout, 10*time.Second)
	t := baseTransport()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = durOr(opts.TLSHandshakeTimeout, 10*time.Second)
	t.ResponseHeaderTimeout = durOr(opts.ResponseHeaderTimeout, 60*time.Second)
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// baseTransport returns a transport for newTransport to adjust: a clone of
// http.DefaultTransport when it is an *http.Transport, so that what a program
// set there (proxy, TLS roots) carries over. Programs often replace it with a
// wrapper (tracing, logging, test recorders); the client then starts from the
// settings net/http documents for its default transport instead, as the
// wrapper cannot be cloned and sending through it would bypass the timeouts
// set here.
func baseTransport() *http.Transport {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// WithZone returns a copy of c that sends bucket and object calls to zone.
// The copy shares c's *http.Client and connections.
func (c *Client) WithZone(zone string) *Client {
	cc := *c
	cc.zone = strings.ToLower(zone)
	return &cc
}

// Zone returns the zone the client sends bucket and object calls to.
func (c *Client) Zone() string { return c.zone }

// HTTPClient returns the *http.Client the client sends requests with.
func (c *Client) HTTPClient() *http.Client { return c.hc }

// hostPort joins h with the client's port.
func (c *Client) hostPort(h string) string {
	return net.JoinHostPort(strings.Trim(h, "[]"), strconv.Itoa(c.port))
}

// useVhost reports whether a request for bucket uses virtual-host style.
func (c *Client) useVhost(bucket string) bool {
	return c.vhost && !c.localHost && bucket != ""
}

// requestHost returns the Host (with port) for a request. Service-level
// calls (bucket == "") and the global flag use the host without zone.
func (c *Client) requestHost(bucket string, global bool) string {
	h := c.host
	if !global && bucket != "" && c.zone != "" && !c.localHost {
		h = c.zone + "." + h
	}
	if !global && c.useVhost(bucket) {
		h = bucket + "." + h
	}
	return c.hostPort(h)
}

// cleanPath collapses runs of '/' unless URI cleaning is disabled.
func (c *Client) cleanPath(p string) string {
	if c.noClean {
		return p
	}
	return CollapseSlashes(p)
}

// CollapseSlashes returns p with every run of '/' replaced by one '/': the
// URI cleaning the client applies to request paths unless
// Options.DisableURICleaning is set. It returns p itself when p has no "//".
func CollapseSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// drainAndClose reads a little of body (so the connection can be reused) and closes it.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, body, 64<<10)
	_ = body.Close()
}

// contextErr returns ctx's error if ctx is done.
func contextErr(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}
