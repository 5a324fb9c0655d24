// Soak test.
//
// This file runs a bounded soak: many goroutines doing mixed Storager
// operations against qslocal over loopback, through the fault-injecting
// proxy (which breaks about 2% of requests before any response: 503s and
// connection resets), checking invariants all along: every acknowledged
// write reads back exactly, listings match what was written, and no error
// reaches a caller.
//
// The default run is short (8 goroutines, 3 s). QSGO_LONG=1 runs 32
// goroutines for 60 s; QSGO_SOAK_WORKERS and QSGO_SOAK_DURATION (a Go
// duration) override either. QSGO_SOAK_SEED fixes the seed.

package soak

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qsgo/qsgo/internal/faults"
	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

const soakBucket = "soak-bucket"

// stats counts what the soak did.
type stats struct {
	ops      [16]atomic.Int64
	injected atomic.Int64
}

const (
	opWrite = iota
	opRead
	opReadRange
	opStat
	opDelete
	opList
	opAppend
	opCopy
	opMove
	opMultipart
	nOps
)

var opNames = [nOps]string{"write", "read", "read-range", "stat", "delete", "list", "append", "copy", "move", "multipart"}

// soakWorker owns the keys under its prefix, so its model is exact.
type soakWorker struct {
	t     *testing.T
	id    int
	rng   *rand.Rand
	src   *rand.ChaCha8
	s     types.Storager
	model map[string][]byte
	// uncertain keys were being changed by an operation that ended without
	// an answer (the soak's end, or an injected fault that outlasted the
	// retries); they hold the old or the new state until written again.
	uncertain map[string]bool
	touched   []string
	st        *stats
	prefix    string
}

func (w *soakWorker) data(n int) []byte {
	b := make([]byte, n)
	w.src.Read(b)
	return b
}

func (w *soakWorker) key() string { return fmt.Sprintf("%sk%02d", w.prefix, w.rng.IntN(24)) }

// touch declares that the running operation changes k.
func (w *soakWorker) touch(k string) string { w.touched = append(w.touched, k); return k }

// anyKey returns a key the model holds, or "".
func (w *soakWorker) anyKey() string {
	if len(w.model) == 0 {
		return ""
	}
	keys := w.keys()
	return keys[w.rng.IntN(len(keys))]
}

func (w *soakWorker) keys() []string {
	ks := make([]string, 0, len(w.model))
	for k := range w.model {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// injected reports whether err came from a fault the proxy injected (whose
// request never reached the server, so the model is unchanged).
func injected(err error) bool { return qingstor.RequestID(err) == "faults" }

// do runs one random operation and checks it; it returns a failure text.
func (w *soakWorker) do(ctx context.Context) error {
	op := w.rng.IntN(nOps)
	w.touched = w.touched[:0]
	err := w.op(ctx, op)
	unsure := func() {
		for _, k := range w.touched {
			delete(w.model, k)
			w.uncertain[k] = true
		}
	}
	switch {
	case err == nil:
		w.st.ops[op].Add(1)
		for _, k := range w.touched {
			delete(w.uncertain, k)
		}
		return nil
	case injected(err):
		w.st.injected.Add(1)
		unsure()
		return nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		unsure() // the soak ended mid-operation
		return nil
	case ctx.Err() != nil:
		// The soak ended mid-operation but the error lost the context's
		// identity (services/qingstor promises to keep it).
		unsure()
		return fmt.Errorf("worker %d %s ended by the context with a non-context error: %w", w.id, opNames[op], err)
	}
	return fmt.Errorf("worker %d %s: %w", w.id, opNames[op], err)
}

var errMismatch = errors.New("invariant broken")

func (w *soakWorker) op(ctx context.Context, op int) error {
	s := w.s
	switch op {
	case opWrite:
		k, b := w.touch(w.key()), w.data(w.rng.IntN(128<<10))
		if _, err := s.WriteWithContext(ctx, k, bytes.NewReader(b), int64(len(b))); err != nil {
			return err
		}
		w.model[k] = b
		return w.check(ctx, k)
	case opRead:
		if k := w.anyKey(); k != "" {
			return w.check(ctx, k)
		}
	case opReadRange:
		k := w.anyKey()
		if k == "" || len(w.model[k]) == 0 {
			return nil
		}
		want := w.model[k]
		off := w.rng.IntN(len(want))
		n := 1 + w.rng.IntN(len(want)-off)
		var buf bytes.Buffer
		if _, err := s.ReadWithContext(ctx, k, &buf, ps.WithOffset(int64(off)), ps.WithSize(int64(n))); err != nil {
			return err
		}
		if !bytes.Equal(buf.Bytes(), want[off:off+n]) {
			return fmt.Errorf("%s [%d,+%d): %w", k, off, n, errMismatch)
		}
	case opStat:
		k := w.key()
		if w.uncertain[k] {
			return nil
		}
		o, err := s.StatWithContext(ctx, k)
		want, ok := w.model[k]
		if !ok {
			switch {
			case err == nil:
				return fmt.Errorf("stat of deleted %s found it: %w", k, errMismatch)
			case errors.Is(err, services.ErrObjectNotExist):
				return nil
			}
			return err
		}
		if err != nil {
			return err
		}
		if size, _ := o.GetContentLength(); size != int64(len(want)) {
			return fmt.Errorf("stat %s size %d, want %d: %w", k, size, len(want), errMismatch)
		}
	case opDelete:
		k := w.touch(w.key())
		if err := s.DeleteWithContext(ctx, k); err != nil {
			return err
		}
		delete(w.model, k)
	case opList:
		it, err := s.ListWithContext(ctx, w.prefix, ps.WithListMode(types.ListModePrefix))
		if err != nil {
			return err
		}
		var got []string
		for {
			o, err := it.Next()
			if errors.Is(err, types.IterateDone) {
				break
			}
			if err != nil {
				return err
			}
			got = append(got, o.Path)
		}
		got = w.withoutUncertain(got)
		if want := w.keys(); strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("listing %v, model %v: %w", got, want, errMismatch)
		}
	case opAppend:
		k := w.touch(fmt.Sprintf("%sapp%d", w.prefix, w.rng.IntN(3)))
		ap := s.(types.Appender)
		o, err := ap.CreateAppendWithContext(ctx, k)
		if err != nil {
			return err
		}
		w.model[k] = []byte{}
		for i := 0; i < 1+w.rng.IntN(3); i++ {
			chunk := w.data(1 + w.rng.IntN(32<<10))
			if _, err := ap.WriteAppendWithContext(ctx, o, bytes.NewReader(chunk), int64(len(chunk))); err != nil {
				return err
			}
			w.model[k] = append(w.model[k], chunk...)
		}
		return w.check(ctx, k)
	case opCopy, opMove:
		src := w.anyKey()
		if src == "" {
			return nil
		}
		dst := w.touch(w.key())
		if op == opMove {
			w.touch(src)
		}
		var err error
		if op == opCopy {
			err = s.(types.Copier).CopyWithContext(ctx, src, dst)
		} else {
			err = s.(types.Mover).MoveWithContext(ctx, src, dst)
		}
		if err != nil {
			return err
		}
		b := w.model[src]
		if op == opMove && src != dst {
			delete(w.model, src)
		}
		w.model[dst] = b
		return w.check(ctx, dst)
	case opMultipart:
		k := w.touch(w.key())
		mp := s.(types.Multiparter)
		o, err := mp.CreateMultipartWithContext(ctx, k)
		if err != nil {
			return err
		}
		var parts []*types.Part
		var whole []byte
		for i := 0; i < 3; i++ {
			b := w.data(2<<10 + w.rng.IntN(8<<10))
			_, p, err := mp.WriteMultipartWithContext(ctx, o, bytes.NewReader(b), int64(len(b)), i)
			if err != nil {
				return err
			}
			parts, whole = append(parts, p), append(whole, b...)
		}
		if err := mp.CompleteMultipartWithContext(ctx, o, parts); err != nil {
			return err
		}
		w.model[k] = whole
		return w.check(ctx, k)
	}
	return nil
}

// withoutUncertain drops uncertain keys from a listing.
func (w *soakWorker) withoutUncertain(keys []string) []string {
	out := keys[:0:0]
	for _, k := range keys {
		if !w.uncertain[k] {
			out = append(out, k)
		}
	}
	return out
}

// check reads k in full and compares it with the model.
func (w *soakWorker) check(ctx context.Context, k string) error {
	var buf bytes.Buffer
	if _, err := w.s.ReadWithContext(ctx, k, &buf); err != nil {
		return err
	}
	if want := w.model[k]; md5.Sum(buf.Bytes()) != md5.Sum(want) {
		return fmt.Errorf("%s reads %d bytes, acknowledged %d: %w", k, buf.Len(), len(want), errMismatch)
	}
	return nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestSoak(t *testing.T) {
	workers, dur := 8, 3*time.Second
	if os.Getenv("QSGO_LONG") != "" {
		workers, dur = 32, 60*time.Second
	}
	workers = envInt("QSGO_SOAK_WORKERS", workers)
	if d, err := time.ParseDuration(os.Getenv("QSGO_SOAK_DURATION")); err == nil && d > 0 {
		dur = d
	}
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("QSGO_SOAK_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Logf("%d workers for %v, seed %d (QSGO_SOAK_SEED)", workers, dur, seed)

	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.MinPartSize = 1 << 10 })
	ts.CreateBucket(soakBucket)
	p, err := faults.New(ts.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// About 2% of requests fail before any response arrives: a 503, a reset
	// as the request arrives, in the middle of its body, or after the server
	// applied it. The client must retry through all of them (confirming
	// non-idempotent calls whose lost attempt was applied).
	rng := rand.New(rand.NewPCG(seed, 1))
	kinds := []faults.Fault{{Kind: faults.Status, Code: 503}, {Kind: faults.ResetOnRequest},
		{Kind: faults.ResetMidRequestBody, Bytes: 100}, {Kind: faults.ResetBeforeResponse}}
	script := make([]faults.Fault, 1<<20)
	for i := range script {
		if rng.IntN(50) == 0 {
			script[i] = kinds[rng.IntN(len(kinds))]
		}
	}
	script[5], script[20] = faults.Fault{Kind: faults.Status, Code: 503}, faults.Fault{Kind: faults.Status, Code: 500}
	p.Add(faults.Rule{Faults: script})
	st, err := qingstor.NewStorager(ps.WithCredential("hmac:"+ts.AccessKeyID+":"+ts.SecretAccessKey),
		ps.WithName(soakBucket), ps.WithEndpoint(fmt.Sprintf("http:127.0.0.1:%d", p.Port())))
	if err != nil {
		t.Fatal(err)
	}

	var s stats
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var wg sync.WaitGroup
	var failMu sync.Mutex
	var failures []error
	ws := make([]*soakWorker, workers)
	for i := range ws {
		var cs [32]byte
		copy(cs[:], fmt.Sprintf("soak/%d/%d", seed, i))
		ws[i] = &soakWorker{t: t, id: i, rng: rand.New(rand.NewPCG(seed, uint64(i)+2)), src: rand.NewChaCha8(cs),
			s: st, model: map[string][]byte{}, uncertain: map[string]bool{}, st: &s, prefix: fmt.Sprintf("w%02d/", i)}
		wg.Add(1)
		go func(w *soakWorker) {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := w.do(ctx); err != nil {
					failMu.Lock()
					failures = append(failures, err)
					failMu.Unlock()
					cancel()
					return
				}
			}
		}(ws[i])
	}
	wg.Wait()
	for _, err := range failures {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	// Final pass: every acknowledged object is there, byte-exact, and the
	// whole listing is exactly the union of the models.
	all, unsure := map[string]bool{}, map[string]bool{}
	for _, w := range ws {
		for k := range w.uncertain {
			unsure[k] = true
		}
		for _, k := range w.keys() {
			all[k] = true
			if err := w.check(context.Background(), k); err != nil {
				t.Errorf("final check: %v", err)
			}
		}
	}
	it, err := st.List("", ps.WithListMode(types.ListModePrefix))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		o, err := it.Next()
		if errors.Is(err, types.IterateDone) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if unsure[o.Path] {
			continue
		}
		n++
		if !all[o.Path] {
			t.Errorf("listing shows %s, which no worker holds", o.Path)
		}
	}
	if n != len(all) {
		t.Errorf("listing has %d objects, the models %d", n, len(all))
	}
	var total int64
	var counts []string
	for i := 0; i < nOps; i++ {
		c := s.ops[i].Load()
		total += c
		counts = append(counts, fmt.Sprintf("%s=%d", opNames[i], c))
	}
	t.Logf("%d operations (%s); %d failed on an injected status after the retries; proxy injected %d faults in %d requests",
		total, strings.Join(counts, " "), s.injected.Load(), p.Injected(), len(p.Events()))
	if total == 0 || p.Injected() == 0 {
		t.Fatal("the soak did nothing or injected nothing")
	}
}
