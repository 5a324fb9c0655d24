package console

import (
	"net/http"
	"net/url"
	"time"

	"github.com/qsgo/qsgo/qsapi"
)

// bucketRow is one line of the buckets page.
type bucketRow struct {
	Name, Zone   string
	Created      time.Time
	Count, Bytes int64
	StatsError   string
}

// maxBucketsShown bounds the buckets page (one stats call per bucket).
const maxBucketsShown = 1000

func (c *Console) bucketsPage(w http.ResponseWriter, r *http.Request, s *session) {
	p := pageFor(s, "Buckets")
	p.Notice, p.Error = r.URL.Query().Get("notice"), r.URL.Query().Get("error")
	var rows []bucketRow
	for out, err := range s.client.BucketPages(r.Context(), qsapi.ListBucketsInput{}) {
		if err != nil {
			p.Error = "Listing buckets failed: " + apiMessage(err)
			break
		}
		for _, b := range out.Buckets {
			row := bucketRow{Name: b.Name, Zone: b.Location, Created: b.Created}
			if st, err := s.client.WithZone(b.Location).GetBucketStatistics(r.Context(), b.Name); err != nil {
				row.StatsError = apiMessage(err)
			} else {
				row.Count, row.Bytes = st.Count, st.Size
			}
			rows = append(rows, row)
		}
		if len(rows) >= maxBucketsShown {
			break
		}
	}
	p.Data = rows
	c.render(w, http.StatusOK, "buckets", p)
}

// back redirects to path with a notice or an error message for the user.
func back(w http.ResponseWriter, r *http.Request, path string, q url.Values, notice string, err error) {
	if q == nil {
		q = url.Values{}
	}
	if err != nil {
		q.Set("error", apiMessage(err))
	} else if notice != "" {
		q.Set("notice", notice)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

func (c *Console) createBucket(w http.ResponseWriter, r *http.Request, s *session) {
	name := r.PostFormValue("name")
	_, err := s.client.PutBucket(r.Context(), name)
	back(w, r, "/", nil, "Bucket "+name+" created.", err)
}

// deleteBucket deletes an empty bucket; the API refuses one that still
// holds objects or uploads (bucket_not_empty), and that refusal is shown.
func (c *Console) deleteBucket(w http.ResponseWriter, r *http.Request, s *session) {
	name := r.PostFormValue("name")
	_, err := s.client.DeleteBucket(r.Context(), name)
	back(w, r, "/", nil, "Bucket "+name+" deleted.", err)
}
