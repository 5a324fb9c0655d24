package faults_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/qsgo/qsgo/internal/faults"
)

// A client pointed at the proxy sees two 503s, then the real server.
func ExampleProxy() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "hello")
	}))
	defer upstream.Close()

	p, err := faults.New(upstream.URL)
	if err != nil {
		panic(err)
	}
	defer p.Close()
	p.Add(faults.Rule{Match: faults.Method(http.MethodGet), Faults: faults.Times(2, faults.Fault{Kind: faults.Status, Code: 503})})

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	for i := 0; i < 3; i++ {
		resp, err := hc.Get(p.URL() + "/key")
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, len(body) > 0)
	}
	fmt.Println(p.Injected(), "faults injected in", len(p.Events()), "requests")
	// Output:
	// 503 true
	// 503 true
	// 200 true
	// 2 faults injected in 3 requests
}
