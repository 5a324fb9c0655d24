package memory_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/types"
)

func Example() {
	store, err := services.NewStoragerFromString("memory:///work/")
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := store.Write("hello.txt", strings.NewReader("hello, world\n"), 13); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := store.Read("hello.txt", os.Stdout, pairs.WithOffset(7)); err != nil {
		fmt.Println(err)
	}
	o, _ := store.Stat("hello.txt")
	fmt.Println(o.ID, o.MustGetContentLength())
	_, err = store.Stat("missing")
	fmt.Println(errors.Is(err, services.ErrObjectNotExist))
	// Output:
	// world
	// /work/hello.txt 13
	// true
}

func ExampleStorage_List() {
	_, store, _ := memory.New(pairs.WithWorkDir("/w/"))
	for _, p := range []string{"photos/a.jpg", "photos/2024/b.jpg", "notes.txt"} {
		_, _ = store.Write(p, nil, 0)
	}
	it, _ := store.List("photos/", pairs.WithListMode(types.ListModeDir))
	for {
		o, err := it.Next()
		if err != nil {
			break // types.IterateDone
		}
		fmt.Println(o.Path, o.Mode)
	}
	// Output:
	// photos/2024/ dir
	// photos/a.jpg read
}

func ExampleStorage_CreateMultipart() {
	_, store, _ := memory.New()
	m := store.(types.Multiparter)
	o, _ := m.CreateMultipart("big")
	var parts []*types.Part
	for i, s := range []string{"first ", "second"} {
		_, part, _ := m.WriteMultipart(o, strings.NewReader(s), int64(len(s)), i)
		parts = append(parts, part)
	}
	if err := m.CompleteMultipart(o, parts); err != nil {
		fmt.Println(err)
	}
	var buf bytes.Buffer
	_, _ = store.Read("big", &buf)
	fmt.Println(buf.String())
	// Output: first second
}

func ExampleStorage_CreateAppend() {
	_, store, _ := memory.New()
	a := store.(types.Appender)
	o, _ := a.CreateAppend("log")
	for _, line := range []string{"one\n", "two\n"} {
		_, _ = a.WriteAppend(o, strings.NewReader(line), int64(len(line)))
	}
	_ = a.CommitAppend(o)
	_, _ = store.Read("log", os.Stdout)
	fmt.Println(o.MustGetAppendOffset())
	// Output:
	// one
	// two
	// 8
}

func ExampleStorage_Copy() {
	_, store, _ := memory.New()
	_, _ = store.Write("src", strings.NewReader("data"), 4)
	_ = store.(types.Copier).Copy("src", "dst")
	_ = store.(types.Mover).Move("dst", "moved")
	_, _ = store.Read("moved", os.Stdout)
	fmt.Println()
	// Directories are real: a file cannot take a directory's name.
	_, _ = store.(types.Direr).CreateDir("dir")
	err := store.(types.Copier).Copy("src", "dir")
	fmt.Println(errors.Is(err, services.ErrObjectModeInvalid))
	// Output:
	// data
	// true
}

func ExampleStorage_CreateLink() {
	_, store, _ := memory.New(pairs.WithWorkDir("/w/"))
	_, _ = store.Write("target", strings.NewReader("linked"), 6)
	o, _ := store.(types.Linker).CreateLink("link", "target")
	fmt.Println(o.Mode, o.MustGetLinkTarget())
	_, _ = store.Read("link", os.Stdout)
	fmt.Println()
	// Output:
	// link /w/target
	// linked
}

func ExampleService() {
	srv, _, _ := memory.New()
	bucket, _ := srv.Create("example-bucket")
	_, _ = bucket.Write("k", strings.NewReader("v"), 1)
	same, _ := srv.Get("example-bucket")
	o, _ := same.Stat("k")
	fmt.Println(same.Metadata().Name, o.MustGetContentLength())
	_ = srv.Delete("example-bucket")
	// Output: example-bucket 1
}
