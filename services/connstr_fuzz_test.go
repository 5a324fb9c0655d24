package services

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func FuzzConnectionString(f *testing.F) {
	for _, s := range []string{
		"svctests://", "svctests:///", "svctests://abc/tmp/tmp1?size=200&storage_class=sc",
		"svctests:///?string_pair=a=b:/c?d&size=200", "svctests://abc/tmp?enable_loose_pair",
		"svctests://abc/tmp?not_a_pair=a", "svctests:x", "", "nope://x", "svctests://?size=0x",
		"svctests://?key=AQI=", "svctests://?timeout=1s", "svctests://?list_mode=1", "svctests://?&&=&",
	} {
		f.Add(s)
	}
	types := map[string]reflect.Type{
		"name": reflect.TypeOf(""), "work_dir": reflect.TypeOf(""), "size": reflect.TypeOf(int64(0)),
		"storage_class": reflect.TypeOf(""), "string_pair": reflect.TypeOf(""), "enable_loose_pair": reflect.TypeOf(true),
		"count": reflect.TypeOf(0), "big": reflect.TypeOf(uint64(0)), "key": reflect.TypeOf([]byte(nil)),
		"timeout": reflect.TypeOf(time.Duration(0)),
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := NewStoragerFromString(s)
		if err != nil {
			var ie InitError
			if !errors.As(err, &ie) || ie.Op != "new_storager" {
				t.Fatalf("%q: untyped error %v", s, err)
			}
			if !errors.Is(err, ErrConnectionStringInvalid) && !errors.Is(err, ErrServiceNotRegistered) {
				t.Fatalf("%q: unexpected cause %v", s, err)
			}
			return
		}
		for _, p := range st.(*recorder).pairs {
			if want, ok := types[p.Key]; !ok || reflect.TypeOf(p.Value) != want {
				t.Fatalf("%q: pair %v has type %T", s, p, p.Value)
			}
		}
	})
}
