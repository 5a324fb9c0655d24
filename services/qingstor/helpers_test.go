package qingstor

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// testBucket is the bucket every in-process server gets.
const testBucket = "qsgo-test"

var bucketSeq atomic.Int64

// localServer starts qslocal in-process on loopback with a test bucket.
func localServer(tb testing.TB, opts ...func(*qslocal.Options)) *qslocal.TestServer {
	tb.Helper()
	srv := qslocal.StartTest(tb, append([]func(*qslocal.Options){func(o *qslocal.Options) { o.Memory = true }}, opts...)...)
	srv.CreateBucket(testBucket)
	return srv
}

// connQuery returns the credential and endpoint query of srv.
func connQuery(srv *qslocal.TestServer) string {
	return fmt.Sprintf("credential=hmac:%s:%s&endpoint=http:%s:%d", srv.AccessKeyID, srv.SecretAccessKey, srv.Host, srv.Port)
}

// newStore opens the test bucket of srv with workDir and extra query
// parameters through a connection string, as users do.
func newStore(tb testing.TB, srv *qslocal.TestServer, workDir string, query ...string) *Storage {
	tb.Helper()
	return newStoreIn(tb, srv, testBucket, workDir, query...)
}

// newStoreIn is newStore on another bucket of srv.
func newStoreIn(tb testing.TB, srv *qslocal.TestServer, bucket, workDir string, query ...string) *Storage {
	tb.Helper()
	cs := "qingstor://" + bucket + workDir + "?" + connQuery(srv)
	if len(query) > 0 {
		cs += "&" + strings.Join(query, "&")
	}
	st, err := services.NewStoragerFromString(cs)
	if err != nil {
		tb.Fatalf("NewStoragerFromString: %v", err)
	}
	return st.(*Storage)
}

// uniqueDir returns a fresh work dir below root.
func uniqueDir(root string) string {
	return fmt.Sprintf("%s%d/", root, bucketSeq.Add(1))
}

// mustNext returns the next object or fails.
func mustList(tb testing.TB, it *types.ObjectIterator) []*types.Object {
	tb.Helper()
	var out []*types.Object
	for {
		o, err := it.Next()
		if err == types.IterateDone { //nolint:errorlint // the contract is the bare sentinel
			return out
		}
		if err != nil {
			tb.Fatalf("Next: %v", err)
		}
		out = append(out, o)
	}
}

// b64 is the unpadded base64 of []byte pairs in connection strings.
func b64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }

func itoa(n int) string { return strconv.Itoa(n) }
