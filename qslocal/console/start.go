package console

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Running is a console served on a socket, as returned by Start.
type Running struct {
	*Console
	// URL is the console's address, e.g. "http://127.0.0.1:9001/".
	URL string
	// Loopback is false when the console listens beyond this machine.
	Loopback bool

	http *http.Server
	done chan struct{} // closed when Serve returned
}

// Start serves a console for opts on opts.Addr ("127.0.0.1:9001" if empty;
// port 0 picks a free one) until ctx is cancelled or Shutdown is called.
// The console is ready when Start returns. A non-loopback address is
// allowed but exposes the console (and, after a login, the data) to the
// network: callers should warn, as qs serve does (Running.Loopback).
func Start(ctx context.Context, opts Options) (*Running, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:9001"
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("console: listen on %s: %w", opts.Addr, err)
	}
	opts.Addr = ln.Addr().String()
	c, err := New(opts)
	if err != nil {
		ln.Close()
		return nil, err
	}
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	rn := &Running{Console: c, Loopback: c.loopback, done: make(chan struct{}),
		URL: "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port)) + "/"}
	rn.http = &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10}
	go func() {
		defer close(rn.done)
		rn.http.Serve(ln) // ends with Shutdown or Close
	}()
	go func() {
		select {
		case <-ctx.Done():
			rn.http.Close()
		case <-rn.done:
		}
	}()
	return rn, nil
}

// Shutdown stops the console, waiting for requests in flight until ctx ends.
func (rn *Running) Shutdown(ctx context.Context) error {
	err := rn.http.Shutdown(ctx)
	<-rn.done
	return err
}
