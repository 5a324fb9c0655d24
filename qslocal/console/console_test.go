package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qsapi/sign"
	"github.com/qsgo/qsgo/qslocal"
)

func TestLoginRefusesWrongSecretAndSetsStrictCookie(t *testing.T) {
	e := newEnv(t)
	if st, _ := e.get("/"); st != http.StatusSeeOther {
		t.Fatalf("anonymous / answered %d, want a redirect to /login", st)
	}
	st, body, _ := e.post("/login", url.Values{"csrf": {e.token("/login")}, "access_key_id": {e.ts.AccessKeyID},
		"secret_access_key": {"wrong-secret"}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "signature_not_matched") {
		t.Fatalf("wrong secret: %d %s", st, body)
	}
	if st, _ := e.get("/"); st != http.StatusSeeOther {
		t.Fatal("a refused login opened a session")
	}
	st, _, _ = e.post("/login", url.Values{"access_key_id": {e.ts.AccessKeyID}, "secret_access_key": {e.ts.SecretAccessKey}})
	if st != http.StatusForbidden {
		t.Fatalf("login without its token: %d", st)
	}
	_, _, resp := e.post("/login", url.Values{"csrf": {e.token("/login")}, "access_key_id": {e.ts.AccessKeyID},
		"secret_access_key": {e.ts.SecretAccessKey}})
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v", ck)
	}
	if strings.Contains(resp.Header.Get("Location"), e.ts.SecretAccessKey) {
		t.Fatal("secret in a URL")
	}
	st, body = e.get("/")
	if st != http.StatusOK || !strings.Contains(body, e.ts.AccessKeyID) {
		t.Fatalf("after login: %d", st)
	}
	tok := e.token("/")
	if st, _, _ := e.post("/logout", url.Values{"csrf": {tok}}); st != http.StatusSeeOther {
		t.Fatalf("logout: %d", st)
	}
	if st, _ := e.get("/"); st != http.StatusSeeOther {
		t.Fatal("still logged in after logout")
	}
}

func TestStateChangesNeedCSRFTokenAndSameOrigin(t *testing.T) {
	e := newEnv(t)
	tok := e.login()
	for _, c := range []struct {
		name string
		form url.Values
		hdr  []string
	}{
		{"no token", url.Values{"name": {"bkt-nocsrf"}}, nil},
		{"wrong token", url.Values{"name": {"bkt-nocsrf"}, "csrf": {tok + "x"}}, nil},
		{"foreign origin", url.Values{"name": {"bkt-nocsrf"}, "csrf": {tok}}, []string{"Origin", "http://evil.example"}},
	} {
		hdr := append([]string{"Content-Type", "application/x-www-form-urlencoded"}, c.hdr...)
		st, _, _ := e.do("POST", "/buckets", strings.NewReader(c.form.Encode()), hdr...)
		if st != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", c.name, st)
		}
	}
	if _, err := e.ts.Server.Store().GetBucket("bkt-nocsrf"); err == nil {
		t.Fatal("a refused request created the bucket")
	}
	st, _, _ := e.post("/buckets", url.Values{"name": {"bkt-csrf"}, "csrf": {tok}})
	if _, err := e.ts.Server.Store().GetBucket("bkt-csrf"); st != http.StatusSeeOther || err != nil {
		t.Fatalf("create with the token: %d %v", st, err)
	}
	st, _, _ = e.do("POST", "/b/bkt-csrf/put?key=a", strings.NewReader("x"))
	if st != http.StatusForbidden {
		t.Errorf("upload without the token header: %d", st)
	}
}

func TestSecurityHeadersAndHostCheck(t *testing.T) {
	e := newEnv(t)
	_, _, resp := e.do("GET", "/login", nil)
	h := resp.Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" ||
		h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: %v", h)
	}
	req, _ := http.NewRequest("GET", e.web.URL+"/login", nil)
	req.Host = "rebound.example:9001"
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host on a loopback console: %d", resp.StatusCode)
	}
	st, _, _ := e.do("POST", "/login", strings.NewReader(strings.Repeat("a=b&", maxFormBody)), "Content-Type", "application/x-www-form-urlencoded")
	if st != http.StatusForbidden && st != http.StatusRequestEntityTooLarge && st != http.StatusBadRequest {
		t.Errorf("oversized form: %d", st)
	}
}

// TestObjectPagesEscapeKeysAndMetadata stores an object whose key and
// metadata are HTML and checks the pages show them as text.
func TestObjectPagesEscapeKeysAndMetadata(t *testing.T) {
	e := newEnv(t)
	e.ts.CreateBucket("bkt-xss")
	key := `dir/<img src=x onerror=alert(1)>"'.txt`
	_, err := e.api.PutObject(context.Background(), "bkt-xss", key, strings.NewReader("hi"),
		&qsapi.PutObjectInput{ContentLength: 2, ContentType: "text/plain", Metadata: map[string]string{"note": "<script>alert(2)</script>"}})
	if err != nil {
		t.Fatal(err)
	}
	e.login()
	_, list := e.get("/b/bkt-xss?prefix=dir%2F")
	_, detail := e.get("/b/bkt-xss/object?key=" + url.QueryEscape(key))
	for name, body := range map[string]string{"listing": list, "detail": detail} {
		if strings.Contains(body, "<img src=x") || strings.Contains(body, "<script>alert") {
			t.Errorf("%s renders markup from the key or metadata", name)
		}
	}
	if !strings.Contains(list, html.EscapeString(`<img src=x onerror=alert(1)>"'.txt`)) &&
		!strings.Contains(list, "&lt;img src=x onerror=alert(1)&gt;&#34;&#39;.txt") {
		t.Errorf("listing does not show the key as text:\n%s", list)
	}
	if !strings.Contains(detail, "&lt;script&gt;alert(2)&lt;/script&gt;") || !strings.Contains(detail, `id="presigned"`) {
		t.Errorf("detail lacks the escaped metadata or the presigned link:\n%s", detail)
	}
}

// TestListingPagesByMarker walks a 250-key bucket 100 keys a page through
// the "next" links and gets every key once.
func TestListingPagesByMarker(t *testing.T) {
	e := newEnv(t)
	e.ts.CreateBucket("bkt-page")
	want := map[string]bool{}
	for i := range 250 {
		k := fmt.Sprintf("k%04d", i)
		want[k] = true
		if _, err := e.api.PutObject(context.Background(), "bkt-page", k, strings.NewReader(""), &qsapi.PutObjectInput{}); err != nil {
			t.Fatal(err)
		}
	}
	e.login()
	path, pages := "/b/bkt-page", 0
	for path != "" {
		st, body := e.get(path)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", path, st)
		}
		pages++
		for k := range want {
			if strings.Contains(body, ">"+k+"</a>") {
				delete(want, k)
			}
		}
		path = ""
		if i := strings.Index(body, `id="next" href="`); i >= 0 {
			rest := body[i+len(`id="next" href="`):]
			path = html.UnescapeString(rest[:strings.Index(rest, `"`)])
		}
	}
	if pages != 3 || len(want) != 0 {
		t.Fatalf("%d pages, %d keys never shown", pages, len(want))
	}
}

// TestSSECObjectIsNotReadable: the console has no customer key, so the
// detail page says so and offers no presigned link.
func TestSSECObjectIsNotReadable(t *testing.T) {
	e := newEnv(t)
	e.ts.CreateBucket("bkt-ssec")
	key := bytes.Repeat([]byte{7}, 32)
	if _, err := e.api.PutObject(context.Background(), "bkt-ssec", "secret.bin", strings.NewReader("sealed"),
		&qsapi.PutObjectInput{ContentLength: 6, SSECKey: key}); err != nil {
		t.Fatal(err)
	}
	e.login()
	st, body := e.get("/b/bkt-ssec/object?key=secret.bin")
	if st != http.StatusOK || !strings.Contains(body, `id="ssec-note"`) || strings.Contains(body, `id="presigned"`) {
		t.Fatalf("SSE-C detail: %d\n%s", st, body)
	}
	if !strings.Contains(body, "permission_denied") && !strings.Contains(body, "invalid_request") {
		t.Errorf("the API's refusal is not shown:\n%s", body)
	}
}

// TestUploadsThroughConsole uploads a small object in one request and a
// multipart one part by part, lists and aborts an unfinished upload, and
// checks the results through the API.
func TestUploadsThroughConsole(t *testing.T) {
	e := newEnv(t, func(o *qslocal.Options) { o.MinPartSize = 4 })
	e.ts.CreateBucket("bkt-up")
	tok := e.login()
	h := []string{"X-CSRF-Token", tok, "Content-Type", "application/octet-stream"}
	if st, b, _ := e.do("POST", "/b/bkt-up/put?key=one.txt", strings.NewReader("one"), h...); st != http.StatusCreated {
		t.Fatalf("put: %d %s", st, b)
	}
	var a uploadAnswer
	st, b, _ := e.do("POST", "/b/bkt-up/multipart/init?key=big.bin", nil, h...)
	if json.Unmarshal([]byte(b), &a); st != http.StatusOK || a.UploadID == "" {
		t.Fatalf("init: %d %s", st, b)
	}
	id := a.UploadID
	var parts []qsapi.CompletedPart
	for n, chunk := range []string{"aaaa", "bbbb", "cc"} {
		st, b, _ := e.do("POST", fmt.Sprintf("/b/bkt-up/multipart/part?key=big.bin&upload_id=%s&part_number=%d", id, n), strings.NewReader(chunk), h...)
		if json.Unmarshal([]byte(b), &a); st != http.StatusCreated || a.ETag == "" {
			t.Fatalf("part %d: %d %s", n, st, b)
		}
		parts = append(parts, qsapi.CompletedPart{PartNumber: n, ETag: a.ETag})
	}
	pj, _ := json.Marshal(parts)
	if st, b, _ := e.do("POST", "/b/bkt-up/multipart/complete?key=big.bin&upload_id="+id, bytes.NewReader(pj), h...); st != http.StatusCreated {
		t.Fatalf("complete: %d %s", st, b)
	}
	for k, want := range map[string]string{"one.txt": "one", "big.bin": "aaaabbbbcc"} {
		out, err := e.api.GetObject(context.Background(), "bkt-up", k, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		got.ReadFrom(out.Body)
		out.Body.Close()
		if got.String() != want {
			t.Errorf("%s = %q", k, got.String())
		}
	}
	left, err := e.api.InitiateMultipartUpload(context.Background(), "bkt-up", "left/behind.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.UploadPart(context.Background(), "bkt-up", "left/behind.bin", left.UploadID, 0, strings.NewReader("12345"), &qsapi.UploadPartInput{ContentLength: 5}); err != nil {
		t.Fatal(err)
	}
	_, body := e.get("/b/bkt-up/uploads")
	if !strings.Contains(body, left.UploadID) || !strings.Contains(body, "5 B") {
		t.Fatalf("uploads page:\n%s", body)
	}
	e.post("/b/bkt-up/uploads/abort", url.Values{"csrf": {tok}, "key": {"left/behind.bin"}, "upload_id": {left.UploadID}})
	if _, err := e.ts.Server.Store().GetUpload("bkt-up", "left/behind.bin", left.UploadID); err == nil {
		t.Fatal("abort left the upload")
	}
}

// TestRequestLogAndMetrics sends a request with a bad signature straight to
// the API and finds it in the log page (filtered by code) and the metrics.
func TestRequestLogAndMetrics(t *testing.T) {
	e := newEnv(t)
	e.ts.CreateBucket("bkt-log")
	e.login()
	if _, err := e.api.PutObject(context.Background(), "bkt-log", "k", strings.NewReader("abc"), &qsapi.PutObjectInput{ContentLength: 3}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.ts.Endpoint+"/bkt-log/k", nil)
	req.Header.Set("Date", qslocalDate())
	sign.SignRequest(req, e.ts.AccessKeyID, "not-the-secret", "/bkt-log/k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Qs-Request-Id")
	if resp.StatusCode != http.StatusUnauthorized || id == "" {
		t.Fatalf("bad signature answered %d", resp.StatusCode)
	}
	_, body := e.get("/log?code=signature_not_matched&bucket=bkt-log")
	if !strings.Contains(body, id) || strings.Contains(body, "not-the-secret") || strings.Contains(body, e.ts.SecretAccessKey) {
		t.Fatalf("log page:\n%s", body)
	}
	if _, body := e.get("/log?status=2xx&bucket=bkt-log"); strings.Contains(body, id) {
		t.Error("status filter let a 401 through")
	}
	st, m := e.get("/metrics")
	for _, want := range []string{`qslocal_requests_total{operation="PutObject",status="201"} 1`,
		`qslocal_requests_total{operation="GetObject",status="401"} 1`, "qslocal_objects_stored 1", "qslocal_bytes_stored 3",
		"qslocal_multipart_uploads_open 0", `qslocal_received_bytes_total{operation="PutObject"} 3`,
		`qslocal_request_duration_seconds_count{operation="PutObject"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics (%d) lack %q", st, want)
		}
	}
}

func qslocalDate() string { return time.Now().UTC().Format(http.TimeFormat) }

func TestRequestLogRing(t *testing.T) {
	l := NewRequestLog(3)
	for i := range 5 {
		l.Observe(qslocal.RequestRecord{RequestID: fmt.Sprint(i), Status: 200 + i*100, Bucket: "b" + fmt.Sprint(i%2)})
	}
	ids := func(f Filter) string {
		var s []string
		for _, r := range l.Records(f) {
			s = append(s, r.RequestID)
		}
		return strings.Join(s, ",")
	}
	l.Observe(qslocal.RequestRecord{RequestID: "c", Status: 200, UserAgent: "qsgo/1 " + consoleAgent})
	for f, want := range map[Filter]string{{}: "4,3", {Console: true}: "c,4,3", {Status: "4xx"}: "", {Status: "500"}: "3", {Status: "600"}: "4", {Bucket: "b1"}: "3",
		{Code: "-"}: "4,3", {Code: "x"}: ""} {
		if got := ids(f); got != want {
			t.Errorf("%+v: %s, want %s", f, got, want)
		}
	}
}

// TestPresignedLinkExpiry: the detail page's link lasts the chosen time
// and fetches the object; an out-of-range choice falls back to one hour.
func TestPresignedLinkExpiry(t *testing.T) {
	e := newEnv(t)
	e.ts.CreateBucket("bkt-link")
	if _, err := e.api.PutObject(context.Background(), "bkt-link", "a b.txt", strings.NewReader("link body"), &qsapi.PutObjectInput{ContentLength: 9}); err != nil {
		t.Fatal(err)
	}
	e.login()
	link := regexp.MustCompile(`id="presigned" class="url" href="([^"]+)"`)
	for expires, want := range map[string]int64{"60": 60, "604800": 604800, "999999999": 3600, "-5": 3600} {
		before := time.Now().Unix()
		_, body := e.get("/b/bkt-link/object?key=a+b.txt&expires=" + expires)
		m := link.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("expires=%s: no link", expires)
		}
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := strconv.ParseInt(u.Query().Get("expires"), 10, 64)
		if got < before+want || got > time.Now().Unix()+want+1 {
			t.Errorf("expires=%s: link expires at %d, want about now+%d", expires, got, want)
		}
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "link body" {
			t.Errorf("expires=%s: link answered %d %q", expires, resp.StatusCode, b)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:9001": true, "localhost:1": true, "[::1]:9001": true, "127.1.2.3:80": true,
		"0.0.0.0:9001": false, ":9001": false, "192.168.1.2:9001": false, "example.com:9001": false, "garbage": false} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) = %v", addr, !want)
		}
	}
}

// TestBucketDeleteOnlyWhenEmpty: the API's bucket_not_empty refusal is
// shown and the bucket stays; an empty bucket goes. The buckets page shows
// zone, count and bytes.
func TestBucketDeleteOnlyWhenEmpty(t *testing.T) {
	e := newEnv(t)
	e.ts.CreateBucket("bkt-full")
	e.ts.CreateBucket("bkt-empty")
	if _, err := e.api.PutObject(context.Background(), "bkt-full", "k", strings.NewReader("12345"), &qsapi.PutObjectInput{ContentLength: 5}); err != nil {
		t.Fatal(err)
	}
	tok := e.login()
	_, page := e.get("/")
	if !strings.Contains(page, "<td>"+e.ts.Zone+"</td>") || !strings.Contains(page, `<td class="num">1</td><td class="num" title="5 bytes">5 B</td>`) {
		t.Errorf("buckets page lacks zone, count or bytes:\n%s", page)
	}
	_, _, resp := e.post("/buckets/delete", url.Values{"csrf": {tok}, "name": {"bkt-full"}})
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "bucket_not_empty") {
		t.Errorf("refusal not passed on: %q", loc)
	}
	if _, err := e.ts.Server.Store().GetBucket("bkt-full"); err != nil {
		t.Fatal("a bucket with an object was deleted")
	}
	e.post("/buckets/delete", url.Values{"csrf": {tok}, "name": {"bkt-empty"}})
	if _, err := e.ts.Server.Store().GetBucket("bkt-empty"); err == nil {
		t.Fatal("the empty bucket is still there")
	}
}

// TestStartTestFeedsConsole: the console of StartTest sees the test
// server's requests (log and metrics) and lets its keys log in.
func TestStartTestFeedsConsole(t *testing.T) {
	ts, con := StartTest(t, func(o *qslocal.Options) { o.Memory = true })
	ts.CreateBucket("bkt-started")
	api, err := con.clientFor(ts.AccessKeyID, ts.SecretAccessKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.PutObject(context.Background(), "bkt-started", "k", strings.NewReader("x"), &qsapi.PutObjectInput{ContentLength: 1}); err != nil {
		t.Fatal(err)
	}
	recs := con.opts.Log.Records(Filter{Console: true, Bucket: "bkt-started"})
	if len(recs) != 1 || recs[0].Operation != "PutObject" || recs[0].Status != 201 {
		t.Fatalf("records: %+v", recs)
	}
	resp, err := http.Get(con.URL + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "qslocal_objects_stored 1") {
		t.Errorf("metrics:\n%s", b)
	}
}
