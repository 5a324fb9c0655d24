package main

import (
	"mime"
	"path"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// objectFlags set what an upload stores with the object besides its bytes.
type objectFlags struct {
	contentType        string
	noGuess            bool
	cacheControl       string
	contentDisposition string
	storageClass       string
	metadata           []string // k=v, as given
}

// objectHelp is the part of an uploading command's help about object
// headers.
const objectHelp = `Uploads store a Content-Type guessed from the file name's extension (a table
built into qs, then the system's MIME files; no match: the server's default,
application/octet-stream); --content-type sets one for every upload,
--no-guess-mime-type turns guessing off (as rclone). --cache-control,
--content-disposition, --storage-class (STANDARD or STANDARD_IA) and
--metadata k=v (repeatable; names of letters, digits and '-') are stored with
every uploaded object. Server-side copies keep the source's headers.`

func (f *objectFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.contentType, "content-type", "", "Content-Type of every upload (default: guessed from the extension)")
	fs.BoolVar(&f.noGuess, "no-guess-mime-type", false, "do not guess Content-Type from the extension")
	fs.StringVar(&f.cacheControl, "cache-control", "", "Cache-Control header stored with uploads, e.g. max-age=3600")
	fs.StringVar(&f.contentDisposition, "content-disposition", "", "Content-Disposition header stored with uploads")
	fs.StringVar(&f.storageClass, "storage-class", "", "storage class of uploads: STANDARD or STANDARD_IA")
	fs.StringArrayVar(&f.metadata, "metadata", nil, "user metadata k=v stored with uploads (repeatable)")
}

// metaNameRE is what QingStor accepts as a user metadata name.
var metaNameRE = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// objectMeta is objectFlags checked and parsed.
type objectMeta struct {
	objectFlags
	meta map[string]string
}

// parse checks the flags and returns them ready for objectPairs.
func (f *objectFlags) parse() (*objectMeta, error) {
	m := &objectMeta{objectFlags: *f}
	switch strings.ToUpper(f.storageClass) {
	case "", "STANDARD", "STANDARD_IA":
		m.storageClass = strings.ToUpper(f.storageClass)
	default:
		return nil, usagef("--storage-class %q: use STANDARD or STANDARD_IA", f.storageClass)
	}
	for _, kv := range f.metadata {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !metaNameRE.MatchString(k) {
			return nil, usagef("--metadata %q: give name=value, the name of letters, digits and '-'", kv)
		}
		if m.meta == nil {
			m.meta = map[string]string{}
		}
		m.meta[strings.ToLower(k)] = v
	}
	for _, h := range []struct{ flag, v string }{{"content-type", f.contentType}, {"cache-control", f.cacheControl}, {"content-disposition", f.contentDisposition}} {
		if strings.ContainsAny(h.v, "\r\n") {
			return nil, usagef("--%s: a header value cannot hold a line break", h.flag)
		}
	}
	return m, nil
}

// pairs returns the pairs that store m with an upload to key: the content
// type on any service, the rest on QingStor only (other services have no
// place for them).
func (m *objectMeta) pairs(s types.Storager, key string) []types.Pair {
	if m == nil {
		return nil
	}
	var ps []types.Pair
	ct := m.contentType
	if ct == "" && !m.noGuess {
		ct = guessContentType(key)
	}
	if ct != "" {
		ps = append(ps, pairs.WithContentType(ct))
	}
	if _, ok := s.(*qingstor.Storage); !ok {
		return ps
	}
	if m.cacheControl != "" {
		ps = append(ps, qingstor.WithCacheControl(m.cacheControl))
	}
	if m.contentDisposition != "" {
		ps = append(ps, qingstor.WithContentDisposition(m.contentDisposition))
	}
	if m.storageClass != "" {
		ps = append(ps, qingstor.WithStorageClass(m.storageClass))
	}
	if m.meta != nil {
		ps = append(ps, qingstor.WithUserMetadata(m.meta))
	}
	return ps
}

// guessContentType returns the media type of name by its extension: qs's
// own table first (the same on every machine), then the system's MIME
// files; "" when unknown.
func guessContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ext == "" {
		return ""
	}
	if t, ok := mimeTypes[ext]; ok {
		return t
	}
	return mime.TypeByExtension(ext)
}

// charsetUTF8 marks the text types served with a charset.
const charsetUTF8 = "; charset=utf-8"

// mimeTypes maps extensions to media types: what static sites, documents,
// archives and media commonly use.
var mimeTypes = map[string]string{
	// Web.
	".html": "text/html" + charsetUTF8, ".htm": "text/html" + charsetUTF8, ".css": "text/css" + charsetUTF8,
	".js": "text/javascript" + charsetUTF8, ".mjs": "text/javascript" + charsetUTF8, ".json": "application/json",
	".map": "application/json", ".webmanifest": "application/manifest+json", ".xml": "application/xml",
	".rss": "application/rss+xml", ".atom": "application/atom+xml", ".wasm": "application/wasm",
	".txt": "text/plain" + charsetUTF8, ".md": "text/markdown" + charsetUTF8, ".csv": "text/csv" + charsetUTF8,
	".tsv": "text/tab-separated-values" + charsetUTF8, ".ics": "text/calendar" + charsetUTF8,
	".yaml": "application/yaml", ".yml": "application/yaml", ".toml": "application/toml",
	// Images.
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".avif": "image/avif", ".svg": "image/svg+xml", ".ico": "image/vnd.microsoft.icon",
	".bmp": "image/bmp", ".tif": "image/tiff", ".tiff": "image/tiff", ".heic": "image/heic",
	// Fonts.
	".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
	".eot": "application/vnd.ms-fontobject",
	// Audio and video.
	".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".oga": "audio/ogg",
	".flac": "audio/flac", ".m4a": "audio/mp4", ".aac": "audio/aac", ".opus": "audio/opus",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg",
	".mov": "video/quicktime", ".avi": "video/x-msvideo", ".mkv": "video/x-matroska",
	".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t",
	// Documents.
	".pdf": "application/pdf", ".rtf": "application/rtf", ".epub": "application/epub+zip",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
	// Archives and binaries.
	".zip": "application/zip", ".gz": "application/gzip", ".tgz": "application/gzip",
	".tar": "application/x-tar", ".bz2": "application/x-bzip2", ".xz": "application/x-xz",
	".zst": "application/zstd", ".7z": "application/x-7z-compressed", ".rar": "application/vnd.rar",
	".jar": "application/java-archive", ".apk": "application/vnd.android.package-archive",
	".iso": "application/x-iso9660-image", ".deb": "application/vnd.debian.binary-package",
	".rpm": "application/x-rpm",
}
