package qslocal_test

import (
	"context"
	"fmt"
	"net/http"
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
