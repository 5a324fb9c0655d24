// qslocal console: confirmation of destructive forms and uploads (file
// picker and drag-and-drop, multipart for large files, with progress).
"use strict";
(function () {
  var csrf = document.querySelector('meta[name="csrf-token"]').content;

  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });

  var form = document.getElementById("upload");
  if (!form) return;
  var input = document.getElementById("file");
  var drop = document.getElementById("drop");
  var list = document.getElementById("progress");
  var base = "/b/" + encodeURIComponent(form.dataset.bucket);
  var threshold = Number(form.dataset.threshold), partSize = Number(form.dataset.partSize);

  // send POSTs body to url; onProgress gets the bytes sent so far.
  function send(url, body, type, onProgress) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      x.open("POST", url);
      x.setRequestHeader("X-CSRF-Token", csrf);
      if (type) x.setRequestHeader("Content-Type", type);
      if (onProgress) x.upload.onprogress = function (e) { onProgress(e.loaded); };
      x.onload = function () {
        var a = {};
        try { a = JSON.parse(x.responseText); } catch (err) { a = { error: x.status + " " + x.statusText }; }
        if (x.status >= 200 && x.status < 300) resolve(a); else reject(new Error(a.error || ("status " + x.status)));
      };
      x.onerror = function () { reject(new Error("network error")); };
      x.send(body);
    });
  }

  function row(name, size) {
    var li = document.createElement("li");
    var label = document.createElement("div");
    var bar = document.createElement("progress");
    bar.max = size || 1; bar.value = 0;
    label.textContent = name + ": starting";
    li.appendChild(label); li.appendChild(bar); list.appendChild(li);
    return {
      progress: function (n) { bar.value = n; label.textContent = name + ": " + Math.round(100 * n / (size || 1)) + "%"; },
      done: function (msg) { bar.value = bar.max; label.textContent = name + ": " + msg; },
      fail: function (msg) { li.className = "msg error"; label.textContent = name + ": failed: " + msg; }
    };
  }

  function q(key, extra) { return "?key=" + encodeURIComponent(key) + (extra || ""); }

  async function multipart(file, key, r) {
    var init = await send(base + "/multipart/init" + q(key, "&content_type=" + encodeURIComponent(file.type || "")), "", null);
    var id = "&upload_id=" + encodeURIComponent(init.upload_id);
    var parts = [], sent = 0;
    for (var n = 0, off = 0; off < file.size; n++, off += partSize) {
      var blob = file.slice(off, Math.min(off + partSize, file.size));
      var a = await send(base + "/multipart/part" + q(key, id + "&part_number=" + n), blob, "application/octet-stream",
        function (m) { r.progress(sent + m); });
      sent += blob.size;
      parts.push({ part_number: n, etag: a.etag });
    }
    return send(base + "/multipart/complete" + q(key, id), JSON.stringify(parts), "application/json");
  }

  async function upload(files) {
    var ok = true;
    for (var i = 0; i < files.length; i++) {
      var f = files[i], key = form.dataset.prefix + f.name, r = row(key, f.size);
      try {
        if (f.size > threshold) await multipart(f, key, r);
        else await send(base + "/put" + q(key), f, f.type || "application/octet-stream", r.progress);
        r.done("uploaded");
      } catch (e) { ok = false; r.fail(e.message); }
    }
    if (ok) window.location.reload();
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (input.files.length) upload(input.files);
  });
  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) { if (e.dataTransfer.files.length) upload(e.dataTransfer.files); });
  drop.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
})();
