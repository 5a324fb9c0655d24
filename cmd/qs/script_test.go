package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qsgo/qsgo/qslocal"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"qs": func() { os.Exit(qsMain()) },
	})
}

// TestScripts runs cmd/qs/testdata/script/*.txtar: each script gets its own
// qslocal on a loopback port, and QINGSTOR_* variables pointing qs at it.
//
// Scripts run in parallel with each other, never with this package's other
// tests: those are not parallel (several use t.Setenv for HOME and
// QINGSTOR_*, which forbids t.Parallel), and Go starts the next top-level
// test only once TestScripts and its parallel subtests have ended. Each
// "exec qs" is a subprocess with testscript's own environment (HOME=/no-home
// plus what setupServer sets), so nothing leaks either way.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:   "testdata/script",
		Setup: setupServer,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkfile":     cmdMkfile,
			"sha256sums": cmdSha256sums,
			"httpget":    cmdHTTPGet,
			"httpput":    cmdHTTPPut,
			"httphead":   cmdHTTPHead,
			"settime":    cmdSettime,
			"mkupload":   cmdMkupload,
		},
	})
}

// setupServer starts qslocal for one script.
func setupServer(env *testscript.Env) error {
	dir, err := os.MkdirTemp("", "qs-script-")
	if err != nil {
		return err
	}
	ak, sk := qslocal.GenerateCredentials()
	ctx, cancel := context.WithCancel(context.Background())
	clock := &scriptClock{}
	env.Values["clock"] = clock
	rn, err := qslocal.Start(ctx, qslocal.Options{Addr: "127.0.0.1:0", DataDir: dir, Now: clock.now, Zones: []string{"sh1a"},
		Credentials: map[string]string{ak: sk}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		cancel()
		return err
	}
	env.Defer(func() {
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		rn.Shutdown(sctx)
		cancel()
		os.RemoveAll(dir)
	})
	for k, v := range map[string]string{
		"QINGSTOR_ACCESS_KEY_ID": ak, "QINGSTOR_SECRET_ACCESS_KEY": sk,
		"QINGSTOR_HOST": rn.Host, "QINGSTOR_PORT": strconv.Itoa(rn.Port), "QINGSTOR_PROTOCOL": "http",
		"QS_ENDPOINT": fmt.Sprintf("http:%s:%d", rn.Host, rn.Port),
		// A race-enabled binary sleeps 1 s at exit by default (so that other
		// goroutines can finish reports); with ~120 "exec qs" that was most
		// of this test's time. Races are still reported while qs runs.
		"GORACE": strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=10"),
	} {
		env.Setenv(k, v)
	}
	return nil
}

// cmdMkfile writes a file of pseudo-random bytes: mkfile PATH SIZE [SEED].
func cmdMkfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkfile path size [seed]")
	}
	size, err := parseSize(args[1])
	ts.Check(err)
	seed := uint64(1)
	if len(args) > 2 {
		seed, err = strconv.ParseUint(args[2], 10, 64)
		ts.Check(err)
	}
	p := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
	f, err := os.Create(p)
	ts.Check(err)
	r := rand.New(rand.NewPCG(seed, seed))
	buf := make([]byte, 64<<10)
	for left := size; left > 0; {
		n := min(int64(len(buf)), left)
		for i := 0; i < len(buf); i += 8 {
			binary.LittleEndian.PutUint64(buf[i:], r.Uint64())
		}
		_, err := f.Write(buf[:n])
		ts.Check(err)
		left -= n
	}
	ts.Check(f.Close())
}

// cmdSha256sums prints "sha256  relpath" for every file under a directory,
// sorted, so that two trees compare with cmp.
func cmdSha256sums(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sha256sums dir")
	}
	root := ts.MkAbs(args[0])
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		lines = append(lines, fmt.Sprintf("%x  %s", sha256.Sum256(b), filepath.ToSlash(rel)))
		return nil
	})
	ts.Check(err)
	sort.Strings(lines)
	fmt.Fprint(ts.Stdout(), strings.Join(lines, "\n")+"\n")
}

// cmdHTTPGet fetches a URL (read from a file, e.g. qs presign's stdout)
// with a plain GET and writes the body to stdout: httpget URLFILE.
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: httpget urlfile")
	}
	u := strings.TrimSpace(ts.ReadFile(args[0]))
	resp, err := http.Get(u)
	ts.Check(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if (resp.StatusCode == 200) == neg {
		ts.Fatalf("GET: %s %s", resp.Status, b)
	}
	ts.Stdout().Write(b)
}

// cmdHTTPHead sends a GET to a URL read from a file (a presigned GET cannot
// be sent as HEAD), drops the body and prints the response headers, one
// "Name: value" line each, sorted: httphead URLFILE.
func cmdHTTPHead(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: httphead urlfile")
	}
	u := strings.TrimSpace(ts.ReadFile(args[0]))
	resp, err := http.Get(u)
	ts.Check(err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		ts.Fatalf("GET: %s", resp.Status)
	}
	var lines []string
	for k, vs := range resp.Header {
		for _, v := range vs {
			lines = append(lines, k+": "+v)
		}
	}
	sort.Strings(lines)
	fmt.Fprintln(ts.Stdout(), strings.Join(lines, "\n"))
}

// cmdHTTPPut sends a file with a plain PUT: httpput URLFILE FILE.
func cmdHTTPPut(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: httpput urlfile file")
	}
	u := strings.TrimSpace(ts.ReadFile(args[0]))
	body := ts.ReadFile(args[1])
	req, err := http.NewRequest(http.MethodPut, u, strings.NewReader(body))
	ts.Check(err)
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if (resp.StatusCode/100 == 2) == neg {
		ts.Fatalf("PUT: %s %s", resp.Status, b)
	}
}

// cmdSettime sets a file's modification time to now plus an offset:
// settime FILE DURATION.
func cmdSettime(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: settime file duration")
	}
	d, err := time.ParseDuration(args[1])
	ts.Check(err)
	t := time.Now().Add(d)
	ts.Check(os.Chtimes(ts.MkAbs(args[0]), t, t))
}
