package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/qsgo/qsgo/qsapi"
)

// Cookie names.
const (
	sessionCookie = "qslocal_console"
	loginCookie   = "qslocal_console_login"
)

// session is one login. The secret lives here only, in memory.
type session struct {
	id, csrf string
	ak, sk   string
	expires  time.Time
	client   *qsapi.Client
}

type ctxKey struct{}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// sessionOf returns the request's live session, or nil.
func (c *Console) sessionOf(r *http.Request) *session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sessions[ck.Value]
	if s == nil || !c.now().Before(s.expires) {
		delete(c.sessions, ck.Value)
		return nil
	}
	return s
}

// newSession stores a session for a verified key pair, dropping the
// oldest when maxSessions are kept.
func (c *Console) newSession(ak, sk string, client *qsapi.Client) *session {
	s := &session{id: randomToken(), csrf: randomToken(), ak: ak, sk: sk, client: client, expires: c.now().Add(SessionTTL)}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, old := range c.sessions {
		if !c.now().Before(old.expires) {
			delete(c.sessions, id)
		}
	}
	for len(c.sessions) >= maxSessions {
		var oldest *session
		for _, o := range c.sessions {
			if oldest == nil || o.expires.Before(oldest.expires) {
				oldest = o
			}
		}
		delete(c.sessions, oldest.id)
	}
	c.sessions[s.id] = s
	return s
}

func (c *Console) dropSession(s *session) {
	c.mu.Lock()
	delete(c.sessions, s.id)
	c.mu.Unlock()
}

func setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// authed wraps a page that needs a login: without one, GETs are sent to
// the login page and other methods refused; POSTs also need the CSRF token.
func (c *Console) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.sessionOf(r)
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			http.Error(w, "not logged in", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			tok := r.Header.Get("X-CSRF-Token")
			if tok == "" {
				tok = r.PostFormValue("csrf")
			}
			if !sameToken(tok, s.csrf) {
				c.log.Warn("console: state change without a valid CSRF token refused", "path", r.URL.Path)
				http.Error(w, "missing or wrong CSRF token", http.StatusForbidden)
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, s)), s)
	}
}

// loginPage shows the form with a fresh login token (double-submit cookie).
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.renderLogin(w, "", http.StatusOK)
}

func (c *Console) renderLogin(w http.ResponseWriter, msg string, status int) {
	tok := randomToken()
	setCookie(w, loginCookie, tok, 3600)
	c.render(w, status, "login", page{Title: "Log in", CSRF: tok, Error: msg})
}

// login checks the key pair with one signed API call (ListBuckets).
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), ck.Value) {
		http.Error(w, "missing or wrong login token: reload the login page", http.StatusForbidden)
		return
	}
	ak, sk := r.PostFormValue("access_key_id"), r.PostFormValue("secret_access_key")
	if ak == "" || sk == "" {
		c.renderLogin(w, "Enter the access key id and the secret access key.", http.StatusBadRequest)
		return
	}
	client, err := c.clientFor(ak, sk)
	if err == nil {
		_, err = client.ListBuckets(r.Context(), &qsapi.ListBucketsInput{Limit: 1})
	}
	if err != nil {
		c.log.Info("console: login refused", "access_key_id", ak, "err", err)
		c.renderLogin(w, "Login refused: "+apiMessage(err), http.StatusUnauthorized)
		return
	}
	s := c.newSession(ak, sk, client)
	setCookie(w, loginCookie, "", -1)
	setCookie(w, sessionCookie, s.id, int(SessionTTL/time.Second))
	c.log.Info("console: logged in", "access_key_id", ak)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	c.dropSession(s)
	setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// clientFor is an API client signing with the given keys.
func (c *Console) clientFor(ak, sk string) (*qsapi.Client, error) {
	o := c.api
	o.AccessKeyID, o.SecretAccessKey = ak, sk
	return qsapi.New(o)
}
