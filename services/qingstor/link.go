package qingstor

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// linkTargetMeta is the user metadata name holding a link's target (the
// go-service-qingstor convention, header x-qs-meta-bs-link-target).
const linkTargetMeta = "bs-link-target"

// createLink stores a link at path: an empty object whose metadata holds
// the absolute target (relative targets are joined to the work dir). It
// needs the virtual_link feature. The target is percent-encoded, because
// QingStor metadata values must be printable ASCII, and decoded by Stat, so
// any UTF-8 target round-trips.
func (s *Storage) createLink(ctx context.Context, p string, target string, _ pairStorageCreateLink) (*types.Object, error) {
	if !s.features.VirtualLink {
		return nil, fmt.Errorf("%w: links need the virtual_link feature (enable_virtual_link)", services.ErrCapabilityInsufficient)
	}
	k, err := s.fileKey(p)
	if err != nil {
		return nil, err
	}
	target = strings.ReplaceAll(target, `\`, "/")
	abs := path.Join(s.workDir, target)
	if strings.HasPrefix(target, "/") {
		abs = path.Clean(target)
	}
	_, err = s.client.PutObject(ctx, s.name, k, nil, &qsapi.PutObjectInput{
		Metadata: map[string]string{linkTargetMeta: encodeLinkTarget(abs)},
	})
	if err != nil {
		return nil, err
	}
	o := s.newObject(p, k, types.ModeRead|types.ModeLink, true)
	o.SetLinkTarget(abs)
	o.SetContentLength(0)
	return o, nil
}

// encodeLinkTarget percent-encodes every byte that is not an unreserved URL
// character or "/", so the value is printable ASCII without spaces.
func encodeLinkTarget(t string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// decodeLinkTarget reverses encodeLinkTarget; a value that is not valid
// percent-encoding (written by another tool) is returned as it is.
func decodeLinkTarget(v string) string {
	t, err := url.PathUnescape(v)
	if err != nil {
		return v
	}
	return t
}
