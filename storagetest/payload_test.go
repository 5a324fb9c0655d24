package storagetest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"
)

// readWith reads r to the end with reads of exactly step bytes.
func readWith(t *testing.T, r io.Reader, step int) []byte {
	t.Helper()
	var out bytes.Buffer
	buf := make([]byte, step)
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			return out.Bytes()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestPayloadIndependentOfReadSizes(t *testing.T) {
	p := payload{seed: 42, size: 3*blockSize + 17}
	want := readWith(t, p.reader(), 1<<20)
	if int64(len(want)) != p.size {
		t.Fatalf("payload yielded %d bytes, want %d", len(want), p.size)
	}
	for _, step := range []int{1, 7, 4096, blockSize - 1, blockSize + 1} {
		if got := readWith(t, p.reader(), step); !bytes.Equal(got, want) {
			t.Fatalf("reads of %d bytes yield different content", step)
		}
	}
	if sha256.Sum256(want) != p.sum() {
		t.Fatal("sum() differs from the hash of the content")
	}
	if sha256.Sum256(want[5:5+blockSize]) != p.rangeSum(5, blockSize) {
		t.Fatal("rangeSum(5, blockSize) differs from the hash of that range")
	}
	if sha256.Sum256(nil) != p.rangeSum(9, 0) {
		t.Fatal("rangeSum of an empty range is not the hash of nothing")
	}
	other := payload{seed: 43, size: p.size}
	if bytes.Equal(readWith(t, other.reader(), 1<<20), want) {
		t.Fatal("different seeds yield the same content")
	}
}

func TestPayloadExtraContinuesTheStream(t *testing.T) {
	p := payload{seed: 7, size: 1000}
	long := readWith(t, p.readerWithExtra(500), 333)
	if len(long) != 1500 {
		t.Fatalf("reader with extra yielded %d bytes, want 1500", len(long))
	}
	if !bytes.Equal(long[:1000], readWith(t, p.reader(), 64)) {
		t.Fatal("the first size bytes of a longer reader differ from the payload")
	}
}
