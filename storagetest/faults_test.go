package storagetest_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/google/uuid"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/storagetest"
	"github.com/qsgo/qsgo/types"
)

// faultEnv names the fault the child test process injects.
const faultEnv = "STORAGETEST_SELFTEST_FAULT"

// faulty wraps the memory service and breaks one rule of the contract.
type faulty struct {
	*memory.Storage
	fault string
}

// without drops the pairs with key from ps.
func without(ps []types.Pair, key string, drop func(v interface{}) bool) []types.Pair {
	var out []types.Pair
	for _, p := range ps {
		if p.Key == key && (drop == nil || drop(p.Value)) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func (f *faulty) Delete(path string, ps ...types.Pair) error {
	if f.fault == "delete-not-idempotent" {
		if _, err := f.Storage.Stat(path, ps...); errors.Is(err, services.ErrObjectNotExist) {
			return services.StorageError{Op: "delete", Err: services.ErrObjectNotExist, Storager: f, Path: []string{path}}
		}
	}
	return f.Storage.Delete(path, ps...)
}

func (f *faulty) Stat(path string, ps ...types.Pair) (*types.Object, error) {
	o, err := f.Storage.Stat(path, ps...)
	switch f.fault {
	case "stat-missing-object":
		if err != nil {
			return f.Create(path), err
		}
	case "stat-wrong-op":
		var se services.StorageError
		if errors.As(err, &se) {
			se.Op = "get"
			return nil, se
		}
	case "backslash-kept":
		if o != nil {
			o.Path = path
		}
	case "dir-stat-as-file":
		if o != nil && o.Mode.IsDir() {
			o.Mode = types.ModeRead
		}
	}
	return o, err
}

func (f *faulty) Read(path string, w io.Writer, ps ...types.Pair) (int64, error) {
	switch f.fault {
	case "read-ignores-size-zero":
		ps = without(ps, "size", func(v interface{}) bool { return v == int64(0) })
	case "read-ignores-offset":
		ps = without(ps, "offset", nil)
	case "error-not-wrapped":
		n, err := f.Storage.Read(path, w, ps...)
		if err != nil {
			err = errors.Unwrap(err)
		}
		return n, err
	}
	return f.Storage.Read(path, w, ps...)
}

func (f *faulty) Write(path string, r io.Reader, size int64, ps ...types.Pair) (int64, error) {
	switch f.fault {
	case "write-nil-reader-ok":
		if r == nil && size > 0 {
			_, err := f.Storage.Write(path, nil, 0, ps...)
			return size, err
		}
	case "write-drops-callback":
		ps = without(ps, "io_callback", nil)
	case "longer-reader-stored":
		if r != nil {
			all, _ := io.ReadAll(io.LimitReader(r, size+1000))
			_, err := f.Storage.Write(path, bytes.NewReader(all), int64(len(all)), ps...)
			return size, err
		}
	}
	return f.Storage.Write(path, r, size, ps...)
}

func (f *faulty) List(path string, ps ...types.Pair) (*types.ObjectIterator, error) {
	mode := func(m types.ListMode) func(v interface{}) bool {
		return func(v interface{}) bool { return v == m }
	}
	switch f.fault {
	case "list-dir-flat":
		if len(without(ps, "list_mode", mode(types.ListModeDir))) != len(ps) {
			ps = append(without(ps, "list_mode", nil), pairs.WithListMode(types.ListModePrefix))
		}
	case "list-prefix-as-dir":
		if len(without(ps, "list_mode", mode(types.ListModePrefix))) != len(ps) {
			ps = append(without(ps, "list_mode", nil), pairs.WithListMode(types.ListModeDir))
		}
	case "multipart-not-listed":
		if len(without(ps, "list_mode", mode(types.ListModePart))) != len(ps) {
			path = uuid.NewString() + "/"
		}
	}
	return f.Storage.List(path, ps...)
}

func (f *faulty) Copy(src, dst string, ps ...types.Pair) error {
	if f.fault == "copy-onto-dir" {
		_ = f.Storage.Delete(dst, pairs.WithObjectMode(types.ModeDir))
	}
	return f.Storage.Copy(src, dst, ps...)
}

func (f *faulty) Move(src, dst string, ps ...types.Pair) error {
	if f.fault == "move-keeps-source" {
		return f.Storage.Copy(src, dst, ps...)
	}
	return f.Storage.Move(src, dst, ps...)
}

func (f *faulty) CreateAppend(path string, ps ...types.Pair) (*types.Object, error) {
	if f.fault == "create-append-no-truncate" {
		if o, err := f.Storage.Stat(path); err == nil {
			o.Mode |= types.ModeAppend
			return o, nil
		}
	}
	return f.Storage.CreateAppend(path, ps...)
}

func (f *faulty) WriteAppend(o *types.Object, r io.Reader, size int64, ps ...types.Pair) (int64, error) {
	before, _ := o.GetAppendOffset()
	n, err := f.Storage.WriteAppend(o, r, size, ps...)
	if f.fault == "append-offset-stuck" {
		o.SetAppendOffset(before)
	}
	return n, err
}

func (f *faulty) CreateLink(path, target string, ps ...types.Pair) (*types.Object, error) {
	o, err := f.Storage.CreateLink(path, target, ps...)
	if f.fault == "link-relative-target" && o != nil {
		o.SetLinkTarget(target)
	}
	return o, err
}

// faults lists every injected fault, the suite function that must catch it
// and a pattern its failure output must match.
var faults = []struct {
	name string
	run  func(*testing.T, types.Storager)
	sub  string // the subtest of run that must catch it ("" = all)
	want string
}{
	{"none", testAll, "", ""},
	{"delete-not-idempotent", storagetest.TestStorager, "Delete", `Delete\(.*\) #2: .*object not exist`},
	{"stat-missing-object", storagetest.TestStorager, "Missing", `returned object .* for a missing object`},
	{"stat-wrong-op", storagetest.TestStorager, "Missing", `StorageError.Op = "get", want "stat"`},
	{"backslash-kept", storagetest.TestStorager, "BackslashPath", `Stat\(".*\\\\.*"\).Path = ".*\\\\.*", want`},
	{"read-ignores-size-zero", storagetest.TestStorager, "ReadRange", `Read\(.*size: 0.*\) = \d+ bytes, want 0`},
	{"read-ignores-offset", storagetest.TestStorager, "ReadRange", `Read\(.*offset: \d+.*content differs|Read\(.*offset: \d+.*bytes, want`},
	{"error-not-wrapped", storagetest.TestStorager, "Missing", `read: error .* is not a services.StorageError`},
	{"write-nil-reader-ok", storagetest.TestStorager, "WriteReaders", `Write\(.*, nil, \d+\) succeeded, want an error`},
	{"write-drops-callback", storagetest.TestStorager, "IoCallback", `Write with io_callback: callback saw 0 bytes`},
	{"longer-reader-stored", storagetest.TestStorager, "WriteReaders", `content length \d+, want \d+`},
	{"list-dir-flat", storagetest.TestStorager, "List", `dir mode: unexpected object .*sub/c`},
	{"list-prefix-as-dir", storagetest.TestStorager, "List", `prefix mode: List\(.*\) did not return .*sub/c`},
	{"copy-onto-dir", storagetest.TestCopierWithDir, "", `copy: got no error, want object mode invalid`},
	{"move-keeps-source", storagetest.TestMover, "", `Stat\(.*\) returned object .* for a missing object`},
	{"create-append-no-truncate", storagetest.TestAppender, "", `append offset = \d+ \(set true\), want 0`},
	{"append-offset-stuck", storagetest.TestAppender, "", `WriteAppend\(.*\): append offset 0 -> 0`},
	{"multipart-not-listed", storagetest.TestMultiparter, "", `List\(.*part mode\) shows uploads \[\]`},
	{"link-relative-target", storagetest.TestLinker, "", `CreateLink: link target ".*" \(set true\), want "/`},
	{"dir-stat-as-file", storagetest.TestDirer, "", `Stat\(.*object_mode dir\) = .*want Path .* and mode dir`},
}

// testAll runs the whole suite: the unbroken wrapper must pass all of it.
func testAll(t *testing.T, s types.Storager) { storagetest.TestAll(t, s, storagetest.Options{}) }

// TestFaultChild runs one suite function against a faulty store; it only
// runs as the child process of TestSuiteDetectsFaults.
func TestFaultChild(t *testing.T) {
	name := os.Getenv(faultEnv)
	if name == "" {
		t.Skip("runs only as a child of TestSuiteDetectsFaults")
	}
	for _, f := range faults {
		if f.name != name {
			continue
		}
		store, err := memory.NewStorager(pairs.WithWorkDir("/faults/"))
		if err != nil {
			t.Fatal(err)
		}
		f.run(t, &faulty{Storage: store.(*memory.Storage), fault: name})
		return
	}
	t.Fatalf("unknown fault %q", name)
}

// TestSuiteDetectsFaults proves the suite can fail: for each injected fault
// the matching suite function, run in a child process, must fail with the
// expected message, while the unbroken wrapper ("none") must pass.
func TestSuiteDetectsFaults(t *testing.T) {
	if os.Getenv(faultEnv) != "" {
		t.Skip("child process")
	}
	if testing.Short() {
		t.Skip("starts one child process per fault")
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			run := "^TestFaultChild$"
			if f.sub != "" {
				run += "/^" + f.sub + "$"
			}
			cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1")
			cmd.Env = append(os.Environ(), faultEnv+"="+f.name)
			out, err := cmd.CombinedOutput()
			if f.want == "" {
				if err != nil {
					t.Fatalf("the suite fails on the unbroken wrapper: %v\n%s", err, out)
				}
				return
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("fault %s: the suite passed (err %v); it must fail\n%s", f.name, err, out)
			}
			if !regexp.MustCompile(f.want).Match(out) {
				t.Fatalf("fault %s: the suite failed, but not with /%s/:\n%s", f.name, f.want, out)
			}
		})
	}
}
