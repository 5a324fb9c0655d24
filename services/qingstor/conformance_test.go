package qingstor

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/storagetest"
)

// sseKeyB64 is a 32-byte SSE-C key in unpadded base64 (the connection
// string form of []byte pairs).
var sseTestKey = bytes.Repeat([]byte("k"), 32)

// TestConformance runs the storagetest suite, every capability, against
// the service over an in-process qslocal, in several configurations: root
// and nested work dirs, virtual dirs and links on and off, loose pairs,
// SSE-C keys on every operation.
func TestConformance(t *testing.T) {
	srv := localServer(t)
	keyQuery := "default_encryption_customer_key=" + b64(sseTestKey) +
		"&default_copy_source_encryption_customer_key=" + b64(sseTestKey)
	noLink := map[string]string{"Linker": "links need enable_virtual_link (TestLinkTargetNonASCII checks the refusal)"}
	// The root work dir configurations get a bucket of their own, so that
	// the work dir starts empty.
	configs := []struct {
		name    string
		bucket  string
		workDir string
		query   []string
		opts    storagetest.Options
	}{
		{"RootVirtual", "qsgo-root-virtual", "/", []string{"enable_virtual_dir", "enable_virtual_link"},
			storagetest.Options{VirtualDir: true, ListObjects: 1100}},
		{"RootPlain", "qsgo-root-plain", "/", nil, storagetest.Options{Skip: noLink, ListObjects: 150}},
		{"NestedVirtual", testBucket, "/a/b/c", []string{"enable_virtual_dir", "enable_virtual_link"},
			storagetest.Options{VirtualDir: true}},
		{"NestedPlainDirs", testBucket, "/nested/plain/", []string{"enable_virtual_link"}, storagetest.Options{}},
		{"NestedNoVirtualLink", testBucket, "/nolink/", nil, storagetest.Options{Skip: noLink}},
		{"NestedLoosePair", testBucket, "/loose/", []string{"enable_virtual_dir", "enable_virtual_link", "enable_loose_pair"},
			storagetest.Options{VirtualDir: true, LoosePair: true}},
		// With SSE-C keys as default pairs every object is encrypted, so the
		// deprecated Reach URL (which cannot carry the key headers) cannot
		// read it (QuerySignHTTPRead carries them and is tested).
		{"SSEC", testBucket, "/ssec/", []string{"enable_virtual_link", "enable_virtual_dir", keyQuery},
			storagetest.Options{VirtualDir: true, Skip: map[string]string{"Reacher": "a Reach URL cannot carry SSE-C keys"}}},
	}
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			wd := c.workDir
			if c.bucket == testBucket {
				wd = uniqueDir(strings.TrimSuffix(c.workDir, "/") + "/")
			} else {
				srv.CreateBucket(c.bucket)
			}
			store := newStoreIn(t, srv, c.bucket, wd, c.query...)
			if m := store.Metadata(); m.WorkDir != wd {
				t.Fatalf("work dir %q, want %q", m.WorkDir, wd)
			}
			if c.opts.LoosePair != store.features.LoosePair || c.opts.VirtualDir != store.features.VirtualDir {
				t.Fatalf("features %+v do not match the options %+v", store.features, c.opts)
			}
			storagetest.TestAll(t, store, c.opts)
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
