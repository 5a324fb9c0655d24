package qingstor

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
)

// stubStore returns a storage whose server answers every request with
// status and the JSON error code (no body for HEAD).
func stubStore(t *testing.T, status int, code string) *Storage {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Qs-Request-Id", "req-"+code)
		if r.Method == http.MethodHead || code == "" {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"code":%q,"message":"stub says %s","request_id":"req-%s"}`, code, code, code)
	}))
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	st, err := NewStorager(ps.WithCredential("hmac:ak:sk"), ps.WithEndpoint("http:"+u.Host), ps.WithName("abcdef"), ps.WithLocation("pek3b"))
	if err != nil {
		t.Fatal(err)
	}
	return st.(*Storage)
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		status int
		code   string
		want   error
	}{
		{404, "object_not_exists", services.ErrObjectNotExist},
		{404, "", services.ErrObjectNotExist},
		{403, "permission_denied", services.ErrPermissionDenied},
		{401, "signature_not_matched", services.ErrPermissionDenied},
		{429, "fetch_throttled", services.ErrRequestThrottled},
		{500, "internal_error", services.ErrServiceInternal},
		{503, "service_unavailable", services.ErrServiceInternal},
		{400, "invalid_argument", services.ErrUnexpected},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", c.status, c.code), func(t *testing.T) {
			st := stubStore(t, c.status, c.code)
			_, err := st.Read("dir/obj", &strings.Builder{})
			if !errors.Is(err, c.want) {
				t.Fatalf("Read: %v, want %v", err, c.want)
			}
			var se services.StorageError
			if !errors.As(err, &se) || se.Op != "read" || len(se.Path) != 1 || se.Path[0] != "dir/obj" {
				t.Fatalf("Read: %#v is not a StorageError of read on dir/obj", err)
			}
			if RequestID(err) != "req-"+c.code {
				t.Fatalf("request id %q in %v", RequestID(err), err)
			}
			var qe *qsapi.Error
			if errors.As(err, &qe) {
				t.Fatal("the wire client's error type is reachable")
			}
			_, err = st.Stat("dir/obj")
			if !errors.Is(err, c.want) || RequestID(err) != "req-"+c.code {
				t.Fatalf("Stat (HEAD): %v", err)
			}
		})
	}
}
