package qslocal

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"syscall"
)

// apiError is a QingStor error reply: HTTP status, code and message.
type apiError struct {
	Status  int
	Code    string
	Message string
	// StringToSign is set on signature_not_matched errors: the string to
	// sign the server computed (SSE-C key values redacted, at most 8 KiB),
	// for diagnostics such as a request log. Never a secret or signature.
	StringToSign string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Frequently used errors.
var (
	errNoSuchBucket   = errf(http.StatusNotFound, "bucket_not_exists", "The bucket you are accessing does not exist.")
	errNoSuchObject   = errf(http.StatusNotFound, "object_not_exists", "The object you are accessing does not exist.")
	errNoSuchUpload   = errf(http.StatusNotFound, "upload_not_exists", "The multipart upload does not exist.")
	errInternal       = errf(http.StatusInternalServerError, "internal_error", "We encountered an internal error, please try again.")
	errAnonymous      = errf(http.StatusForbidden, "permission_denied", "Anonymous access is not allowed: sign the request.")
	errBucketExists   = errf(http.StatusConflict, "bucket_already_exists", "The bucket name is already taken.")
	errBucketNotEmpty = errf(http.StatusConflict, "bucket_not_empty", "The bucket still holds objects or unfinished multipart uploads.")
)

// errDiskFull answers a write that failed because the file system of the
// data directory is full (or over quota). Decision: QingStor documents no
// such error; qslocal answers 507 Insufficient Storage with its own code
// insufficient_storage, which clients do not retry (qsapi retries only
// 408, 429, 500 and 502-504): the same request would fail again until
// space is freed. Nothing of the request is stored, and reads keep working.
var errDiskFull = errf(http.StatusInsufficientStorage, "insufficient_storage",
	"The qslocal data directory's file system is full (no space left on device); nothing was stored. Free disk space, then retry.")

// isDiskFull reports whether err comes from a full file system or quota.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// errorDocURL is the help link QingStor puts in the url field of error bodies.
const errorDocURL = "https://docs.qingcloud.com/qingstor/api/error_code.html"

// errorBody is the JSON body of an error reply.
type errorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
	URL       string `json:"url"`
}

// writeError sends e. HEAD replies carry the status only,
// with Content-Length: 0 and no body, as QingStor does for HEAD.
func writeError(w http.ResponseWriter, r *http.Request, requestID string, e *apiError) {
	h := w.Header()
	for _, k := range []string{"ETag", "Last-Modified", "Content-Range", "Accept-Ranges"} {
		if k == "Content-Range" && e.Status == http.StatusRequestedRangeNotSatisfiable {
			continue // "bytes */<size>": the size a client needs to ask again
		}
		h.Del(k)
	}
	if r.Method == http.MethodHead {
		h.Del("Content-Type")
		h.Set("Content-Length", "0")
		w.WriteHeader(e.Status)
		return
	}
	body, _ := json.Marshal(errorBody{Code: e.Code, Message: e.Message, RequestID: requestID, URL: errorDocURL})
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	w.Write(body)
}

// writeJSON sends a success reply with a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"code":"internal_error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
