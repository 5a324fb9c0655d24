package qslocal

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/qsgo/qsgo/qsapi"
)

// TestBucketZoneFromHost: a bucket created on a zone's host (qsapi names the
// zone as <zone>.localhost on a local endpoint) lives in that zone, also a
// zone the server was not configured with; location discovery on the global
// host points at it; that zone's host serves it while another zone's host
// does not know it; a bucket created on a direct (IP) host without a zone is
// in the server's default zone.
func TestBucketZoneFromHost(t *testing.T) {
	ts := StartTest(t, func(o *Options) { o.Memory = true; o.BaseDomain = "qingstor.test" })
	ctx := context.Background()
	ip := clientFor(t, ts, "", false)
	if _, err := ip.WithZone("sh1a").PutBucket(ctx, "bkt-sh1a"); err != nil {
		t.Fatal(err)
	}
	if _, err := ip.WithZone("").PutBucket(ctx, "bkt-plain"); err != nil {
		t.Fatal(err)
	}
	lb, err := ip.ListBuckets(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string]string{}
	for _, b := range lb.Buckets {
		zones[b.Name] = b.Location
	}
	if zones["bkt-sh1a"] != "sh1a" || zones["bkt-plain"] != ts.Zone {
		t.Fatalf("bucket zones %v, want bkt-sh1a in sh1a and bkt-plain in %s", zones, ts.Zone)
	}
	if st, err := ip.GetBucketStatistics(ctx, "bkt-sh1a"); err != nil || st.Location != "sh1a" {
		t.Fatalf("stats location %+v %v", st, err)
	}

	// Location discovery: unsigned HEAD on the global host, 301 to the zone.
	c := newTC(t, ts)
	port := strconv.Itoa(ts.Port)
	res := read(t, c.send(c.newReq("HEAD", "/bkt-sh1a", "", nil, withHost("qingstor.test:"+port))))
	if res.status != 301 || res.header.Get("Location") != "http://sh1a.qingstor.test:"+port+"/bkt-sh1a" {
		t.Fatalf("discovery: %d Location %q", res.status, res.header.Get("Location"))
	}
	sh1a := clientFor(t, ts, "qingstor.test", false).WithZone("sh1a")
	if zone, err := sh1a.DetectLocation(ctx, "bkt-sh1a"); err != nil || zone != "sh1a" {
		t.Fatalf("DetectLocation %q %v", zone, err)
	}
	if _, err := sh1a.PutObject(ctx, "bkt-sh1a", "k", strings.NewReader("in sh1a"), &qsapi.PutObjectInput{ContentLength: 7}); err != nil {
		t.Fatal(err)
	}

	// Another zone's host: the bucket is not there, and its name is taken.
	other := sh1a.WithZone(ts.Zone)
	if _, err := other.HeadBucket(ctx, "bkt-sh1a"); !qsapi.IsNotFound(err) {
		t.Fatalf("HEAD on %s's host: %v, want not found", ts.Zone, err)
	}
	c.call("GET", "/bkt-sh1a/k", "", nil, withHost(ts.Zone+".qingstor.test")).want(t, 404, "bucket_not_exists")
	c.call("PUT", "/bkt-sh1a", "", nil, withHost(ts.Zone+".qingstor.test")).want(t, 409, "bucket_already_exists")
	// The direct host serves every zone's buckets.
	if got := c.get("bkt-sh1a", "k"); string(got) != "in sh1a" {
		t.Fatalf("direct GET %q", got)
	}
	// Move only within a zone; copy across zones works.
	c.put("bkt-plain", "p", []byte("plain"))
	c.call("PUT", "/bkt-sh1a/moved", "", nil, withHeader("X-QS-Move-Source", "/bkt-plain/p")).want(t, 400, "invalid_request")
	c.call("PUT", "/bkt-sh1a/copied", "", nil, withHeader("X-QS-Copy-Source", "/bkt-plain/p")).want(t, 201, "")
	c.call("HEAD", "/bkt-plain/p", "", nil).want(t, 200, "")
	var locs listLocationsJSON
	read(t, c.send(c.newReq("GET", "/", "location", nil))).want(t, 200, "").json(t, &locs)
	if len(locs.Locations) != 2 || locs.Locations[0].ID != ts.Zone || locs.Locations[1].ID != "sh1a" {
		t.Fatalf("locations %+v", locs)
	}
}
