package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// Resumable uploads (cp --resume). A file larger than the part size is
// uploaded as a multipart upload whose id, with what identifies the source
// and the parts already stored, is kept in a state file under
// os.UserCacheDir()/qs/uploads until the upload completes. An attempt that
// fails or is interrupted leaves the upload and the state file in place;
// the same command run again with --resume continues it: the storage's
// engine lists the parts on the server and keeps each one whose size and
// ETag match the MD5 of the same range of the file, and sends the others.
// A source whose size or modification time changed, a different part size,
// or an upload the server no longer has (aborted, expired) starts over,
// aborting the old upload. The state file holds no secret: the endpoint,
// bucket, key, source path, size, time, part size, upload id and part
// ETags (MD5s).

// resumeState is the content of a state file.
type resumeState struct {
	Version  int          `json:"version"`
	Endpoint string       `json:"endpoint"`
	Bucket   string       `json:"bucket"`
	Key      string       `json:"key"`
	Source   string       `json:"source"` // absolute path
	Size     int64        `json:"size"`
	ModTime  time.Time    `json:"mod_time"`
	PartSize int64        `json:"part_size"`
	UploadID string       `json:"upload_id"`
	Parts    []resumePart `json:"parts,omitempty"` // on the server after the last attempt
}

// resumePart is a part the server held after an attempt.
type resumePart struct {
	Number int    `json:"number"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag"`
}

const resumeStateVersion = 1

// sameUpload reports whether st describes an upload of want's source (same
// file, size, time and part size) to the same object.
func (st *resumeState) sameUpload(want *resumeState) bool {
	return st.Version == resumeStateVersion && st.Endpoint == want.Endpoint && st.Bucket == want.Bucket &&
		st.Key == want.Key && st.Source == want.Source && st.Size == want.Size &&
		st.ModTime.Equal(want.ModTime) && st.PartSize == want.PartSize && st.UploadID != ""
}

// resumeStates keeps state files in one directory.
type resumeStates struct{ dir string }

// newResumeStates returns the states under os.UserCacheDir()/qs/uploads.
func newResumeStates() (*resumeStates, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("--resume needs a cache directory: %w", err)
	}
	return &resumeStates{dir: filepath.Join(c, "qs", "uploads")}, nil
}

// path is the state file of an upload of source to endpoint/bucket/key.
func (r *resumeStates) path(st *resumeState) string {
	h := sha256.Sum256([]byte(st.Endpoint + "\x00" + st.Bucket + "\x00" + st.Key + "\x00" + st.Source))
	return filepath.Join(r.dir, hex.EncodeToString(h[:16])+".json")
}

// load returns the state kept for want's upload, or nil when there is
// none or it cannot be read (a damaged file is no reason to fail: the
// upload starts over).
func (r *resumeStates) load(want *resumeState) *resumeState {
	b, err := os.ReadFile(r.path(want))
	if err != nil {
		return nil
	}
	var st resumeState
	if json.Unmarshal(b, &st) != nil {
		return nil
	}
	return &st
}

// save writes st atomically (a crash leaves the old or the new file), readable
// by the user only.
func (r *resumeStates) save(st *resumeState) error {
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(r.dir, ".state-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), r.path(st))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// remove deletes st's state file. A failure is harmless: a later --resume
// finds the upload gone and starts over.
func (r *resumeStates) remove(st *resumeState) { os.Remove(r.path(st)) }

// resumer makes the file uploads of one command resumable.
type resumer struct {
	states   *resumeStates
	endpoint string
	// note tells the user about a resumed or restarted upload; warn says
	// that an upload is kept (on standard error, even with -q).
	note, warn func(format string, args ...any)
}

// resumer returns the resumer of a command on rem; notes go where result
// lines go.
func (a *app) resumer(rem *remote) (*resumer, error) {
	st, err := newResumeStates()
	if err != nil {
		return nil, err
	}
	warn := func(format string, args ...any) {
		msg := "qs: " + fmt.Sprintf(format, args...)
		a.outMu.Lock()
		defer a.outMu.Unlock()
		if a.prog != nil {
			a.prog.println(msg)
			return
		}
		fmt.Fprintln(a.stderr, msg)
	}
	return &resumer{states: st, endpoint: rem.endpoint, warn: warn,
		note: func(format string, args ...any) { a.say(false, format, args...) }}, nil
}

// upload writes the file f (of fi) to key of s as a resumable upload.
func (r *resumer) upload(ctx context.Context, s *qingstor.Storage, key string, f *os.File, fi fs.FileInfo, x *xfer, b *bar) (int64, error) {
	abs, err := filepath.Abs(f.Name())
	if err != nil {
		return 0, err
	}
	want := &resumeState{Version: resumeStateVersion, Endpoint: r.endpoint, Bucket: s.Metadata().Name, Key: key,
		Source: abs, Size: fi.Size(), ModTime: fi.ModTime(), PartSize: x.partSize}
	st, err := r.continuable(ctx, s, want)
	if err != nil {
		return 0, err
	}
	if st == nil {
		o, err := s.CreateMultipartWithContext(ctx, key, x.meta.pairs(s, key)...)
		if err != nil {
			return 0, err
		}
		want.UploadID, _ = o.GetMultipartID()
		if err := r.states.save(want); err != nil {
			return 0, abortAfter(ctx, s, key, want.UploadID, fmt.Errorf("keep the upload's state: %w", err))
		}
		st = want
	}
	n, err := s.WriteWithContext(ctx, key, x.limit.file(f), fi.Size(), append(x.writePairs(b), pairs.WithMultipartID(st.UploadID))...)
	if err == nil {
		r.states.remove(st)
		return n, nil
	}
	// Keep the upload for the next attempt, with what the server holds.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if parts, lerr := serverParts(actx, s, key, st.UploadID); lerr == nil {
		st.Parts = parts
		r.states.save(st)
	}
	r.warn("upload %s of %s is kept: run the command again with --resume to continue it (or qs rm --uploads to drop it)", st.UploadID, key)
	return 0, err
}

// continuable returns the kept state of want's upload when it can be
// continued; a state for another version of the source, or whose upload
// the server no longer has, is dropped (its upload aborted) and nil
// returned.
func (r *resumer) continuable(ctx context.Context, s *qingstor.Storage, want *resumeState) (*resumeState, error) {
	st := r.states.load(want)
	if st == nil {
		return nil, nil
	}
	if st.sameUpload(want) {
		parts, err := serverParts(ctx, s, want.Key, st.UploadID)
		if err == nil {
			r.note("resuming upload %s of %s: %d part(s) on the server", st.UploadID, want.Key, len(parts))
			return st, nil
		}
		if !errors.Is(err, errNoUpload) {
			return nil, err
		}
		r.note("upload %s of %s is gone from the server: starting over", st.UploadID, want.Key)
	} else {
		r.note("%s changed since upload %s began: starting over", want.Source, st.UploadID)
		abortAfter(ctx, s, st.Key, st.UploadID, nil)
	}
	r.states.remove(st)
	return nil, nil
}

// errNoUpload: the server does not list the upload.
var errNoUpload = errors.New("no such upload")

// serverParts lists the parts of upload id of key that the server holds.
func serverParts(ctx context.Context, s types.Storager, key, id string) ([]resumePart, error) {
	ups, err := listUploads(ctx, s, key)
	if err != nil {
		return nil, err
	}
	for _, u := range ups {
		if u.key != key || u.id != id {
			continue
		}
		it, err := s.(types.Multiparter).ListMultipartWithContext(ctx, u.obj)
		if err != nil {
			return nil, err
		}
		var parts []resumePart
		err = each(it.Next, func(p *types.Part) error {
			parts = append(parts, resumePart{Number: p.Index, Size: p.Size, ETag: p.ETag})
			return nil
		})
		return parts, err
	}
	return nil, errNoUpload
}

// abortAfter aborts upload id of key, even when ctx is cancelled, and
// returns cause (with the abort's failure, if any).
func abortAfter(ctx context.Context, s types.Storager, key, id string, cause error) error {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.DeleteWithContext(actx, key, pairs.WithMultipartID(id)); err != nil && cause != nil {
		return fmt.Errorf("%w (and aborting upload %s failed: %v)", cause, id, err)
	}
	return cause
}
