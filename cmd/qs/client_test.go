package main

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("http://h/b/k?access_key_id=AK&expires=1&signature=SECRET")
	if s := redactURL(u); strings.Contains(s, "SECRET") || !strings.Contains(s, "signature=REDACTED") {
		t.Errorf("redactURL: %s", s)
	}
}
