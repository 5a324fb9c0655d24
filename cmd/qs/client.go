package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/pkg/credential"
	//lint:ignore SA1019 the endpoint pair keeps go-storage v4's format, which this deprecated package parses
	"github.com/qsgo/qsgo/pkg/endpoint"
	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// serviceType is the go-storage service qs talks to unless a connection
// string names another.
const serviceType = "qingstor"

// remote opens go-storage storagers (one per bucket, cached) and, for the
// bucket-level operations go-storage lacks, a qsapi wire client, all from
// one configuration.
type remote struct {
	// typ is the go-storage service type; query the connection string's
	// query part (it holds the secret: never print it).
	typ   string
	query string
	// base are the pairs every storage and servicer gets (config case);
	// storagePairs are added for storages only; extra are added to
	// storages and servicers in both cases (HTTP client, addressing).
	base, storagePairs, extra []types.Pair
	// api is nil when the service is not QingStor or lacks an endpoint.
	api *qsapi.Client

	// host is the endpoint's host name; zone the configured zone.
	host, zone string
	// endpoint is protocol:host:port when configured (no secret).
	endpoint string

	mu     sync.Mutex
	stores map[string]types.Storager
	zones  map[string]string
}

// remote returns the invocation's remote, building it on first use.
func (a *app) remote() (*remote, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rem != nil {
		return a.rem, nil
	}
	cfg, err := loadConfig(a.flags, getenv)
	if err != nil {
		return nil, usageError{fmt.Errorf("configuration: %w", err)}
	}
	if err := cfg.requireCredentials(); err != nil {
		return nil, err
	}
	if cfg.LogLevel != "" && !a.debug {
		a.level.Set(cfg.logLevel)
	}
	r, err := newRemote(cfg, a.httpClient())
	if err != nil {
		return nil, err
	}
	a.rem = r
	return r, nil
}

// storage returns the storager of bucket through the invocation's remote.
func (a *app) storage(bucket string) (types.Storager, error) {
	rem, err := a.remote()
	if err != nil {
		return nil, err
	}
	return rem.storage(bucket)
}

// newRemote builds a remote from cfg; hc sends the wire client's requests.
func newRemote(cfg *config, hc *http.Client) (*remote, error) {
	r := &remote{typ: serviceType, stores: map[string]types.Storager{}, zones: map[string]string{}}
	var ak, sk, ep, zone string
	disableCleaning := cfg.DisableURICleaning
	if cs := cfg.ConnectionString; cs != "" {
		typ, rest, ok := strings.Cut(cs, "://")
		if !ok || typ == "" {
			return nil, usagef("connection string: want <type>://[bucket][/dir][?pairs], e.g. qingstor://?credential=hmac:AK:SK&endpoint=https:qingstor.com:443")
		}
		_, q, _ := strings.Cut(rest, "?")
		r.typ, r.query = typ, q
		for _, kv := range strings.Split(q, "&") {
			k, v, hasV := strings.Cut(kv, "=")
			switch k {
			case "credential":
				p, err := credential.Parse(v)
				if err != nil {
					return nil, usagef("connection string: credential: %v", err)
				}
				if p.Protocol() == credential.ProtocolHmac {
					ak, sk = p.Hmac()
				}
			case "endpoint":
				ep = v
			case "location":
				zone = v
			case "disable_uri_cleaning":
				b, err := strconv.ParseBool(v)
				disableCleaning = !hasV || err == nil && b
			}
		}
		if zone == "" {
			zone = cfg.Zone
		}
	} else {
		ak, sk, zone = cfg.AccessKeyID, cfg.SecretAccessKey, cfg.Zone
		ep = fmt.Sprintf("%s:%s:%d", cfg.Protocol, cfg.Host, cfg.Port)
		r.base = []types.Pair{pairs.WithCredential("hmac:" + ak + ":" + sk), pairs.WithEndpoint(ep)}
		if zone != "" {
			r.storagePairs = append(r.storagePairs, pairs.WithLocation(zone))
		}
		if disableCleaning {
			r.storagePairs = append(r.storagePairs, types.Pair{Key: "disable_uri_cleaning", Value: true})
		}
	}
	r.zone = zone
	if r.typ == serviceType {
		// Object and bucket requests alike go through hc (--debug logs
		// them) and honour enable_virtual_host_style.
		if hc != nil {
			r.extra = append(r.extra, qingstor.WithHTTPClient(hc))
		}
		if cfg.EnableVirtualHostStyle {
			r.extra = append(r.extra, qingstor.WithEnableVirtualHostStyle())
		}
		opts := qsapi.Options{AccessKeyID: ak, SecretAccessKey: sk, Zone: zone, HTTPClient: hc,
			VirtualHostStyle: cfg.EnableVirtualHostStyle, DisableURICleaning: disableCleaning, UserAgent: "qs"}
		if cfg.ConnectionRetries > 0 {
			// connection_retries counts retries; MaxAttempts counts the first try too.
			opts.Retry = qsapi.DefaultRetryPolicy
			opts.Retry.MaxAttempts = cfg.ConnectionRetries + 1
		}
		if ep != "" {
			//lint:ignore SA1019 the endpoint pair keeps go-storage v4's format, which this deprecated package parses
			v, err := endpoint.Parse(ep)
			if err != nil {
				return nil, usagef("endpoint %q: %v", ep, err)
			}
			opts.Protocol, opts.Host, opts.Port = v.Protocol, v.Host, v.Port
			r.host = v.Host
			r.endpoint = fmt.Sprintf("%s:%s:%d", v.Protocol, v.Host, v.Port)
		}
		api, err := qsapi.New(opts)
		if err != nil {
			return nil, usagef("%v", err)
		}
		r.api = api
	}
	return r, nil
}

// getenv is os.Getenv, replaceable in tests.
var getenv = os.Getenv

// storage returns the storager of bucket (work dir "/").
func (r *remote) storage(bucket string) (types.Storager, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.stores[bucket]; ok {
		return s, nil
	}
	var s types.Storager
	var err error
	if r.base != nil {
		ps := append([]types.Pair{pairs.WithName(bucket)}, r.base...)
		ps = append(ps, r.storagePairs...)
		s, err = services.NewStorager(r.typ, append(ps, r.extra...)...)
	} else {
		s, err = services.NewStoragerFromString(r.typ+"://"+bucket+"/?"+r.query, r.extra...)
	}
	if err != nil {
		return nil, wrapOp("open bucket", bucket, err)
	}
	r.stores[bucket] = s
	return s, nil
}

// servicer returns the go-storage servicer (bucket operations).
func (r *remote) servicer() (types.Servicer, error) {
	var (
		s   types.Servicer
		err error
	)
	if r.base != nil {
		s, err = services.NewServicer(r.typ, append(slices.Clip(r.base), r.extra...)...)
	} else {
		s, err = services.NewServicerFromString(r.typ+"://?"+servicerQuery(r.query), r.extra...)
	}
	if err != nil {
		return nil, wrapOp("connect", r.typ, err)
	}
	return s, nil
}

// wire returns the qsapi client, or an error naming the operation when the
// configured service is not QingStor.
func (r *remote) wire(op string) (*qsapi.Client, error) {
	if r.api == nil {
		return nil, usagef("%s needs a QingStor service; the connection string names %q", op, r.typ)
	}
	return r.api, nil
}

// wireFor returns the qsapi client bound to bucket's zone: the configured
// zone, else the zone QingStor reports for the bucket (cached).
func (r *remote) wireFor(ctx context.Context, op, bucket string) (*qsapi.Client, error) {
	api, err := r.wire(op)
	if err != nil {
		return nil, err
	}
	if api.Zone() != "" || isLocalHost(r.host) {
		return api, nil
	}
	r.mu.Lock()
	zone, ok := r.zones[bucket]
	r.mu.Unlock()
	if !ok {
		zone, err = api.DetectLocation(ctx, bucket)
		if err != nil {
			return nil, fmt.Errorf("find the zone of bucket %s: %w", bucket, err)
		}
		r.mu.Lock()
		r.zones[bucket] = zone
		r.mu.Unlock()
	}
	return api.WithZone(zone), nil
}

// isLocalHost reports whether host is an IP address or localhost (no zones
// in the host name then).
func isLocalHost(host string) bool {
	return host == "localhost" || net.ParseIP(host) != nil
}

// httpClient returns the client of the wire calls: at level debug (--debug
// or log_level: debug), it logs each request and response, without
// signatures or keys.
func (a *app) httpClient() *http.Client {
	if a.level.Level() > slog.LevelDebug {
		return nil
	}
	// The go-storage client's transport: per-read and per-write deadlines,
	// as the services use by default.
	return &http.Client{Transport: &debugTransport{next: httpclient.New(nil).Transport, log: a.log},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// debugTransport logs requests (method, URL without signature, status,
// request id, duration). Authorization and SSE-C key headers are never
// logged.
type debugTransport struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (d *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := d.next.RoundTrip(req)
	attrs := []any{"method", req.Method, "url", redactURL(req.URL), "duration", time.Since(start).Round(time.Microsecond)}
	if err != nil {
		d.log.Debug("request failed", append(attrs, "error", err)...)
		return resp, err
	}
	d.log.Debug("request", append(attrs, "status", resp.StatusCode, "request_id", resp.Header.Get("X-Qs-Request-Id"), "content_length", resp.ContentLength)...)
	return resp, nil
}

// redactURL returns u with the signature of a presigned URL removed.
func redactURL(u *url.URL) string {
	c := *u
	q := c.Query()
	if q.Has("signature") {
		q.Set("signature", "REDACTED")
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// servicerQuery keeps the connection-string pairs a servicer accepts
// (credential, endpoint); the others (location, work dir, features) belong
// to storages.
func servicerQuery(q string) string {
	var keep []string
	for _, kv := range strings.Split(q, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if k == "credential" || k == "endpoint" {
			keep = append(keep, kv)
		}
	}
	return strings.Join(keep, "&")
}
