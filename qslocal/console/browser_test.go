package console

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/qsapi/sign"
)

// The browser tests drive a real headless Chromium (Debian package
// "chromium"; .ci/run installs it). Without one they skip. With
// QSGO_CONSOLE_SCREENSHOT=path the walk-through also writes a screenshot of
// the object browser there (the README's docs/console.png). With
// QSGO_BROWSER_REQUIRE set (.ci/run sets it) a missing browser fails them.

// chromiumPath finds the browser, or "".
func chromiumPath() string {
	if p := os.Getenv("QSGO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium for the test, with a fresh profile and
// none of the background traffic a closed network would make slow, and
// returns its context (all actions together must finish within 90 seconds, a
// bound for loaded machines: the walk-through takes about 20) and a
// screenshot helper. On failure the screenshots and one of the last page are
// written to a directory named in the test's log.
func browser(t *testing.T) (context.Context, func(name string)) {
	t.Helper()
	path := chromiumPath()
	if path == "" && os.Getenv("QSGO_BROWSER_REQUIRE") != "" {
		t.Fatal("QSGO_BROWSER_REQUIRE is set but no Chromium was found (Debian package chromium, or set QSGO_CHROMIUM)")
	}
	if path == "" {
		t.Skip("browser test skipped: no Chromium found (install the Debian package chromium, or set QSGO_CHROMIUM); .ci/run installs it")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 800),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("password-store", "basic")}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil { // starts the browser: no timeout on this first call
		t.Fatalf("start %s: %v", path, err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	// Accept every confirm() of the pages (delete buttons ask first).
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	// snap keeps screenshots in memory; they are written out when the test
	// fails (or QSGO_CONSOLE_SHOTS names a directory), with the last page.
	shots := map[string][]byte{}
	snap := func(name string) {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			shots[name] = png
		}
	}
	t.Cleanup(func() {
		dir := os.Getenv("QSGO_CONSOLE_SHOTS")
		if t.Failed() {
			snap("failure")
			if dir == "" {
				dir = filepath.Join(os.TempDir(), "qslocal-console-"+t.Name())
			}
		}
		if dir == "" {
			return
		}
		os.MkdirAll(dir, 0o755)
		for name, png := range shots {
			os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
		t.Logf("screenshots in %s", dir)
	})
	return ctx, snap
}

// run runs browser actions, failing the test with what was being done.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// TestBrowserWalkThrough: log in (a wrong secret first), create a bucket,
// upload a file with the file input and a larger one (multipart) the same
// way, see them listed, open its detail, follow
// the presigned link, delete it, find a bad-signature request in the log,
// check a state change without the CSRF token is refused, and log out.
func TestBrowserWalkThrough(t *testing.T) {
	ctx, snap := browser(t)
	e := newEnv(t)
	u := e.web.URL
	file := filepath.Join(t.TempDir(), "hello.txt")
	os.WriteFile(file, []byte("hello from the browser test\n"), 0o644)

	run(t, ctx, "wrong secret", chromedp.Navigate(u+"/login"),
		chromedp.SendKeys(chromedp.ID("access_key_id"), e.ts.AccessKeyID),
		chromedp.SendKeys(chromedp.ID("secret_access_key"), "wrong"),
		chromedp.Click(chromedp.ID("login")), chromedp.WaitVisible(chromedp.CSS(".msg.error")))
	if text := get(t, ctx, "error text", chromedp.Text(chromedp.CSS(".msg.error"))); !strings.Contains(text, "Login refused") {
		t.Fatalf("wrong secret: %q", text)
	}
	// Keyboard only: the key id field has the focus, Tab moves to the
	// secret, Enter submits.
	get(t, ctx, "autofocus", chromedp.Poll[bool](`document.activeElement && document.activeElement.id === "access_key_id"`))
	run(t, ctx, "log in by keyboard", chromedp.KeyEvent(e.ts.AccessKeyID+kb.Tab+e.ts.SecretAccessKey+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("create-bucket")))
	run(t, ctx, "create a bucket", chromedp.SendKeys(chromedp.ID("bucket-name"), "bkt-browser"),
		chromedp.Click(chromedp.ID("create-bucket")), chromedp.WaitVisible(chromedp.CSS(`a[href="/b/bkt-browser"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/b/bkt-browser"]`)), chromedp.WaitVisible(chromedp.ID("file")))
	listed := `//table[@id="objects"]//a[text()="hello.txt"]`
	run(t, ctx, "upload with the file input", chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(chromedp.ID("upload-button")), chromedp.WaitVisible(listed))
	big := filepath.Join(t.TempDir(), "big.bin")
	os.WriteFile(big, bytes.Repeat([]byte("0123456789abcdef"), (MultipartThreshold+PartSize/2)/16), 0o644)
	run(t, ctx, "multipart upload", chromedp.SetUploadFiles(chromedp.ID("file"), []string{big}),
		chromedp.Click(chromedp.ID("upload-button")), chromedp.WaitVisible(`//table[@id="objects"]//a[text()="big.bin"]`))
	if o, err := e.ts.Server.Store().GetObject("bkt-browser", "big.bin"); err != nil || o.Size != MultipartThreshold+PartSize/2 || len(o.Segments) != 3 {
		t.Fatalf("big.bin: %+v %v", o, err)
	}
	narrow(t, ctx, snap, "objects")
	left, err := e.api.InitiateMultipartUpload(context.Background(), "bkt-browser", "unfinished.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "uploads page", chromedp.Click(chromedp.CSS(`a[href="/b/bkt-browser/uploads"]`)),
		chromedp.WaitVisible(`//td/code[text()="`+left.UploadID+`"]`))
	snap("uploads")
	run(t, ctx, "abort", chromedp.Click(chromedp.CSS("button.danger")), chromedp.WaitVisible(chromedp.CSS(".msg.notice")))
	snap("buckets-after-abort")
	run(t, ctx, "back to the bucket", chromedp.Navigate(u+"/b/bkt-browser"), chromedp.WaitVisible(chromedp.ID("objects")))
	if out := os.Getenv("QSGO_CONSOLE_SCREENSHOT"); out != "" {
		readmeShot(t, ctx, e, out)
	}
	run(t, ctx, "open the detail", chromedp.Click(listed), chromedp.WaitVisible(chromedp.ID("presigned")))
	size := get(t, ctx, "size", chromedp.Text(chromedp.ID("size")))
	link := get(t, ctx, "link", chromedp.AttributeValue(chromedp.ID("presigned"), "href"))
	if !strings.HasPrefix(size, "28 bytes") || !strings.HasPrefix(link.Value, e.ts.Endpoint+"/bkt-browser/hello.txt?") {
		t.Fatalf("detail: size %q, link %q", size, link.Value)
	}
	snap("detail")
	run(t, ctx, "follow the presigned link", chromedp.Click(chromedp.ID("presigned")), chromedp.WaitVisible(chromedp.CSS("pre")))
	if text := get(t, ctx, "object text", chromedp.Text(chromedp.CSS("pre"))); strings.TrimSpace(text) != "hello from the browser test" {
		t.Fatalf("presigned link gave %q", text)
	}
	run(t, ctx, "delete", chromedp.Navigate(u+"/b/bkt-browser/object?key=hello.txt"), chromedp.WaitVisible(chromedp.ID("delete")),
		chromedp.Click(chromedp.ID("delete")), chromedp.WaitVisible(chromedp.CSS(".msg.notice")))
	if text := get(t, ctx, "notice", chromedp.Text(chromedp.CSS(".msg.notice"))); text != "Deleted hello.txt." {
		t.Fatalf("after delete: %q", text)
	}
	if _, err := e.ts.Server.Store().GetObject("bkt-browser", "hello.txt"); err == nil {
		t.Fatal("the object is still stored")
	}
	browserLogAndCSRF(t, ctx, e)
	snap("log")
	narrow(t, ctx, snap, "log")
	run(t, ctx, "log out", chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.Navigate(u+"/log"), chromedp.WaitVisible(chromedp.ID("login")))
}

// narrow checks the current page at 320 px: nothing may widen the page
// beyond the screen (wide tables scroll inside their own box).
func narrow(t *testing.T, ctx context.Context, snap func(string), name string) {
	t.Helper()
	run(t, ctx, "320 px "+name, chromedp.EmulateViewport(320, 640), chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("main")))
	width := get(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	snap("narrow-" + name)
	run(t, ctx, "wide again", chromedp.EmulateViewport(1100, 800))
	if width > 320 {
		t.Errorf("%s page is %d px wide at a 320 px screen", name, width)
	}
}

// browserLogAndCSRF sends a request with a wrong signature to the API and
// finds it (with the server's string to sign) in the log page; then a
// script POSTs without the CSRF token and is refused.
func browserLogAndCSRF(t *testing.T, ctx context.Context, e *env) {
	req, _ := http.NewRequest("GET", e.ts.Endpoint+"/bkt-browser/missing.txt", nil)
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	sign.SignRequest(req, e.ts.AccessKeyID, "not-the-secret", "/bkt-browser/missing.txt")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Qs-Request-Id")
	run(t, ctx, "request log", chromedp.Navigate(e.web.URL+"/log?code=signature_not_matched"), chromedp.WaitVisible(chromedp.ID("log")))
	text := get(t, ctx, "log rows", chromedp.Text(chromedp.CSS("#log tbody")))
	if !strings.Contains(text, id) || !strings.Contains(text, "GET /bkt-browser/missing.txt") {
		t.Fatalf("log lacks the refused request %s:\n%s", id, text)
	}
	if !strings.Contains(text, "String to sign the server computed") || !strings.Contains(text, "/bkt-browser/missing.txt") {
		t.Fatalf("log lacks the string to sign:\n%s", text)
	}
	status := get(t, ctx, "POST without the CSRF token", chromedp.Evaluate[int](
		`fetch("/buckets", {method: "POST", body: new URLSearchParams({name: "bkt-forged"})}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if status != http.StatusForbidden {
		t.Fatalf("POST without token: %d", status)
	}
	if _, err := e.ts.Server.Store().GetBucket("bkt-forged"); err == nil {
		t.Fatal("the forged POST created a bucket")
	}
}

// readmeShot fills the bucket a little and writes the object browser to
// out (docs/console.png), at a size that reads well in a README.
func readmeShot(t *testing.T, ctx context.Context, e *env, out string) {
	for _, k := range []string{"photos/2026/beach.jpg", "reports/q3.pdf", "notes.md"} {
		body := strings.Repeat(k, 1000)
		in := &qsapi.PutObjectInput{ContentLength: int64(len(body))}
		if _, err := e.api.PutObject(context.Background(), "bkt-browser", k, strings.NewReader(body), in); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, "README screenshot", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("objects")), chromedp.EmulateViewport(1000, 720))
	png := get(t, ctx, "screenshot", chromedp.CaptureScreenshot())
	run(t, ctx, "wide again", chromedp.EmulateViewport(1100, 800))
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}
