package qslocal_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/qsgo/qsgo/qsapi/sign"
	"github.com/qsgo/qsgo/qslocal"
)

// Start runs a server on a free loopback port; requests signed with its key
// are served until Shutdown.
func ExampleStart() {
	rn, err := qslocal.Start(context.Background(), qslocal.Options{Memory: true, Addr: "127.0.0.1:0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rn.Shutdown(context.Background())

	r, _ := http.NewRequest("PUT", rn.Endpoint+"/my-bucket", nil)
	sign.SignRequest(r, rn.AccessKeyID, rn.SecretAccessKey, sign.CanonicalURI(r.URL.Path, ""))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.HasPrefix(rn.Endpoint, "http://127.0.0.1:"), rn.Zone)
	// Output: 201 true pek3b
}

// New gives the plain http.Handler, to mount in a server of your own (here
// httptest); the store is in memory and the bucket is created directly.
func ExampleNew() {
	srv, err := qslocal.New(qslocal.Options{Memory: true, Credentials: map[string]string{"AK": "SK"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	if err := srv.CreateBucket("my-bucket"); err != nil {
		fmt.Println(err)
		return
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	do := func(method, path, body string) *http.Response {
		r, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
		sign.SignRequest(r, "AK", "SK", sign.CanonicalURI(r.URL.Path, ""))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			panic(err)
		}
		return resp
	}
	put := do("PUT", "/my-bucket/hello.txt", "hello")
	put.Body.Close()
	get := do("GET", "/my-bucket/hello.txt", "")
	b, _ := io.ReadAll(get.Body)
	get.Body.Close()
	fmt.Println(put.StatusCode, put.Header.Get("ETag"))
	fmt.Println(get.StatusCode, string(b))
	// Output:
	// 201 "5d41402abc4b2a76b9719d911017c592"
	// 200 hello
}
