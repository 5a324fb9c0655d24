package httpclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestNewDoesNotFollowRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/from" {
			http.Redirect(w, r, "/to", http.StatusFound)
			return
		}
		io.WriteString(w, "landed")
	}))
	defer srv.Close()
	c := New(&Options{DialerConnectTimeout: time.Second, ConnReadTimeout: 5 * time.Second, ConnWriteTimeout: 5 * time.Second})
	resp, err := c.Get(srv.URL + "/from")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/to" {
		t.Fatalf("status %d", resp.StatusCode)
	}
	tr := c.Transport.(*http.Transport)
	if c.Timeout != 0 || !tr.DisableCompression || tr.MaxIdleConnsPerHost != 100 {
		t.Fatal("client settings")
	}
}

func TestReadTimeoutPerCall(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	release := make(chan struct{})
	defer close(release)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		<-release // never answers while the client waits
	}()
	d := NewDialer().WithReadTimeout(50 * time.Millisecond).WithWriteTimeout(time.Second).WithConnectTimeout(time.Second)
	conn, err := d.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, ok := conn.(*Conn); !ok {
		t.Fatalf("DialContext returned %T", conn)
	}
	if _, err := conn.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Read(make([]byte, 1))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("Read = %v, want a timeout", err)
	}
}

func TestDefaults(t *testing.T) {
	d := NewDialer()
	if d.Timeout != time.Minute || d.readTimeout != 30*time.Second || d.writeTimeout != 30*time.Second || !d.Resolver.PreferGo {
		t.Fatalf("defaults %+v", d)
	}
	if DefaultDialer == nil || New(nil) == nil {
		t.Fatal("nil defaults")
	}
}
