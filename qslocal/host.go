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
// A one-label prefix is a zone when it is in Z and a bucket otherwise; a
// two-label prefix whose last label is not in Z is refused (invalid_location).
// An IP address, plain "localhost" or any other host serves path-style
// requests directly in the default zone.
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
			if s.zones[labels[0]] {
				return hostInfo{zone: labels[0]}, nil
			}
			return hostInfo{global: true, bucket: labels[0]}, nil
		case 2:
			if s.zones[labels[1]] {
				return hostInfo{zone: labels[1], bucket: labels[0]}, nil
			}
		}
		return hostInfo{}, errf(400, "invalid_location", "Host %q names no known zone.", host)
	}
	return direct, nil
}
