package faults

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Proxy is a scripted fault-injecting HTTP/1.1 proxy listening on
// 127.0.0.1. It is safe for concurrent use.
type Proxy struct {
	ln       net.Listener
	upstream *url.URL
	tr       *http.Transport

	mu      sync.Mutex
	rules   []*ruleState
	events  []Event
	changed chan struct{} // closed and replaced whenever an event is recorded
	conns   map[net.Conn]struct{}
	closed  bool
	release chan struct{}
	relOnce sync.Once
	wg      sync.WaitGroup
}

type ruleState struct {
	Rule
	seen int
}

// New starts a proxy on a free 127.0.0.1 port that forwards to upstream,
// a base URL such as "http://127.0.0.1:9000". Close it when done.
func New(upstream string) (*Proxy, error) {
	u, err := url.Parse(upstream)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("faults: upstream %q must be an http://host:port URL", upstream)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faults: listen: %w", err)
	}
	p := &Proxy{
		ln:       ln,
		upstream: u,
		tr: &http.Transport{
			DisableCompression:  true,
			MaxIdleConnsPerHost: 64,
		},
		conns:   map[net.Conn]struct{}{},
		changed: make(chan struct{}),
		release: make(chan struct{}),
	}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns the proxy's "127.0.0.1:port".
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Port returns the proxy's port.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// URL returns the proxy's base URL, "http://127.0.0.1:port".
func (p *Proxy) URL() string { return "http://" + p.Addr() }

// Add appends rules to the script. Rules are consulted in the order they were
// added; the first one that matches a request and still has faults left
// decides what happens to it.
func (p *Proxy) Add(rules ...Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range rules {
		if r.Match == nil {
			r.Match = Any
		}
		p.rules = append(p.rules, &ruleState{Rule: r})
	}
}

// Reset drops every rule and the event log.
func (p *Proxy) Reset() {
	p.mu.Lock()
	p.rules, p.events = nil, nil
	p.mu.Unlock()
}

// Events returns a copy of the requests seen so far.
func (p *Proxy) Events() []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Event(nil), p.events...)
}

// WaitRequests blocks until the proxy has seen at least n requests (the
// fault of the n-th is being applied) or ctx is done, whose error it returns.
func (p *Proxy) WaitRequests(ctx context.Context, n int) error {
	for {
		p.mu.Lock()
		seen, ch := len(p.events), p.changed
		p.mu.Unlock()
		if seen >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Injected returns how many requests got a fault other than Pass.
func (p *Proxy) Injected() int {
	n := 0
	for _, e := range p.Events() {
		if e.Fault.Kind != Pass {
			n++
		}
	}
	return n
}

// Release ends every current and future SlowHeaders wait: the waiting
// connections are closed without a response.
func (p *Proxy) Release() { p.relOnce.Do(func() { close(p.release) }) }

// Close stops the proxy: the listener and every connection are closed and
// Close waits for all of the proxy's goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	err := p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.Release()
	p.wg.Wait()
	p.tr.CloseIdleConnections()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			return
		}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.serveConn(c)
	}
}

// pick returns the fault for r and records the event.
func (p *Proxy) pick(r *http.Request) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := Fault{Kind: Pass}
	for _, rs := range p.rules {
		if rs.seen >= rs.Skip+len(rs.Faults) || !rs.Match(r) {
			continue
		}
		rs.seen++
		if rs.seen > rs.Skip {
			f = rs.Faults[rs.seen-rs.Skip-1]
		}
		break
	}
	p.events = append(p.events, Event{Seq: len(p.events) + 1, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Fault: f})
	close(p.changed)
	p.changed = make(chan struct{})
	return f
}

func (p *Proxy) serveConn(c net.Conn) {
	defer p.wg.Done()
	defer func() {
		c.Close()
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		if strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
			req.Header.Del("Expect")
			if _, err := io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n"); err != nil {
				return
			}
		}
		if !p.handle(c, br, req, p.pick(req)) || req.Close {
			return
		}
	}
}

// reset closes c with a TCP RST.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// handle applies f to req; it reports whether the connection may serve
// another request.
func (p *Proxy) handle(c net.Conn, br *bufio.Reader, req *http.Request, f Fault) bool {
	switch f.Kind {
	case ResetOnRequest:
		reset(c)
		return false
	case Status:
		io.Copy(io.Discard, req.Body)
		return writeInjected(c, req, f.code()) == nil
	case OKErrorBody:
		io.Copy(io.Discard, req.Body)
		return writeInjected(c, req, http.StatusOK) == nil
	case SlowHeaders:
		io.Copy(io.Discard, req.Body)
		p.waitForGiveUp(br)
		return false
	case ResetMidRequestBody:
		body := req.Body
		req.Body = io.NopCloser(io.MultiReader(io.LimitReader(body, f.Bytes), errReader{}))
		if resp, err := p.forward(req); err == nil {
			resp.Body.Close()
		}
		reset(c)
		return false
	}
	resp, err := p.forward(req)
	if err != nil {
		io.Copy(io.Discard, req.Body)
		return writeStatus(c, req, http.StatusBadGateway, "bad_gateway", err.Error()) == nil
	}
	defer resp.Body.Close()
	switch f.Kind {
	case ResetBeforeResponse:
		io.Copy(io.Discard, resp.Body)
		reset(c)
		return false
	case ResetMidResponseBody:
		writeResponse(c, req, resp, f.Bytes)
		reset(c)
		return false
	case ShortBody:
		writeResponse(c, req, resp, -max(f.Bytes, 1)-1)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		return false
	}
	return writeResponse(c, req, resp, -1) == nil
}

// waitForGiveUp blocks until the client closes the connection (a read
// returns), Release is called or the proxy closes.
func (p *Proxy) waitForGiveUp(br *bufio.Reader) {
	gone := make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		br.Peek(1)
		close(gone)
	}()
	select {
	case <-gone:
	case <-p.release:
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("faults: request body cut") }

// forward sends req to the upstream server.
func (p *Proxy) forward(req *http.Request) (*http.Response, error) {
	req.RequestURI = ""
	req.URL.Scheme = p.upstream.Scheme
	req.URL.Host = p.upstream.Host
	if req.ContentLength == 0 {
		req.Body = http.NoBody
	}
	return p.tr.RoundTrip(req)
}

// bodiless reports whether a response to req with status code carries no body.
func bodiless(req *http.Request, code int) bool {
	return req.Method == http.MethodHead || code == http.StatusNoContent ||
		code == http.StatusNotModified || code/100 == 1
}

// writeResponse writes resp to c. limit >= 0 sends only that many body
// bytes; limit < -1 sends -limit-1 bytes fewer than the body has; -1 sends
// everything. The Content-Length header always states the full length.
func writeResponse(c net.Conn, req *http.Request, resp *http.Response, limit int64) error {
	h := resp.Header.Clone()
	h.Del("Transfer-Encoding")
	h.Del("Connection")
	var body io.Reader = resp.Body
	length := resp.ContentLength
	if bodiless(req, resp.StatusCode) {
		body = nil
	} else {
		if length < 0 {
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			body, length = bytes.NewReader(b), int64(len(b))
		}
		h.Set("Content-Length", strconv.FormatInt(length, 10))
	}
	bw := bufio.NewWriter(c)
	fmt.Fprintf(bw, "HTTP/1.1 %03d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	h.Write(bw)
	bw.WriteString("\r\n")
	if body != nil {
		n := length
		switch {
		case limit >= 0:
			n = min(limit, length)
		case limit < -1:
			n = max(length-(-limit-1), 0)
		}
		if _, err := io.CopyN(bw, body, n); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// injectedCodes are the QingStor codes of injected statuses.
var injectedCodes = map[int]string{
	http.StatusOK:                  "internal_error",
	http.StatusInternalServerError: "internal_error",
	http.StatusServiceUnavailable:  "service_unavailable",
	http.StatusBadGateway:          "bad_gateway",
	http.StatusTooManyRequests:     "max_requests_exceeded",
}

// writeInjected answers req with an injected status and error body.
func writeInjected(c net.Conn, req *http.Request, code int) error {
	qc := injectedCodes[code]
	if qc == "" {
		qc = "injected_error"
	}
	return writeStatus(c, req, code, qc, "fault injected by internal/faults")
}

func writeStatus(c net.Conn, req *http.Request, code int, qcode, msg string) error {
	body := fmt.Sprintf(`{"code":%q,"message":%q,"request_id":"faults","url":"https://docs.qingcloud.com/qingstor/api/error_code.html"}`, qcode, msg)
	bw := bufio.NewWriter(c)
	fmt.Fprintf(bw, "HTTP/1.1 %03d %s\r\n", code, http.StatusText(code))
	bw.WriteString("X-Qs-Request-Id: faults\r\n")
	if bodiless(req, code) {
		bw.WriteString("Content-Length: 0\r\n\r\n")
		return bw.Flush()
	}
	fmt.Fprintf(bw, "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	return bw.Flush()
}
