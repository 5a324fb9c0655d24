// Crash-safety test.
//
// This file kills `qs serve` with SIGKILL at random moments during
// concurrent uploads, overwrites, appends and multipart completions,
// restarts it on the same data directory and checks that the database opens,
// every acknowledged write reads back byte-exact, nothing unacknowledged is
// half-visible, leftover temporary files are swept at start-up and no
// unreferenced blob outlives a restart.
//
// The default run kills the server 20 times; QSGO_LONG=1 kills it 60 times.
// QSGO_CRASH_SEED fixes the random seed (it is logged on every run).

package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qsapi"
)

const (
	crashAK     = "AKCRASHTEST000000000"
	crashSK     = "SKCRASHTESTSECRETSECRETSECRETSECRET00000"
	crashBucket = "crash-bucket"
)

// buildQS builds cmd/qs into dir and returns the binary's path.
func buildQS(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "qs")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/qsgo/qsgo/cmd/qs")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/qs: %v\n%s", err, out)
	}
	return bin
}

// server is one running `qs serve` child.
type server struct {
	cmd      *exec.Cmd
	endpoint string
	host     string
	port     int
	stderr   *lockedBuffer
	exited   chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

var bannerRE = regexp.MustCompile(`serving QingStor at (http://([0-9.]+):([0-9]+))`)

// start runs `qs serve` on a free loopback port over dataDir and waits
// until it prints its endpoint (it is then accepting connections).
func start(t *testing.T, bin, dataDir string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dataDir,
		"--access-key-id", crashAK, "--secret-access-key", crashSK, "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start qs serve: %v", err)
	}
	t.Cleanup(func() { s.kill() })
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			if m := bannerRE.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				s.endpoint, s.host = m[1], m[2]
				s.port, _ = strconv.Atoi(m[3])
			}
			if found && strings.HasPrefix(sc.Text(), "ready") {
				ready <- nil
			}
		}
		io.Copy(io.Discard, stdout)
		if !found {
			ready <- errors.New("qs serve exited without printing its endpoint")
		}
	}()
	go func() { cmd.Wait(); close(s.exited) }()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%v; stderr:\n%s", err, s.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("qs serve not ready after 60s; stderr:\n%s", s.stderr.String())
	}
	return s
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

func (s *server) client(t *testing.T) *qsapi.Client {
	c, err := qsapi.New(qsapi.Options{Protocol: "http", Host: s.host, Port: s.port,
		AccessKeyID: crashAK, SecretAccessKey: crashSK,
		// One attempt: an answer is an acknowledgment, an error is not.
		Retry: qsapi.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.HTTPClient().CloseIdleConnections)
	return c
}

// keyState is what a key may hold: acked is the acknowledged content (nil
// = absent); maybe is the content of an operation that was in flight when
// the server died (it may or may not have taken effect).
type keyState struct {
	acked []byte
	maybe [][]byte
}

func h(b []byte) [32]byte { return sha256.Sum256(b) }

// worker owns a set of keys and mutates them one operation at a time, so
// the model of each key is exact.
type worker struct {
	id   int
	rng  *rand.Rand
	src  *rand.ChaCha8 // object bytes
	keys map[string]*keyState
	// appendable keys and their kind
	kind map[string]string
	ops  map[string]int
	// lastErr is the error that ended the last round (the kill, normally).
	lastErr error
}

func newWorker(id int, seed uint64) *worker {
	var cs [32]byte
	copy(cs[:], fmt.Sprintf("%d/%d", seed, id))
	w := &worker{id: id, rng: rand.New(rand.NewPCG(seed, uint64(id))), src: rand.NewChaCha8(cs), keys: map[string]*keyState{},
		kind: map[string]string{}, ops: map[string]int{}}
	// Worker 0 only completes multipart uploads (slow: 4 MiB parts), the
	// others upload, overwrite and append.
	kinds := []string{"put", "append"}
	if id == 0 {
		kinds = []string{"multipart"}
	}
	for i := 0; i < 6; i++ {
		for _, kind := range kinds {
			k := fmt.Sprintf("w%d/%s-%d", id, kind, i)
			w.keys[k], w.kind[k] = &keyState{}, kind
		}
	}
	return w
}

func (w *worker) data(n int) []byte {
	b := make([]byte, n)
	w.src.Read(b)
	return b
}

// run mutates keys until ctx ends; the operation that fails (the server
// died under it) is recorded as maybe-applied.
func (w *worker) run(ctx context.Context, c *qsapi.Client) {
	names := make([]string, 0, len(w.keys))
	for k := range w.keys {
		names = append(names, k)
	}
	for i := 0; ctx.Err() == nil; i++ {
		k := names[w.rng.IntN(len(names))]
		st := w.keys[k]
		var attempt []byte
		var err error
		switch w.kind[k] {
		case "put":
			attempt = w.data(1 + w.rng.IntN(256<<10))
			_, err = c.PutObject(ctx, crashBucket, k, bytes.NewReader(attempt), &qsapi.PutObjectInput{ContentLength: int64(len(attempt))})
		case "append":
			chunk := w.data(1 + w.rng.IntN(64<<10))
			attempt = append(append([]byte(nil), st.acked...), chunk...)
			_, err = c.AppendObject(ctx, crashBucket, k, int64(len(st.acked)), bytes.NewReader(chunk), &qsapi.AppendObjectInput{ContentLength: int64(len(chunk))})
		case "multipart":
			attempt, err = w.multipart(ctx, c, k)
		}
		if err != nil {
			st.maybe = append(st.maybe, attempt)
			w.lastErr = err
			return
		}
		st.acked, st.maybe = attempt, nil
		w.ops[w.kind[k]]++
	}
}

// multipart uploads 2 or 3 parts (the last one short) and completes.
func (w *worker) multipart(ctx context.Context, c *qsapi.Client, k string) ([]byte, error) {
	init, err := c.InitiateMultipartUpload(ctx, crashBucket, k, nil)
	if err != nil {
		return nil, err
	}
	n := 2 + w.rng.IntN(2)
	var whole []byte
	var parts []qsapi.CompletedPart
	for i := 0; i < n; i++ {
		size := 4 << 20 // the server's minimum for all but the last part
		if i == n-1 {
			size = 1 + w.rng.IntN(100<<10)
		}
		p := w.data(size)
		whole = append(whole, p...)
		if _, err := c.UploadPart(ctx, crashBucket, k, init.UploadID, i, bytes.NewReader(p), &qsapi.UploadPartInput{ContentLength: int64(size)}); err != nil {
			return whole, err
		}
		parts = append(parts, qsapi.CompletedPart{PartNumber: i})
	}
	_, err = c.CompleteMultipartUpload(ctx, crashBucket, k, init.UploadID, parts, nil)
	return whole, err
}

// verify reads every key and checks it against the model, then resolves
// the model to what is actually stored.
func (w *worker) verify(t *testing.T, c *qsapi.Client) {
	t.Helper()
	for k, st := range w.keys {
		got, err := readKey(c, k)
		if err != nil {
			t.Fatalf("read %s after restart: %v", k, err)
		}
		allowed := append([][]byte{st.acked}, st.maybe...)
		ok := false
		for _, a := range allowed {
			if (a == nil) == (got == nil) && h(a) == h(got) {
				ok = true
				break
			}
		}
		if !ok {
			t.Fatalf("%s holds %d bytes (sha256 %x) after restart: neither the acknowledged %d bytes nor any in-flight write (%d candidates)",
				k, len(got), h(got), len(st.acked), len(st.maybe))
		}
		st.acked, st.maybe = got, nil
	}
}

func readKey(c *qsapi.Client, k string) ([]byte, error) {
	out, err := c.GetObject(context.Background(), crashBucket, k, nil)
	if qsapi.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs qs serve as a child process")
	}
	kills := 20
	if os.Getenv("QSGO_LONG") != "" {
		kills = 60
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("QSGO_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with QSGO_CRASH_SEED=%d), %d kills", seed, seed, kills)
	rng := rand.New(rand.NewPCG(seed, 0))
	tmp := t.TempDir()
	bin := buildQS(t, tmp)
	dataDir := filepath.Join(tmp, "data")

	srv := start(t, bin, dataDir)
	c := srv.client(t)
	if _, err := c.PutBucket(context.Background(), crashBucket); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	const workers = 4
	ws := make([]*worker, workers)
	for i := range ws {
		ws[i] = newWorker(i, seed)
	}
	swept := 0
	for round := 0; round < kills; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Add(1)
			go func() { defer wg.Done(); w.run(ctx, c) }()
		}
		// Let the load run for a random while, then kill mid-flight.
		time.Sleep(time.Duration(200+rng.IntN(1000)) * time.Millisecond)
		srv.kill()
		wg.Wait() // every worker's in-flight call has failed by now
		cancel()
		left := countFiles(t, filepath.Join(dataDir, "tmp"))

		srv = start(t, bin, dataDir)
		if n := countFiles(t, filepath.Join(dataDir, "tmp")); n != 0 {
			t.Fatalf("round %d: %d temporary files left after start-up (%d before)", round, n, left)
		}
		swept += left
		checkNoGarbage(t, srv.client(t), dataDir)
		for _, w := range ws {
			if qe, ok := qsapi.AsError(w.lastErr); ok {
				t.Fatalf("round %d: worker %d got a server answer, not a dead connection: %v", round, w.id, qe)
			}
		}
		c = srv.client(t)
		for _, w := range ws {
			w.verify(t, c)
		}
	}
	// A clean stop keeps everything too.
	srv.cmd.Process.Signal(syscall.SIGTERM)
	<-srv.exited
	srv = start(t, bin, dataDir)
	c = srv.client(t)
	for _, w := range ws {
		w.verify(t, c)
	}
	total := map[string]int{}
	for _, w := range ws {
		for k, n := range w.ops {
			total[k] += n
		}
	}
	t.Logf("%d kills; acknowledged operations: %v; temporary files swept at start-up: %d", kills, total, swept)
	// Multipart completions (4 MiB parts) are few in the short run on a slow
	// machine; the long run must have some.
	if total["put"] == 0 || total["append"] == 0 || (kills > 5 && total["multipart"] == 0) {
		t.Fatalf("the load did too little to test anything: %v", total)
	}
}

// checkNoGarbage compares the bytes of blob files on disk with what the
// server references (objects plus parts of unfinished uploads): right after
// start-up, with sweeping done, they must be equal, so no blob of an
// interrupted write outlives a restart.
func checkNoGarbage(t *testing.T, c *qsapi.Client, dataDir string) {
	t.Helper()
	ctx := context.Background()
	var want int64
	for page, err := range c.ObjectPages(ctx, crashBucket, qsapi.ListObjectsInput{Limit: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Keys {
			want += o.Size
		}
	}
	for page, err := range c.UploadPages(ctx, crashBucket, qsapi.ListMultipartUploadsInput{Limit: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Uploads {
			for pp, err := range c.PartPages(ctx, crashBucket, u.Key, u.UploadID, qsapi.ListPartsInput{}) {
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range pp.Parts {
					want += p.Size
				}
			}
		}
	}
	var got int64
	filepath.WalkDir(filepath.Join(dataDir, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				got += info.Size()
			}
		}
		return nil
	})
	if got != want {
		t.Fatalf("blob files hold %d bytes after start-up, objects and unfinished parts %d: unreferenced blobs were not swept", got, want)
	}
}
