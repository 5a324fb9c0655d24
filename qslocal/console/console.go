package console

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Defaults.
const (
	// SessionTTL is how long a login lasts.
	SessionTTL = 8 * time.Hour
	// maxSessions bounds the sessions kept; the oldest is dropped first.
	maxSessions = 256
	// maxFormBody bounds every form and JSON body the console reads itself.
	maxFormBody = 64 << 10
	// MultipartThreshold is the largest upload sent as one PutObject;
	// PartSize the part size of larger ones.
	MultipartThreshold = 16 << 20
	PartSize           = 8 << 20
	// pageSize is the default number of keys per listing page.
	pageSize = 100
	// consoleAgent marks the console's API calls in their User-Agent, so
	// the request log can leave them out.
	consoleAgent = "qslocal-console"
)

// Options configures a Console.
type Options struct {
	// Server is the qslocal server the console looks into (its store feeds
	// the stored-data metrics).
	Server *qslocal.Server
	// Endpoint is the API's base URL, e.g. "http://127.0.0.1:9000": the
	// console's API calls go there, and presigned links point there, so it
	// must be reachable from the browser as well.
	Endpoint string
	// Log is the request log shown on the log page and counted in the
	// metrics; it must be the one the server's Options.Observe feeds. Nil
	// makes an empty one.
	Log *RequestLog
	// Addr is the address the console is served on (for Start and for the
	// Host check); "127.0.0.1:9001" if empty.
	Addr string
	// Logger receives the console's own notable events (logins, refusals);
	// nothing if nil.
	Logger *slog.Logger
	// Now returns the current time (time.Now if nil).
	Now func() time.Time
}

// Console is the web console's http.Handler. It is safe for concurrent use.
type Console struct {
	opts     Options
	api      qsapi.Options
	mux      *http.ServeMux
	tmpl     map[string]*template.Template
	log      *slog.Logger
	now      func() time.Time
	loopback bool
	registry *prometheus.Registry

	mu       sync.Mutex
	sessions map[string]*session
}

// New returns the console for opts.
func New(opts Options) (*Console, error) {
	if opts.Server == nil {
		return nil, errors.New("console: no server")
	}
	api, err := apiOptions(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:9001"
	}
	if opts.Log == nil {
		opts.Log = NewRequestLog(0)
	}
	c := &Console{opts: opts, api: api, log: opts.Logger, now: opts.Now, sessions: map[string]*session{},
		loopback: IsLoopback(opts.Addr)}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	c.registry = newRegistry(opts.Log, opts.Server.Store())
	c.routes()
	return c, nil
}

// apiOptions turns the endpoint URL into qsapi client options.
func apiOptions(endpoint string) (qsapi.Options, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return qsapi.Options{}, fmt.Errorf("console: endpoint %q is not an http(s) URL", endpoint)
	}
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return qsapi.Options{}, fmt.Errorf("console: endpoint %q: bad port", endpoint)
		}
	}
	// One attempt: a console user sees the API's first answer, not a retry's.
	return qsapi.Options{Protocol: u.Scheme, Host: u.Hostname(), Port: port,
		Retry: qsapi.RetryPolicy{MaxAttempts: 1}, UserAgent: consoleAgent}, nil
}

// IsLoopback reports whether a listen address (host:port) binds only
// loopback: 127.0.0.0/8, ::1 or localhost.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{"bytes": humanBytes, "since": func(t, now time.Time) string {
		return now.Sub(t).Truncate(time.Second).String()
	}}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	pages, _ := fs.Glob(templateFS, "templates/*.html")
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// humanBytes formats n as B, KiB, MiB, GiB.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + []string{"KiB", "MiB", "GiB", "TiB", "PiB"}[i]
}
