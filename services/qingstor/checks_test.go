package qingstor

import (
	"crypto/md5"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// TestContentMD5 covers content_md5 on Write, WriteAppend and
// WriteMultipart: the right digest is accepted, a wrong one is refused by
// the server and stores nothing, and a malformed one fails before sending.
func TestContentMD5(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/md5/"))
	body := "hello, md5"
	sum := md5.Sum([]byte(body))
	good := base64.StdEncoding.EncodeToString(sum[:])
	other := md5.Sum([]byte("something else"))
	wrong := base64.StdEncoding.EncodeToString(other[:])

	if _, err := st.Write("ok", strings.NewReader(body), int64(len(body)), ps.WithContentMd5(good)); err != nil {
		t.Fatalf("Write with the right content_md5: %v", err)
	}
	if _, err := st.Write("bad", strings.NewReader(body), int64(len(body)), ps.WithContentMd5(wrong)); err == nil {
		t.Fatal("Write with a wrong content_md5 succeeded")
	}
	if _, err := st.Stat("bad"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("a refused Write left an object: %v", err)
	}
	for _, v := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		_, err := st.Write("malformed", strings.NewReader(body), int64(len(body)), ps.WithContentMd5(v))
		var se services.StorageError
		if !errors.Is(err, ErrContentMD5Invalid) || !errors.As(err, &se) || se.Op != "write" {
			t.Fatalf("Write with content_md5 %q: %v, want ErrContentMD5Invalid", v, err)
		}
	}

	o, err := st.CreateAppend("app")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteAppend(o, strings.NewReader(body), int64(len(body)), ps.WithContentMd5(wrong)); err == nil {
		t.Fatal("WriteAppend with a wrong content_md5 succeeded")
	}
	if _, err := st.WriteAppend(o, strings.NewReader(body), int64(len(body)), ps.WithContentMd5(good)); err != nil {
		t.Fatalf("WriteAppend with the right content_md5: %v", err)
	}
	if off := o.MustGetAppendOffset(); off != int64(len(body)) {
		t.Fatalf("append offset %d after one accepted append", off)
	}

	mp, err := st.CreateMultipart("mp")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.WriteMultipart(mp, strings.NewReader(body), int64(len(body)), 0, ps.WithContentMd5(wrong)); err == nil {
		t.Fatal("WriteMultipart with a wrong content_md5 succeeded")
	}
	if _, part, err := st.WriteMultipart(mp, strings.NewReader(body), int64(len(body)), 0, ps.WithContentMd5(good)); err != nil || part == nil {
		t.Fatalf("WriteMultipart with the right content_md5: %v", err)
	}
	it, err := st.ListMultipart(mp)
	if err != nil {
		t.Fatal(err)
	}
	p, err := it.Next()
	if err != nil || p.Size != int64(len(body)) {
		t.Fatalf("listed part %+v, %v", p, err)
	}
	if _, err := it.Next(); !errors.Is(err, types.IterateDone) {
		t.Fatalf("more than one part listed: %v", err)
	}
}
