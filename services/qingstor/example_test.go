package qingstor_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// local starts an in-process QingStor-compatible server with the bucket
// "example-bucket" and returns the credential and endpoint query of a
// connection string. Against QingStor itself the query would be
// "credential=hmac:<ak>:<sk>&endpoint=https:qingstor.com".
func local() (query string, stop func()) {
	ak, sk := qslocal.GenerateCredentials()
	rn, err := qslocal.Start(context.Background(), qslocal.Options{
		Memory: true, Addr: "127.0.0.1:0", Credentials: map[string]string{ak: sk},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	if err := rn.Server.CreateBucket("example-bucket"); err != nil {
		panic(err)
	}
	return fmt.Sprintf("credential=hmac:%s:%s&endpoint=http:%s:%d", ak, sk, rn.Host, rn.Port),
		func() { _ = rn.Shutdown(context.Background()) }
}

// open opens example-bucket with a work dir and extra query parameters.
func open(query, workDir string, extra ...string) types.Storager {
	cs := "qingstor://example-bucket" + workDir + "?" + query
	for _, e := range extra {
		cs += "&" + e
	}
	store, err := services.NewStoragerFromString(cs)
	if err != nil {
		panic(err)
	}
	return store
}

func Example() {
	query, stop := local()
	defer stop()
	store, err := services.NewStoragerFromString("qingstor://example-bucket/path/to/workdir?" + query)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := store.Write("hello.txt", strings.NewReader("hello"), 5, ps.WithContentType("text/plain")); err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	n, err := store.Read("hello.txt", &buf)
	fmt.Println(n, buf.String(), err)
	fmt.Println(store.Metadata().WorkDir)
	// Output:
	// 5 hello <nil>
	// /path/to/workdir/
}

func ExampleNewServicer() {
	query, stop := local()
	defer stop()
	srv, err := services.NewServicerFromString("qingstor://?" + query)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := srv.Create("another-bucket", ps.WithLocation("pek3b")); err != nil {
		fmt.Println(err)
		return
	}
	it, _ := srv.List()
	for {
		st, err := it.Next()
		if err != nil {
			break
		}
		fmt.Println(st.Metadata().Name)
	}
	// Output:
	// another-bucket
	// example-bucket
}

func ExampleNewStorager() {
	query, stop := local()
	defer stop()
	// Pairs instead of a connection string; the credential and endpoint are
	// the same strings.
	var cred, ep string
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k == "credential" {
			cred = v
		} else {
			ep = v
		}
	}
	store, err := qingstor.NewStorager(ps.WithCredential(cred), ps.WithEndpoint(ep),
		ps.WithName("example-bucket"), ps.WithWorkDir("/data/"), qingstor.WithEnableVirtualDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store.Metadata().Name, store.Metadata().WorkDir)
	// Output: example-bucket /data/
}

func ExampleStorage_List() {
	query, stop := local()
	defer stop()
	store := open(query, "/list/")
	for _, name := range []string{"a", "dir/b", "dir/c"} {
		_, _ = store.Write(name, nil, 0)
	}
	it, _ := store.List("", ps.WithListMode(types.ListModeDir))
	for {
		o, err := it.Next()
		if err != nil {
			break
		}
		fmt.Println(o.Path, o.Mode)
	}
	// Output:
	// dir/ dir
	// a read
}

func ExampleStorage_CreateAppend() {
	query, stop := local()
	defer stop()
	store := open(query, "/").(types.Appender)
	o, _ := store.CreateAppend("log")
	_, _ = store.WriteAppend(o, strings.NewReader("one "), 4)
	_, _ = store.WriteAppend(o, strings.NewReader("two"), 3)
	_ = store.CommitAppend(o)
	fmt.Println(o.MustGetAppendOffset())
	// Output: 7
}

func ExampleStorage_Copy() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	_, _ = store.Write("a file", strings.NewReader("data"), 4)
	err := store.(types.Copier).Copy("a file", "copies/a+file")
	o, _ := store.Stat("copies/a+file")
	fmt.Println(err, o.MustGetContentLength())
	// Output: <nil> 4
}

func ExampleStorage_Move() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	_, _ = store.Write("draft", strings.NewReader("text"), 4)
	err := store.(types.Mover).Move("draft", "final")
	_, statErr := store.Stat("draft")
	fmt.Println(err, errors.Is(statErr, services.ErrObjectNotExist))
	// Output: <nil> true
}

func ExampleStorage_CreateDir() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	o, err := store.(types.Direr).CreateDir("photos")
	fmt.Println(o.Path, o.Mode, err)
	// Output: photos dir <nil>
}

func ExampleStorage_Fetch() {
	query, stop := local()
	defer stop()
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "7")
		io.WriteString(w, "fetched")
	}))
	defer web.Close()
	store := open(query, "/downloads/")
	err := store.(types.Fetcher).Fetch("page", web.URL+"/page")
	var buf bytes.Buffer
	_, _ = store.Read("page", &buf)
	fmt.Println(err, buf.String())
	// Output: <nil> fetched
}

func ExampleStorage_CreateLink() {
	query, stop := local()
	defer stop()
	store := open(query, "/w/", "enable_virtual_link")
	_, _ = store.(types.Linker).CreateLink("latest", "releases/版本 1.0")
	o, _ := store.Stat("latest")
	fmt.Println(o.Mode.IsLink(), o.MustGetLinkTarget())
	// Output: true /w/releases/版本 1.0
}

func ExampleStorage_CreateMultipart() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	m := store.(types.Multiparter)
	o, _ := m.CreateMultipart("assembled")
	_, p0, _ := m.WriteMultipart(o, strings.NewReader("last part only"), 14, 0)
	fmt.Println(p0.Index, p0.Size)
	fmt.Println(m.CompleteMultipart(o, []*types.Part{p0}))
	// Output:
	// 0 14
	// <nil>
}

func ExampleStorage_Reach() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	_, _ = store.Write("public", strings.NewReader("for anyone"), 10)
	//lint:ignore SA1019 Reacher is deprecated in go-storage v4 but still part of its API, which this covers
	url, _ := store.(types.Reacher).Reach("public", ps.WithExpire(time.Hour))
	resp, err := http.Get(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(string(b))
	// Output: for anyone
}

func ExampleStorage_QuerySignHTTPWrite() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	signer := store.(types.StorageHTTPSigner)
	req, _ := signer.QuerySignHTTPWrite("upload", 6, time.Hour, ps.WithContentType("text/plain"))
	req.Body = io.NopCloser(strings.NewReader("signed"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	req, _ = signer.QuerySignHTTPRead("upload", time.Hour)
	resp, _ = http.DefaultClient.Do(req)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(b))
	req, _ = signer.QuerySignHTTPDelete("upload", time.Hour)
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	_, err = store.Stat("upload")
	fmt.Println(resp.StatusCode, err != nil)
	// Output:
	// signed
	// 204 true
}

func ExampleStorage_QuerySignHTTPCreateMultipart() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	signer := store.(types.MultipartHTTPSigner)
	req, _ := signer.QuerySignHTTPCreateMultipart("presigned-upload", time.Hour)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	it, _ := store.List("", ps.WithListMode(types.ListModePart))
	o, _ := it.Next()
	fmt.Println(resp.StatusCode, o.Path, o.Mode)
	// Output: 200 presigned-upload part
}

func ExampleWithEncryptionCustomerKey() {
	query, stop := local()
	defer stop()
	store := open(query, "/")
	key := bytes.Repeat([]byte("0"), 32) // a 32-byte AES-256 key
	sse := []types.Pair{qingstor.WithEncryptionCustomerAlgorithm("AES256"), qingstor.WithEncryptionCustomerKey(key)}
	_, _ = store.Write("secret", strings.NewReader("hidden"), 6, sse...)
	_, err := store.Read("secret", io.Discard)
	fmt.Println(err != nil)
	var buf bytes.Buffer
	_, _ = store.Read("secret", &buf, sse...)
	o, _ := store.Stat("secret")
	fmt.Println(buf.String(), qingstor.GetObjectSystemMetadata(o).EncryptionCustomerAlgorithm)
	// Output:
	// true
	// hidden AES256
}

func ExampleIsBucketNameValid() {
	for _, name := range []string{"my-bucket-1", "My_Bucket", "abc"} {
		fmt.Println(name, qingstor.IsBucketNameValid(name))
	}
	// Output:
	// my-bucket-1 true
	// My_Bucket false
	// abc false
}
