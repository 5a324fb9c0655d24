package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// Object records are stored in a compact binary form (listing decodes one
// record per key, and reflection-based JSON was most of a listing's cost).
// Layout, version 1: the byte 0x01, then
//
//	key, etag, content type, storage class   uvarint length + bytes each
//	size                                     varint
//	created, modified                        varint Unix nanoseconds
//	flags                                    byte: 1 appendable, 2 SSE present,
//	                                         4 SSE key MD5 present
//	md5 state                                uvarint length + bytes
//	[SSE salt, SSE digest]                   uvarint length + bytes each
//	[SSE key MD5]                            uvarint length + bytes
//	meta, headers                            uvarint count, then name/value pairs
//	segments                                 uvarint count, then blob, varint size, iv
//
// Records starting with '{' are read as JSON (the earlier format).

const objectCodecV1 = 1

var errCorrupt = errors.New("store: corrupt object record")

// MarshalBinary encodes o in the store's record format.
func (o *Object) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 96+len(o.Key)+len(o.ContentType)+len(o.Segments)*48)
	b = append(b, objectCodecV1)
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	byt := func(s []byte) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	str(o.Key)
	str(o.ETag)
	str(o.ContentType)
	str(o.StorageClass)
	b = binary.AppendVarint(b, o.Size)
	b = binary.AppendVarint(b, o.Created.UnixNano())
	b = binary.AppendVarint(b, o.Modified.UnixNano())
	var flags byte
	if o.Appendable {
		flags |= 1
	}
	if o.SSE != nil {
		flags |= 2
		if o.SSE.KeyMD5 != "" {
			flags |= 4
		}
	}
	b = append(b, flags)
	byt(o.MD5State)
	if o.SSE != nil {
		byt(o.SSE.Salt)
		byt(o.SSE.Digest)
		if o.SSE.KeyMD5 != "" {
			str(o.SSE.KeyMD5)
		}
	}
	for _, m := range []map[string]string{o.Meta, o.Headers} {
		b = binary.AppendUvarint(b, uint64(len(m)))
		for k, v := range m {
			str(k)
			str(v)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(o.Segments)))
	for _, g := range o.Segments {
		str(g.Blob)
		b = binary.AppendVarint(b, g.Size)
		byt(g.IV)
	}
	return b, nil
}

// objDecoder reads the fields of a record, remembering the first error.
type objDecoder struct {
	b   []byte
	err bool
}

func (d *objDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *objDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *objDecoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err, d.b = true, nil
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *objDecoder) str() string { return string(d.bytes()) }

func (d *objDecoder) clone() []byte {
	v := d.bytes()
	if len(v) == 0 {
		return nil
	}
	return append([]byte(nil), v...)
}

func (d *objDecoder) strMap() map[string]string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = true
		return nil
	}
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for i := uint64(0); i < n && !d.err; i++ {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

// UnmarshalBinary decodes a record written by MarshalBinary (or a JSON
// record of the earlier format). It copies what it keeps, so b may be
// reused afterwards.
func (o *Object) UnmarshalBinary(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, o)
	}
	if len(b) == 0 || b[0] != objectCodecV1 {
		return errCorrupt
	}
	d := &objDecoder{b: b[1:]}
	*o = Object{Key: d.str(), ETag: d.str(), ContentType: d.str(), StorageClass: d.str(), Size: d.varint()}
	o.Created = time.Unix(0, d.varint()).UTC()
	o.Modified = time.Unix(0, d.varint()).UTC()
	if len(d.b) == 0 {
		return errCorrupt
	}
	flags := d.b[0]
	d.b = d.b[1:]
	o.Appendable = flags&1 != 0
	o.MD5State = d.clone()
	if flags&2 != 0 {
		o.SSE = &SSE{Salt: d.clone(), Digest: d.clone()}
		if flags&4 != 0 {
			o.SSE.KeyMD5 = d.str()
		}
	}
	o.Meta = d.strMap()
	o.Headers = d.strMap()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return errCorrupt
	}
	if n > 0 {
		o.Segments = make([]Segment, n)
		for i := range o.Segments {
			o.Segments[i] = Segment{Blob: d.str(), Size: d.varint(), IV: d.clone()}
		}
	}
	if d.err || len(d.b) != 0 {
		return errCorrupt
	}
	return nil
}
