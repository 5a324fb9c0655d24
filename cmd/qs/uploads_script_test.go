package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// scriptClock is a script's server clock: the real time plus an offset
// that mkupload -age moves back while it starts an upload.
type scriptClock struct{ offset atomic.Int64 }

func (c *scriptClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// cmdMkupload starts an unfinished multipart upload and uploads parts of
// pseudo-random bytes to it: mkupload [-age DURATION] BUCKET KEY PARTS
// PARTSIZE. With -age the server records the upload as started that long
// ago (the request is presigned, so no Date header is checked against the
// moved clock).
func cmdMkupload(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("mkupload", flag.ContinueOnError)
	age := fs.Duration("age", 0, "")
	if neg || fs.Parse(args) != nil || fs.NArg() != 4 {
		ts.Fatalf("usage: mkupload [-age duration] bucket key parts partsize")
	}
	bucket, key := fs.Arg(0), fs.Arg(1)
	parts, err := strconv.Atoi(fs.Arg(2))
	ts.Check(err)
	size, err := parseSize(fs.Arg(3))
	ts.Check(err)
	s, err := services.NewStoragerFromString(fmt.Sprintf("qingstor://%s/?credential=hmac:%s:%s&endpoint=%s",
		bucket, ts.Getenv("QINGSTOR_ACCESS_KEY_ID"), ts.Getenv("QINGSTOR_SECRET_ACCESS_KEY"), ts.Getenv("QS_ENDPOINT")))
	ts.Check(err)
	ctx := context.Background()
	clock := ts.Value("clock").(*scriptClock)
	clock.offset.Store(int64(-*age))
	req, err := s.(types.MultipartHTTPSigner).QuerySignHTTPCreateMultipartWithContext(ctx, key, time.Hour)
	ts.Check(err)
	resp, err := http.DefaultClient.Do(req)
	clock.offset.Store(0)
	ts.Check(err)
	var out struct {
		UploadID string `json:"upload_id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	ts.Check(err)
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("initiate upload: %s", resp.Status)
	}
	ups, err := listUploads(ctx, s, key)
	ts.Check(err)
	for _, u := range ups {
		if u.id != out.UploadID {
			continue
		}
		for i := range parts {
			_, _, err := s.(types.Multiparter).WriteMultipartWithContext(ctx, u.obj, bytes.NewReader(bytes.Repeat([]byte{byte(i)}, int(size))), size, i)
			ts.Check(err)
		}
		ts.Logf("started upload %s of %s", u.id, key)
		return
	}
	ts.Fatalf("upload %s of %s is not listed", out.UploadID, key)
}
