package sign_test

import (
	"fmt"
	"net/http"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// A client signs a request in the header form; a server verifies it by
// rebuilding the string-to-sign from the request it received.
func ExampleSignRequest() {
	r, _ := http.NewRequest("GET", "http://127.0.0.1:9000/mybucket/a%20b.txt", nil)
	r.Header.Set("Date", "Sat, 28 Nov 2026 20:00:00 GMT")
	uri := sign.CanonicalURI(r.URL.Path, "")
	sign.SignRequest(r, "AKID", "SECRET", uri)

	// Server side.
	ak, sig, err := sign.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		panic(err)
	}
	want := sign.Signature("SECRET", sign.StringToSign(r, sign.CanonicalURI(r.URL.Path, "")))
	fmt.Println(ak, uri, sign.Equal(sig, want))
	// Output: AKID /mybucket/a%20b.txt true
}

// A presigned URL carries access_key_id, expires and signature in its query.
func ExamplePresignRequest() {
	r, _ := http.NewRequest("GET", "http://127.0.0.1:9000/mybucket/key?upload_id=u1", nil)
	sign.PresignRequest(r, "AKID", "SECRET", sign.CanonicalURI(r.URL.Path, ""), 1800000000)
	fmt.Println(r.URL.Query().Get("expires"))
	fmt.Printf("%q\n", sign.QueryStringToSign(r, "/mybucket/key", 1800000000))
	// Output:
	// 1800000000
	// "GET\n\n\n1800000000\n/mybucket/key?upload_id=u1"
}

func ExampleEscape() {
	fmt.Println(sign.Escape("/dir/a b+c=d.txt"))
	// Output: /dir/a%20b%2Bc=d.txt
}
