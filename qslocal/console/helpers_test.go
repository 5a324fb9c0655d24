package console

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
)

// env is a qslocal server with a console in front of it.
type env struct {
	t      *testing.T
	ts     *qslocal.TestServer
	log    *RequestLog
	con    *Console
	web    *httptest.Server
	client *http.Client // a browser: cookie jar, no redirects followed
	api    *qsapi.Client
}

func newEnv(t *testing.T, opts ...func(*qslocal.Options)) *env {
	t.Helper()
	log := NewRequestLog(100)
	ts := qslocal.StartTest(t, append([]func(*qslocal.Options){func(o *qslocal.Options) {
		o.Memory = true
		o.Observe = log.Observe
	}}, opts...)...)
	con, err := New(Options{Server: ts.Server, Endpoint: ts.Endpoint, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(con)
	t.Cleanup(web.Close)
	jar, _ := cookiejar.New(nil)
	api, err := con.clientFor(ts.AccessKeyID, ts.SecretAccessKey)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ts: ts, log: log, con: con, web: web, api: api,
		client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(e.client.CloseIdleConnections)
	return e
}

// do sends a request to the console and returns status, body and response.
func (e *env) do(method, path string, body io.Reader, hdr ...string) (int, string, *http.Response) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.web.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), resp
}

func (e *env) get(path string) (int, string) {
	st, b, _ := e.do("GET", path, nil)
	return st, b
}

// post sends a form.
func (e *env) post(path string, form url.Values) (int, string, *http.Response) {
	return e.do("POST", path, strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token is the CSRF token of the page at path.
func (e *env) token(path string) string {
	e.t.Helper()
	_, body := e.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no csrf field on %s:\n%s", path, body)
	}
	return m[1]
}

// login logs in with the server's keys and returns the session's CSRF token.
func (e *env) login() string {
	e.t.Helper()
	st, body, _ := e.post("/login", url.Values{"csrf": {e.token("/login")}, "access_key_id": {e.ts.AccessKeyID},
		"secret_access_key": {e.ts.SecretAccessKey}})
	if st != http.StatusSeeOther {
		e.t.Fatalf("login: %d %s", st, body)
	}
	return e.token("/")
}
