package qingstor

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/types"
)

// Each constructor pair of the README's tables takes effect.

// TestDisableURICleaning: by default runs of "/" in a key are collapsed as
// the QingStor SDK does; disable_uri_cleaning sends them as they are.
// (qslocal refuses empty path segments, so a recording stub answers.)
func TestDisableURICleaning(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath())
		mu.Unlock()
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Etag", `"0cc175b9c0f1b6a831c399e269772661"`)
		w.WriteHeader(http.StatusCreated)
	}))
	defer hs.Close()
	u, _ := url.Parse(hs.URL)
	for _, keep := range []bool{false, true} {
		pairs := []types.Pair{ps.WithCredential("hmac:ak:sk"), ps.WithEndpoint("http:" + u.Host), ps.WithName(testBucket),
			ps.WithLocation("pek3b"), ps.WithWorkDir("/wd/")}
		if keep {
			pairs = append(pairs, WithDisableURICleaning())
		}
		st, err := NewStorager(pairs...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Write("a//b", strings.NewReader("a"), 1); err != nil {
			t.Fatalf("Write (disable_uri_cleaning %v): %v", keep, err)
		}
	}
	want := []string{"/" + testBucket + "/wd/a/b", "/" + testBucket + "/wd/a//b"}
	if len(paths) != 2 || paths[0] != want[0] || paths[1] != want[1] {
		t.Fatalf("request paths %q, want %q", paths, want)
	}
}

func TestHTTPClientOptions(t *testing.T) {
	// A server that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	st, err := NewStorager(ps.WithCredential("hmac:ak:sk"), ps.WithEndpoint("http:"+ln.Addr().String()),
		ps.WithName(testBucket), ps.WithLocation("pek3b"),
		ps.WithHTTPClientOptions(&httpclient.Options{ConnReadTimeout: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	// The connection's read timeout ("i/o timeout"), not the context deadline nor
	// qsapi's own 60s response-header timeout, ends the call.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = st.StatWithContext(ctx, "x")
	if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "i/o timeout") {
		t.Fatalf("Stat against a silent server with a 50ms read timeout: %v", err)
	}
}

func TestDefaultStoragePairsAndFeatures(t *testing.T) {
	srv := localServer(t)
	st, err := NewStorager(ps.WithCredential("hmac:"+srv.AccessKeyID+":"+srv.SecretAccessKey),
		ps.WithEndpoint("http:"+srv.Host+":"+itoa(srv.Port)), ps.WithName(testBucket), ps.WithWorkDir(uniqueDir("/defaults/")),
		WithDefaultStoragePairs(DefaultStoragePairs{Write: []types.Pair{ps.WithContentType("text/x-from-defaults")}}),
		WithStorageFeatures(StorageFeatures{VirtualLink: true}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write("a", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	o, err := st.Stat("a")
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := o.GetContentType(); ct != "text/x-from-defaults" {
		t.Errorf("content type %q, want the default_storage_pairs one", ct)
	}
	// storage_features{VirtualLink} turns links on, as enable_virtual_link does.
	if _, err := st.(types.Linker).CreateLink("l", "a"); err != nil {
		t.Errorf("CreateLink with StorageFeatures{VirtualLink: true}: %v", err)
	}
}

func TestDefaultServicePairsAndFeatures(t *testing.T) {
	srv := localServer(t)
	sv, err := NewServicer(ps.WithCredential("hmac:"+srv.AccessKeyID+":"+srv.SecretAccessKey),
		ps.WithEndpoint("http:"+srv.Host+":"+itoa(srv.Port)),
		WithDefaultServicePairs(DefaultServicePairs{Create: []types.Pair{ps.WithLocation(srv.Zone)}}),
		WithServiceFeatures(ServiceFeatures{}))
	if err != nil {
		t.Fatal(err)
	}
	// Create requires location: here it comes from default_service_pairs.
	if _, err := sv.Create("from-defaults"); err != nil {
		t.Fatalf("Create with the location from default_service_pairs: %v", err)
	}
	// Get passes work_dir, storage_features and default_storage_pairs on.
	st, err := sv.Get("from-defaults", ps.WithWorkDir("/w"), WithStorageFeatures(StorageFeatures{VirtualLink: true}),
		WithDefaultStoragePairs(DefaultStoragePairs{Write: []types.Pair{ps.WithContentType("text/x-get")}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write("a", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if o, err := st.Stat("a"); err != nil {
		t.Fatal(err)
	} else if ct, _ := o.GetContentType(); ct != "text/x-get" || o.ID != "w/a" {
		t.Errorf("object %s of type %q, want w/a of text/x-get", o.ID, ct)
	}
	if _, err := st.(types.Linker).CreateLink("l", "a"); err != nil {
		t.Errorf("CreateLink on a Get storage with VirtualLink: %v", err)
	}
}
