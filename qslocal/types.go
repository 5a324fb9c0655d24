package qslocal

// JSON bodies the server reads and writes, written from the documented
// fields and examples independently of qsapi's structs. They are not
// shared with qsapi on purpose (one definition per side, not one
// implementation twice):
//
//   - A shared definition would make a wrong JSON name or type invisible:
//     client and server would agree on the mistake and every round trip
//     would pass. Kept apart, qslocal's answers are checked against the
//     documented shapes (wireformat_test.go) and qsapi's decoding against
//     hand-written answers (qsapi's wire tests), so each side is tested
//     against the docs, not against the other.
//   - The two sides need different Go types for the same field: the server
//     writes times as strings in QingStor's exact layout and always sends
//     empty lists as [], while qsapi decodes into time.Time and exposes its
//     structs as public API (with request ids and doc comments), whose
//     changes must not change what the server sends.

// bucketJSON is the swagger "bucket" definition.
type bucketJSON struct {
	Name     string `json:"name"`
	Location string `json:"location"`
	URL      string `json:"url"`
	Created  string `json:"created"`
}

type listBucketsJSON struct {
	Count   int          `json:"count"`
	Buckets []bucketJSON `json:"buckets"`
}

type locationJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
}

type listLocationsJSON struct {
	Locations []locationJSON `json:"locations"`
}

type ownerJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// keyJSON is the swagger "key" definition.
type keyJSON struct {
	Key          string `json:"key"`
	Size         int64  `json:"size"`
	ETag         string `json:"etag"`
	MimeType     string `json:"mime_type"`
	Created      string `json:"created"`
	Modified     int64  `json:"modified"`
	Encrypted    bool   `json:"encrypted"`
	StorageClass string `json:"storage_class"`
}

type listObjectsJSON struct {
	Name           string    `json:"name"`
	Owner          ownerJSON `json:"owner"`
	Prefix         string    `json:"prefix"`
	Delimiter      string    `json:"delimiter"`
	Limit          int       `json:"limit"`
	Marker         string    `json:"marker"`
	NextMarker     string    `json:"next_marker"`
	HasMore        bool      `json:"has_more"`
	Keys           []keyJSON `json:"keys"`
	CommonPrefixes []string  `json:"common_prefixes"`
}

type uploadJSON struct {
	Key      string `json:"key"`
	UploadID string `json:"upload_id"`
	Created  string `json:"created"`
}

type listUploadsJSON struct {
	Name               string       `json:"name"`
	Prefix             string       `json:"prefix"`
	Delimiter          string       `json:"delimiter"`
	Limit              int          `json:"limit"`
	Marker             string       `json:"marker"`
	KeyMarker          string       `json:"key_marker"`
	UploadIDMarker     string       `json:"upload_id_marker"`
	NextKeyMarker      string       `json:"next_key_marker"`
	NextUploadIDMarker string       `json:"next_upload_id_marker"`
	HasMore            bool         `json:"has_more"`
	Uploads            []uploadJSON `json:"uploads"`
	CommonPrefixes     []string     `json:"common_prefixes"`
}

type bucketStatsJSON struct {
	Count          int64                     `json:"count"`
	Size           int64                     `json:"size"`
	StorageClasses map[string]classStatsJSON `json:"storage_classes"`
	Location       string                    `json:"location"`
	Name           string                    `json:"name"`
	URL            string                    `json:"url"`
	Status         string                    `json:"status"`
	Created        string                    `json:"created"`
}

// classStatsJSON is one entry of storage_classes.
type classStatsJSON struct {
	Count       int64 `json:"count"`
	Size        int64 `json:"size"`
	BillingSize int64 `json:"billing_size"`
}

type deleteKeyJSON struct {
	Key string `json:"key"`
}

type deleteMultipleRequest struct {
	Objects []deleteKeyJSON `json:"objects"`
	Quiet   bool            `json:"quiet"`
}

type deleteErrorJSON struct {
	Key     string `json:"key"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type deleteMultipleJSON struct {
	Deleted []deleteKeyJSON   `json:"deleted,omitempty"`
	Errors  []deleteErrorJSON `json:"errors"`
}

type initiateJSON struct {
	Bucket   string `json:"bucket"`
	Key      string `json:"key"`
	UploadID string `json:"upload_id"`
}

// objectPartJSON is the swagger "object_part" definition.
type objectPartJSON struct {
	PartNumber int    `json:"part_number"`
	Size       int64  `json:"size"`
	ETag       string `json:"etag"`
	Created    string `json:"created"`
}

type listPartsJSON struct {
	Count       int              `json:"count"`
	ObjectParts []objectPartJSON `json:"object_parts"`
}

// completePartJSON is one entry of the Complete request; etag and size are
// optional (the SDK's upload client sends only part_number).
type completePartJSON struct {
	PartNumber *int   `json:"part_number"`
	ETag       string `json:"etag"`
	Size       *int64 `json:"size"`
}

type completeRequest struct {
	ObjectParts []completePartJSON `json:"object_parts"`
}
