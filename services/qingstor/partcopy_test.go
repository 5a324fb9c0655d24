package qingstor

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
)

// largeCopyStore is largeStore where single-request copies of "huge*"
// sources are refused as QingStor refuses sources above 5 GiB, and large
// copies use parts of 256 KiB.
func largeCopyStore(t *testing.T) (*Storage, *recorder) {
	st, rec := largeStore(t)
	rec.set(func() { rec.tooLargeCopies = true })
	st.upload.CopyPartSize = 256 << 10
	return st, rec
}

// TestCopyAboveSingleRequestLimit: a source the server will not copy in
// one request is copied part by part on the server: dst has src's bytes,
// content type, storage class, metadata and ETag; it replaces an existing
// dst only when complete; SSE-C keys of source and target reach every part.
func TestCopyAboveSingleRequestLimit(t *testing.T) {
	st, rec := largeCopyStore(t)
	data := randomData(1<<20 + 4321) // 5 parts of 256 KiB, the last short
	if _, err := st.Write("huge-src", bytes.NewReader(data), int64(len(data)), ps.WithContentType("video/x-huge"),
		WithStorageClass(StorageClassStandardIA)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write("dst", strings.NewReader("old"), 3); err != nil {
		t.Fatal(err)
	}
	beforeCompleteHook := func() {
		var buf bytes.Buffer
		if _, err := st.Read("dst", &buf); err != nil || buf.String() != "old" {
			t.Errorf("before Complete dst reads %d bytes, %v; want the old object", buf.Len(), err)
		}
	}
	rec.set(func() { rec.beforeComplete = beforeCompleteHook })
	if err := st.Copy("huge-src", "dst"); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	rec.set(func() { rec.beforeComplete = nil })
	if got := rec.copiedParts.Load(); got != 5 {
		t.Fatalf("%d parts copied, want 5", got)
	}
	var buf bytes.Buffer
	if _, err := st.Read("dst", &buf, WithCheckMd5()); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("Read dst: %d bytes, %v", buf.Len(), err)
	}
	so, err := st.Stat("huge-src")
	if err != nil {
		t.Fatal(err)
	}
	do, err := st.Stat("dst")
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := do.GetContentType(); ct != "video/x-huge" {
		t.Errorf("dst content type %q", ct)
	}
	if sc := GetObjectSystemMetadata(do).StorageClass; sc != StorageClassStandardIA {
		t.Errorf("dst storage class %q", sc)
	}
	// (Both may lack an ETag: QingStor computes none for a multipart object
	// completed without one.)
	se, sok := so.GetEtag()
	de, dok := do.GetEtag()
	if se != de || sok != dok {
		t.Errorf("dst ETag %q (%v), src ETag %q (%v)", de, dok, se, sok)
	}
	assertNothingLeft(t, st, "never-written")

	// SSE-C: an encrypted source copied into a target with another key.
	srcKey, dstKey := bytes.Repeat([]byte("s"), 32), bytes.Repeat([]byte("d"), 32)
	if _, err := st.Write("huge-enc", bytes.NewReader(data), int64(len(data)), WithEncryptionCustomerKey(srcKey)); err != nil {
		t.Fatal(err)
	}
	if err := st.Copy("huge-enc", "dst-enc", WithCopySourceEncryptionCustomerKey(srcKey), WithEncryptionCustomerKey(dstKey)); err != nil {
		t.Fatalf("encrypted Copy: %v", err)
	}
	buf.Reset()
	if _, err := st.Read("dst-enc", &buf, WithEncryptionCustomerKey(dstKey)); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("Read dst-enc with its key: %d bytes, %v", buf.Len(), err)
	}
	if _, err := st.Read("dst-enc", &buf, WithEncryptionCustomerKey(srcKey)); err == nil {
		t.Fatal("dst-enc reads with the source's key")
	}
}

// TestCopyAboveLimitFailures: a failing part copy or a cancelled context
// aborts the upload, leaves dst as it was and returns the error.
func TestCopyAboveLimitFailures(t *testing.T) {
	st, rec := largeCopyStore(t)
	data := randomData(1 << 20)
	if _, err := st.Write("huge-src", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	rec.set(func() { rec.failPart = 2 })
	err := st.Copy("huge-src", "dst")
	var se services.StorageError
	if !errors.Is(err, services.ErrUnexpected) || !errors.As(err, &se) || se.Op != "copy" {
		t.Fatalf("Copy with a failing part: %v", err)
	}
	rec.set(func() { rec.failPart = -1 })
	assertNothingLeft(t, st, "dst")

	ctx, cancel := context.WithCancel(context.Background())
	rec.set(func() { rec.beforePart = cancel }) // cancelled while the first parts are copied (left set: late handlers may still read it)
	err = st.CopyWithContext(ctx, "huge-src", "dst")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Copy: %v", err)
	}
	assertNothingLeft(t, st, "dst")

	// A source that does not exist is ErrObjectNotExist, as for small copies.
	if err := st.Copy("huge-missing", "dst"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("Copy of a missing source: %v", err)
	}
}
