package console

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/qsgo/qsgo/qslocal/store"
)

// newRegistry holds the request metrics of log and the stored-data gauges
// read from st at scrape time.
func newRegistry(log *RequestLog, st *store.Store) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	m := log.m
	reg.MustRegister(m.requests, m.in, m.out, m.latency, &storeCollector{st: st})
	return reg
}

var (
	descObjects = prometheus.NewDesc("qslocal_objects_stored", "Objects stored, over all buckets.", nil, nil)
	descBytes   = prometheus.NewDesc("qslocal_bytes_stored", "Bytes of object data stored, over all buckets.", nil, nil)
	descUploads = prometheus.NewDesc("qslocal_multipart_uploads_open", "Multipart uploads initiated and neither completed nor aborted.", nil, nil)
	descBuckets = prometheus.NewDesc("qslocal_buckets", "Buckets.", nil, nil)
)

// storeCollector counts what the store holds when scraped.
type storeCollector struct{ st *store.Store }

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descObjects
	ch <- descBytes
	ch <- descUploads
	ch <- descBuckets
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	buckets, err := c.st.ListBuckets()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descBuckets, err)
		return
	}
	var objects, bytes, uploads int64
	for _, b := range buckets {
		st, _, err := c.st.BucketStats(b.Name)
		if err != nil {
			continue // deleted since the listing
		}
		objects, bytes = objects+st.Count, bytes+st.Size
		uploads += c.openUploads(b.Name)
	}
	ch <- prometheus.MustNewConstMetric(descBuckets, prometheus.GaugeValue, float64(len(buckets)))
	ch <- prometheus.MustNewConstMetric(descObjects, prometheus.GaugeValue, float64(objects))
	ch <- prometheus.MustNewConstMetric(descBytes, prometheus.GaugeValue, float64(bytes))
	ch <- prometheus.MustNewConstMetric(descUploads, prometheus.GaugeValue, float64(uploads))
}

// openUploads counts a bucket's uploads page by page.
func (c *storeCollector) openUploads(bucket string) int64 {
	var n int64
	key, id := "", ""
	for {
		p, err := c.st.ListUploads(bucket, "", "", key, id, 1000)
		if err != nil {
			return n
		}
		n += int64(len(p.Uploads))
		if !p.HasMore || len(p.Uploads) == 0 {
			return n
		}
		key, id = p.NextKeyMarker, p.NextUploadIDMarker
	}
}
