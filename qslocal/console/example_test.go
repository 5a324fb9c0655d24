package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/qslocal/console"
)

// Start a qslocal server with its request log feeding a console, as
// qs serve --console-addr does, and read the console's metrics.
func ExampleStart() {
	ctx := context.Background()
	reqLog := console.NewRequestLog(500)
	srv, err := qslocal.Start(ctx, qslocal.Options{Memory: true, Addr: "127.0.0.1:0", Observe: reqLog.Observe})
	if err != nil {
		panic(err)
	}
	defer srv.Shutdown(ctx)
	con, err := console.Start(ctx, console.Options{Server: srv.Server, Endpoint: srv.Endpoint, Log: reqLog, Addr: "127.0.0.1:0"})
	if err != nil {
		panic(err)
	}
	defer con.Shutdown(ctx)
	// con.URL is the page to open; log in with srv.AccessKeyID and srv.SecretAccessKey.
	srv.Server.CreateBucket("example-bucket")
	resp, err := http.Get(con.URL + "metrics")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "qslocal_buckets ") || strings.HasPrefix(line, "qslocal_objects_stored ") {
			fmt.Println(line)
		}
	}
	// Output:
	// qslocal_buckets 1
	// qslocal_objects_stored 0
}
