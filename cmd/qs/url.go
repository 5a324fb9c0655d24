package main

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
)

// scheme is the prefix of remote locations: qs://bucket/key.
const scheme = "qs://"

// location is one command-line argument: a remote qs://bucket/key, a
// local path, or "-" (standard input or output).
type location struct {
	// Remote is set for qs:// URLs.
	Remote bool
	// Bucket and Key are the parts of a remote URL; Key may be empty or end
	// with '/' (a "directory").
	Bucket, Key string
	// Path is the local path.
	Path string
	// Stdio is set for "-".
	Stdio bool
}

// errBadURL is wrapped by every URL parsing error (exit code 2).
var errBadURL = errors.New("bad location")

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{4,61}[a-z0-9]$`)

// parseLocation parses a qs:// URL, "-" or a local path. Remote URLs must
// name a valid bucket (6 to 63 of a-z, 0-9 and '-', alphanumeric at both
// ends); keys may not contain empty, "." or ".." segments, which QingStor
// cannot store unambiguously.
func parseLocation(arg string) (location, error) {
	if arg == "-" {
		return location{Stdio: true}, nil
	}
	if i := strings.Index(arg, "://"); i > 0 && !strings.HasPrefix(arg, scheme) {
		return location{}, fmt.Errorf("%w %q: only qs://bucket/key URLs and local paths are understood", errBadURL, arg)
	}
	if !strings.HasPrefix(arg, scheme) {
		if arg == "" {
			return location{}, fmt.Errorf("%w: empty path", errBadURL)
		}
		return location{Path: arg}, nil
	}
	rest := arg[len(scheme):]
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return location{}, fmt.Errorf("%w %q: no bucket name (write qs://bucket/key)", errBadURL, arg)
	}
	if !bucketRE.MatchString(bucket) || net.ParseIP(bucket) != nil {
		return location{}, fmt.Errorf("%w %q: %q is not a valid bucket name (6 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit)", errBadURL, arg, bucket)
	}
	if key != "" {
		for _, seg := range strings.Split(strings.TrimSuffix(key, "/"), "/") {
			if seg == "" || seg == "." || seg == ".." {
				return location{}, fmt.Errorf("%w %q: the key has an empty, \".\" or \"..\" path segment", errBadURL, arg)
			}
		}
	}
	return location{Remote: true, Bucket: bucket, Key: key}, nil
}

// String returns the location as the user would write it.
func (l location) String() string {
	switch {
	case l.Stdio:
		return "-"
	case l.Remote && l.Key == "":
		return scheme + l.Bucket
	case l.Remote:
		return scheme + l.Bucket + "/" + l.Key
	}
	return l.Path
}

// isDir reports whether a remote location names a "directory" (empty key
// or a key ending in '/').
func (l location) isDir() bool {
	return l.Remote && (l.Key == "" || strings.HasSuffix(l.Key, "/"))
}

// child returns the remote location of rel (a '/'-separated relative path)
// under l taken as a directory.
func (l location) child(rel string) location {
	k := l.Key
	if k != "" && !strings.HasSuffix(k, "/") {
		k += "/"
	}
	return location{Remote: true, Bucket: l.Bucket, Key: k + rel}
}

// baseName is the last segment of a key or path.
func baseName(key string) string {
	key = strings.TrimSuffix(key, "/")
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// mustRemote parses arg and requires a qs:// URL.
func mustRemote(arg string) (location, error) {
	l, err := parseLocation(arg)
	if err != nil {
		return l, err
	}
	if !l.Remote {
		return l, fmt.Errorf("%w %q: expected a qs://bucket/key URL", errBadURL, arg)
	}
	return l, nil
}
