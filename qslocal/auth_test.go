package qslocal

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// routes lists one request per operation, for checks every route must pass.
var routes = []struct{ method, path, query string }{
	{"GET", "/", ""},
	{"PUT", "/bkt-new1", ""},
	{"HEAD", "/bkt-test", ""},
	{"DELETE", "/bkt-test", ""},
	{"GET", "/bkt-test", "prefix=a"},
	{"GET", "/bkt-test", "uploads"},
	{"GET", "/bkt-test", "stats"},
	{"POST", "/bkt-test", "delete"},
	{"PUT", "/bkt-test/obj", ""},
	{"GET", "/bkt-test/obj", ""},
	{"HEAD", "/bkt-test/obj", ""},
	{"DELETE", "/bkt-test/obj", ""},
	{"POST", "/bkt-test/app", "append&position=0"},
	{"POST", "/bkt-test/mp", "uploads"},
	{"PUT", "/bkt-test/mp", "part_number=0&upload_id=abc"},
	{"GET", "/bkt-test/mp", "upload_id=abc"},
	{"POST", "/bkt-test/mp", "upload_id=abc"},
	{"DELETE", "/bkt-test/mp", "upload_id=abc"},
	{"GET", "/no-such-bucket/obj", ""},
	{"PUT", "/bkt-test/obj", "acl"},
}

func TestEveryRouteNeedsAValidSignature(t *testing.T) {
	ts := StartTest(t)
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	c.put("bkt-test", "obj", []byte("keep me"))
	for _, rt := range routes {
		name := rt.method + " " + rt.path + "?" + rt.query
		// anonymous
		r := c.newReq(rt.method, rt.path, rt.query, []byte("x"))
		res := read(t, c.send(r))
		if rt.method == "HEAD" {
			if res.status != 403 || len(res.body) != 0 {
				t.Errorf("%s anonymous: %d %q", name, res.status, res.body)
			}
		} else {
			func() {
				defer func() {
					if t.Failed() {
						t.Logf("route %s", name)
					}
				}()
				res.want(t, 403, "permission_denied")
			}()
		}
		// wrong secret
		r = c.newReq(rt.method, rt.path, rt.query, []byte("x"))
		sign.SignRequest(r, c.ak, "wrong-secret", canonical(r, ""))
		res = read(t, c.send(r))
		if res.status != 401 {
			t.Errorf("%s wrong secret: %d %s", name, res.status, res.body)
		}
		if rt.method != "HEAD" {
			res.want(t, 401, "signature_not_matched")
		}
		// unknown access key
		r = c.newReq(rt.method, rt.path, rt.query, []byte("x"))
		sign.SignRequest(r, "NOSUCHKEY", c.sk, canonical(r, ""))
		res = read(t, c.send(r))
		if res.status != 401 {
			t.Errorf("%s unknown key: %d %s", name, res.status, res.body)
		}
	}
	// nothing changed
	if got := c.get("bkt-test", "obj"); string(got) != "keep me" {
		t.Fatalf("object changed: %q", got)
	}
	c.call("HEAD", "/bkt-new1", "", nil).want(t, 404, "")
}

func TestSignatureDetails(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	ts := StartTest(t, func(o *Options) { o.Now = func() time.Time { return time.Unix(now.Load(), 0) } })
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	c.put("bkt-test", "a b/c+d", []byte("data"))

	// tampering with a signed header or sub-resource breaks the signature
	r := c.newReq("GET", "/bkt-test/a b/c+d", "", nil, withHeader("X-QS-Meta-A", "1"))
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	r.Header.Set("X-QS-Meta-A", "2")
	read(t, c.send(r)).want(t, 401, "signature_not_matched")

	// clock skew: 14 minutes is fine, 16 is not (either direction)
	for _, d := range []time.Duration{14 * time.Minute, -14 * time.Minute} {
		r = c.newReq("GET", "/bkt-test/a b/c+d", "", nil, withHeader("Date", time.Unix(now.Load(), 0).Add(d).UTC().Format(timeFormat)))
		sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
		read(t, c.send(r)).want(t, 200, "")
	}
	for _, d := range []time.Duration{16 * time.Minute, -16 * time.Minute} {
		r = c.newReq("GET", "/bkt-test/a b/c+d", "", nil, withHeader("Date", time.Unix(now.Load(), 0).Add(d).UTC().Format(timeFormat)))
		sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
		read(t, c.send(r)).want(t, 403, "request_expired")
	}
	// X-QS-Date instead of Date
	r = c.newReq("GET", "/bkt-test/a b/c+d", "", nil, withHeader("X-QS-Date", time.Unix(now.Load(), 0).UTC().Format(timeFormat)))
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	r.Header.Del("Date")
	read(t, c.send(r)).want(t, 200, "")

	// presigned GET, then expired
	exp := now.Load() + 60
	r = c.newReq("GET", "/bkt-test/a b/c+d", "response-content-type=text%2Fplain", nil)
	sign.PresignRequest(r, c.ak, c.sk, canonical(r, ""), exp)
	u := r.URL.String()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res := read(t, resp).want(t, 200, "")
	if string(res.body) != "data" || res.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("presigned GET: %q %q", res.body, res.header.Get("Content-Type"))
	}
	// an unescaped "+" in the signature is tolerated
	pu, _ := url.Parse(u)
	q := pu.Query()
	if sig := q.Get("signature"); strings.Contains(sig, "+") {
		pu.RawQuery = strings.Replace(pu.RawQuery, "%2B", "+", -1)
		resp, err = http.Get(pu.String())
		if err != nil {
			t.Fatal(err)
		}
		read(t, resp).want(t, 200, "")
	}
	// tampered sub-resource
	resp, err = http.Get(strings.Replace(u, "text%2Fplain", "text%2Fhtml", 1))
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp).want(t, 401, "signature_not_matched")
	now.Add(61)
	resp, err = http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp).want(t, 403, "request_expired")
	// incomplete presigned parameters
	resp, err = http.Get(ts.Endpoint + "/bkt-test/x?access_key_id=" + c.ak)
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp).want(t, 400, "invalid_request")
	// presigned PUT
	r = c.newReq("PUT", "/bkt-test/presigned", "", nil, withHeader("X-QS-Storage-Class", "STANDARD_IA"))
	sign.PresignRequest(r, c.ak, c.sk, canonical(r, ""), now.Load()+60)
	pr, _ := http.NewRequest("PUT", r.URL.String(), strings.NewReader("via presign"))
	pr.Header.Set("X-QS-Storage-Class", "STANDARD_IA")
	read(t, c.send(pr)).want(t, 201, "")
	if got := c.get("bkt-test", "presigned"); string(got) != "via presign" {
		t.Fatalf("presigned PUT stored %q", got)
	}
	// the same URL without the signed header fails
	pr, _ = http.NewRequest("PUT", r.URL.String(), strings.NewReader("x"))
	read(t, c.send(pr)).want(t, 401, "signature_not_matched")
}

// TestSDKVectors replays the SDK's signature known-answer vectors against
// the server: each must pass authentication (whatever the operation then
// answers), and a one-character change must not.
func TestSDKVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/signature-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vecs []struct {
		Name          string            `json:"name"`
		Method        string            `json:"method"`
		URL           string            `json:"url"`
		Headers       map[string]string `json:"headers"`
		Expires       *int64            `json:"expires"`
		Authorization string            `json:"expected_authorization"`
		ExpectedURL   string            `json:"expected_url"`
		AccessKeyID   string            `json:"access_key_id"`
		SecretKey     string            `json:"secret_access_key"`
	}
	if err := json.Unmarshal(raw, &vecs); err != nil {
		t.Fatal(err)
	}
	var now atomic.Int64
	ts := StartTest(t, func(o *Options) {
		o.Zones = []string{"zone"}
		o.Credentials = map[string]string{vecs[0].AccessKeyID: vecs[0].SecretKey}
		o.Now = func() time.Time { return time.Unix(now.Load(), 0) }
	})
	c := newTC(t, ts)
	n := 0
	for _, v := range vecs {
		if strings.HasSuffix(v.Name, "-v1") {
			continue // signs an empty path, which no server ever receives
		}
		n++
		for _, tamper := range []bool{false, true} {
			src := v.URL
			if v.Expires != nil {
				src = v.ExpectedURL
				now.Store(0)
			} else {
				now.Store(time.Time{}.Unix())
			}
			u, err := url.Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			host := u.Host
			// Bucket requests on the global host are redirected before
			// authentication; the zone host signs the same string.
			if host == "qingstor.com" && strings.Trim(u.Path, "/") != "" {
				host = "zone.qingstor.com"
			} else if host == "bucket-name.qingstor.com" {
				host = "bucket-name.zone.qingstor.com"
			}
			target := ts.Endpoint + u.EscapedPath()
			if u.RawQuery != "" {
				target += "?" + u.RawQuery
			}
			if tamper && v.Expires != nil {
				target = strings.Replace(target, "signature=", "signature=A", 1)
			}
			r, err := http.NewRequest(v.Method, target, nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Host = host
			for k, val := range v.Headers {
				r.Header.Set(k, val)
			}
			if v.Expires == nil {
				a := v.Authorization
				if tamper {
					a = strings.Replace(a, ":", ":A", 1)
				}
				r.Header.Set("Authorization", a)
			}
			res := read(t, c.send(r))
			if tamper && res.status != 401 {
				t.Errorf("%s tampered: status %d %s", v.Name, res.status, res.body)
			}
			if !tamper && (res.status == 401 || res.status == 403) {
				t.Errorf("%s: authentication failed: %d %s", v.Name, res.status, res.body)
			}
		}
	}
	if n != 8 {
		t.Fatalf("replayed %d vectors, want 8", n)
	}
}

func TestHostStyles(t *testing.T) {
	ts := StartTest(t, func(o *Options) {
		o.BaseDomain = "qingstor.test"
		o.Zones = []string{"sh1a"}
	})
	c := newTC(t, ts)
	port := strconv.Itoa(ts.Port)
	zoneHost := "sh1a.qingstor.test:" + port
	// create a bucket on a zone host: it lands in that zone
	c.call("PUT", "/bkt-zoned", "", nil, withHost(zoneHost)).want(t, 201, "")
	c.call("PUT", "/bkt-zoned", "", nil, withHost(zoneHost)).want(t, 409, "bucket_already_exists")
	c.call("PUT", "/bkt-default", "", nil).want(t, 201, "")

	// virtual-host style object PUT and GET
	vh := "bkt-zoned.sh1a.qingstor.test:" + port
	r := c.newReq("PUT", "/dir/k.txt", "", []byte("vhost"), withHost(vh), withHeader("Content-Type", "text/plain"))
	sign.SignRequest(r, c.ak, c.sk, canonical(r, "bkt-zoned"))
	read(t, c.send(r)).want(t, 201, "")
	if got := c.get("bkt-zoned", "dir/k.txt", withHost(zoneHost)); string(got) != "vhost" {
		t.Fatalf("path-style read of a vhost write: %q", got)
	}
	// bucket-level vhost request signed as "/bucket/" (SDK v2) and "/bucket" (docs)
	for _, uri := range []string{"/bkt-zoned/", "/bkt-zoned"} {
		r = c.newReq("GET", "/", "", nil, withHost(vh))
		sign.SignRequest(r, c.ak, c.sk, uri)
		var lo listObjectsJSON
		read(t, c.send(r)).want(t, 200, "").json(t, &lo)
		if len(lo.Keys) != 1 || lo.Keys[0].Key != "dir/k.txt" {
			t.Fatalf("vhost list signed with %s: %+v", uri, lo)
		}
	}
	// list buckets: Location header filter, and zone host restricts to its zone
	var lb listBucketsJSON
	c.call("GET", "/", "", nil, withHeader("Location", "sh1a")).want(t, 200, "").json(t, &lb)
	if lb.Count != 1 || lb.Buckets[0].Name != "bkt-zoned" || lb.Buckets[0].Location != "sh1a" {
		t.Fatalf("Location filter: %+v", lb)
	}
	c.call("GET", "/", "", nil).want(t, 200, "").json(t, &lb)
	if lb.Count != 2 {
		t.Fatalf("all buckets: %+v", lb)
	}
	c.call("GET", "/", "", nil, withHost(zoneHost)).want(t, 200, "").json(t, &lb)
	if lb.Count != 1 || lb.Buckets[0].URL != "http://bkt-zoned.sh1a.qingstor.test" {
		t.Fatalf("zone host listing: %+v", lb)
	}
	// global host: unsigned HEAD answers 301 with the zone host
	r = c.newReq("HEAD", "/bkt-zoned", "", nil, withHost("qingstor.test:"+port))
	res := read(t, c.send(r))
	if res.status != 301 || res.header.Get("Location") != "http://sh1a.qingstor.test:"+port+"/bkt-zoned" {
		t.Fatalf("global HEAD: %d Location %q", res.status, res.header.Get("Location"))
	}
	r = c.newReq("HEAD", "/bkt-default", "", nil, withHost("qingstor.test"))
	res = read(t, c.send(r))
	if res.status != 301 || res.header.Get("Location") != "http://pek3b.qingstor.test/bkt-default" {
		t.Fatalf("global HEAD: %d Location %q", res.status, res.header.Get("Location"))
	}
	read(t, c.send(c.newReq("HEAD", "/bkt-nothere", "", nil, withHost("qingstor.test")))).want(t, 404, "")
	// unknown zone
	c.call("GET", "/", "", nil, withHost("bkt-zoned.nozone.qingstor.test")).want(t, 400, "invalid_location")
	// localhost with a port serves path style directly
	c.call("GET", "/bkt-zoned/dir/k.txt", "", nil, withHost("localhost:"+port)).want(t, 200, "")
	// anonymous location listing
	var locs listLocationsJSON
	read(t, c.send(c.newReq("GET", "/", "location&lang=zh-cn", nil))).want(t, 200, "").json(t, &locs)
	if len(locs.Locations) != 2 {
		t.Fatalf("locations: %+v", locs)
	}
}

// TestOnceSet: a position-less append signature is accepted once per
// position (a second position is a new use, as the JavaScript SDK's second
// append within one second needs), expired
// entries are dropped when the set is full, and a set full of live entries
// refuses rather than forgets.
func TestOnceSet(t *testing.T) {
	var o onceSet
	now := time.Unix(1_800_000_000, 0)
	if e := o.use("a", "0", now.Add(time.Minute), now); e != nil {
		t.Fatal(e)
	}
	if e := o.use("a", "0", now.Add(time.Minute), now); e == nil || e.Code != "request_expired" {
		t.Fatalf("second use at one position: %v", e)
	}
	if e := o.use("a", "6", now.Add(time.Minute), now); e != nil {
		t.Fatalf("first use at another position: %v", e)
	}
	if e := o.use("b", "0", now.Add(16*time.Minute), now); e == nil || e.Code != "request_expired" {
		t.Fatalf("long-lived: %v", e)
	}
	for i := 2; i < maxAppendOnce; i++ {
		if e := o.use(strconv.Itoa(i), "0", now.Add(time.Second), now); e != nil {
			t.Fatal(e)
		}
	}
	if e := o.use("full", "0", now.Add(time.Minute), now); e == nil || e.Code != "slow_down" {
		t.Fatalf("full of live entries: %v", e)
	}
	later := now.Add(2 * time.Second) // all but "a" expired
	if e := o.use("full", "0", later.Add(time.Minute), later); e != nil {
		t.Fatalf("after expiry: %v", e)
	}
	if e := o.use("a", "0", later.Add(time.Minute), later); e == nil {
		t.Fatal("a live entry was forgotten")
	}
}
