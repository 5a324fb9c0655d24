package qingstor

import (
	"bytes"
	"testing"

	ps "github.com/qsgo/qsgo/pairs"
)

// TestNilIoCallback: an io_callback pair holding a nil func is no callback
// on every read and write path (nothing panics on input), and the bytes
// still arrive whole.
func TestNilIoCallback(t *testing.T) {
	srv := localServer(t)
	st := newStore(t, srv, uniqueDir("/nilcb/"))
	st.upload = uploadConfig{Threshold: 4 << 20, PartSize: 4 << 20, Concurrency: 2}
	var none func([]byte)
	for _, size := range []int{10, 9<<20 + 6} {
		data := bytes.Repeat([]byte("ab"), size/2)
		n, err := st.Write("f", bytes.NewReader(data), int64(len(data)), ps.WithIoCallback(none))
		if err != nil || n != int64(len(data)) {
			t.Fatalf("Write(%d bytes) with nil io_callback = %d, %v", len(data), n, err)
		}
		var got bytes.Buffer
		n, err = st.Read("f", &got, ps.WithIoCallback(none))
		if err != nil || n != int64(len(data)) || !bytes.Equal(got.Bytes(), data) {
			t.Fatalf("Read with nil io_callback = %d, %v; same bytes %v", n, err, bytes.Equal(got.Bytes(), data))
		}
	}
	o, err := st.CreateAppend("a")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.WriteAppend(o, bytes.NewReader([]byte("xyz")), 3, ps.WithIoCallback(none)); err != nil || n != 3 {
		t.Fatalf("WriteAppend with nil io_callback = %d, %v", n, err)
	}
	m, err := st.CreateMultipart("m")
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := st.WriteMultipart(m, bytes.NewReader([]byte("xyz")), 3, 0, ps.WithIoCallback(none)); err != nil || n != 3 {
		t.Fatalf("WriteMultipart with nil io_callback = %d, %v", n, err)
	}
}
