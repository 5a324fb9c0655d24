// Package console is the web console of qslocal: a few server-rendered pages
// to look inside a running server (buckets, objects, unfinished multipart
// uploads), a request log that explains refused requests (including the
// string to sign the server computed for a refused signature), and
// Prometheus metrics.
//
// # How it acts: as an ordinary API client
//
// The console holds no second server logic. Every page that reads or
// changes data is answered by requests to the server's own QingStor API
// (qsapi, over loopback, signed with the keys the user logged in with), so
// routing, authentication, key validation and SSE-C rules are exactly the
// API's: a key the API refuses is refused in the console with the API's
// error, a bucket that is not empty cannot be deleted, and an object stored
// with a customer key (SSE-C) cannot be read by the console, which has no
// such key and says so. Those requests are recorded like any other; their
// User-Agent names the console, and the log page leaves them out unless
// asked to show them. Only the metrics read the store directly (qslocal's
// Store): counting stored objects, bytes and open uploads at scrape time is
// not an API call and needs no user's keys.
//
// Logging in checks the access key id and secret with one signed API call
// (ListBuckets); the secret then stays in the server's memory, in the
// session, and never goes to the browser, a URL or a log.
//
// # Security
//
// The console is an authenticated web application on localhost, so it
// defends itself as one:
//
//   - the session cookie is random, HttpOnly and SameSite=Strict; sessions
//     expire (SessionTTL) and are bounded in number;
//   - every state change (POST) needs the session's CSRF token (a form field
//     or the X-CSRF-Token header) and, when the browser sends one, an
//     Origin equal to the console's own; the login form carries a token of
//     its own (a double-submit cookie);
//   - pages are rendered with html/template (object keys and metadata are
//     attacker-controlled text) under a Content-Security-Policy that allows
//     only the console's own script and style and forbids framing
//     (frame-ancestors 'none', X-Frame-Options DENY);
//   - while bound to a loopback address only requests whose Host names a
//     loopback address or localhost are served (DNS rebinding); bound
//     elsewhere (qs serve warns) any Host is served;
//   - form bodies are bounded (maxFormBody); upload bodies are streamed to
//     the API, which bounds them itself.
//
// Decisions: /metrics needs no login (Prometheus scrapes without one; it
// shows counts by operation and status, no names); static files are
// embedded (embed.FS) and nothing is loaded from the network; uploads of at
// most MultipartThreshold bytes are one PutObject, larger ones a multipart
// upload in parts of PartSize driven by the page's script (with progress);
// listing pages are marker-based (a page costs the same at key 100000 as at
// key 1); unfinished uploads are listed 100 at a time, and each row's part
// count and bytes come from its first 1000 parts.
package console
