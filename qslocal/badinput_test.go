package qslocal

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qsapi/sign"
)

// rawRequest sends bytes as they are over TCP and returns the status code.
func rawRequest(t *testing.T, ts *TestServer, req string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", net.JoinHostPort(ts.Host, strconv.Itoa(ts.Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var status int
	fmt.Sscanf(line, "HTTP/1.1 %d", &status)
	rest := new(strings.Builder)
	for {
		l, err := br.ReadString('\n')
		rest.WriteString(l)
		if err != nil || l == "\r\n" {
			break
		}
	}
	return status, rest.String()
}

func TestBadInput(t *testing.T) {
	eachStore(t, func(t *testing.T, ts *TestServer, c *tc) {
		c.put("bkt-test", "keep", []byte("kept"))
		long := strings.Repeat("k", 1025)
		for _, key := range []string{long, "a/../b", "..", "./a", "a//b"} {
			c.call("PUT", "/bkt-test/"+key, "", []byte("x")).want(t, 400, "invalid_object_name")
		}
		c.put("bkt-test", strings.Repeat("k", 1024), []byte("max length key"))
		c.put("bkt-test", "dir/", []byte{})
		// NUL and invalid UTF-8 arrive percent-encoded
		for _, esc := range []string{"a%00b", "a%FFb", "%C0%AF"} {
			r := c.newReq("PUT", "/bkt-test/x", "", []byte("x"))
			r.URL.RawPath = "/bkt-test/" + esc
			r.URL.Path = "/bkt-test/" + unescapeLoose(esc)
			sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
			read(t, c.send(r)).want(t, 400, "invalid_object_name")
		}
		// metadata
		c.call("PUT", "/bkt-test/m", "", []byte("x"), withHeader("X-QS-Meta-Big", strings.Repeat("v", 2100))).want(t, 400, "metadata_too_large")
		c.call("PUT", "/bkt-test/m", "", []byte("x"), withHeader("X-QS-Meta-"+strings.Repeat("n", 513), "v")).want(t, 400, "metadata_too_large")
		c.call("PUT", "/bkt-test/m", "", []byte("x"), withHeader("X-QS-Meta-Bad", "caf\xc3\xa9")).want(t, 400, "invalid_argument")
		c.call("PUT", "/bkt-test/m", "", []byte("x"), withHeader("X-QS-Meta-A+b", "v")).want(t, 400, "invalid_argument")
		// exactly 2048 bytes of names and values is allowed, one more is not
		c.call("PUT", "/bkt-test/m", "", []byte("x"), withHeader("X-QS-Meta-Big", strings.Repeat("v", 2048-3)), withHeader("X-QS-Meta-X", "y")).want(t, 400, "metadata_too_large")
		c.put("bkt-test", "meta-max", []byte("x"), withHeader("X-QS-Meta-Big", strings.Repeat("v", 2048-3)))
		if got := c.call("HEAD", "/bkt-test/meta-max", "", nil).header.Get("X-Qs-Meta-Big"); len(got) != 2045 {
			t.Fatalf("2 KiB of metadata did not round-trip: %d bytes", len(got))
		}
		c.call("DELETE", "/bkt-test/meta-max", "", nil).want(t, 204, "")
		c.call("PUT", "/bkt-test/m", "", []byte("x"), withHeader("Content-Type", strings.Repeat("t", 256))).want(t, 400, "invalid_argument")
		c.call("PUT", "/bkt-test/m", "", []byte("x"), withHeader("X-QS-Storage-Class", "GLACIER")).want(t, 400, "invalid_request")
		c.call("POST", "/bkt-test/m", "uploads", nil, withHeader("X-QS-Storage-Class", "standard")).want(t, 400, "invalid_request")
		c.call("POST", "/bkt-test/m", "append&position=0", []byte("x"), withHeader("X-QS-Storage-Class", "COLD")).want(t, 400, "invalid_request")
		c.call("PUT", "/bkt-test/m", "", nil, withHeader("X-QS-Copy-Source", "/bkt-test/keep"), withHeader("X-QS-Storage-Class", "GLACIER")).want(t, 400, "invalid_request")
		c.call("POST", "/bkt-test/m", "uploads", nil, withHeader("Content-Type", strings.Repeat("t", 256))).want(t, 400, "invalid_argument")
		// unknown or unsupported sub-resources
		for _, q := range []string{"acl", "cors", "policy", "lifecycle", "versioning"} {
			c.call("GET", "/bkt-test", q, nil).want(t, 400, "invalid_request")
			c.call("PUT", "/bkt-test/keep", q, []byte("x")).want(t, 400, "invalid_request")
		}
		c.call("GET", "/bkt-test/keep", "position=3", nil).want(t, 400, "invalid_request")
		// oversized JSON body on Complete
		id := initiate(t, c, "mp")
		big := []byte(`{"object_parts":[],"x":"` + strings.Repeat("p", maxJSONBody) + `"}`)
		c.call("POST", "/bkt-test/mp", "upload_id="+id, big).want(t, 400, "invalid_request")
		// bodies without Content-Length (chunked) are refused on PUT, part and append
		chunked := func(path, query string) {
			t.Helper()
			r := c.newReq("PUT", path, query, nil)
			if query == "append&position=0" {
				r.Method = "POST"
			}
			r.Header.Del("Content-Length")
			r.ContentLength = -1
			r.Body = io.NopCloser(strings.NewReader("streamed"))
			sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
			read(t, c.send(r)).want(t, 400, "invalid_request")
		}
		chunked("/bkt-test/keep", "")
		chunked("/bkt-test/chunked-app", "append&position=0")
		chunked("/bkt-test/mp", "part_number=0&upload_id="+initiate(t, c, "mp"))
		// invalid bucket names on other operations name no bucket
		c.call("GET", "/Bad_Bucket/k", "", nil).want(t, 404, "bucket_not_exists")
		c.call("GET", "/bkt-test", "limit=-5", nil).want(t, 400, "invalid_argument")
		// nothing changed
		keys, _, _ := listAll(t, c, "bkt-test", "", "", 1000)
		if len(keys) != 3 || keys[0] != "dir/" || keys[1] != "keep" {
			t.Fatalf("keys after bad input: %v", keys)
		}
		if got := c.get("bkt-test", "keep"); string(got) != "kept" {
			t.Fatalf("kept object changed: %q", got)
		}
	})
}

// TestSDKWireShape sends requests byte for byte as the SDK does:
// Content-Length: 0 on GET, the port in Host, flags written as "flag=".
func TestSDKWireShape(t *testing.T) {
	ts := StartTest(t)
	ts.CreateBucket("bkt-test")
	c := newTC(t, ts)
	c.put("bkt-test", "k", []byte("wire"))
	r := c.newReq("GET", "/bkt-test/k", "", nil)
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	req := fmt.Sprintf("GET /bkt-test/k HTTP/1.1\r\nHost: %s:%d\r\nContent-Length: 0\r\nDate: %s\r\nAuthorization: %s\r\nConnection: close\r\n\r\n",
		ts.Host, ts.Port, r.Header.Get("Date"), r.Header.Get("Authorization"))
	if st, hdr := rawRequest(t, ts, req); st != 200 || !strings.Contains(hdr, "Content-Length: 4") {
		t.Fatalf("raw GET: %d %s", st, hdr)
	}
	r = c.newReq("POST", "/bkt-test/mp", "uploads=", nil, withHeader("Content-Type", "application/json"))
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	res := read(t, c.send(r)).want(t, 200, "")
	var ini initiateJSON
	res.json(t, &ini)
	if ini.UploadID == "" {
		t.Fatal("no upload id")
	}
	// HEAD error: status only, Content-Length: 0, no body
	r = c.newReq("HEAD", "/bkt-test/none", "", nil)
	sign.SignRequest(r, c.ak, c.sk, canonical(r, ""))
	req = fmt.Sprintf("HEAD /bkt-test/none HTTP/1.1\r\nHost: %s:%d\r\nContent-Length: 0\r\nDate: %s\r\nAuthorization: %s\r\nConnection: close\r\n\r\n",
		ts.Host, ts.Port, r.Header.Get("Date"), r.Header.Get("Authorization"))
	if st, hdr := rawRequest(t, ts, req); st != 404 || !strings.Contains(hdr, "Content-Length: 0") || !strings.Contains(hdr, "X-Qs-Request-Id") {
		t.Fatalf("raw HEAD: %d %s", st, hdr)
	}
}
