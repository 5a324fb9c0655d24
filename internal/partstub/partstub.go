// Package partstub serves List Multipart (list parts) answers the three ways
// servers have been seen to read part_number_marker, for client tests: as
// documented (parts after the marker), inclusive (parts from the marker) and
// as an offset into the list of parts.
package partstub

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// Marker readings.
const (
	Exclusive = "exclusive"
	Inclusive = "inclusive"
	Offset    = "offset"
)

// Modes lists every reading.
var Modes = []string{Exclusive, Inclusive, Offset}

// Server answers every GET with a page of Parts (part numbers in increasing
// order, each part 1 byte, etag "e<number>") read the Mode way; limit
// defaults to and is capped at PageCap. Count is the total number of parts.
type Server struct {
	Mode     string
	Parts    []int
	PageCap  int
	Requests atomic.Int64
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 || limit > s.PageCap {
		limit = s.PageCap
	}
	marker, err := strconv.Atoi(q.Get("part_number_marker"))
	has := q.Has("part_number_marker") && err == nil
	var page []string
	for i, n := range s.Parts {
		var in bool
		switch s.Mode {
		case Exclusive:
			in = !has || n > marker
		case Inclusive:
			in = !has || n >= marker
		case Offset:
			in = !has || i >= marker
		}
		if in && len(page) < limit {
			page = append(page, fmt.Sprintf(`{"part_number":%d,"size":1,"etag":"e%d","created":"2024-01-02T03:04:05.000Z"}`, n, n))
		}
	}
	body := fmt.Sprintf(`{"count":%d,"object_parts":[%s]}`, len(s.Parts), strings.Join(page, ","))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write([]byte(body))
}
