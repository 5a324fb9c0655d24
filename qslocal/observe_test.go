package qslocal

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// recordSink collects the records a server observes.
type recordSink struct {
	mu   sync.Mutex
	recs []RequestRecord
}

func (k *recordSink) observe(r RequestRecord) { k.mu.Lock(); k.recs = append(k.recs, r); k.mu.Unlock() }

// byID returns the record with the given request id.
func (k *recordSink) byID(t *testing.T, id string) RequestRecord {
	t.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, r := range k.recs {
		if r.RequestID == id {
			return r
		}
	}
	t.Fatalf("no record for request %s among %d", id, len(k.recs))
	return RequestRecord{}
}

// TestObserveRecordsEveryRequest checks the record of an upload, a part
// upload, a refused signature and an unroutable request: operation, status,
// code, byte counts, sub-resources and the claimed access key.
func TestObserveRecordsEveryRequest(t *testing.T) {
	var sink recordSink
	ts := StartTest(t, func(o *Options) { o.Observe = sink.observe; o.Memory = true })
	ts.CreateBucket("bkt-obs")
	c := newTC(t, ts)
	body := []byte("hello, records")
	res := c.put("bkt-obs", "dir/a.txt", body).want(t, 201, "")
	rec := sink.byID(t, res.header.Get("X-Qs-Request-Id"))
	if rec.Operation != "PutObject" || rec.Method != "PUT" || rec.Status != 201 || rec.Code != "" ||
		rec.BytesIn != int64(len(body)) || rec.Bucket != "bkt-obs" || rec.Key != "dir/a.txt" ||
		rec.Path != "/bkt-obs/dir/a.txt" || rec.AccessKeyID != c.ak || rec.Time.IsZero() || rec.Duration < 0 || rec.UserAgent != "Go-http-client/1.1" {
		t.Errorf("put record: %+v", rec)
	}
	res = c.call("GET", "/bkt-obs", "uploads&limit=5", nil).want(t, 200, "")
	rec = sink.byID(t, res.header.Get("X-Qs-Request-Id"))
	if rec.Operation != "ListMultipartUploads" || !slices.Equal(rec.SubResources, []string{"uploads"}) || rec.BytesOut != int64(len(res.body)) {
		t.Errorf("list uploads record: %+v (body %d bytes)", rec, len(res.body))
	}
	r := c.newReq("GET", "/bkt-obs/dir/a.txt", "", nil)
	sign.SignRequest(r, c.ak, "not-the-secret", canonical(r, ""))
	res = read(t, c.send(r)).want(t, 401, "signature_not_matched")
	rec = sink.byID(t, res.header.Get("X-Qs-Request-Id"))
	if rec.Code != "signature_not_matched" || rec.Status != 401 || rec.AccessKeyID != c.ak || rec.Operation != "GetObject" ||
		rec.StringToSign != sign.StringToSign(r, "/bkt-obs/dir/a.txt") {
		t.Errorf("refused record: %+v", rec)
	}
	res = c.call("PATCH", "/bkt-obs/x", "", nil).want(t, 405, "method_not_allowed")
	if rec = sink.byID(t, res.header.Get("X-Qs-Request-Id")); rec.Operation != "" || rec.Status != 405 {
		t.Errorf("unrouted record: %+v", rec)
	}
}

// TestRecordFieldsBounded: a huge path and host are cut, so a record (and a
// request log of N of them) stays small whatever a client sends.
func TestRecordFieldsBounded(t *testing.T) {
	var sink recordSink
	ts := StartTest(t, func(o *Options) { o.Observe = sink.observe; o.Memory = true })
	c := newTC(t, ts)
	long := strings.Repeat("é", 3000) // 6000 bytes, two per character
	r := c.newReq("GET", "/bkt-none/"+long, "", nil)
	resp := c.send(r)
	resp.Body.Close()
	rec := sink.byID(t, resp.Header.Get("X-Qs-Request-Id"))
	if len(rec.Path) > maxRecordField+len("…") || !strings.HasSuffix(rec.Path, "…") || !strings.HasPrefix(rec.Path, "/bkt-none/é") {
		t.Errorf("path not bounded: %d bytes", len(rec.Path))
	}
	if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d", resp.StatusCode)
	}
}
