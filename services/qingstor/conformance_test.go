package qingstor

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/storagetest"
	"github.com/qsgo/qsgo/types"
)

// sseKeyB64 is a 32-byte SSE-C key in unpadded base64 (the connection
// string form of []byte pairs).
var sseTestKey = bytes.Repeat([]byte("k"), 32)

// TestConformance runs the storagetest suite, every capability, against
// the service over an in-process qslocal, in several configurations.
func TestConformance(t *testing.T) {
	srv := localServer(t)
	keyQuery := "default_encryption_customer_key=" + b64(sseTestKey) +
		"&default_copy_source_encryption_customer_key=" + b64(sseTestKey)
	configs := []struct {
		name    string
		workDir string
		query   []string
		opts    storagetest.Options
	}{
		{"RootVirtual", "/", []string{"enable_virtual_dir", "enable_virtual_link"}, storagetest.Options{VirtualDir: true, ListObjects: 1100}},
		{"NestedVirtual", "/a/b/c", []string{"enable_virtual_dir", "enable_virtual_link"}, storagetest.Options{VirtualDir: true}},
		{"NestedPlainDirs", "/nested/plain/", []string{"enable_virtual_link"}, storagetest.Options{}},
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			store := newStore(t, srv, uniqueDir(strings.TrimSuffix(c.workDir, "/")+"/"), c.query...)
			storagetest.TestAll(t, store, c.opts)
		})
	}
	// With SSE-C keys as default pairs every object is encrypted, so the
	// deprecated Reach URL (which cannot carry the key headers) cannot read
	// it: everything but Reacher runs (QuerySignHTTPRead carries the headers).
	t.Run("SSEC", func(t *testing.T) {
		store := newStore(t, srv, uniqueDir("/ssec/"), "enable_virtual_link", "enable_virtual_dir", keyQuery)
		runCapabilities(t, store, true, map[string]bool{"Reacher": true})
	})
	// Without virtual links, links are refused and every other capability
	// behaves as above.
	t.Run("NoVirtualLink", func(t *testing.T) {
		store := newStore(t, srv, uniqueDir("/nolink/"))
		runCapabilities(t, store, false, map[string]bool{"Linker": true})
	})
}

// capTest is one capability test of runCapabilities.
type capTest struct {
	name string
	fn   func(t *testing.T)
}

// runCapabilities runs what TestAll runs, except the capabilities in skip.
func runCapabilities(t *testing.T, store types.Storager, virtualDir bool, skip map[string]bool) {
	tests := []capTest{
		{"Storager", func(t *testing.T) { storagetest.TestStorager(t, store) }},
		{"StrictPairs", func(t *testing.T) { storagetest.TestStrictPairs(t, store) }},
		{"Appender", func(t *testing.T) { storagetest.TestAppender(t, store) }},
		{"Copier", func(t *testing.T) { storagetest.TestCopier(t, store) }},
		{"Direr", func(t *testing.T) { storagetest.TestDirer(t, store) }},
		{"Fetcher", func(t *testing.T) { storagetest.TestFetcher(t, store, nil) }},
		{"Linker", func(t *testing.T) { storagetest.TestLinker(t, store) }},
		{"Mover", func(t *testing.T) { storagetest.TestMover(t, store) }},
		{"Multiparter", func(t *testing.T) { storagetest.TestMultiparter(t, store) }},
		{"Reacher", func(t *testing.T) { storagetest.TestReacher(t, store) }},
		{"StorageHTTPSignerRead", func(t *testing.T) { storagetest.TestStorageHTTPSignerRead(t, store) }},
		{"StorageHTTPSignerWrite", func(t *testing.T) { storagetest.TestStorageHTTPSignerWrite(t, store) }},
		{"StorageHTTPSignerDelete", func(t *testing.T) { storagetest.TestStorageHTTPSignerDelete(t, store) }},
		{"MultipartHTTPSigner", func(t *testing.T) { storagetest.TestMultipartHTTPSigner(t, store) }},
	}
	if virtualDir {
		tests = append(tests,
			capTest{"CopierWithVirtualDir", func(t *testing.T) { storagetest.TestCopierWithVirtualDir(t, store) }},
			capTest{"MoverWithVirtualDir", func(t *testing.T) { storagetest.TestMoverWithVirtualDir(t, store) }})
	} else {
		tests = append(tests,
			capTest{"CopierWithDir", func(t *testing.T) { storagetest.TestCopierWithDir(t, store) }},
			capTest{"MoverWithDir", func(t *testing.T) { storagetest.TestMoverWithDir(t, store) }})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if skip[tc.name] {
				t.Skipf("%s does not apply to this configuration", tc.name)
			}
			tc.fn(t)
		})
	}
}

// TestIntegration runs the same suite against real QingStor when
// STORAGE_QINGSTOR_INTEGRATION_TEST=on and STORAGE_QINGSTOR_CREDENTIAL,
// STORAGE_QINGSTOR_ENDPOINT and STORAGE_QINGSTOR_NAME are set.
func TestIntegration(t *testing.T) {
	if os.Getenv("STORAGE_QINGSTOR_INTEGRATION_TEST") != "on" {
		t.Skip("set STORAGE_QINGSTOR_INTEGRATION_TEST=on (with STORAGE_QINGSTOR_CREDENTIAL, _ENDPOINT, _NAME) to run against QingStor")
	}
	cred, ep, name := os.Getenv("STORAGE_QINGSTOR_CREDENTIAL"), os.Getenv("STORAGE_QINGSTOR_ENDPOINT"), os.Getenv("STORAGE_QINGSTOR_NAME")
	if cred == "" || name == "" {
		t.Fatal("STORAGE_QINGSTOR_CREDENTIAL and STORAGE_QINGSTOR_NAME must be set")
	}
	cs := "qingstor://" + name + uniqueDir("/qsgo-integration/") + "?credential=" + cred + "&enable_virtual_dir&enable_virtual_link"
	if ep != "" {
		cs += "&endpoint=" + ep
	}
	store, err := services.NewStoragerFromString(cs)
	if err != nil {
		t.Fatalf("NewStoragerFromString: %v", err)
	}
	storagetest.TestAll(t, store, storagetest.Options{VirtualDir: true, ListObjects: 250})
}
