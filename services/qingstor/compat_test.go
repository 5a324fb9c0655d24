package qingstor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Every name go-service-qingstor v3.3.0 exported, with its exact type, so
// that code ported by rewriting the imports keeps compiling. (Types are
// written with the types package as ported code would; the package itself
// dot-imports it in generated.go.)
var (
	_ string = Type

	_ func(...types.Pair) (types.Servicer, types.Storager, error) = New
	_ func(...types.Pair) (types.Servicer, error)                 = NewServicer
	_ func(...types.Pair) (types.Storager, error)                 = NewStorager

	_ func(*types.Object) ObjectSystemMetadata       = GetObjectSystemMetadata
	_ func(*types.StorageMeta) StorageSystemMetadata = GetStorageSystemMetadata
	_ func(string) bool                              = IsBucketNameValid

	_ func(string) types.Pair              = WithCopySourceEncryptionCustomerAlgorithm
	_ func([]byte) types.Pair              = WithCopySourceEncryptionCustomerKey
	_ func(DefaultServicePairs) types.Pair = WithDefaultServicePairs
	_ func(DefaultStoragePairs) types.Pair = WithDefaultStoragePairs
	_ func() types.Pair                    = WithDisableURICleaning
	_ func() types.Pair                    = WithEnableVirtualDir
	_ func() types.Pair                    = WithEnableVirtualLink
	_ func(string) types.Pair              = WithEncryptionCustomerAlgorithm
	_ func([]byte) types.Pair              = WithEncryptionCustomerKey
	_ func(ServiceFeatures) types.Pair     = WithServiceFeatures
	_ func(string) types.Pair              = WithStorageClass
	_ func(StorageFeatures) types.Pair     = WithStorageFeatures

	// Names added by the go-storage v4 generator that later services have,
	// and the go-storage pairs ported code passes to NewStorager.
	_ func(string) types.Pair       = WithCopySourceEncryptionCustomerKeyMd5
	_ func() types.Pair             = WithEnableLoosePair
	_ func(string) types.Pair       = WithDefaultStorageClass
	_ func(string) types.Pair       = ps.WithDefaultContentType
	_ func(func([]byte)) types.Pair = ps.WithDefaultIoCallback

	// go-service-qingstor v3.0.0 names.
	_ func(*types.Object) ObjectMetadata = GetObjectMetadata

	// Error codes: services error codes, usable with errors.Is.
	_ error = ErrBucketNameInvalid
	_ error = ErrWorkDirInvalid
	_ error = ErrEncryptionCustomerKeyInvalid
	_ error = ErrAppendNextPositionEmpty
	_ error = ErrPartNumberInvalid

	_ types.Servicer    = (*Service)(nil)
	_ types.Storager    = (*Storage)(nil)
	_ types.Appender    = (*Storage)(nil)
	_ types.Copier      = (*Storage)(nil)
	_ types.Direr       = (*Storage)(nil)
	_ types.Fetcher     = (*Storage)(nil)
	_ types.Linker      = (*Storage)(nil)
	_ types.Mover       = (*Storage)(nil)
	_ types.Multiparter = (*Storage)(nil)
	//lint:ignore SA1019 Reacher is deprecated in go-storage v4 but still part of its API, which this covers
	_ types.Reacher           = (*Storage)(nil)
	_ types.StorageHTTPSigner = (*Storage)(nil)

	_ func(*Service, string, ...types.Pair) (types.Storager, error)                                   = (*Service).Create
	_ func(*Service, context.Context, string, ...types.Pair) (types.Storager, error)                  = (*Service).CreateWithContext
	_ func(*Service, string, ...types.Pair) error                                                     = (*Service).Delete
	_ func(*Service, string, ...types.Pair) (types.Storager, error)                                   = (*Service).Get
	_ func(*Service, ...types.Pair) (*types.StoragerIterator, error)                                  = (*Service).List
	_ func(*Storage, string, io.Writer, ...types.Pair) (int64, error)                                 = (*Storage).Read
	_ func(*Storage, string, io.Reader, int64, ...types.Pair) (int64, error)                          = (*Storage).Write
	_ func(*Storage, string, time.Duration, ...types.Pair) (*http.Request, error)                     = (*Storage).QuerySignHTTPRead
	_ func(*Storage, string, int64, time.Duration, ...types.Pair) (*http.Request, error)              = (*Storage).QuerySignHTTPWrite
	_ func(*Storage, *types.Object, io.Reader, int64, int, ...types.Pair) (int64, *types.Part, error) = (*Storage).WriteMultipart
)

// The struct types keep v3.3.0's field names and types.
var (
	_ = ObjectSystemMetadata{EncryptionCustomerAlgorithm: "", StorageClass: ""}
	_ = ObjectMetadata{EncryptionCustomerAlgorithm: "", StorageClass: ""}
	_ = StorageSystemMetadata{}
	_ = ServiceFeatures{}
	_ = StorageFeatures{VirtualDir: true, VirtualLink: true}
	_ = DefaultServicePairs{Create: []types.Pair{}, Delete: []types.Pair{}, Get: []types.Pair{}, List: []types.Pair{}}
	_ = DefaultStoragePairs{
		CommitAppend: []types.Pair{}, CompleteMultipart: []types.Pair{}, Copy: []types.Pair{}, Create: []types.Pair{},
		CreateAppend: []types.Pair{}, CreateDir: []types.Pair{}, CreateLink: []types.Pair{}, CreateMultipart: []types.Pair{},
		Delete: []types.Pair{}, Fetch: []types.Pair{}, List: []types.Pair{}, ListMultipart: []types.Pair{},
		Metadata: []types.Pair{}, Move: []types.Pair{}, QuerySignHTTPRead: []types.Pair{}, QuerySignHTTPWrite: []types.Pair{},
		Reach: []types.Pair{}, Read: []types.Pair{}, Stat: []types.Pair{}, Write: []types.Pair{},
		WriteAppend: []types.Pair{}, WriteMultipart: []types.Pair{},
	}
	// Untyped in v3.3.0: usable as a string constant.
	_ string = StorageClassStandard
	_ string = StorageClassStandardIA
	_ string = SseCustomerAlgorithmAes256
)

func TestCompatNames(t *testing.T) {
	if StorageClassStandard != "STANDARD" || StorageClassStandardIA != "STANDARD_IA" {
		t.Fatalf("storage classes %q %q", StorageClassStandard, StorageClassStandardIA)
	}
	if SseCustomerAlgorithmAes256 != "AES256" {
		t.Fatalf("SseCustomerAlgorithmAes256 = %q, want AES256", SseCustomerAlgorithmAes256)
	}
	for name, want := range map[string]bool{
		"bucket-name": true, "abc123": true, "a-b-c-d": true,
		"abcde": false, "-abcdef": false, "abcdef-": false, "Abcdef": false, "abc_def": false,
		strings.Repeat("a", 63): true, strings.Repeat("a", 64): false,
	} {
		if got := IsBucketNameValid(name); got != want {
			t.Errorf("IsBucketNameValid(%q) = %v, want %v", name, got, want)
		}
	}
	if !errors.Is(ErrEncryptionCustomerKeyInvalid, ErrInvalidEncryptionCustomerKey) {
		t.Error("ErrEncryptionCustomerKeyInvalid is not the SSE-C key code")
	}
	_, err := NewStorager(ps.WithCredential("hmac:ak:sk"), ps.WithName("Bad_Name"), ps.WithLocation("pek3a"))
	if !errors.Is(err, ErrBucketNameInvalid) {
		t.Errorf("NewStorager with a bad bucket name: %v", err)
	}
	o := types.NewObject(nil, true)
	if GetObjectMetadata(o) != (ObjectMetadata{}) {
		t.Error("GetObjectMetadata of a bare object is not the zero value")
	}
}

// TestCompatDefaultPairs: the go-storage default pairs ported code passes to
// NewStorager (default_content_type, default_io_callback) and this
// service's default_storage_class take effect.
func TestCompatDefaultPairs(t *testing.T) {
	srv := localServer(t)
	var seen int
	st, err := NewStorager(ps.WithCredential("hmac:"+srv.AccessKeyID+":"+srv.SecretAccessKey),
		ps.WithEndpoint("http:"+srv.Host+":"+itoa(srv.Port)), ps.WithName(testBucket), ps.WithWorkDir(uniqueDir("/compat/")),
		ps.WithDefaultContentType("text/x-default"), ps.WithDefaultIoCallback(func(b []byte) { seen += len(b) }),
		WithDefaultStorageClass(StorageClassStandardIA))
	if err != nil {
		t.Fatalf("NewStorager with default pairs: %v", err)
	}
	if _, err := st.Write("a", strings.NewReader("hello"), 5); err != nil {
		t.Fatal(err)
	}
	if seen != 5 {
		t.Errorf("default io_callback saw %d bytes of Write, want 5", seen)
	}
	var buf bytes.Buffer
	if _, err := st.Read("a", &buf); err != nil || buf.String() != "hello" {
		t.Fatalf("Read: %q, %v", buf.String(), err)
	}
	if seen != 10 {
		t.Errorf("default io_callback saw %d bytes after Read, want 10", seen)
	}
	o, err := st.Stat("a")
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := o.GetContentType(); ct != "text/x-default" {
		t.Errorf("content type %q, want the default", ct)
	}
	if sc := GetObjectSystemMetadata(o).StorageClass; sc != StorageClassStandardIA {
		t.Errorf("storage class %q, want the default", sc)
	}
	// A caller's pair wins over the default.
	if _, err := st.Write("b", strings.NewReader("x"), 1, ps.WithContentType("text/plain")); err != nil {
		t.Fatal(err)
	}
	if o, err := st.Stat("b"); err != nil {
		t.Fatal(err)
	} else if ct, _ := o.GetContentType(); ct != "text/plain" {
		t.Errorf("content type %q, want the caller's", ct)
	}
}

// TestAppendWithoutNextPosition: an append acknowledged without
// X-QS-Next-Append-Position is ErrAppendNextPositionEmpty, as in
// go-service-qingstor.
func TestAppendWithoutNextPosition(t *testing.T) {
	srv := localServer(t)
	strip := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.Server.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			if !strings.EqualFold(k, "X-Qs-Next-Append-Position") {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	defer strip.Close()
	u, _ := url.Parse(strip.URL)
	st, err := NewStorager(ps.WithCredential("hmac:"+srv.AccessKeyID+":"+srv.SecretAccessKey),
		ps.WithEndpoint("http:"+u.Host), ps.WithName(testBucket), ps.WithLocation("pek3b"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.(types.Appender).CreateAppend("app")
	var se services.StorageError
	if !errors.Is(err, ErrAppendNextPositionEmpty) || !errors.As(err, &se) || se.Op != "create_append" {
		t.Fatalf("CreateAppend without a next position: %v", err)
	}
}

// TestCompatStringPairs: a program that builds every pair from
// configuration strings (types.Pair{Key: k, Value: "..."}) opens a working
// storage, its enable_* flags included ("true"), as it did with
// go-service-qingstor v3.
func TestCompatStringPairs(t *testing.T) {
	srv := localServer(t)
	conf := map[string]string{
		"credential":          "hmac:" + srv.AccessKeyID + ":" + srv.SecretAccessKey,
		"endpoint":            "http:" + srv.Host + ":" + itoa(srv.Port),
		"name":                testBucket,
		"work_dir":            uniqueDir("/strpairs/"),
		"enable_virtual_dir":  "true",
		"enable_virtual_link": "true",
	}
	var pairs []types.Pair
	for k, v := range conf {
		pairs = append(pairs, types.Pair{Key: k, Value: v})
	}
	st, err := NewStorager(pairs...)
	if err != nil {
		t.Fatalf("NewStorager from string pairs: %v", err)
	}
	if _, err := st.Write("target", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	o, err := st.(types.Linker).CreateLink("link", "target")
	if err != nil || !o.Mode.IsLink() {
		t.Fatalf("CreateLink with enable_virtual_link=\"true\": %v, %v", o, err)
	}
	if _, err := st.(types.Direr).CreateDir("dir"); err != nil {
		t.Fatal(err)
	}
	// virtual_dir on: a file beside the directory marker of the same name.
	if err := st.(types.Copier).Copy("target", "dir"); err != nil {
		t.Fatalf("Copy onto a directory name with enable_virtual_dir=\"true\": %v", err)
	}
}
