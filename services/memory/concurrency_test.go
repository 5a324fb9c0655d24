package memory_test

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/types"
)

// TestConcurrentUse hammers one key and one directory from several
// goroutines: every Read sees one writer's complete content, never a mix,
// listings never fail, and appends from fresh objects never interleave
// within one append.
func TestConcurrentUse(t *testing.T) {
	s := newStore(t)
	const workers, rounds = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			content := bytes.Repeat([]byte{byte('a' + w)}, 100+w*37)
			for i := 0; i < rounds; i++ {
				if _, err := s.Write("shared", bytes.NewReader(content), int64(len(content))); err != nil {
					t.Errorf("worker %d: Write: %v", w, err)
					return
				}
				var buf bytes.Buffer
				if _, err := s.Read("shared", &buf); err != nil {
					t.Errorf("worker %d: Read: %v", w, err)
					return
				}
				got := buf.Bytes()
				if len(got) == 0 || !bytes.Equal(got, bytes.Repeat(got[:1], len(got))) || len(got) != 100+int(got[0]-'a')*37 {
					t.Errorf("worker %d: Read returned a torn object of %d bytes", w, len(got))
					return
				}
				name := fmt.Sprintf("dir/%d-%d", w, i)
				if _, err := s.Write(name, nil, 0); err != nil {
					t.Errorf("worker %d: Write(%s): %v", w, name, err)
					return
				}
				if _, err := s.List("dir/", pairs.WithListMode(types.ListModeDir)); err != nil {
					t.Errorf("worker %d: List: %v", w, err)
					return
				}
				if i%10 == 0 {
					if err := s.Delete(name); err != nil {
						t.Errorf("worker %d: Delete: %v", w, err)
						return
					}
				}
				// Append through a lazily stat'ed object: it appends a whole
				// chunk, or loses the race to another appender, or comes
				// before CreateAppend; nothing else.
				o := s.Create("log")
				o.Mode |= types.ModeAppend
				_, err := s.WriteAppend(o, bytes.NewReader(content[:10]), 10)
				if err != nil && !errors.Is(err, memory.ErrAppendOffsetMismatch) && !errors.Is(err, services.ErrObjectNotExist) {
					t.Errorf("worker %d: WriteAppend: %v", w, err)
					return
				}
			}
		}(w)
	}
	// Someone must create the append object; do it while the workers run.
	if _, err := s.CreateAppend("log"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	var buf bytes.Buffer
	if _, err := s.Read("log", &buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if len(data)%10 != 0 {
		t.Fatalf("append log holds %d bytes, not whole 10-byte appends", len(data))
	}
	for i := 0; i < len(data); i += 10 {
		if !bytes.Equal(data[i:i+10], bytes.Repeat(data[i:i+1], 10)) {
			t.Fatalf("appends interleaved at byte %d", i)
		}
	}
	it, err := s.List("dir/", pairs.WithListMode(types.ListModePrefix))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, err := it.Next(); err != nil {
			break
		}
		n++
	}
	if want := workers * (rounds - rounds/10); n != want {
		t.Fatalf("%d objects left in dir/, want %d", n, want)
	}
}
