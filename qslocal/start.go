package qslocal

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Running is a server listening on a socket, as returned by Start.
type Running struct {
	// Server is the handler (its store is reachable through Server.Store).
	Server *Server
	// Endpoint is the base URL, e.g. "http://127.0.0.1:9000".
	Endpoint string
	// Host and Port are the listening address parts.
	Host string
	Port int
	// AccessKeyID and SecretAccessKey are one configured key pair.
	AccessKeyID     string
	SecretAccessKey string
	// Zone is the default zone.
	Zone string

	http     *http.Server
	done     chan error
	stop     chan struct{}
	stopOnce sync.Once
	stopErr  error
}

// Start opens the store, listens on opts.Addr (default "127.0.0.1:9000")
// and serves until ctx is cancelled or Shutdown is called. When
// opts.Credentials is empty a random key pair is generated. The server is
// ready when Start returns.
func Start(ctx context.Context, opts Options) (*Running, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:9000"
	}
	if len(opts.Credentials) == 0 {
		ak, sk := GenerateCredentials()
		opts.Credentials = map[string]string{ak: sk}
	}
	srv, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("qslocal: listen on %s: %w", opts.Addr, err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	rn := &Running{Server: srv, Host: host, Port: addr.Port, Zone: srv.opts.Zone, done: make(chan error, 1), stop: make(chan struct{})}
	rn.Endpoint = "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
	for ak, sk := range opts.Credentials {
		if rn.AccessKeyID == "" || ak < rn.AccessKeyID {
			rn.AccessKeyID, rn.SecretAccessKey = ak, sk
		}
	}
	rn.http = &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		err := rn.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		rn.done <- err
	}()
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			rn.Shutdown(sctx)
		case <-rn.stop:
		}
	}()
	return rn, nil
}

// Shutdown stops accepting requests, waits (until ctx ends) for running
// ones, then closes the store. It is safe to call more than once.
func (rn *Running) Shutdown(ctx context.Context) error {
	rn.stopOnce.Do(func() {
		close(rn.stop)
		err := rn.http.Shutdown(ctx)
		if err != nil {
			rn.http.Close()
		}
		if cerr := rn.Server.Close(); err == nil {
			err = cerr
		}
		rn.stopErr = err
	})
	return rn.stopErr
}

// Wait blocks until the HTTP server stopped accepting connections and
// returns its error (nil after Shutdown). During a Shutdown that happens at
// its start: Shutdown's own return says when requests in flight finished
// and the store is closed.
func (rn *Running) Wait() error {
	err := <-rn.done
	rn.done <- err
	return err
}

// yamlQuoted matches the values yaml error messages quote.
var yamlQuoted = regexp.MustCompile("`[^`]*`")

// GenerateCredentials returns a random access key id (20 upper-case
// letters and digits) and secret (40 letters and digits).
func GenerateCredentials() (accessKeyID, secretAccessKey string) {
	return randomString(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
		randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
}

// randomString draws n characters uniformly from alphabet (at most 256
// characters) with crypto/rand: bytes at or above the largest multiple of
// len(alphabet) are thrown away, so no character is favoured.
func randomString(n int, alphabet string) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		rand.Read(buf)
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// LoadCredentialsFile reads access keys from a YAML file, in either of two
// shapes: the QingStor client config (~/.qingstor/config.yaml, top-level
// access_key_id and secret_access_key) or a list:
//
//	credentials:
//	  - access_key_id: AK1
//	    secret_access_key: SK1
//
// Errors name the file and the line but never quote its values.
func LoadCredentialsFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("qslocal: read credentials file: %w", err)
	}
	type pair struct {
		AccessKeyID     string `yaml:"access_key_id"`
		SecretAccessKey string `yaml:"secret_access_key"`
	}
	var f struct {
		pair        `yaml:",inline"`
		Credentials []pair `yaml:"credentials"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		// yaml quotes offending values, which may be secrets: keep only
		// the line numbers and kinds.
		return nil, fmt.Errorf("qslocal: parse credentials file %s: %s", path, yamlQuoted.ReplaceAllString(err.Error(), "`…`"))
	}
	out := map[string]string{}
	for _, p := range append(f.Credentials, f.pair) {
		if p.AccessKeyID == "" && p.SecretAccessKey == "" {
			continue
		}
		if p.AccessKeyID == "" || p.SecretAccessKey == "" {
			return nil, fmt.Errorf("qslocal: credentials file %s: an entry lacks access_key_id or secret_access_key", path)
		}
		out[p.AccessKeyID] = p.SecretAccessKey
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("qslocal: credentials file %s holds no keys", path)
	}
	return out, nil
}
