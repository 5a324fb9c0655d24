package console

import (
	"bytes"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/qsgo/qsgo/qsapi"
)

// ServeHTTP answers one console request.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: with no-referrer Chromium sends
	// "Origin: null" on the console's own form posts.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if c.loopback && !loopbackHost(r.Host) {
		http.Error(w, "this console answers only to a loopback host name (localhost, 127.0.0.1, [::1])", http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// A foreign Origin is refused outright; "null" (privacy modes,
		// sandboxed frames) is left to the CSRF token check.
		if o := r.Header.Get("Origin"); o != "" && o != "null" && o != "http://"+r.Host && o != "https://"+r.Host {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		if !isUploadPath(r.URL.Path) {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		}
	}
	c.mux.ServeHTTP(w, r)
}

// loopbackHost reports whether a Host header names a loopback address or
// localhost (with any port).
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isUploadPath: bodies of these paths are object data streamed to the API.
func isUploadPath(p string) bool {
	return strings.HasSuffix(p, "/put") || strings.HasSuffix(p, "/multipart/part")
}

func (c *Console) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.Handle("GET /metrics", promhttp.HandlerFor(c.registry, promhttp.HandlerOpts{}))
	m.HandleFunc("GET /login", c.loginPage)
	m.HandleFunc("POST /login", c.login)
	m.HandleFunc("POST /logout", c.authed(c.logout))
	m.HandleFunc("GET /{$}", c.authed(c.bucketsPage))
	m.HandleFunc("POST /buckets", c.authed(c.createBucket))
	m.HandleFunc("POST /buckets/delete", c.authed(c.deleteBucket))
	m.HandleFunc("GET /b/{bucket}", c.authed(c.objectsPage))
	m.HandleFunc("GET /b/{bucket}/object", c.authed(c.objectPage))
	m.HandleFunc("POST /b/{bucket}/object/delete", c.authed(c.deleteObject))
	m.HandleFunc("POST /b/{bucket}/put", c.authed(c.putObject))
	m.HandleFunc("POST /b/{bucket}/multipart/init", c.authed(c.initUpload))
	m.HandleFunc("POST /b/{bucket}/multipart/part", c.authed(c.uploadPart))
	m.HandleFunc("POST /b/{bucket}/multipart/complete", c.authed(c.completeUpload))
	m.HandleFunc("GET /b/{bucket}/uploads", c.authed(c.uploadsPage))
	m.HandleFunc("POST /b/{bucket}/uploads/abort", c.authed(c.abortUpload))
	m.HandleFunc("GET /log", c.authed(c.logPage))
	c.mux = m
}

// page is what every template gets: the layout's fields plus Data.
type page struct {
	Title   string
	CSRF    string
	User    string
	Error   string
	Notice  string
	Crumbs  []crumb
	Data    any
	Session bool
}

type crumb struct{ Name, URL string }

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (c *Console) render(w http.ResponseWriter, status int, name string, p page) {
	var buf bytes.Buffer
	if err := c.tmpl[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		c.log.Error("console: render", "page", name, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageFor starts a page of a logged-in user.
func pageFor(s *session, title string) page {
	return page{Title: title, CSRF: s.csrf, User: s.ak, Session: true}
}

// apiMessage is what a user is shown for a failed API call: the API's code
// and message with its request id (to find it in the request log).
func apiMessage(err error) string {
	var e *qsapi.Error
	if errors.As(err, &e) {
		msg := e.Code
		if e.Message != "" {
			msg += ": " + e.Message
		}
		if msg == "" {
			msg = http.StatusText(e.StatusCode)
		}
		if e.RequestID != "" {
			msg += " (request " + e.RequestID + ")"
		}
		return msg
	}
	return err.Error()
}

// apiStatus is the HTTP status a failed API call is answered with.
func apiStatus(err error) int {
	var e *qsapi.Error
	if errors.As(err, &e) && e.StatusCode >= 400 {
		return e.StatusCode
	}
	return http.StatusBadGateway
}
