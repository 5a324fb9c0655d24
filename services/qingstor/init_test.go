package qingstor

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

func TestInitFromConnectionStrings(t *testing.T) {
	// The strings of the documentation, verbatim; no request is needed for
	// the servicer, nor for the storager when its location is given.
	sv0, err := services.NewServicerFromString("qingstor://?credential=hmac:access_key_id:secret_access_key&endpoint=https:qingstor.com")
	if err != nil || !strings.Contains(sv0.String(), "qingstor.com") || strings.Contains(sv0.String(), "secret_access_key") {
		t.Fatalf("documented servicer string: %v, %v", sv0, err)
	}
	st0, err := services.NewStoragerFromString("qingstor://bucket-name/path/to/workdir?credential=hmac:access_key_id:secret_access_key&endpoint=https:qingstor.com&location=pek3a")
	if err != nil {
		t.Fatalf("documented storager string: %v", err)
	}
	if m := st0.Metadata(); m.Name != "bucket-name" || m.WorkDir != "/path/to/workdir/" || st0.String() != "Storager qingstor {Name: bucket-name, Location: pek3a, WorkDir: /path/to/workdir/}" {
		t.Fatalf("documented storager: %s %+v", st0, m)
	}
	srv := localServer(t)
	sv, err := services.NewServicerFromString("qingstor://?" + connQuery(srv))
	if err != nil {
		t.Fatalf("servicer from string: %v", err)
	}
	if !strings.Contains(sv.String(), "127.0.0.1") {
		t.Errorf("servicer String() = %q", sv.String())
	}
	// A work dir without its trailing slash is normalised.
	st, err := services.NewStoragerFromString("qingstor://" + testBucket + "/path/to/workdir?" + connQuery(srv))
	if err != nil {
		t.Fatalf("storager from string: %v", err)
	}
	if m := st.Metadata(); m.Name != testBucket || m.WorkDir != "/path/to/workdir/" {
		t.Fatalf("Metadata() = %q %q, want %q /path/to/workdir/", m.Name, m.WorkDir, testBucket)
	}
	if _, err := st.Write("x", strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	root := newStore(t, srv, "/")
	if _, err := root.Stat("path/to/workdir/x"); err != nil {
		t.Fatalf("the object is not below the work dir: %v", err)
	}
	m := st.Metadata()
	if min, ok := m.GetMultipartSizeMinimum(); !ok || min != qsapi.MinPartSize {
		t.Errorf("MultipartSizeMinimum = %d, %v", min, ok)
	}
	if max, ok := m.GetCopySizeMaximum(); !ok || max != maxObjectSize {
		t.Errorf("CopySizeMaximum = %d, %v; copies above 5 GiB are part copies", max, ok)
	}
	if max, ok := m.GetMultipartNumberMaximum(); !ok || max != 10000 {
		t.Errorf("MultipartNumberMaximum = %d, %v", max, ok)
	}
}

func TestInitErrors(t *testing.T) {
	srv := localServer(t)
	base := "credential=hmac:" + srv.AccessKeyID + ":" + srv.SecretAccessKey + "&endpoint=http:127.0.0.1:1"
	cases := []struct {
		name, conn string
		want       error
	}{
		{"apikey credential", "qingstor://?credential=apikey:topsecret", services.ErrCapabilityInsufficient},
		{"missing credential", "qingstor://", services.ErrRestrictionDissatisfied},
		{"missing name", "qingstor:///dir/?location=pek3b&" + base, services.ErrRestrictionDissatisfied},
		{"bad bucket", "qingstor://Bad_Bucket/?location=pek3b&" + base, ErrBucketNameInvalid},
		{"short bucket", "qingstor://abc/?location=pek3b&" + base, ErrBucketNameInvalid},
		{"bad location", "qingstor://abcdef/?location=a.b&" + base, ErrLocationInvalid},
		{"bad endpoint", "qingstor://abcdef/?location=pek3b&credential=hmac:a:b&endpoint=ftp:host", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if strings.HasPrefix(c.conn, "qingstor://?") || c.conn == "qingstor://" {
				_, err = services.NewServicerFromString(c.conn)
			} else {
				_, err = services.NewStoragerFromString(c.conn)
			}
			var ie services.InitError
			if err == nil || !errors.As(err, &ie) || ie.Type != Type {
				t.Fatalf("err = %v, want an InitError of type %s", err, Type)
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), srv.SecretAccessKey) {
				t.Fatalf("error shows a secret: %v", err)
			}
		})
	}
	// Unknown pairs are refused by both constructors.
	_, err := NewServicer(ps.WithCredential("hmac:a:b"), ps.WithWorkDir("/x/"))
	var pu services.PairUnsupportedError
	if !errors.As(err, &pu) || pu.Pair.Key != "work_dir" {
		t.Fatalf("servicer with work_dir: %v, want PairUnsupportedError", err)
	}
	_, err = NewStorager(ps.WithCredential("hmac:a:b"), ps.WithName("abcdef"), ps.WithLocation("pek3b"),
		types.Pair{Key: "storage_class_typo", Value: "x"})
	if !errors.As(err, &pu) || pu.Pair.Key != "storage_class_typo" {
		t.Fatalf("storager with an unknown pair: %v, want PairUnsupportedError", err)
	}
	// ... but not with enable_loose_pair.
	if _, err := NewStorager(ps.WithCredential("hmac:a:b"), ps.WithName("abcdef"), ps.WithLocation("pek3b"),
		WithEnableLoosePair(), types.Pair{Key: "storage_class_typo", Value: "x"}); err != nil {
		t.Fatalf("loose pair: %v", err)
	}
}

func TestNewSplitsPairs(t *testing.T) {
	srv := localServer(t)
	cred := "hmac:" + srv.AccessKeyID + ":" + srv.SecretAccessKey
	ep := "http:" + srv.Host + ":" + itoa(srv.Port)
	sv, st, err := New(ps.WithCredential(cred), ps.WithEndpoint(ep), ps.WithName(testBucket), ps.WithWorkDir("/w"), WithEnableVirtualDir())
	if err != nil || sv == nil || st == nil {
		t.Fatalf("New = %v, %v, %v", sv, st, err)
	}
	if st.Metadata().WorkDir != "/w/" {
		t.Fatalf("work dir %q", st.Metadata().WorkDir)
	}
	sv, st, err = New(ps.WithCredential(cred), ps.WithEndpoint(ep))
	if err != nil || sv == nil || st != nil {
		t.Fatalf("New without name = %v, %v, %v", sv, st, err)
	}
}

// TestLocationDiscovery opens a bucket without location through a named
// endpoint host: the service asks QingStor's global host with an unsigned
// HEAD, follows nothing, and takes the zone from the 301 Location.
func TestLocationDiscovery(t *testing.T) {
	srv := localServer(t, func(o *qslocal.Options) { o.Zone = "sh1a"; o.BaseDomain = "qingstor.test" })
	addr := net.JoinHostPort(srv.Host, itoa(srv.Port))
	// Every host name of qingstor.test resolves to the server.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: "qingstor.test", Port: srv.Port,
		AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := newStorage(context.Background(), storageConfig{client: c, name: testBucket})
	if err != nil {
		t.Fatalf("newStorage: %v", err)
	}
	if loc, _ := st.Metadata().GetLocation(); loc != "sh1a" {
		t.Fatalf("discovered location %q, want sh1a", loc)
	}
	// The storage then talks to the zone host.
	if _, err := st.Write("a", strings.NewReader("x"), 1); err != nil {
		t.Fatalf("Write through the zone host: %v", err)
	}
	if _, err := newStorage(context.Background(), storageConfig{client: c, name: "no-such-bucket"}); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("discovery of a missing bucket: %v, want ErrObjectNotExist", err)
	}
}

func TestServicer(t *testing.T) {
	srv := localServer(t)
	sv, err := services.NewServicerFromString("qingstor://?" + connQuery(srv))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"bucket-one", "bucket-two", "bucket-three", "bucket-four", "bucket-five"}
	for _, n := range names {
		st, err := sv.Create(n, ps.WithLocation(srv.Zone))
		if err != nil {
			t.Fatalf("Create(%s): %v", n, err)
		}
		if st.Metadata().Name != n {
			t.Fatalf("Create returned storage %s", st)
		}
	}
	if _, err := sv.Create("bucket-six"); !errors.Is(err, services.ErrRestrictionDissatisfied) {
		t.Fatalf("Create without location: %v", err)
	}
	// Paging: 6 buckets (with the test bucket) over pages of 2.
	old := bucketPageSize
	bucketPageSize = 2
	t.Cleanup(func() { bucketPageSize = old })
	listed := map[string]bool{}
	it, err := sv.List()
	if err != nil {
		t.Fatal(err)
	}
	for {
		st, err := it.Next()
		if err == types.IterateDone { //nolint:errorlint // bare sentinel
			break
		}
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		name := st.Metadata().Name
		if listed[name] {
			t.Fatalf("bucket %s listed twice", name)
		}
		listed[name] = true
	}
	if len(listed) != len(names)+1 {
		t.Fatalf("listed %v, want %d buckets", listed, len(names)+1)
	}
	it, _ = sv.List(ps.WithLocation("gd2a"))
	if st, err := it.Next(); err != types.IterateDone { //nolint:errorlint // bare sentinel
		t.Fatalf("List in an empty zone = %v, %v", st, err)
	}
	st, err := sv.Get("bucket-two", ps.WithWorkDir("/sub"))
	if err != nil || st.Metadata().WorkDir != "/sub/" {
		t.Fatalf("Get = %v, %v", st, err)
	}
	if err := sv.Delete("bucket-two", ps.WithLocation(srv.Zone)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := sv.Delete("bucket-two", ps.WithLocation(srv.Zone)); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("Delete twice: %v", err)
	}
	var se services.ServiceError
	if err := sv.Delete("bucket-one", ps.WithLocation(srv.Zone), ps.WithSize(1)); !errors.As(err, &se) || se.Op != "delete" ||
		!errors.Is(err, services.ErrCapabilityInsufficient) {
		t.Fatalf("Delete with an unknown pair: %v", err)
	}
	_ = time.Second
}
