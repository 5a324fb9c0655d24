package qslocal

import (
	"net"
	"strings"
)

// hostInfo is what the Host header says about a request.
type hostInfo struct {
	// zone is the zone named in the host, or the default zone for an IP,
	// localhost or unknown host.
	zone string
	// global is set for the zone-less global host (base domain itself, or
	// bucket.base): bucket requests there are redirected to the zone host.
	global bool
	// bucket is the bucket named in the host (virtual-host style), if any.
	bucket string
	// direct is set for IP, localhost and unrecognised hosts: path style
	// with the default zone, no redirects.
	direct bool
}

// parseHost interprets the Host header. Decision (the protocol leaves this
// open): with base domains B (the configured base, plus "localhost") and a
// zone list Z, a host is read as [bucket.][zone.]B after removing any port.
// "zone.B" names a zone, "bucket.zone.B" a bucket in a zone (virtual-host
// style), "B" the global host and "bucket.B" a bucket on the global host.
// A one-label prefix is a zone when it is one (isZone) and a bucket
// otherwise; a two-label prefix whose last label is not a zone is refused
// (invalid_location). An IP address, plain "localhost" or any other host
// serves path-style requests directly in the default zone.
func (s *Server) parseHost(host string) (hostInfo, *apiError) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	direct := hostInfo{zone: s.opts.Zone, direct: true}
	if host == "" || host == "localhost" || net.ParseIP(host) != nil {
		return direct, nil
	}
	for _, base := range s.bases {
		if host == base {
			return hostInfo{global: true}, nil
		}
		pre, ok := strings.CutSuffix(host, "."+base)
		if !ok {
			continue
		}
		labels := strings.Split(pre, ".")
		switch len(labels) {
		case 1:
			if s.isZone(labels[0]) {
				return hostInfo{zone: labels[0]}, nil
			}
			return hostInfo{global: true, bucket: labels[0]}, nil
		case 2:
			if s.isZone(labels[1]) {
				return hostInfo{zone: labels[1], bucket: labels[0]}, nil
			}
		}
		return hostInfo{}, errf(400, "invalid_location", "Host %q names no known zone.", host)
	}
	return direct, nil
}

// isZone reports whether a host label names a zone. Decision: qslocal
// serves every zone, so besides the configured ones any label shaped like a
// QingStor zone id is one: 2 to 5 lower-case letters and digits, starting
// with a letter and holding a digit (pek3b, sh1a, gd2, ap2a). Such a label
// cannot be a bucket name (those are 6 to 63 characters), so reading it as a
// zone takes nothing away from virtual-host style.
func (s *Server) isZone(label string) bool {
	if s.zones[label] {
		return true
	}
	if len(label) < 2 || len(label) > 5 || label[0] < 'a' || label[0] > 'z' {
		return false
	}
	digit := false
	for i := 1; i < len(label); i++ {
		c := label[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c < 'a' || c > 'z':
			return false
		}
	}
	return digit
}
