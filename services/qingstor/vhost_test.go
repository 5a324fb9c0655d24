package qingstor

import (
	"net"
	"net/http"
	"strings"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// namedServer starts qslocal serving the zone sh1a of qingstor.test and
// returns it with a request log whose dialer sends every host name to it
// (qingstor.test, sh1a.qingstor.test, <bucket>.sh1a.qingstor.test), the
// endpoint of the global host, and the credential pair.
func namedServer(t *testing.T) (*qslocal.TestServer, *requestLog, string, types.Pair) {
	srv := localServer(t, func(o *qslocal.Options) { o.Zone = "sh1a"; o.BaseDomain = "qingstor.test" })
	rec := newRequestLog(t, net.JoinHostPort(srv.Host, itoa(srv.Port)))
	return srv, rec, "http:qingstor.test:" + itoa(srv.Port), ps.WithCredential("hmac:" + srv.AccessKeyID + ":" + srv.SecretAccessKey)
}

// checkObjectPaths checks that every request after the first n that is not
// a discovery HEAD on the global host addresses the bucket as vhost says:
// in the host name (path without the bucket) or in the path.
func checkObjectPaths(t *testing.T, rec *requestLog, n int, port string, vhost bool) {
	t.Helper()
	seen := 0
	for _, r := range rec.since(n) {
		if r.host == "qingstor.test:"+port {
			if r.method != http.MethodHead || r.path != "/"+testBucket {
				t.Errorf("request %+v on the global host is not location discovery", r)
			}
			continue
		}
		seen++
		if vhost {
			if r.host != testBucket+".sh1a.qingstor.test:"+port || strings.HasPrefix(r.path, "/"+testBucket) {
				t.Errorf("request %+v is not in virtual-host style", r)
			}
		} else if r.host != "sh1a.qingstor.test:"+port || !strings.HasPrefix(r.path, "/"+testBucket) {
			t.Errorf("request %+v is not in path style", r)
		}
	}
	if seen == 0 {
		t.Error("no bucket request was seen")
	}
}

// TestVirtualHostStyle: with enable_virtual_host_style the storage sends
// every bucket and object request to <bucket>.<zone>.<host> (qslocal
// answers them, so the requests are well formed), without it to
// <zone>.<host>/<bucket>; location discovery stays on the global host.
func TestVirtualHostStyle(t *testing.T) {
	srv, rec, ep, cred := namedServer(t)
	port := itoa(srv.Port)
	for _, vhost := range []bool{false, true} {
		pairs := []types.Pair{cred, ps.WithEndpoint(ep), ps.WithName(testBucket), ps.WithWorkDir(uniqueDir("/vh/")),
			WithHTTPClient(&http.Client{Transport: rec})}
		if vhost {
			pairs = append(pairs, WithEnableVirtualHostStyle())
		}
		n := rec.len()
		st, err := NewStorager(pairs...)
		if err != nil {
			t.Fatalf("vhost=%v: %v", vhost, err)
		}
		if got := rec.since(n); len(got) != 1 || got[0].host != "qingstor.test:"+port || got[0].signed {
			t.Fatalf("vhost=%v: discovery sent %+v, want one unsigned HEAD to the global host", vhost, got)
		}
		if st.(*Storage).features.VirtualHostStyle != vhost {
			t.Errorf("vhost=%v: the storage's feature is %v", vhost, !vhost)
		}
		n = rec.len()
		storageOps(t, st, rec, map[bool]string{false: "sh1a", true: testBucket + ".sh1a"}[vhost]+".qingstor.test:"+port)
		checkObjectPaths(t, rec, n, port, vhost)
	}
}

// TestVirtualHostStyleServicer: a Servicer with enable_virtual_host_style
// makes storages in virtual-host style, and so does Get with a
// storage_features that asks for it; service calls stay on the global host.
func TestVirtualHostStyleServicer(t *testing.T) {
	srv, rec, ep, cred := namedServer(t)
	port := itoa(srv.Port)
	for _, tc := range []struct {
		name           string
		servicer, get  []types.Pair
		vhost, located bool
	}{
		{name: "path style"},
		{name: "servicer", servicer: []types.Pair{WithEnableVirtualHostStyle()}, vhost: true},
		{name: "get", get: []types.Pair{WithStorageFeatures(StorageFeatures{VirtualHostStyle: true})}, vhost: true},
		{name: "servicer with location", servicer: []types.Pair{WithEnableVirtualHostStyle()},
			get: []types.Pair{ps.WithLocation("sh1a")}, vhost: true, located: true},
	} {
		sv, err := NewServicer(append([]types.Pair{cred, ps.WithEndpoint(ep), WithHTTPClient(&http.Client{Transport: rec})}, tc.servicer...)...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		n := rec.len()
		it, err := sv.List()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := it.Next(); err != nil {
			t.Fatalf("%s: List: %v", tc.name, err)
		}
		if got := rec.since(n); len(got) != 1 || got[0].host != "qingstor.test:"+port || got[0].path != "/" {
			t.Fatalf("%s: List sent %+v, want GET / on the global host", tc.name, got)
		}
		n = rec.len()
		st, err := sv.Get(testBucket, append([]types.Pair{ps.WithWorkDir(uniqueDir("/vh/"))}, tc.get...)...)
		if err != nil {
			t.Fatalf("%s: Get: %v", tc.name, err)
		}
		if got := rec.since(n); len(got) != map[bool]int{false: 1, true: 0}[tc.located] {
			t.Errorf("%s: Get sent %+v", tc.name, got)
		}
		if st.(*Storage).features.VirtualHostStyle != tc.vhost {
			t.Errorf("%s: the storage's feature is %v", tc.name, !tc.vhost)
		}
		n = rec.len()
		storageOps(t, st, rec, map[bool]string{false: "sh1a", true: testBucket + ".sh1a"}[tc.vhost]+".qingstor.test:"+port)
		checkObjectPaths(t, rec, n, port, tc.vhost)
	}
}

// TestVirtualHostStyleIgnoredLocally: for IP and localhost endpoints the
// pair is accepted (also in a connection string) and path style is used.
func TestVirtualHostStyleIgnoredLocally(t *testing.T) {
	srv := localServer(t)
	rec := newRequestLog(t, net.JoinHostPort(srv.Host, itoa(srv.Port)))
	cred := ps.WithCredential("hmac:" + srv.AccessKeyID + ":" + srv.SecretAccessKey)
	for _, host := range []string{srv.Host, "localhost"} {
		hp := host + ":" + itoa(srv.Port)
		st, err := NewStorager(cred, ps.WithEndpoint("http:"+hp), ps.WithName(testBucket), ps.WithWorkDir(uniqueDir("/vh/")),
			WithEnableVirtualHostStyle(), WithHTTPClient(&http.Client{Transport: rec}))
		if err != nil {
			t.Fatal(err)
		}
		n := rec.len()
		storageOps(t, st, rec, hp)
		for _, r := range rec.since(n) {
			if !strings.HasPrefix(r.path, "/"+testBucket) {
				t.Errorf("%s: request %+v is not in path style", host, r)
			}
		}
	}
	st, err := services.NewStoragerFromString("qingstor://" + testBucket + uniqueDir("/vh/") + "?" + connQuery(srv) + "&enable_virtual_host_style")
	if err != nil {
		t.Fatal(err)
	}
	if !st.(*Storage).features.VirtualHostStyle {
		t.Error("enable_virtual_host_style in a connection string did not turn the feature on")
	}
	if _, err := st.Write("a", strings.NewReader("x"), 1); err != nil {
		t.Fatalf("Write: %v", err)
	}
}
