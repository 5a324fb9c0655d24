package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/types"
)

// uploadsHelp describes the selection of --uploads, shared by ls and rm.
const uploadsHelp = `With --uploads, the unfinished multipart uploads are listed (ls) or aborted
(rm) instead of objects: those of the key itself and of every key under key/
(qs://b/logs never selects qs://b/logs-archive/...; qs://b/ selects all).
They are invisible otherwise and their parts cost storage. ls --uploads
prints, one upload a line: the time it was started, its upload id, the
number of parts uploaded, their bytes (-h: 1.5MiB) and the key.
rm --uploads --older-than 24h aborts only uploads started more than 24 hours
ago; --dry-run (-n) prints what would be aborted.`

// upload is an unfinished multipart upload.
type upload struct {
	obj     *types.Object // the upload (ListModePart)
	key, id string
	started time.Time // zero when the service does not say
}

// listUploads returns the unfinished uploads of key and of the keys under
// key/ (every upload for an empty key or one ending in "/").
func listUploads(ctx context.Context, s types.Storager, key string) ([]upload, error) {
	if _, ok := s.(types.Multiparter); !ok {
		return nil, fmt.Errorf("the service has no multipart uploads")
	}
	it, err := s.ListWithContext(ctx, key, pairs.WithListMode(types.ListModePart))
	if err != nil {
		return nil, err
	}
	dir := dirPrefix(key)
	var ups []upload
	err = each(it.Next, func(o *types.Object) error {
		if o.Path != key && !strings.HasPrefix(o.Path, dir) {
			return nil
		}
		id, _ := o.GetMultipartID()
		u := upload{obj: o, key: o.Path, id: id}
		u.started, _ = o.GetLastModified()
		ups = append(ups, u)
		return nil
	})
	return ups, err
}

// uploadedParts returns how many parts of u are on the server and their
// total size.
func uploadedParts(ctx context.Context, s types.Storager, u upload) (parts int, size int64, err error) {
	it, err := s.(types.Multiparter).ListMultipartWithContext(ctx, u.obj)
	if err != nil {
		return 0, 0, err
	}
	err = each(it.Next, func(p *types.Part) error {
		parts++
		size += p.Size
		return nil
	})
	return parts, size, err
}

// printUploads prints the uploads of l (see uploadsHelp).
func printUploads(ctx context.Context, w io.Writer, s types.Storager, l location, human bool) error {
	ups, err := listUploads(ctx, s, l.Key)
	if err != nil {
		return err
	}
	for _, u := range ups {
		n, size, err := uploadedParts(ctx, s, u)
		if err != nil {
			return fmt.Errorf("%s (upload %s): %w", u.key, u.id, err)
		}
		started := "-"
		if !u.started.IsZero() {
			started = u.started.Local().Format(time.DateTime)
		}
		sz := strconv.FormatInt(size, 10)
		if human {
			sz = humanSize(size)
		}
		fmt.Fprintf(w, "%19s  %s  %5d  %12s  %s\n", started, u.id, n, sz, u.key)
	}
	return nil
}

// abortUploads aborts the uploads of l (see uploadsHelp) started more
// than olderThan ago (all when olderThan is 0), or only names them with
// dryRun, and returns how many it selected. An upload whose start time the
// service does not give is kept when olderThan is set.
func (a *app) abortUploads(ctx context.Context, s types.Storager, l location, olderThan time.Duration, dryRun bool) (int, error) {
	ups, err := listUploads(ctx, s, l.Key)
	if err != nil {
		return 0, err
	}
	n := 0
	now := time.Now()
	for _, u := range ups {
		if olderThan > 0 && (u.started.IsZero() || now.Sub(u.started) <= olderThan) {
			continue
		}
		n++
		name := fmt.Sprintf("upload %s of %s%s/%s", u.id, scheme, l.Bucket, u.key)
		if dryRun {
			a.say(false, "would abort %s", name)
			continue
		}
		if err := s.DeleteWithContext(ctx, u.key, pairs.WithMultipartID(u.id)); err != nil {
			return n, fmt.Errorf("abort %s: %w", name, err)
		}
		a.say(false, "aborted %s", name)
	}
	return n, nil
}
