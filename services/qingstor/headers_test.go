package qingstor

import (
	"bytes"
	"context"
	"strings"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/types"
)

// TestWriteObjectHeaders checks that cache_control, content_disposition and
// user_metadata reach the stored object on every write path: one request,
// a large write in parts, and CreateMultipart.
func TestWriteObjectHeaders(t *testing.T) {
	srv := localServer(t, func(o *qslocal.Options) { o.MinPartSize = 64 << 10 })
	wd := uniqueDir("/headers/")
	st := newStore(t, srv, wd)
	ctx := context.Background()
	meta := map[string]string{"owner": "web-team", "build": "42"}
	headers := []types.Pair{WithCacheControl("max-age=60"), WithContentDisposition(`attachment; filename="a.bin"`),
		WithUserMetadata(meta), ps.WithContentType("text/css")}
	if _, err := st.Write("small", strings.NewReader("abc"), 3, headers...); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("x"), 600<<10)
	if _, err := st.Write("large", bytes.NewReader(big), int64(len(big)), append(headers, WithPartSize(256<<10))...); err != nil {
		t.Fatal(err)
	}
	o, err := st.CreateMultipart("parts", headers...)
	if err != nil {
		t.Fatal(err)
	}
	_, p, err := st.WriteMultipart(o, strings.NewReader("abc"), 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CompleteMultipart(o, []*types.Part{p}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"small", "large", "parts"} {
		m, err := st.client.HeadObject(ctx, testBucket, strings.TrimPrefix(wd, "/")+name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.CacheControl != "max-age=60" || m.ContentDisposition != `attachment; filename="a.bin"` || m.ContentType != "text/css" ||
			m.Metadata["owner"] != "web-team" || m.Metadata["build"] != "42" {
			t.Errorf("%s: cache %q, disposition %q, type %q, metadata %v", name, m.CacheControl, m.ContentDisposition, m.ContentType, m.Metadata)
		}
	}
}
