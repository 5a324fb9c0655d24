package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/qslocal/console"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newDemoCmd) }

func newDemoCmd() *cobra.Command {
	var opt demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the go-storage API against an in-process QingStor server, checking every step",
		Long: `Start qslocal in this process (loopback port, temporary data directory,
fresh keys) and run the main job through the public go-storage API: open a
storage from a connection string, create a bucket, write, read, stat, list,
delete, append, multipart upload, copy, move, fetch, reach, SSE-C and the
HTTP signers. Each step prints what it checked. The exit status is 0 only if
every step passed; everything is removed afterwards.

With --console-addr (e.g. 127.0.0.1:9001) the web console of qslocal is
served there too: its URL and the demo's keys are printed, its request log
shows every request the steps made, and it stays up after the steps until
Ctrl-C.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a := appOf(cmd)
			return runDemo(cmd.Context(), a.stdout, opt)
		},
	}
	cmd.Flags().StringVar(&opt.consoleAddr, "console-addr", "", "also serve the web console on this address, until Ctrl-C")
	return cmd
}

// demoBucket is the bucket the demo creates and removes.
const demoBucket = "qsgo-demo"

// demo runs and reports the steps.
type demo struct {
	w      io.Writer
	n      int
	failed []string

	ctx   context.Context
	svc   types.Servicer
	store types.Storager
}

// errDemoFailed is returned when any step failed.
var errDemoFailed = errors.New("demo failed")

// step runs fn and prints "NN. name: result" or the failure. It reports
// whether the step passed.
func (d *demo) step(name string, fn func() (string, error)) bool {
	d.n++
	if err := d.ctx.Err(); err != nil {
		fmt.Fprintf(d.w, "%2d. %-28s SKIP  %v\n", d.n, name, err)
		d.failed = append(d.failed, name)
		return false
	}
	res, err := fn()
	if err != nil {
		fmt.Fprintf(d.w, "%2d. %-28s FAIL  %v\n", d.n, name, err)
		d.failed = append(d.failed, name)
		return false
	}
	fmt.Fprintf(d.w, "%2d. %-28s ok    %s\n", d.n, name, res)
	return true
}

// demoOptions are what tests change in a demo run; "qs demo" uses the zero
// value.
type demoOptions struct {
	// tempParent is where the data directory is made (os.TempDir() if
	// empty).
	tempParent string
	// via, when set, is given the server's "host:port" and returns the one
	// the client should talk to instead (tests put a fault proxy there).
	via func(serverAddr string) (string, error)
	// consoleAddr, when set, serves the web console there (--console-addr).
	consoleAddr string
}

// runDemo starts qslocal and runs every step; it returns errDemoFailed
// (wrapped) when a step failed.
func runDemo(ctx context.Context, w io.Writer, opt demoOptions) error {
	d := &demo{w: w, ctx: ctx}
	fmt.Fprintln(w, "qs demo: the go-storage API on QingStor, against qslocal running in this process")
	dir, err := os.MkdirTemp(opt.tempParent, "qs-demo-")
	if err != nil {
		return fmt.Errorf("demo: temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	srvCtx, stopServer := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServer()
	var rn *qslocal.Running
	ak, sk := qslocal.GenerateCredentials()
	var observe func(qslocal.RequestRecord)
	reqLog := console.NewRequestLog(0)
	if opt.consoleAddr != "" {
		observe = reqLog.Observe
	}
	ok := d.step("start qslocal", func() (string, error) {
		var err error
		rn, err = qslocal.Start(srvCtx, qslocal.Options{Addr: "127.0.0.1:0", DataDir: dir,
			Credentials: map[string]string{ak: sk}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Observe: observe})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s, zone %s, data in %s, fresh key %s", rn.Endpoint, rn.Zone, dir, ak), nil
	})
	if !ok {
		return fmt.Errorf("%w: qslocal did not start", errDemoFailed)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rn.Shutdown(sctx)
	}()
	if opt.consoleAddr != "" {
		con, err := startConsole(w, opt.consoleAddr, rn, reqLog, nil)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer con.Shutdown(context.Background())
		fmt.Fprintf(w, "console: %s (log in with access key id %s and secret %s; open until Ctrl-C)\n", con.URL, ak, sk)
		defer waitForInterrupt(ctx, w, con.URL)
	}
	addr := net.JoinHostPort(rn.Host, strconv.Itoa(rn.Port))
	if opt.via != nil {
		if addr, err = opt.via(addr); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	conn := fmt.Sprintf("qingstor://?credential=hmac:%s:%s&endpoint=http:%s", ak, sk, addr)
	redacted := strings.Replace(conn, sk, "<secret>", 1)
	if d.step("servicer from conn string", func() (string, error) {
		var err error
		d.svc, err = services.NewServicerFromString(conn)
		if err != nil {
			return "", err
		}
		return redacted, nil
	}) && d.step("create bucket", func() (string, error) {
		if _, err := d.svc.CreateWithContext(ctx, demoBucket, pairs.WithLocation(rn.Zone)); err != nil {
			return "", err
		}
		it, err := d.svc.ListWithContext(ctx)
		if err != nil {
			return "", err
		}
		var names []string
		if err := each(it.Next, func(s types.Storager) error { names = append(names, s.Metadata().Name); return nil }); err != nil {
			return "", err
		}
		if !slices.Contains(names, demoBucket) {
			return "", fmt.Errorf("bucket list %v lacks %s", names, demoBucket)
		}
		return fmt.Sprintf("%s in zone %s; servicer lists %v", demoBucket, rn.Zone, names), nil
	}) && d.step("storager from conn string", func() (string, error) {
		cs := strings.Replace(conn, "qingstor://", "qingstor://"+demoBucket+"/demo/", 1) + "&location=" + rn.Zone
		var err error
		d.store, err = services.NewStoragerFromString(cs)
		if err != nil {
			return "", err
		}
		return d.store.String(), nil
	}) {
		d.objectSteps(ctx)
		d.cleanup(ctx)
	}
	if len(d.failed) > 0 {
		fmt.Fprintf(w, "%d of %d steps failed: %s\n", len(d.failed), d.n, strings.Join(d.failed, ", "))
		return fmt.Errorf("%w: %d of %d steps failed", errDemoFailed, len(d.failed), d.n)
	}
	fmt.Fprintf(w, "all %d steps passed; bucket, server and data directory removed\n", d.n)
	return nil
}

// waitForInterrupt keeps the console up after the steps until ctx ends
// (Ctrl-C).
func waitForInterrupt(ctx context.Context, w io.Writer, url string) {
	fmt.Fprintf(w, "the console stays open at %s; press Ctrl-C to stop\n", url)
	<-ctx.Done()
}

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// shortSum is the first 12 hex digits of the SHA-256 of b.
func shortSum(b []byte) string {
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s[:6])
}

// readAll reads path through the storage and checks it equals want.
func (d *demo) readEqual(path string, want []byte, ps ...types.Pair) error {
	var buf bytes.Buffer
	n, err := d.store.ReadWithContext(d.ctx, path, &buf, ps...)
	if err != nil {
		return err
	}
	if n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		return fmt.Errorf("read %d bytes (sha256 %s), want %d (sha256 %s)", n, shortSum(buf.Bytes()), len(want), shortSum(want))
	}
	return nil
}

// listPaths lists path in mode and returns "path" or "path/" (dirs).
func (d *demo) listPaths(path string, mode types.ListMode) ([]string, error) {
	it, err := d.store.ListWithContext(d.ctx, path, pairs.WithListMode(mode))
	if err != nil {
		return nil, err
	}
	var out []string
	err = each(it.Next, func(o *types.Object) error {
		p := o.Path
		if o.Mode.IsDir() && !strings.HasSuffix(p, "/") {
			p += "/"
		}
		out = append(out, p)
		return nil
	})
	slices.Sort(out)
	return out, err
}

// objectSteps runs the object-level steps.
func (d *demo) objectSteps(ctx context.Context) {
	hello := []byte("hello, QingStor, from qsgo\n")
	d.step("Write", func() (string, error) { return d.writeHello(ctx, hello) })
	d.step("Read", func() (string, error) { return d.readHello(ctx, hello) })
	d.step("Stat", func() (string, error) { return d.statHello(ctx, hello) })
	files := map[string][]byte{"dir/a.txt": []byte("aaa"), "dir/b.txt": []byte("bbbb"), "dir/sub/c.txt": []byte("c")}
	d.step("List (prefix and dir)", func() (string, error) { return d.listFiles(ctx, files) })
	d.step("Delete", func() (string, error) { return d.deleteHello(ctx) })
	d.step("append", func() (string, error) { return d.appendLog(ctx) })
	big := randomBytes(9 << 20)
	d.step("multipart upload (3 parts)", func() (string, error) {
		return d.multipart(ctx, big)
	})
	d.step("Copy", func() (string, error) { return d.copyBig(ctx, big) })
	d.step("Move", func() (string, error) { return d.moveBig(ctx, big) })
	d.step("Fetch", func() (string, error) { return d.fetch(ctx) })
	d.step("Reach + plain HTTP GET", func() (string, error) { return d.reach(ctx, files) })
	d.step("SSE-C write/read/refuse", func() (string, error) { return d.ssec(ctx) })
	d.step("HTTP signers", func() (string, error) { return d.signers(ctx) })
}

// writeHello writes hello.txt.
func (d *demo) writeHello(ctx context.Context, hello []byte) (string, error) {
	s := d.store
	n, err := s.WriteWithContext(ctx, "hello.txt", bytes.NewReader(hello), int64(len(hello)), pairs.WithContentType("text/plain"))
	if err != nil {
		return "", err
	}
	if n != int64(len(hello)) {
		return "", fmt.Errorf("wrote %d bytes, want %d", n, len(hello))
	}
	return fmt.Sprintf("hello.txt, %d bytes", n), nil
}

// readHello reads hello.txt back, whole and a range.
func (d *demo) readHello(ctx context.Context, hello []byte) (string, error) {
	s := d.store
	if err := d.readEqual("hello.txt", hello); err != nil {
		return "", err
	}
	var part bytes.Buffer
	if _, err := s.ReadWithContext(ctx, "hello.txt", &part, pairs.WithOffset(7), pairs.WithSize(8)); err != nil {
		return "", err
	}
	if part.String() != string(hello[7:15]) {
		return "", fmt.Errorf("range read %q, want %q", part.String(), hello[7:15])
	}
	return fmt.Sprintf("same %d bytes back; bytes 7-14 are %q", len(hello), part.String()), nil
}

// statHello checks hello.txt's metadata.
func (d *demo) statHello(ctx context.Context, hello []byte) (string, error) {
	s := d.store
	o, err := s.StatWithContext(ctx, "hello.txt")
	if err != nil {
		return "", err
	}
	size, _ := o.GetContentLength()
	ct, _ := o.GetContentType()
	etag, _ := o.GetEtag()
	if size != int64(len(hello)) || ct != "text/plain" || !o.Mode.IsRead() {
		return "", fmt.Errorf("size %d, type %q, mode %s; want %d, text/plain, read", size, ct, o.Mode, len(hello))
	}
	return fmt.Sprintf("size %d, %s, ETag %s, mode %s", size, ct, etag, o.Mode), nil
}

// listFiles writes files and lists them by prefix and one directory level.
func (d *demo) listFiles(ctx context.Context, files map[string][]byte) (string, error) {
	s := d.store
	for _, k := range slices.Sorted(mapKeys(files)) {
		if _, err := s.WriteWithContext(ctx, k, bytes.NewReader(files[k]), int64(len(files[k]))); err != nil {
			return "", err
		}
	}
	all, err := d.listPaths("", types.ListModePrefix)
	if err != nil {
		return "", err
	}
	if want := []string{"dir/a.txt", "dir/b.txt", "dir/sub/c.txt", "hello.txt"}; !slices.Equal(all, want) {
		return "", fmt.Errorf("prefix listing %v, want %v", all, want)
	}
	one, err := d.listPaths("dir/", types.ListModeDir)
	if err != nil {
		return "", err
	}
	if want := []string{"dir/a.txt", "dir/b.txt", "dir/sub/"}; !slices.Equal(one, want) {
		return "", fmt.Errorf("dir listing %v, want %v", one, want)
	}
	return fmt.Sprintf("prefix: %v; dir/: %v", all, one), nil
}

// deleteHello deletes hello.txt, twice.
func (d *demo) deleteHello(ctx context.Context) (string, error) {
	s := d.store
	if err := s.DeleteWithContext(ctx, "hello.txt"); err != nil {
		return "", err
	}
	if _, err := s.StatWithContext(ctx, "hello.txt"); !errors.Is(err, services.ErrObjectNotExist) {
		return "", fmt.Errorf("stat after delete: %v, want ErrObjectNotExist", err)
	}
	if err := s.DeleteWithContext(ctx, "hello.txt"); err != nil {
		return "", fmt.Errorf("second delete: %w", err)
	}
	return "hello.txt gone (Stat: object not exist); deleting again is fine", nil
}

// appendLog builds log.txt from two appends.
func (d *demo) appendLog(ctx context.Context) (string, error) {
	s := d.store
	ap, ok := s.(types.Appender)
	if !ok {
		return "", errors.New("not an Appender")
	}
	o, err := ap.CreateAppendWithContext(ctx, "log.txt")
	if err != nil {
		return "", err
	}
	lines := [][]byte{[]byte("first line\n"), []byte("second line\n")}
	for _, l := range lines {
		if _, err := ap.WriteAppendWithContext(ctx, o, bytes.NewReader(l), int64(len(l))); err != nil {
			return "", err
		}
	}
	if err := ap.CommitAppendWithContext(ctx, o); err != nil {
		return "", err
	}
	want := bytes.Join(lines, nil)
	if err := d.readEqual("log.txt", want); err != nil {
		return "", err
	}
	off, _ := o.GetAppendOffset()
	return fmt.Sprintf("log.txt: 2 appends, %d bytes, next offset %d", len(want), off), nil
}

// copyBig copies big.bin on the server.
func (d *demo) copyBig(ctx context.Context, big []byte) (string, error) {
	s := d.store
	c, ok := s.(types.Copier)
	if !ok {
		return "", errors.New("not a Copier")
	}
	if err := c.CopyWithContext(ctx, "big.bin", "big-copy.bin"); err != nil {
		return "", err
	}
	if err := d.readEqual("big-copy.bin", big); err != nil {
		return "", err
	}
	return "big.bin -> big-copy.bin on the server, same sha256 " + shortSum(big), nil
}

// moveBig moves the copy of big.bin.
func (d *demo) moveBig(ctx context.Context, big []byte) (string, error) {
	s := d.store
	m, ok := s.(types.Mover)
	if !ok {
		return "", errors.New("not a Mover")
	}
	if err := m.MoveWithContext(ctx, "big-copy.bin", "moved/big.bin"); err != nil {
		return "", err
	}
	if _, err := s.StatWithContext(ctx, "big-copy.bin"); !errors.Is(err, services.ErrObjectNotExist) {
		return "", fmt.Errorf("source after move: %v, want ErrObjectNotExist", err)
	}
	if err := d.readEqual("moved/big.bin", big); err != nil {
		return "", err
	}
	return "big-copy.bin -> moved/big.bin; the source is gone", nil
}

// reach gets a file through a Reach URL with plain HTTP.
func (d *demo) reach(ctx context.Context, files map[string][]byte) (string, error) {
	s := d.store
	//lint:ignore SA1019 Reacher is deprecated in go-storage v4 but still part of its API, which this covers
	r, ok := s.(types.Reacher)
	if !ok {
		return "", errors.New("not a Reacher")
	}
	u, err := r.ReachWithContext(ctx, "dir/b.txt", pairs.WithExpire(time.Hour))
	if err != nil {
		return "", err
	}
	body, err := httpDo(ctx, http.MethodGet, u, nil, -1)
	if err != nil {
		return "", err
	}
	if !bytes.Equal(body, files["dir/b.txt"]) {
		return "", fmt.Errorf("GET returned %q, want %q", body, files["dir/b.txt"])
	}
	return fmt.Sprintf("GET %s... -> %q", u[:min(len(u), 48)], body), nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// multipart uploads big in three parts (4 MiB, 4 MiB, 1 MiB), listing the
// parts before completing.
func (d *demo) multipart(ctx context.Context, big []byte) (string, error) {
	s := d.store
	mp, ok := s.(types.Multiparter)
	if !ok {
		return "", errors.New("not a Multiparter")
	}
	o, err := mp.CreateMultipartWithContext(ctx, "big.bin")
	if err != nil {
		return "", err
	}
	id, _ := o.GetMultipartID()
	bounds := []int{0, 4 << 20, 8 << 20, len(big)}
	var parts []*types.Part
	for i := range 3 {
		chunk := big[bounds[i]:bounds[i+1]]
		_, p, err := mp.WriteMultipartWithContext(ctx, o, bytes.NewReader(chunk), int64(len(chunk)), i)
		if err != nil {
			s.DeleteWithContext(ctx, "big.bin", pairs.WithMultipartID(id))
			return "", err
		}
		parts = append(parts, p)
	}
	it, err := mp.ListMultipartWithContext(ctx, o)
	if err != nil {
		return "", err
	}
	listed := 0
	if err := each(it.Next, func(*types.Part) error { listed++; return nil }); err != nil {
		return "", err
	}
	if listed != 3 {
		return "", fmt.Errorf("ListMultipart shows %d parts, want 3", listed)
	}
	if err := mp.CompleteMultipartWithContext(ctx, o, parts); err != nil {
		return "", err
	}
	st, err := s.StatWithContext(ctx, "big.bin")
	if err != nil {
		return "", err
	}
	if st.Mode.IsPart() {
		return "", errors.New("object still in multipart mode after Complete")
	}
	if err := d.readEqual("big.bin", big); err != nil {
		return "", err
	}
	return fmt.Sprintf("big.bin: 3 parts listed and completed, %d bytes, sha256 %s", len(big), shortSum(big)), nil
}

// fetch serves a payload on a loopback port and has the server fetch it.
func (d *demo) fetch(ctx context.Context) (string, error) {
	f, ok := d.store.(types.Fetcher)
	if !ok {
		return "", errors.New("not a Fetcher")
	}
	payload := randomBytes(64 << 10)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
		w.Write(payload)
	}), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	u := "http://" + ln.Addr().String() + "/source.bin"
	if err := f.FetchWithContext(ctx, "fetched.bin", u); err != nil {
		return "", err
	}
	if err := d.readEqual("fetched.bin", payload); err != nil {
		return "", err
	}
	return fmt.Sprintf("server downloaded %s into fetched.bin (%d bytes, same sha256)", u, len(payload)), nil
}

// ssec writes with a customer key, reads with it, and checks that a read
// without the key is refused.
func (d *demo) ssec(ctx context.Context) (string, error) {
	s := d.store
	key := randomBytes(32)
	secret := []byte("only readable with the customer key\n")
	withKey := []types.Pair{qingstor.WithEncryptionCustomerAlgorithm("AES256"), qingstor.WithEncryptionCustomerKey(key)}
	if _, err := s.WriteWithContext(ctx, "secret.txt", bytes.NewReader(secret), int64(len(secret)), withKey...); err != nil {
		return "", err
	}
	if err := d.readEqual("secret.txt", secret, withKey...); err != nil {
		return "", fmt.Errorf("read with the key: %w", err)
	}
	_, err := s.ReadWithContext(ctx, "secret.txt", io.Discard)
	if err == nil {
		return "", errors.New("a read without the key succeeded")
	}
	if !errors.Is(err, services.ErrPermissionDenied) {
		return "", fmt.Errorf("a read without the key failed with %v, want permission denied", err)
	}
	o, serr := s.StatWithContext(ctx, "secret.txt")
	if serr != nil {
		return "", serr
	}
	alg := qingstor.GetObjectSystemMetadata(o).EncryptionCustomerAlgorithm
	if alg != "AES256" {
		return "", fmt.Errorf("stat says encryption %q, want AES256", alg)
	}
	return fmt.Sprintf("read back with the key; stat says %s; without the key: %s", alg, explain(err)), nil
}

// signers drives presigned PUT, GET and DELETE with a plain http.Client.
func (d *demo) signers(ctx context.Context) (string, error) {
	s := d.store
	sg, ok := s.(types.StorageHTTPSigner)
	if !ok {
		return "", errors.New("not a StorageHTTPSigner")
	}
	body := []byte("uploaded with a presigned PUT\n")
	req, err := sg.QuerySignHTTPWriteWithContext(ctx, "signed.txt", int64(len(body)), time.Hour)
	if err != nil {
		return "", err
	}
	if _, err := sendSigned(ctx, req, body); err != nil {
		return "", fmt.Errorf("presigned PUT: %w", err)
	}
	req, err = sg.QuerySignHTTPReadWithContext(ctx, "signed.txt", time.Hour)
	if err != nil {
		return "", err
	}
	got, err := sendSigned(ctx, req, nil)
	if err != nil {
		return "", fmt.Errorf("presigned GET: %w", err)
	}
	if !bytes.Equal(got, body) {
		return "", fmt.Errorf("presigned GET returned %q, want %q", got, body)
	}
	req, err = sg.QuerySignHTTPDeleteWithContext(ctx, "signed.txt", time.Hour)
	if err != nil {
		return "", err
	}
	if _, err := sendSigned(ctx, req, nil); err != nil {
		return "", fmt.Errorf("presigned DELETE: %w", err)
	}
	if _, err := s.StatWithContext(ctx, "signed.txt"); !errors.Is(err, services.ErrObjectNotExist) {
		return "", fmt.Errorf("stat after presigned DELETE: %v, want ErrObjectNotExist", err)
	}
	if err := d.multipartSigners(ctx); err != nil {
		return "", err
	}
	return "presigned PUT, GET, DELETE, and a whole presigned multipart upload (create, part, list, complete), all with a plain http.Client", nil
}

// multipartSigners runs a multipart upload through presigned requests only.
func (d *demo) multipartSigners(ctx context.Context) error {
	s := d.store
	ms, ok := s.(types.MultipartHTTPSigner)
	if !ok {
		return errors.New("not a MultipartHTTPSigner")
	}
	req, err := ms.QuerySignHTTPCreateMultipartWithContext(ctx, "signed-mp.bin", time.Hour)
	if err != nil {
		return err
	}
	if _, err := sendSigned(ctx, req, nil); err != nil {
		return fmt.Errorf("presigned create multipart: %w", err)
	}
	it, err := s.ListWithContext(ctx, "signed-mp.bin", pairs.WithListMode(types.ListModePart))
	if err != nil {
		return err
	}
	up, err := it.Next()
	if err != nil {
		return fmt.Errorf("find the presigned upload: %w", err)
	}
	id, _ := up.GetMultipartID()
	o := s.Create("signed-mp.bin", pairs.WithMultipartID(id))
	body := randomBytes(100 << 10)
	req, err = ms.QuerySignHTTPWriteMultipartWithContext(ctx, o, int64(len(body)), 0, time.Hour)
	if err != nil {
		return err
	}
	req = req.WithContext(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("presigned part upload: %s", resp.Status)
	}
	part := &types.Part{Index: 0, Size: int64(len(body)), ETag: resp.Header.Get("ETag")}
	if req, err = ms.QuerySignHTTPListMultipartWithContext(ctx, o, time.Hour); err != nil {
		return err
	}
	listing, err := sendSigned(ctx, req, nil)
	if err != nil {
		return fmt.Errorf("presigned list parts: %w", err)
	}
	if !bytes.Contains(listing, []byte(`"part_number":0`)) {
		return fmt.Errorf("presigned list parts lacks part 0: %s", listing)
	}
	if req, err = ms.QuerySignHTTPCompleteMultipartWithContext(ctx, o, []*types.Part{part}, time.Hour); err != nil {
		return err
	}
	if _, err := sendSigned(ctx, req, nil); err != nil {
		return fmt.Errorf("presigned complete: %w", err)
	}
	return d.readEqual("signed-mp.bin", body)
}

// sendSigned sends a presigned request with body and returns the response
// body; a status >= 300 is an error.
func sendSigned(ctx context.Context, req *http.Request, body []byte) ([]byte, error) {
	req = req.WithContext(ctx)
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(b))
	}
	return b, nil
}

// httpDo sends a plain request and returns the body of a 2xx answer.
func httpDo(ctx context.Context, method, u string, body io.Reader, size int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if size >= 0 {
		req.ContentLength = size
	}
	return sendSigned(ctx, req, nil)
}

// cleanup deletes every object and the bucket.
func (d *demo) cleanup(ctx context.Context) {
	d.step("clean up", func() (string, error) {
		var keys []string
		if err := walkRemoteAll(ctx, d.store, "", func(k string) { keys = append(keys, k) }); err != nil {
			return "", err
		}
		for _, k := range keys {
			if err := deleteKey(ctx, d.store, k); err != nil {
				return "", err
			}
		}
		if err := d.svc.DeleteWithContext(ctx, demoBucket); err != nil {
			return "", err
		}
		return fmt.Sprintf("deleted %d objects and bucket %s", len(keys), demoBucket), nil
	})
}
