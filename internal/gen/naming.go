package main

import (
	"strings"
	"unicode"
)

// initialisms are words written in capitals in Go names (Go naming conventions).
var initialisms = map[string]string{
	"id": "ID", "http": "HTTP", "uri": "URI", "url": "URL", "api": "API", "ip": "IP",
}

// pascal turns a snake_case or kebab-case name into PascalCase, honouring
// initialisms: "multipart_id" -> "MultipartID", "query_sign_http_read" ->
// "QuerySignHTTPRead", "content_md5" -> "ContentMd5".
func pascal(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' }) {
		if up, ok := initialisms[w]; ok {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// camel is pascal with a lower-case first word: "content_length" -> "contentLength".
func camel(name string) string {
	p := pascal(name)
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' })
	if len(words) == 0 {
		return p
	}
	first := pascal(words[0])
	return strings.ToLower(first) + p[len(first):]
}

// isSnake reports whether s is a non-empty lower snake_case identifier.
func isSnake(s string) bool {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
