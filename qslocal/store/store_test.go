package store

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func stores(t *testing.T) map[string]*Store {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return map[string]*Store{"bolt": d, "memory": OpenMemory()}
}

func TestFailedUpdateChangesNothing(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if err := s.CreateBucket(Bucket{Name: "bkt", Created: time.Now()}); err != nil {
				t.Fatal(err)
			}
			if err := s.PutObject("bkt", &Object{Key: "k", Size: 1}); err != nil {
				t.Fatal(err)
			}
			boom := errors.New("boom")
			err := s.UpdateObject("bkt", "k", func(old *Object) (*Object, error) {
				if old == nil || old.Size != 1 {
					t.Fatalf("old = %+v", old)
				}
				return nil, boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v", err)
			}
			o, err := s.GetObject("bkt", "k")
			if err != nil || o.Size != 1 {
				t.Fatalf("object after failed update: %+v %v", o, err)
			}
			if _, err := s.GetObject("bkt", "missing"); !errors.Is(err, ErrNoSuchObject) {
				t.Fatalf("missing object: %v", err)
			}
			if _, err := s.GetObject("nobkt", "k"); !errors.Is(err, ErrNoSuchBucket) {
				t.Fatalf("missing bucket: %v", err)
			}
			if err := s.CreateBucket(Bucket{Name: "bkt"}); !errors.Is(err, ErrBucketExists) {
				t.Fatalf("duplicate bucket: %v", err)
			}
			if err := s.DeleteBucket("bkt"); !errors.Is(err, ErrBucketNotEmpty) {
				t.Fatalf("delete non-empty bucket: %v", err)
			}
		})
	}
}

func TestListDelimiterSkipsRolledUpKeys(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s.CreateBucket(Bucket{Name: "bkt"})
			// a neighbouring bucket whose name extends this one must not leak in
			s.CreateBucket(Bucket{Name: "bkt2"})
			var objs []*Object
			for _, k := range []string{"a/1", "a/2", "a/3", "b", "c/x/y"} {
				objs = append(objs, &Object{Key: k})
			}
			s.PutObjects("bkt", objs)
			s.PutObjects("bkt2", []*Object{{Key: "a/9"}, {Key: "zz"}})
			p, err := s.ListObjects("bkt", "", "/", "", 2)
			if err != nil || len(p.CommonPrefixes) != 1 || len(p.Objects) != 1 || !p.HasMore || p.NextMarker != "b" {
				t.Fatalf("page 1: %+v %v", p, err)
			}
			p, err = s.ListObjects("bkt", "", "/", "a/", 10)
			if err != nil || len(p.Objects) != 1 || p.Objects[0].Key != "b" || len(p.CommonPrefixes) != 1 || p.CommonPrefixes[0] != "c/" || p.HasMore {
				t.Fatalf("after marker a/: %+v %v", p, err)
			}
			p, _ = s.ListObjects("bkt", "", "", "", 100)
			if len(p.Objects) != 5 {
				t.Fatalf("bucket prefix leaked: %+v", p.Objects)
			}
		})
	}
}

func TestSuccessor(t *testing.T) {
	for in, want := range map[string]string{"a/": "a0", "a\xff": "b", "\xff\xff": ""} {
		if got := string(successor([]byte(in))); got != want {
			t.Errorf("successor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBlobIDsNeverEscape(t *testing.T) {
	for _, id := range []string{"../../etc/passwd", "", "ABCDEF0123456789ABCDEF0123456789", "0123456789abcdef0123456789abcde/"} {
		if validBlobID(id) {
			t.Errorf("validBlobID(%q) = true", id)
		}
	}
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.OpenBlob("../meta.db"); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("OpenBlob with a path: %v", err)
	}
}

func TestObjectCodecRoundTrip(t *testing.T) {
	now := time.Now().UTC()
	in := &Object{Key: "k/é", Size: 42, ETag: `"x"`, ContentType: "text/plain", StorageClass: "STANDARD_IA",
		Meta: map[string]string{"a": "1", "b": ""}, Headers: map[string]string{"Cache-Control": "no-cache"},
		Created: now, Modified: now.Add(time.Second), Appendable: true, MD5State: []byte{1, 2, 3},
		SSE: &SSE{Salt: []byte("salt"), Digest: []byte("digest"), KeyMD5: "md5=="}, Segments: []Segment{{Blob: "b1", Size: 40, IV: []byte("iv")}, {Blob: "b2", Size: 2}}}
	b, _ := in.MarshalBinary()
	var out Object
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, &out) {
		t.Fatalf("round trip:\n%+v\n%+v", in, &out)
	}
	// a record without the key MD5 (written before it was kept) still reads
	old := *in
	old.SSE = &SSE{Salt: []byte("salt"), Digest: []byte("digest")}
	ob, _ := old.MarshalBinary()
	var oo Object
	if err := oo.UnmarshalBinary(ob); err != nil || !reflect.DeepEqual(&old, &oo) {
		t.Fatalf("record without key MD5: %+v %v", oo, err)
	}
	// every truncation is an error, never a panic
	for i := 0; i < len(b); i++ {
		var o Object
		if err := o.UnmarshalBinary(b[:i]); err == nil {
			t.Fatalf("truncated record of %d bytes accepted", i)
		}
	}
	// JSON records of the earlier format still read
	var j Object
	if err := j.UnmarshalBinary([]byte(`{"k":"old","s":3}`)); err != nil || j.Key != "old" || j.Size != 3 {
		t.Fatalf("JSON record: %+v %v", j, err)
	}
}

func FuzzObjectRecord(f *testing.F) {
	b, _ := (&Object{Key: "k", Segments: []Segment{{Blob: "x", Size: 1}}, Meta: map[string]string{"a": "b"}}).MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Object
		if o.UnmarshalBinary(b) == nil && b[0] == objectCodecV1 {
			// what decodes re-encodes to something that decodes the same
			b2, _ := o.MarshalBinary()
			var o2 Object
			if err := o2.UnmarshalBinary(b2); err != nil {
				t.Fatalf("re-encoded record fails: %v", err)
			}
		}
	})
}
