package main

// This file is the single definition of the go-storage v4 surface that must not
// drift: global pairs, Object and StorageMeta optional fields, and every
// operation of every interface. The types and pairs packages and every
// service's generated.go are produced from it.

// param is one parameter or result of an operation. Type is spelled as seen from
// a file that dot-imports package types (Object, Pair, ...).
type param struct {
	Name string
	Type string
}

// operation is one go-storage operation, named in snake_case.
type operation struct {
	Name    string
	Doc     string
	Params  []param
	Results []param // without the trailing err
	// Local operations do no I/O: no context twin and no error result.
	Local bool
	// ObjectMode is the mode the *Object parameter must have ("" for none).
	ObjectMode string
}

// iface is one go-storage interface.
type iface struct {
	Name string
	Doc  string
	// Namespace is "service" or "storage": the receiver kind implementing it.
	Namespace string
	// HasString reports whether the interface itself declares String().
	HasString bool
	Ops       []operation
}

var (
	pPath   = param{"path", "string"}
	pObject = param{"o", "*Object"}
	pReader = param{"r", "io.Reader"}
	pSize   = param{"size", "int64"}
	pExpire = param{"expire", "time.Duration"}
	pParts  = param{"parts", "[]*Part"}
	pIndex  = param{"index", "int"}
	pName   = param{"name", "string"}
	rObject = param{"o", "*Object"}
	rN      = param{"n", "int64"}
	rReq    = param{"req", "*http.Request"}
	rStore  = param{"store", "Storager"}
)

// pathParams are the string parameters that are object paths: backslashes in
// them are rewritten to slashes (GSP-749).
var pathParams = map[string]bool{"path": true, "src": true, "dst": true, "target": true}

// interfaces lists every operation interface in the order they are emitted.
var interfaces = []iface{
	{
		Name: "Servicer", Namespace: "service", HasString: true,
		Doc: "Servicer manages storages (buckets) of a service.",
		Ops: []operation{
			{Name: "create", Doc: "will create a new storager with the given name.", Params: []param{pName}, Results: []param{rStore}},
			{Name: "delete", Doc: "will delete the storager with the given name.", Params: []param{pName}},
			{Name: "get", Doc: "will return a storager bound to the given name without creating it.", Params: []param{pName}, Results: []param{rStore}},
			{Name: "list", Doc: "will list the storagers of the service.", Results: []param{{"sti", "*StoragerIterator"}}},
		},
	},
	{
		Name: "Storager", Namespace: "storage", HasString: true,
		Doc: "Storager is the minimal object storage: create, read, write, stat, delete and list objects.",
		Ops: []operation{
			{Name: "create", Doc: "will create a new object bound to this storager without any I/O.", Params: []param{pPath}, Results: []param{rObject}, Local: true},
			{Name: "delete", Doc: "will delete the object at path; deleting a missing object succeeds.", Params: []param{pPath}},
			{Name: "list", Doc: "will return an iterator over the objects under path.", Params: []param{pPath}, Results: []param{{"oi", "*ObjectIterator"}}},
			{Name: "metadata", Doc: "will return the metadata of this storager without any I/O.", Results: []param{{"meta", "*StorageMeta"}}, Local: true},
			{Name: "read", Doc: "will copy the content of the object at path into w and return the number of bytes copied.", Params: []param{pPath, {"w", "io.Writer"}}, Results: []param{rN}},
			{Name: "stat", Doc: "will return the metadata of the object at path.", Params: []param{pPath}, Results: []param{rObject}},
			{Name: "write", Doc: "will store exactly size bytes read from r at path and return the number of bytes written.", Params: []param{pPath, pReader, pSize}, Results: []param{rN}},
		},
	},
	{
		Name: "Appender", Namespace: "storage",
		Doc: "Appender is implemented by storages supporting appendable objects.",
		Ops: []operation{
			{Name: "commit_append", Doc: "will finish the append session of o.", Params: []param{pObject}, ObjectMode: "append"},
			{Name: "create_append", Doc: "will create (or truncate) an appendable object at path.", Params: []param{pPath}, Results: []param{rObject}},
			{Name: "write_append", Doc: "will append size bytes read from r to o and advance its append offset.", Params: []param{pObject, pReader, pSize}, Results: []param{rN}, ObjectMode: "append"},
		},
	},
	{
		Name: "Blocker", Namespace: "storage",
		Doc: "Blocker is implemented by storages supporting block objects.",
		Ops: []operation{
			{Name: "combine_block", Doc: "will combine the blocks bids into the content of o.", Params: []param{pObject, {"bids", "[]string"}}, ObjectMode: "block"},
			{Name: "create_block", Doc: "will create a block object at path.", Params: []param{pPath}, Results: []param{rObject}},
			{Name: "list_block", Doc: "will return an iterator over the blocks of o.", Params: []param{pObject}, Results: []param{{"bi", "*BlockIterator"}}, ObjectMode: "block"},
			{Name: "write_block", Doc: "will write size bytes read from r as block bid of o.", Params: []param{pObject, pReader, pSize, {"bid", "string"}}, Results: []param{rN}, ObjectMode: "block"},
		},
	},
	{
		Name: "Copier", Namespace: "storage",
		Doc: "Copier is implemented by storages that copy objects server side.",
		Ops: []operation{
			{Name: "copy", Doc: "will copy the object at src to dst, overwriting dst.", Params: []param{{"src", "string"}, {"dst", "string"}}},
		},
	},
	{
		Name: "Direr", Namespace: "storage",
		Doc: "Direr is implemented by storages that have (or simulate) directories.",
		Ops: []operation{
			{Name: "create_dir", Doc: "will create a directory object at path.", Params: []param{pPath}, Results: []param{rObject}},
		},
	},
	{
		Name: "Fetcher", Namespace: "storage",
		Doc: "Fetcher is implemented by storages that download a URL into an object server side.",
		Ops: []operation{
			{Name: "fetch", Doc: "will store the content found at url into path.", Params: []param{pPath, {"url", "string"}}},
		},
	},
	{
		Name: "Linker", Namespace: "storage",
		Doc: "Linker is implemented by storages supporting symlink objects.",
		Ops: []operation{
			{Name: "create_link", Doc: "will create a link object at path pointing to target.", Params: []param{pPath, {"target", "string"}}, Results: []param{rObject}},
		},
	},
	{
		Name: "Mover", Namespace: "storage",
		Doc: "Mover is implemented by storages that move objects server side.",
		Ops: []operation{
			{Name: "move", Doc: "will move the object at src to dst, overwriting dst.", Params: []param{{"src", "string"}, {"dst", "string"}}},
		},
	},
	{
		Name: "Multiparter", Namespace: "storage",
		Doc: "Multiparter is implemented by storages supporting multipart uploads.",
		Ops: []operation{
			{Name: "complete_multipart", Doc: "will assemble parts into the object of the upload o.", Params: []param{pObject, pParts}, ObjectMode: "part"},
			{Name: "create_multipart", Doc: "will start a multipart upload at path.", Params: []param{pPath}, Results: []param{rObject}},
			{Name: "list_multipart", Doc: "will return an iterator over the uploaded parts of o.", Params: []param{pObject}, Results: []param{{"pi", "*PartIterator"}}, ObjectMode: "part"},
			{Name: "write_multipart", Doc: "will upload size bytes read from r as part index of o.", Params: []param{pObject, pReader, pSize, pIndex}, Results: []param{rN, {"part", "*Part"}}, ObjectMode: "part"},
		},
	},
	{
		Name: "Pager", Namespace: "storage",
		Doc: "Pager is implemented by storages supporting random-write (page) objects.",
		Ops: []operation{
			{Name: "create_page", Doc: "will create a page object at path.", Params: []param{pPath}, Results: []param{rObject}},
			{Name: "write_page", Doc: "will write size bytes read from r at offset of o.", Params: []param{pObject, pReader, pSize, {"offset", "int64"}}, Results: []param{rN}, ObjectMode: "page"},
		},
	},
	{
		Name: "Reacher", Namespace: "storage",
		Doc: "Reacher is implemented by storages that give public URLs.\n//\n// Deprecated: use StorageHTTPSigner.QuerySignHTTPRead instead.",
		Ops: []operation{
			{Name: "reach", Doc: "will return a URL to read the object at path (requires the expire pair).", Params: []param{pPath}, Results: []param{{"url", "string"}}},
		},
	},
	{
		Name: "StorageHTTPSigner", Namespace: "storage",
		Doc: "StorageHTTPSigner is implemented by storages that presign object requests.",
		Ops: []operation{
			{Name: "query_sign_http_delete", Doc: "will return a presigned DELETE request for path valid for expire.", Params: []param{pPath, pExpire}, Results: []param{rReq}},
			{Name: "query_sign_http_read", Doc: "will return a presigned GET request for path valid for expire.", Params: []param{pPath, pExpire}, Results: []param{rReq}},
			{Name: "query_sign_http_write", Doc: "will return a presigned PUT request of size bytes for path valid for expire; the caller sets its Body.", Params: []param{pPath, pSize, pExpire}, Results: []param{rReq}},
		},
	},
	{
		Name: "MultipartHTTPSigner", Namespace: "storage",
		Doc: "MultipartHTTPSigner is implemented by storages that presign multipart requests.",
		Ops: []operation{
			{Name: "query_sign_http_complete_multipart", Doc: "will return a presigned request completing the upload o with parts.", Params: []param{pObject, pParts, pExpire}, Results: []param{rReq}, ObjectMode: "part"},
			{Name: "query_sign_http_create_multipart", Doc: "will return a presigned request starting a multipart upload at path.", Params: []param{pPath, pExpire}, Results: []param{rReq}},
			{Name: "query_sign_http_list_multipart", Doc: "will return a presigned request listing the parts of the upload o.", Params: []param{pObject, pExpire}, Results: []param{rReq}, ObjectMode: "part"},
			{Name: "query_sign_http_write_multipart", Doc: "will return a presigned request uploading size bytes as part index of o.", Params: []param{pObject, pSize, pIndex, pExpire}, Results: []param{rReq}, ObjectMode: "part"},
		},
	},
}

// pairDef is one pair: its key, the Go type of its value and its meaning.
type pairDef struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Defaultable bool   `json:"defaultable"`
}

// globalPairs are the pairs of package pairs, sorted by name.
var globalPairs = []pairDef{
	{Name: "content_md5", Type: "string", Description: "is the base64 MD5 digest of the content"},
	{Name: "content_type", Type: "string", Description: "is the media type of the content", Defaultable: true},
	{Name: "context", Type: "context.Context", Description: "is the context of the operation"},
	{Name: "continuation_token", Type: "string", Description: "is the token to continue a listing from"},
	{Name: "credential", Type: "string", Description: "is the credential of the service, e.g. hmac:<access_key>:<secret_key> (see pkg/credential)"},
	{Name: "endpoint", Type: "string", Description: "is the endpoint of the service, e.g. https:host:443 (see pkg/endpoint)"},
	{Name: "expire", Type: "time.Duration", Description: "is how long a URL or a signature stays valid (deprecated: use the expire parameters)"},
	{Name: "http_client_options", Type: "*httpclient.Options", Description: "are the options of the HTTP client"},
	{Name: "interceptor", Type: "Interceptor", Description: "is called around operations"},
	{Name: "io_callback", Type: "func([]byte)", Description: "is called with every chunk of bytes moved by a read or a write", Defaultable: true},
	{Name: "list_mode", Type: "ListMode", Description: "selects how List walks the storage"},
	{Name: "location", Type: "string", Description: "is the location (region or zone) of the service"},
	{Name: "multipart_id", Type: "string", Description: "is the id of a multipart upload"},
	{Name: "name", Type: "string", Description: "is the name of the storage (bucket)"},
	{Name: "object_mode", Type: "ObjectMode", Description: "is the expected mode of the object"},
	{Name: "offset", Type: "int64", Description: "is the offset where a read starts"},
	{Name: "size", Type: "int64", Description: "is the maximum number of bytes to read"},
	{Name: "work_dir", Type: "string", Description: "is the absolute working directory of the storage, / by default"},
}

// infoField is one optional field of Object or StorageMeta.
type infoField struct {
	Name string // kebab-case
	Type string
	Doc  string
}

// objectFields are the optional fields of Object, in declaration order.
var objectFields = []infoField{
	{"append-offset", "int64", "is the offset where the next WriteAppend writes"},
	{"content-length", "int64", "is the size of the content in bytes"},
	{"content-md5", "string", "is the MD5 digest of the content"},
	{"content-type", "string", "is the media type of the content"},
	{"etag", "string", "is the entity tag of the content"},
	{"last-modified", "time.Time", "is the time of the last change"},
	{"link-target", "string", "is the absolute target of a link object"},
	{"multipart-id", "string", "is the id of the multipart upload of a part object"},
	{"system-metadata", "interface{}", "is the service-defined system metadata (see the service's GetObjectSystemMetadata)"},
	{"user-metadata", "map[string]string", "is the user-defined metadata"},
}

// storageMetaFields are the optional fields of StorageMeta, in declaration order.
var storageMetaFields = []infoField{
	{"append-number-maximum", "int", "is the maximum number of appends to one object"},
	{"append-size-maximum", "int64", "is the maximum size of one WriteAppend"},
	{"append-total-size-maximum", "int64", "is the maximum total size of an appendable object"},
	{"copy-size-maximum", "int64", "is the maximum size of an object Copy accepts"},
	{"fetch-size-maximum", "int64", "is the maximum size of an object Fetch accepts"},
	{"location", "string", "is the location (region or zone) of the storage"},
	{"move-size-maximum", "int64", "is the maximum size of an object Move accepts"},
	{"multipart-number-maximum", "int", "is the maximum number of parts of a multipart upload"},
	{"multipart-size-maximum", "int64", "is the maximum size of one part"},
	{"multipart-size-minimum", "int64", "is the minimum size of one part (but the last)"},
	{"system-metadata", "interface{}", "is the service-defined system metadata (see the service's GetStorageSystemMetadata)"},
	{"write-size-maximum", "int64", "is the maximum size of an object Write accepts"},
}

// objectModes maps the mode names used in definitions to the types constants.
var objectModes = map[string]string{
	"dir": "ModeDir", "read": "ModeRead", "link": "ModeLink", "part": "ModePart",
	"block": "ModeBlock", "page": "ModePage", "append": "ModeAppend",
}

// knownFeatures documents the features services commonly declare.
var knownFeatures = map[string]string{
	"loose_pair":   "makes operations ignore pairs they do not support instead of failing with services.PairUnsupportedError",
	"virtual_dir":  "simulates directories with marker objects",
	"virtual_link": "simulates symlinks with metadata",
}
