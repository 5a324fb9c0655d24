'use strict';
// Interoperability suite: drives a qslocal server (qs serve, or the Go test
// in ../js_test.go) with the official QingStor JavaScript SDK, operation by
// operation, and checks each answer against the QingStor API docs.
//
// Environment: QS_ENDPOINT (http://127.0.0.1:PORT), QS_ACCESS_KEY_ID,
// QS_SECRET_ACCESS_KEY, QS_ZONE (default pek3b), QS_OTHER_ZONE (a second zone
// the server knows; zone cases are skipped without it).
//
// Output: one line per case, then `N passed, M failed` alone on the last
// line; the exit status is 1 when a case failed.

// PENDING lists the cases expected to fail until the server changes, with
// the reason. A pending case still runs: its failure is reported but not
// counted; once it passes the suite says so and it should leave this list.
const PENDING = new Map([
  // ['case name', 'what the server must change'],
]);

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const dns = require('node:dns');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const env = process.env;
for (const v of ['QS_ENDPOINT', 'QS_ACCESS_KEY_ID', 'QS_SECRET_ACCESS_KEY']) {
  if (!env[v]) {
    console.error(`suite.js: ${v} is not set (see the header of this file)`);
    process.exit(2);
  }
}
// The SDK writes ~/.qingstor/config.yaml when its config file is missing:
// unless told otherwise, give it a file of its own.
if (!env.QINGSTOR_CONFIG_PATH) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qsgo-interop-'));
  env.QINGSTOR_CONFIG_PATH = path.join(dir, 'config.yaml');
}
fs.writeFileSync(env.QINGSTOR_CONFIG_PATH, 'log_level: "error"\n');
const { QingStor, Config } = require('qingstor-sdk');

const AK = env.QS_ACCESS_KEY_ID;
const SK = env.QS_SECRET_ACCESS_KEY;
const ZONE = env.QS_ZONE || 'pek3b';
const OTHER_ZONE = env.QS_OTHER_ZONE || '';
const endpoint = new URL(env.QS_ENDPOINT);
const serverIP = endpoint.hostname.replace(/^\[|\]$/g, '');
const serverPort = endpoint.port || '80';

// Shim: the SDK addresses zone hosts (<zone>.<host>), and <zone>.localhost
// does not resolve everywhere. Every name under localhost is sent to the
// server's address (RFC 6761 reserves them for loopback); other names
// resolve as usual.
function lookup(hostname, opts, cb) {
  if (typeof opts === 'function') [cb, opts] = [opts, {}];
  if (hostname !== 'localhost' && !hostname.endsWith('.localhost')) return dns.lookup(hostname, opts, cb);
  const family = net.isIPv6(serverIP) ? 6 : 4;
  return opts.all ? cb(null, [{ address: serverIP, family }]) : cb(null, serverIP, family);
}
const agent = new http.Agent({ keepAlive: true, lookup });

// client returns a QingStor service object; binary clients get bodies as
// Buffers (the SDK's default, JSON, would parse or mangle object bytes).
function client({ ak = AK, sk = SK, binary = false, vhost = false } = {}) {
  return new QingStor(new Config({
    access_key_id: ak,
    secret_access_key: sk,
    endpoint: `http://localhost:${serverPort}`,
    enable_virtual_host_style: vhost,
    log_level: 'error',
    getAxiosConfig: (operation) => {
      // Shim: in virtual-host style the SDK still sets Host to the zone
      // host (browsers drop it as unsafe; node sends it): let node derive
      // Host from the URL, as a browser does. Host is not signed.
      if (vhost) delete operation.headers.host;
      return { httpAgent: agent, proxy: false, maxRedirects: 0, timeout: 20000, responseType: binary ? 'arraybuffer' : 'json' };
    },
  }));
}
const qs = client();
const qsBin = client({ binary: true });

// ---- tiny harness -------------------------------------------------------

const cases = [];
const CASE_TIMEOUT_MS = 30000;
function test(name, fn) {
  cases.push({ name, fn });
}

async function run() {
  let passed = 0;
  let failed = 0;
  const pendingFailed = [];
  for (const c of cases) {
    const t0 = Date.now();
    let err;
    let timer;
    try {
      const limit = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
      });
      await Promise.race([c.fn(), limit]);
    } catch (e) {
      err = e;
    } finally {
      clearTimeout(timer);
    }
    const ms = `${Date.now() - t0}ms`;
    if (!err) {
      passed++;
      const note = PENDING.has(c.name) ? '  (listed as PENDING but passes now: remove it from the list)' : '';
      console.log(`ok    ${c.name} ${ms}${note}`);
    } else if (PENDING.has(c.name)) {
      pendingFailed.push(c.name);
      console.log(`PEND  ${c.name} ${ms}: ${describe(err)}\n      pending: ${PENDING.get(c.name)}`);
    } else {
      failed++;
      console.log(`FAIL  ${c.name} ${ms}: ${describe(err)}`);
    }
  }
  const unknown = [...PENDING.keys()].filter((n) => !cases.some((c) => c.name === n));
  for (const n of unknown) {
    failed++;
    console.log(`FAIL  PENDING names no case: ${n}`);
  }
  agent.destroy();
  sourceServer.close();
  if (pendingFailed.length) console.log(`${pendingFailed.length} pending (failing as expected): ${pendingFailed.join('; ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

function describe(err) {
  if (err && err.response) {
    const r = err.response;
    return `unexpected HTTP ${r.status} ${JSON.stringify(bodyJSON(r.data))} (${err.config && err.config.method} ${err.config && err.config.url})`;
  }
  // The assertion's message and where in this file it failed.
  const frames = String((err && err.stack) || '').split('\n').filter((l) => l.includes(__filename));
  const where = frames.find((l) => l.includes('Object.fn')) || frames[0];
  return `${(err && err.message) || err}${where ? '\n      ' + where.trim() : ''}`;
}

// ---- helpers --------------------------------------------------------------

const run36 = Date.now().toString(36);
const bucketName = (suffix) => `interop-${run36}-${suffix}`;
const MAIN = bucketName('main');
const bucket = (name = MAIN, zone = ZONE) => qs.Bucket(name, zone);
const bucketBin = (name = MAIN, zone = ZONE) => qsBin.Bucket(name, zone);

function bodyJSON(data) {
  if (data === undefined || data === null || data === '') return data;
  if (Buffer.isBuffer(data) || data instanceof ArrayBuffer) data = Buffer.from(data).toString('utf8');
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

// fails expects the promise to be rejected with an HTTP answer of the given
// status (and error code, when given) and returns that answer.
async function fails(promise, status, code) {
  let res;
  try {
    res = await promise;
  } catch (e) {
    if (!e.response) throw e;
    const r = e.response;
    const body = bodyJSON(r.data);
    assert.equal(r.status, status, `status (body ${JSON.stringify(body)})`);
    if (code) assert.equal(body && body.code, code, `error code (body ${JSON.stringify(body)})`);
    return r;
  }
  throw new Error(`expected HTTP ${status}${code ? ' ' + code : ''}, got ${res.status}`);
}

const md5b64 = (buf) => crypto.createHash('md5').update(buf).digest('base64');
const md5hex = (buf) => crypto.createHash('md5').update(buf).digest('hex');
const unquote = (etag) => String(etag).replace(/^"|"$/g, '');
const payload = (n, seed) => {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + seed * 7 + (i >> 8)) & 0xff;
  return out;
};

async function put(key, body, opts = {}, b = bucket()) {
  return b.putObject(key, { body, ...opts });
}

async function getBytes(key, opts = {}, b = bucketBin()) {
  const r = await b.getObject(key, opts);
  return { res: r, body: Buffer.from(r.data) };
}

// withHeaders sends a request built by the SDK with extra headers added
// before it is signed: the SDK's only way to send x-qs-meta-* headers (its
// X-QS-MetaData option is sent as one header literally named
// x-qs-metadata). Values are encoded as the SDK encodes its own headers.
// Header names must be lower case: the SDK sorts the x-qs-* names before
// lower-casing them, so an upper-case letter puts its header out of the
// docs' order and the signature does not match. Values go as given; the
// docs ask clients to encode non-ASCII metadata themselves.
function withHeaders(request, extra) {
  Object.assign(request.operation.headers, extra);
  return request.send();
}

async function listAll(b, opts) {
  const keys = [];
  const pages = [];
  let marker;
  for (let i = 0; i < 100; i++) {
    const { data } = await b.listObjects({ ...opts, marker });
    pages.push(data);
    keys.push(...data.keys.map((k) => k.key));
    if (!data.has_more) return { keys, pages };
    assert.ok(data.next_marker, 'has_more without next_marker');
    marker = data.next_marker;
  }
  throw new Error('listing did not end after 100 pages');
}

async function inParallel(items, width, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

// SSE-C key: base64 of 32 raw bytes and base64 of their binary MD5.
function sseKey(seed) {
  const raw = crypto.createHash('sha256').update(`interop-key-${seed}`).digest();
  return {
    'x-qs-encryption-customer-algorithm': 'AES256',
    'x-qs-encryption-customer-key': raw.toString('base64'),
    'x-qs-encryption-customer-key-md5': md5b64(raw),
  };
}
const copySourceKey = (k) => Object.fromEntries(Object.entries(k).map(([n, v]) => [n.replace('x-qs-', 'x-qs-copy-source-'), v]));

// fetchURL GETs (or HEADs) a URL with plain node http.
function fetchURL(url, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(20000, () => req.destroy(new Error(`${method} ${url}: no answer within 20 s`)));
    req.on('error', reject);
    req.end();
  });
}

const httpDate = (ms) => new Date(ms).toUTCString();
const HOUR = 3600 * 1000;

// Keys with characters that break naive clients and servers.
const HOSTILE_KEYS = [
  ['spaces', 'dir with space/file name.txt'],
  ['unicode', 'unicode/中文 ключ ñ é.txt'],
  ['percent', 'percent/100%25 and % alone.txt'],
  ['plus and equals', 'plus/a+b=c&d.txt'],
  ['question and hash', 'qh/what?is#this.txt'],
  ['emoji', 'emoji/😀🚀 file.bin'],
  ['quotes and brackets', `quotes/'single' "double" [x]{y}(z)<a>.txt`],
  ['punctuation', 'punct/;:@,$!~*`^|.txt'],
  ['backslash and tab-free control', 'back\\slash/a\\b.txt'],
  ['deep path', 'a/b/c/d/e/f/g/h.txt'],
  ['trailing dots', 'dots/name...'],
];

// ---- buckets ---------------------------------------------------------------

test('bucket: put answers 201, head 200', async () => {
  const r = await bucket().put();
  assert.equal(r.status, 201);
  const h = await bucket().head();
  assert.equal(h.status, 200);
});

test('bucket: put of an existing name is 409 bucket_already_exists', async () => {
  await fails(bucket().put(), 409, 'bucket_already_exists');
});

test('bucket: put of an invalid name is 400 invalid_bucket_name', async () => {
  await fails(bucket('Bad_Name!').put(), 400, 'invalid_bucket_name');
});

test('bucket: head of a missing bucket is 404', async () => {
  await fails(bucket(bucketName('missing')).head(), 404);
});

test('service: listBuckets shows the bucket with its location and url', async () => {
  const { data } = await qs.listBuckets();
  assert.ok(data.count >= 1, 'count');
  const b = data.buckets.find((x) => x.name === MAIN);
  assert.ok(b, `bucket ${MAIN} not listed`);
  assert.equal(b.location, ZONE);
  assert.match(b.url, new RegExp(MAIN));
  assert.ok(!Number.isNaN(Date.parse(b.created)), `created ${b.created}`);
});

test('service: listBuckets with a Location header lists that zone only', async () => {
  if (!OTHER_ZONE) return console.log('      (no QS_OTHER_ZONE: zone filter checked on the default zone only)');
  const other = bucketName('zone');
  const r = await bucket(other, OTHER_ZONE).put();
  assert.equal(r.status, 201);
  try {
    const inOther = (await qs.listBuckets({ location: OTHER_ZONE })).data.buckets.map((b) => b.name);
    const inZone = (await qs.listBuckets({ location: ZONE })).data.buckets.map((b) => b.name);
    assert.ok(inOther.includes(other) && !inOther.includes(MAIN), `${OTHER_ZONE}: ${inOther}`);
    assert.ok(inZone.includes(MAIN) && !inZone.includes(other), `${ZONE}: ${inZone}`);
    const { data } = await bucket(other, OTHER_ZONE).getStatistics();
    assert.equal(data.location, OTHER_ZONE);
  } finally {
    await bucket(other, OTHER_ZONE).delete();
  }
});

test('bucket: another zone\'s host does not serve the bucket and cannot create its name', async () => {
  if (!OTHER_ZONE) return console.log('      (no QS_OTHER_ZONE: skipped)');
  await fails(bucket(MAIN, OTHER_ZONE).head(), 404);
  await fails(bucket(MAIN, OTHER_ZONE).listObjects(), 404, 'bucket_not_exists');
  await fails(bucket(MAIN, OTHER_ZONE).put(), 409, 'bucket_already_exists');
});

test('bucket: statistics count, size, location, name, status', async () => {
  const name = bucketName('stats');
  await bucket(name).put();
  await put('s/one', Buffer.from('x'), {}, bucket(name));
  await put('s/ten', Buffer.alloc(10, 1), {}, bucket(name));
  await put('s/hundred', Buffer.alloc(100, 2), {}, bucket(name));
  const { data } = await bucket(name).getStatistics();
  assert.equal(data.count, 3);
  assert.equal(data.size, 111);
  assert.equal(data.location, ZONE);
  assert.equal(data.name, name);
  assert.equal(data.status, 'active');
});

test('bucket: statistics include storage_classes', async () => {
  const { data } = await bucket(bucketName('stats')).getStatistics();
  assert.ok(data.storage_classes !== undefined, `no storage_classes in ${JSON.stringify(data)}`);
});

test('bucket: delete of a non-empty bucket is 409 bucket_not_empty, of an empty one 204', async () => {
  const name = bucketName('stats');
  await fails(bucket(name).delete(), 409, 'bucket_not_empty');
  for (const k of ['s/one', 's/ten', 's/hundred']) await bucket(name).deleteObject(k);
  const r = await bucket(name).delete();
  assert.equal(r.status, 204);
  await fails(bucket(name).head(), 404);
});

test('bucket: object requests in a missing bucket are 404 bucket_not_exists', async () => {
  const b = bucket(bucketName('missing'));
  await fails(b.putObject('k', { body: Buffer.from('x') }), 404, 'bucket_not_exists');
  await fails(b.getObject('k'), 404, 'bucket_not_exists');
  await fails(b.listObjects(), 404, 'bucket_not_exists');
});

// ---- listing ---------------------------------------------------------------

const PAGE_KEYS = Array.from({ length: 250 }, (_, i) => `page/k${String(i).padStart(3, '0')}`);

// The docs promise no order ("the order of the internal storage"), so
// listings are compared as sets, each key exactly once.
function assertSameKeys(got, want) {
  assert.equal(new Set(got).size, got.length, 'a key was listed twice');
  assert.deepEqual([...got].sort(), [...want].sort());
}

test('list: 250 keys put, then paged with limit=1000 and next_marker: each once', async () => {
  await inParallel(PAGE_KEYS, 16, (k) => put(k, Buffer.from(k)));
  const { keys, pages } = await listAll(bucket(), { prefix: 'page/', limit: 1000 });
  assertSameKeys(keys, PAGE_KEYS);
  for (const p of pages) {
    for (const k of p.keys) {
      assert.equal(k.size, Buffer.byteLength(k.key));
      assert.match(k.etag, /^"[0-9a-f]{32}"$/, 'listed etag is a quoted md5');
    }
  }
});

test('list: a page holds at most 100 keys whatever limit asks', async () => {
  const { data } = await bucket().listObjects({ prefix: 'page/', limit: 1000 });
  assert.equal(data.keys.length, 100);
  assert.equal(data.has_more, true);
  assert.equal(data.next_marker, 'page/k099');
});

test('list: the answer\'s marker equals next_marker', async () => {
  const { data } = await bucket().listObjects({ prefix: 'page/', limit: 10, marker: 'page/k004' });
  assert.equal(data.next_marker, 'page/k014');
  assert.equal(data.marker, data.next_marker);
});

test('list: the answer names the bucket, its limit and an owner with id and name', async () => {
  const { data } = await bucket().listObjects({ prefix: 'page/', limit: 5 });
  assert.equal(data.name, MAIN);
  assert.equal(data.limit, 5);
  assert.equal(data.prefix, 'page/');
  assert.equal(typeof data.owner, 'object', JSON.stringify(data.owner));
  assert.ok(data.owner.id && data.owner.name, `owner ${JSON.stringify(data.owner)}`);
});

test('list: without limit a page holds 100 keys', async () => {
  const { data } = await bucket().listObjects({ prefix: 'page/' });
  assert.equal(data.keys.length, 100);
  assert.equal(data.has_more, true);
});

test('list: limit=37 pages through 250 keys in 7 pages', async () => {
  const { keys, pages } = await listAll(bucket(), { prefix: 'page/', limit: 37 });
  assertSameKeys(keys, PAGE_KEYS);
  assert.equal(pages.length, 7);
  assert.ok(pages.slice(0, 6).every((p) => p.keys.length === 37));
});

test('list: delimiter groups common_prefixes', async () => {
  for (const k of ['tree/a/1', 'tree/a/2', 'tree/b/1', 'tree/c']) await put(k, Buffer.from(k));
  const { data } = await bucket().listObjects({ prefix: 'tree/', delimiter: '/' });
  assert.deepEqual(data.keys.map((k) => k.key), ['tree/c']);
  assert.deepEqual(data.common_prefixes, ['tree/a/', 'tree/b/']);
  assert.equal(data.prefix, 'tree/');
  assert.equal(data.delimiter, '/');
});

test('delete multiple: hostile and missing keys, deleted list, objects gone', async () => {
  const keys = ['tree/a/1', 'tree/a/2', HOSTILE_KEYS[0][1] + '.dm', 'tree/never-existed'];
  await put(keys[2], Buffer.from('dm'));
  const { data } = await bucket().deleteMultipleObjects({ objects: keys.map((key) => ({ key })) });
  const deleted = (data.deleted || []).map((d) => d.key).sort();
  assert.deepEqual(deleted, [...keys].sort(), JSON.stringify(data));
  assert.deepEqual(data.errors || [], []);
  for (const k of keys.slice(0, 3)) await fails(bucket().headObject(k), 404);
  const { data: left } = await bucket().listObjects({ prefix: 'tree/' });
  assert.deepEqual(left.keys.map((k) => k.key), ['tree/b/1', 'tree/c']);
});

// ---- objects with hostile keys ----------------------------------------------

for (const [label, key] of HOSTILE_KEYS) {
  test(`object: put/head/get/list/copy/move/delete with key of ${label}`, async () => {
    const body = payload(1000 + key.length, key.length);
    const p = await put(key, body, { 'content-type': 'application/x-interop', expect: '100-continue' });
    assert.equal(p.status, 201);
    assert.equal(unquote(p.headers.etag), md5hex(body));
    const h = await bucket().headObject(key);
    assert.equal(Number(h.headers['content-length']), body.length);
    assert.equal(h.headers['content-type'], 'application/x-interop');
    assert.equal(unquote(h.headers.etag), md5hex(body));
    assert.ok(h.headers['last-modified'], 'Last-Modified');
    const g = await getBytes(key);
    assert.ok(g.body.equals(body), 'body differs');
    const prefix = key.slice(0, -2);
    const { data } = await bucket().listObjects({ prefix });
    const listed = data.keys.find((k) => k.key === key);
    assert.ok(listed, `${JSON.stringify(key)} not listed under ${JSON.stringify(prefix)}: ${JSON.stringify(data.keys.map((k) => k.key))}`);
    assert.equal(listed.size, body.length);
    // The SDK runs encodeURI on the source header: raw keys go in as they are.
    const copied = `${key}.copy`;
    assert.equal((await put(copied, undefined, { 'x-qs-copy-source': `/${MAIN}/${key}` })).status, 201);
    const moved = `${key}.moved`;
    assert.equal((await put(moved, undefined, { 'x-qs-move-source': `/${MAIN}/${copied}` })).status, 201);
    await fails(bucket().headObject(copied), 404);
    assert.ok((await getBytes(moved)).body.equals(body), 'copied and moved body differs');
    for (const k of [key, moved]) {
      const d = await bucket().deleteObject(k);
      assert.equal(d.status, 204);
      await fails(bucket().headObject(k), 404);
    }
  });
}

test('object: zero-byte object', async () => {
  await put('empty/zero', Buffer.alloc(0));
  const h = await bucket().headObject('empty/zero');
  assert.equal(h.headers['content-length'], '0');
  assert.equal(unquote(h.headers.etag), md5hex(Buffer.alloc(0)));
  const g = await getBytes('empty/zero');
  assert.equal(g.body.length, 0);
});

test('object: right Content-MD5 is 201, wrong one is 400 bad_digest and stores nothing', async () => {
  const body = Buffer.from('digest me');
  const ok = await put('md5/right', body, { 'content-md5': md5b64(body) });
  assert.equal(ok.status, 201);
  await fails(put('md5/wrong', body, { 'content-md5': md5b64(Buffer.from('other')) }), 400, 'bad_digest');
  await fails(bucket().headObject('md5/wrong'), 404);
});

test('object: GET of a missing key is 404 object_not_exists, HEAD 404, DELETE 204', async () => {
  await fails(bucket().getObject('missing/key'), 404, 'object_not_exists');
  await fails(bucket().headObject('missing/key'), 404);
  const d = await bucket().deleteObject('missing/key');
  assert.equal(d.status, 204);
});

// ---- ranges ---------------------------------------------------------------

const ALPHA = Buffer.from('abcdefghijklmnopqrstuvwxyz');

test('range: bytes=0-4, bytes=20-, bytes=-3 answer 206 with Content-Range', async () => {
  await put('range/alpha', ALPHA);
  for (const [range, want, cr] of [
    ['bytes=0-4', 'abcde', 'bytes 0-4/26'],
    ['bytes=20-', 'uvwxyz', 'bytes 20-25/26'],
    ['bytes=-3', 'xyz', 'bytes 23-25/26'],
    ['bytes=24-99', 'yz', 'bytes 24-25/26'],
  ]) {
    const { res, body } = await getBytes('range/alpha', { range });
    assert.equal(res.status, 206, range);
    assert.equal(body.toString(), want, range);
    assert.equal(res.headers['content-range'], cr, range);
    assert.equal(Number(res.headers['content-length']), want.length, range);
  }
});

test('range: a start past the end is 416 invalid_range', async () => {
  await fails(bucketBin().getObject('range/alpha', { range: 'bytes=30-40' }), 416, 'invalid_range');
});

test('range: a 416 carries Content-Range bytes */size', async () => {
  const r = await fails(bucketBin().getObject('range/alpha', { range: 'bytes=30-40' }), 416);
  assert.equal(r.headers['content-range'], 'bytes */26');
});

// ---- metadata -------------------------------------------------------------

test('meta: x-qs-meta-* and standard headers come back on HEAD and GET', async () => {
  const req = bucket().putObjectRequest('meta/obj', {
    body: Buffer.from('with metadata'),
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'max-age=60',
  });
  const r = await withHeaders(req, {
    'x-qs-meta-color': 'blue',
    'x-qs-meta-mixed-case': 'Value-1',
    'x-qs-meta-unicode': encodeURI('你好 world'),
    'content-disposition': 'attachment; filename="x.txt"',
  });
  assert.equal(r.status, 201);
  for (const res of [await bucket().headObject('meta/obj'), (await getBytes('meta/obj')).res]) {
    const h = res.headers;
    assert.equal(h['x-qs-meta-color'], 'blue');
    assert.equal(h['x-qs-meta-mixed-case'], 'Value-1');
    assert.equal(decodeURI(h['x-qs-meta-unicode']), '你好 world');
    assert.equal(h['content-type'], 'text/plain; charset=utf-8');
    assert.equal(h['cache-control'], 'max-age=60');
    assert.equal(h['content-disposition'], 'attachment; filename="x.txt"');
  }
});

test('meta: copy keeps metadata by default, REPLACE replaces it', async () => {
  const src = `/${MAIN}/meta/obj`;
  await put('meta/copy-default', undefined, { 'x-qs-copy-source': src });
  let h = (await bucket().headObject('meta/copy-default')).headers;
  assert.equal(h['x-qs-meta-color'], 'blue');
  assert.equal(h['content-type'], 'text/plain; charset=utf-8');
  const req = bucket().putObjectRequest('meta/copy-replace', {
    'x-qs-copy-source': src,
    'x-qs-metadata-directive': 'REPLACE',
    'content-type': 'application/x-replaced',
  });
  await withHeaders(req, { 'x-qs-meta-shape': 'round' });
  h = (await bucket().headObject('meta/copy-replace')).headers;
  assert.equal(h['x-qs-meta-shape'], 'round');
  assert.equal(h['x-qs-meta-color'], undefined);
  assert.equal(h['content-type'], 'application/x-replaced');
});

const OVERRIDES = {
  'response-content-type': 'application/ld+json; charset=utf-8',
  'response-content-disposition': 'attachment; filename="résumé 100%.txt"',
  'response-cache-control': 'no-store',
  'response-content-language': 'zh-CN',
  'response-expires': 'Thu, 01 Dec 2094 16:00:00 GMT',
  'response-content-encoding': 'identity',
};

// Header values are latin1 on the wire; the server echoes the UTF-8 bytes.
const latin1 = (v) => Buffer.from(v, 'utf8').toString('latin1');

test('get: response-* parameters (signed, with +, %, quotes and UTF-8) override the answer headers', async () => {
  const { res } = await getBytes('meta/obj', OVERRIDES);
  for (const [param, v] of Object.entries(OVERRIDES)) {
    assert.equal(res.headers[param.slice('response-'.length)], latin1(v), param);
  }
});

// ---- multipart -------------------------------------------------------------

const MiB = 1 << 20;
const MP_KEY = 'multipart/big file ü+%.bin';
const MP_PARTS = [payload(4 * MiB, 1), payload(4 * MiB, 2), payload(123457, 3)];

test('multipart: initiate, upload 3 parts, list parts and uploads, complete, read back', async () => {
  const init = await bucket().initiateMultipartUpload(MP_KEY, { 'content-type': 'application/x-mp' });
  assert.equal(init.status, 200);
  const id = init.data.upload_id;
  assert.ok(id, JSON.stringify(init.data));
  assert.equal(init.data.key, MP_KEY);
  assert.equal(init.data.bucket, MAIN);
  for (const [i, body] of MP_PARTS.entries()) {
    const r = await bucket().uploadMultipart(MP_KEY, { upload_id: id, part_number: i + 1, body });
    assert.equal(r.status, 201);
    assert.equal(unquote(r.headers.etag), md5hex(body));
  }
  const parts = (await bucket().listMultipart(MP_KEY, { upload_id: id })).data;
  assert.equal(parts.count, 3);
  assert.deepEqual(parts.object_parts.map((p) => p.part_number), [1, 2, 3]);
  assert.deepEqual(parts.object_parts.map((p) => p.size), MP_PARTS.map((b) => b.length));
  assert.deepEqual(parts.object_parts.map((p) => unquote(p.etag)), MP_PARTS.map(md5hex));
  const ups = (await bucket().listMultipartUploads({ prefix: 'multipart/' })).data;
  assert.ok(ups.uploads.some((u) => u.key === MP_KEY && u.upload_id === id), JSON.stringify(ups));
  const done = await bucket().completeMultipartUpload(MP_KEY, {
    upload_id: id,
    object_parts: MP_PARTS.map((_, i) => ({ part_number: i + 1 })),
  });
  assert.equal(done.status, 201);
  const whole = Buffer.concat(MP_PARTS);
  const h = await bucket().headObject(MP_KEY);
  assert.equal(Number(h.headers['content-length']), whole.length);
  assert.equal(h.headers['content-type'], 'application/x-mp');
  const g = await getBytes(MP_KEY);
  assert.ok(g.body.equals(whole), 'assembled object differs');
  const after = (await bucket().listMultipartUploads({ prefix: 'multipart/' })).data;
  assert.ok(!(after.uploads || []).some((u) => u.upload_id === id), 'upload still listed after complete');
});

test('multipart: list parts pages with an exclusive part_number_marker', async () => {
  const init = await bucket().initiateMultipartUpload('multipart/paged');
  const id = init.data.upload_id;
  try {
    for (let n = 1; n <= 5; n++) await bucket().uploadMultipart('multipart/paged', { upload_id: id, part_number: n, body: Buffer.from(`part ${n}`) });
    const page = async (marker) => (await bucket().listMultipart('multipart/paged', { upload_id: id, limit: 2, part_number_marker: marker })).data.object_parts.map((p) => p.part_number);
    assert.deepEqual(await page(undefined), [1, 2]);
    assert.deepEqual(await page(2), [3, 4]);
    assert.deepEqual(await page(4), [5]);
  } finally {
    await bucket().abortMultipartUpload('multipart/paged', { upload_id: id });
  }
});

test('multipart: abort removes the upload; its parts are then 404 upload_not_exists', async () => {
  const init = await bucket().initiateMultipartUpload('multipart/aborted');
  const id = init.data.upload_id;
  await bucket().uploadMultipart('multipart/aborted', { upload_id: id, part_number: 1, body: Buffer.from('gone') });
  const r = await bucket().abortMultipartUpload('multipart/aborted', { upload_id: id });
  assert.equal(r.status, 204);
  await fails(bucket().listMultipart('multipart/aborted', { upload_id: id }), 404, 'upload_not_exists');
  const ups = (await bucket().listMultipartUploads({ prefix: 'multipart/aborted' })).data;
  assert.deepEqual(ups.uploads || [], []);
  await fails(bucket().headObject('multipart/aborted'), 404);
});

test('multipart: upload to an unknown upload id is 404 upload_not_exists', async () => {
  await fails(bucket().uploadMultipart('multipart/nope', { upload_id: 'no-such-upload', part_number: 1, body: Buffer.from('x') }), 404, 'upload_not_exists');
});

test('multipart: a part copied from an object with x-qs-copy-range', async () => {
  const init = await bucket().initiateMultipartUpload('multipart/part-copy');
  const id = init.data.upload_id;
  const src = `/${MAIN}/${MP_KEY}`;
  const r1 = await bucket().uploadMultipart('multipart/part-copy', { upload_id: id, part_number: 1, 'x-qs-copy-source': src, 'x-qs-copy-range': `bytes=0-${4 * MiB - 1}` });
  assert.equal(r1.status, 201);
  await bucket().uploadMultipart('multipart/part-copy', { upload_id: id, part_number: 2, body: Buffer.from('tail') });
  await bucket().completeMultipartUpload('multipart/part-copy', { upload_id: id, object_parts: [{ part_number: 1 }, { part_number: 2 }] });
  const g = await getBytes('multipart/part-copy');
  assert.ok(g.body.equals(Buffer.concat([MP_PARTS[0], Buffer.from('tail')])), 'part-copied object differs');
});

test('multipart: part copy answers X-QS-Content-Copy-Range', async () => {
  const init = await bucket().initiateMultipartUpload('multipart/copy-range');
  const id = init.data.upload_id;
  try {
    const r = await bucket().uploadMultipart('multipart/copy-range', { upload_id: id, part_number: 1, 'x-qs-copy-source': `/${MAIN}/range/alpha`, 'x-qs-copy-range': 'bytes=2-5' });
    assert.equal(r.headers['x-qs-content-copy-range'], 'bytes 2-5/26');
  } finally {
    await bucket().abortMultipartUpload('multipart/copy-range', { upload_id: id });
  }
});

test('multipart: part number 0 and a gap; unlisted parts are left out', async () => {
  const key = 'multipart/zero-and-gap';
  const id = (await bucket().initiateMultipartUpload(key)).data.upload_id;
  const p0 = payload(4 * MiB, 31);
  const p1 = Buffer.from('left out');
  const p5 = Buffer.from('last part');
  for (const [n, body] of [[0, p0], [1, p1], [5, p5]]) {
    // The SDK drops a numeric part number 0 like position 0: send a string.
    await bucket().uploadMultipart(key, { upload_id: id, part_number: String(n), body });
  }
  const parts = (await bucket().listMultipart(key, { upload_id: id })).data.object_parts.map((p) => p.part_number);
  assert.deepEqual(parts, [0, 1, 5]);
  const r = await bucket().completeMultipartUpload(key, { upload_id: id, object_parts: [{ part_number: 0 }, { part_number: 5 }] });
  assert.equal(r.status, 201);
  assert.ok((await getBytes(key)).body.equals(Buffer.concat([p0, p5])), 'object differs');
});

test('multipart: a part under 4 MiB that is not last is 400 entity_too_small at complete', async () => {
  const key = 'multipart/too-small';
  const id = (await bucket().initiateMultipartUpload(key)).data.upload_id;
  try {
    await bucket().uploadMultipart(key, { upload_id: id, part_number: 1, body: Buffer.from('small') });
    await bucket().uploadMultipart(key, { upload_id: id, part_number: 2, body: Buffer.from('last') });
    await fails(bucket().completeMultipartUpload(key, { upload_id: id, object_parts: [{ part_number: 1 }, { part_number: 2 }] }), 400, 'entity_too_small');
    await fails(bucket().headObject(key), 404);
  } finally {
    await bucket().abortMultipartUpload(key, { upload_id: id });
  }
});

test('multipart: abort is idempotent (204 again)', async () => {
  const id = (await bucket().initiateMultipartUpload('multipart/abort-twice')).data.upload_id;
  assert.equal((await bucket().abortMultipartUpload('multipart/abort-twice', { upload_id: id })).status, 204);
  assert.equal((await bucket().abortMultipartUpload('multipart/abort-twice', { upload_id: id })).status, 204);
});

test('range: across part boundaries of a multipart object', async () => {
  const whole = Buffer.concat(MP_PARTS);
  const from = 4 * MiB - 10;
  const to = 8 * MiB + 9;
  const { res, body } = await getBytes(MP_KEY, { range: `bytes=${from}-${to}` });
  assert.equal(res.status, 206);
  assert.ok(body.equals(whole.subarray(from, to + 1)), 'range differs');
});

// ---- copy and move -----------------------------------------------------------

test('copy: hostile source key to hostile destination key', async () => {
  const src = HOSTILE_KEYS.find(([l]) => l === 'percent')[1] + '.src';
  const dst = HOSTILE_KEYS.find(([l]) => l === 'question and hash')[1] + '.dst';
  const body = payload(3000, 9);
  await put(src, body);
  const r = await put(dst, undefined, { 'x-qs-copy-source': `/${MAIN}/${src}` });
  assert.equal(r.status, 201);
  assert.ok((await getBytes(dst)).body.equals(body), 'copy differs');
  assert.ok((await getBytes(src)).body.equals(body), 'source changed');
});

test('copy: x-qs-copy-source-if-match / if-none-match', async () => {
  const body = Buffer.from('conditional copy');
  const etag = md5hex(body);
  await put('copy/cond-src', body);
  const src = `/${MAIN}/copy/cond-src`;
  await fails(put('copy/cond-1', undefined, { 'x-qs-copy-source': src, 'x-qs-copy-source-if-match': '"0123"' }), 412, 'precondition_failed');
  await fails(put('copy/cond-2', undefined, { 'x-qs-copy-source': src, 'x-qs-copy-source-if-none-match': `"${etag}"` }), 412, 'precondition_failed');
  await fails(bucket().headObject('copy/cond-1'), 404);
  const ok = await put('copy/cond-3', undefined, { 'x-qs-copy-source': src, 'x-qs-copy-source-if-match': `"${etag}"` });
  assert.equal(ok.status, 201);
});

test('copy: x-qs-copy-source-if-(un)modified-since dates', async () => {
  const src = `/${MAIN}/copy/cond-src`;
  const now = Date.now();
  await fails(put('copy/date-1', undefined, { 'x-qs-copy-source': src, 'x-qs-copy-source-if-unmodified-since': httpDate(now - HOUR) }), 412, 'precondition_failed');
  await fails(put('copy/date-2', undefined, { 'x-qs-copy-source': src, 'x-qs-copy-source-if-modified-since': httpDate(now + HOUR) }), 412, 'precondition_failed');
  await fails(bucket().headObject('copy/date-1'), 404);
  await fails(bucket().headObject('copy/date-2'), 404);
  const ok = await put('copy/date-3', undefined, { 'x-qs-copy-source': src, 'x-qs-copy-source-if-unmodified-since': httpDate(now + HOUR) });
  assert.equal(ok.status, 201);
});

test('copy: a source date condition that is no HTTP date is 400 invalid_argument', async () => {
  await fails(put('copy/bad-date', undefined, { 'x-qs-copy-source': `/${MAIN}/copy/cond-src`, 'x-qs-copy-source-if-unmodified-since': 'yesterday' }), 400, 'invalid_argument');
  await fails(bucket().headObject('copy/bad-date'), 404);
});

test('copy: a missing source is 404 object_not_exists', async () => {
  await fails(put('copy/none', undefined, { 'x-qs-copy-source': `/${MAIN}/copy/no-such-source` }), 404, 'object_not_exists');
});

test('move: hostile key moves with its metadata; the source is gone', async () => {
  const src = HOSTILE_KEYS.find(([l]) => l === 'emoji')[1] + '.mv';
  const dst = HOSTILE_KEYS.find(([l]) => l === 'unicode')[1] + '.moved';
  const body = payload(2048, 5);
  await withHeaders(bucket().putObjectRequest(src, { body }), { 'x-qs-meta-kept': 'yes' });
  const r = await put(dst, undefined, { 'x-qs-move-source': `/${MAIN}/${src}` });
  assert.equal(r.status, 201);
  await fails(bucket().headObject(src), 404);
  const h = await bucket().headObject(dst);
  assert.equal(h.headers['x-qs-meta-kept'], 'yes');
  assert.ok((await getBytes(dst)).body.equals(body), 'moved object differs');
});

test('move: the answer carries the ETag', async () => {
  const body = Buffer.from('move etag');
  await put('move/etag-src', body);
  const r = await put('move/etag-dst', undefined, { 'x-qs-move-source': `/${MAIN}/move/etag-src` });
  assert.equal(unquote(r.headers.etag), md5hex(body));
});

// ---- append --------------------------------------------------------------------

test('append: position 0 creates, the next position appends, HEAD reports it', async () => {
  // The SDK drops a numeric position 0 (it tests options.position for
  // truth), so position goes as a string.
  const a = await bucket().appendObject('append/log', { position: '0', body: Buffer.from('hello ') });
  assert.equal(a.status, 200);
  assert.equal(a.headers['x-qs-next-append-position'], '6');
  const b = await bucket().appendObject('append/log', { position: '6', body: Buffer.from('world') });
  assert.equal(b.headers['x-qs-next-append-position'], '11');
  const h = await bucket().headObject('append/log');
  assert.equal(h.headers['x-qs-next-append-position'], '11');
  assert.equal(h.headers['x-qs-object-type'], 'appendable');
  assert.equal((await getBytes('append/log')).body.toString(), 'hello world');
});

test('append: a wrong position is 400 invalid_argument and changes nothing', async () => {
  await fails(bucket().appendObject('append/log', { position: '3', body: Buffer.from('XX') }), 400, 'invalid_argument');
  assert.equal((await getBytes('append/log')).body.toString(), 'hello world');
});

test('append: a replay of the same signed append is refused and changes nothing', async () => {
  const req = bucket().appendObjectRequest('append/replayed', { position: '0', body: Buffer.from('once') });
  assert.equal((await req.send()).status, 200);
  const again = await req.send().then((r) => r, (e) => e.response || Promise.reject(e));
  assert.ok([400, 403].includes(again.status), `replay answered ${again.status}`);
  assert.equal((await getBytes('append/replayed')).body.toString(), 'once');
});

// ---- conditional requests ------------------------------------------------------

const COND_BODY = Buffer.from('conditional get');
const COND_ETAG = md5hex(COND_BODY);

test('cond: If-Match current etag is 200, another is 412 precondition_failed', async () => {
  await put('cond/obj', COND_BODY);
  const ok = await getBytes('cond/obj', { 'if-match': `"${COND_ETAG}"` });
  assert.equal(ok.res.status, 200);
  await fails(bucketBin().getObject('cond/obj', { 'if-match': '"deadbeef"' }), 412);
  await fails(bucket().headObject('cond/obj', { 'if-match': '"deadbeef"' }), 412);
});

test('cond: If-None-Match current etag is 304, another is 200', async () => {
  await fails(bucketBin().getObject('cond/obj', { 'if-none-match': `"${COND_ETAG}"` }), 304);
  await fails(bucket().headObject('cond/obj', { 'if-none-match': `"${COND_ETAG}"` }), 304);
  const ok = await getBytes('cond/obj', { 'if-none-match': '"deadbeef"' });
  assert.ok(ok.body.equals(COND_BODY));
});

test('cond: If-Modified-Since', async () => {
  const now = Date.now();
  await fails(bucketBin().getObject('cond/obj', { 'if-modified-since': httpDate(now + HOUR) }), 304);
  const ok = await getBytes('cond/obj', { 'if-modified-since': httpDate(now - HOUR) });
  assert.equal(ok.res.status, 200);
});

test('cond: If-Unmodified-Since', async () => {
  const now = Date.now();
  await fails(bucketBin().getObject('cond/obj', { 'if-unmodified-since': httpDate(now - HOUR) }), 412);
  await fails(bucket().headObject('cond/obj', { 'if-unmodified-since': httpDate(now - HOUR) }), 412);
  const ok = await getBytes('cond/obj', { 'if-unmodified-since': httpDate(now + HOUR) });
  assert.equal(ok.res.status, 200);
});

test('cond: a 412 on GET carries the JSON error body', async () => {
  const r = await fails(bucketBin().getObject('cond/obj', { 'if-match': '"deadbeef"' }), 412);
  const body = bodyJSON(r.data);
  assert.equal(body && body.code, 'precondition_failed', JSON.stringify(body));
  assert.ok(body.request_id, 'request_id');
  assert.match(r.headers['content-type'], /json/);
});

// ---- SSE-C ---------------------------------------------------------------------

const KEY_A = sseKey('a');
const KEY_B = sseKey('b');
const SSE_BODY = payload(5000, 11);

test('ssec: put with a key; GET needs it, HEAD does not, a wrong key is refused', async () => {
  const p = await put('ssec/obj', SSE_BODY, KEY_A);
  assert.equal(p.status, 201);
  const g = await getBytes('ssec/obj', KEY_A);
  assert.ok(g.body.equals(SSE_BODY), 'decrypted body differs');
  const h = await bucket().headObject('ssec/obj');
  assert.equal(h.status, 200);
  assert.equal(h.headers['x-qs-encryption-customer-algorithm'], 'AES256');
  // The docs name no code for a missing or wrong key: qslocal answers 403.
  await fails(bucketBin().getObject('ssec/obj'), 403, 'permission_denied');
  await fails(bucketBin().getObject('ssec/obj', KEY_B), 403, 'permission_denied');
  const { data } = await bucket().listObjects({ prefix: 'ssec/obj' });
  assert.equal(data.keys[0].encrypted, true);
});

test('ssec: GET and HEAD answer with the algorithm and the key MD5', async () => {
  for (const res of [(await getBytes('ssec/obj', KEY_A)).res, await bucket().headObject('ssec/obj', KEY_A)]) {
    assert.equal(res.headers['x-qs-encryption-customer-algorithm'], 'AES256');
    assert.equal(res.headers['x-qs-encryption-customer-key-md5'], KEY_A['x-qs-encryption-customer-key-md5']);
  }
});

test('ssec: ranges of an encrypted object', async () => {
  for (const [from, to] of [[0, 0], [15, 16], [17, 4095], [4000, 4999]]) {
    const { res, body } = await getBytes('ssec/obj', { range: `bytes=${from}-${to}`, ...KEY_A });
    assert.equal(res.status, 206);
    assert.ok(body.equals(SSE_BODY.subarray(from, to + 1)), `bytes=${from}-${to} differ`);
  }
});

test('ssec: copy an encrypted source to a plain and to a re-keyed object', async () => {
  await put('ssec/plain-copy', undefined, { 'x-qs-copy-source': `/${MAIN}/ssec/obj`, ...copySourceKey(KEY_A) });
  assert.ok((await getBytes('ssec/plain-copy')).body.equals(SSE_BODY), 'plain copy differs');
  await put('ssec/rekeyed', undefined, { 'x-qs-copy-source': `/${MAIN}/ssec/obj`, ...copySourceKey(KEY_A), ...KEY_B });
  assert.ok((await getBytes('ssec/rekeyed', KEY_B)).body.equals(SSE_BODY), 're-keyed copy differs');
  await fails(bucketBin().getObject('ssec/rekeyed', KEY_A), 403, 'permission_denied');
  await fails(put('ssec/no-source-key', undefined, { 'x-qs-copy-source': `/${MAIN}/ssec/obj` }), 403, 'permission_denied');
});

test('ssec: multipart upload with a key', async () => {
  const init = await bucket().initiateMultipartUpload('ssec/mp', KEY_A);
  const id = init.data.upload_id;
  const parts = [payload(4 * MiB, 21), payload(777, 22)];
  for (const [i, body] of parts.entries()) await bucket().uploadMultipart('ssec/mp', { upload_id: id, part_number: i + 1, body, ...KEY_A });
  await bucket().completeMultipartUpload('ssec/mp', { upload_id: id, object_parts: [{ part_number: 1 }, { part_number: 2 }], ...KEY_A });
  assert.ok((await getBytes('ssec/mp', KEY_A)).body.equals(Buffer.concat(parts)), 'encrypted multipart object differs');
  await fails(bucketBin().getObject('ssec/mp'), 403, 'permission_denied');
});

// ---- presigned URLs -----------------------------------------------------------

test('presign: GET and HEAD of a hostile key with plain node http', async () => {
  const key = 'presign/' + HOSTILE_KEYS.find(([l]) => l === 'plus and equals')[1] + ' ü#?';
  const body = payload(1500, 13);
  await put(key, body);
  const get = await bucket().getObjectRequest(key).signQuery(300);
  const g = await fetchURL(get.operation.uri);
  assert.equal(g.status, 200, g.body.toString());
  assert.ok(g.body.equals(body), 'presigned GET body differs');
  const head = await bucket().headObjectRequest(key).signQuery(300);
  const h = await fetchURL(head.operation.uri, 'HEAD');
  assert.equal(h.status, 200);
  assert.equal(Number(h.headers['content-length']), body.length);
});

test('presign: response-* parameters are signed and applied', async () => {
  const req = await bucket().getObjectRequest('meta/obj', OVERRIDES).signQuery(300);
  const g = await fetchURL(req.operation.uri);
  assert.equal(g.status, 200, g.body.toString());
  for (const [param, v] of Object.entries(OVERRIDES)) {
    assert.equal(g.headers[param.slice('response-'.length)], latin1(v), param);
  }
});

test('presign: an expired URL is 403 request_expired', async () => {
  const req = await bucket().getObjectRequest('meta/obj').signQuery(-60);
  const g = await fetchURL(req.operation.uri);
  assert.equal(g.status, 403);
  assert.equal(bodyJSON(g.body).code, 'request_expired');
});

test('presign: a tampered signature is 401 signature_not_matched', async () => {
  const req = await bucket().getObjectRequest('meta/obj').signQuery(300);
  const u = new URL(req.operation.uri);
  const sig = u.searchParams.get('signature');
  u.searchParams.set('signature', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
  const g = await fetchURL(u.toString());
  assert.equal(g.status, 401);
  assert.equal(bodyJSON(g.body).code, 'signature_not_matched');
});

// ---- fetch -------------------------------------------------------------------

// A source server on loopback for fetch: /plain answers with Content-Length,
// /chunked without, anything else 404.
const FETCH_BODY = payload(70000, 17);
let sourceURL = '';
const sourceServer = http.createServer((req, res) => {
  if (req.url.startsWith('/plain')) {
    res.writeHead(200, { 'content-type': 'application/x-fetched', 'content-length': FETCH_BODY.length });
    return res.end(FETCH_BODY);
  }
  if (req.url.startsWith('/chunked')) {
    res.writeHead(200, { 'content-type': 'application/x-fetched' });
    for (let i = 0; i < FETCH_BODY.length; i += 8192) res.write(FETCH_BODY.subarray(i, i + 8192));
    return res.end();
  }
  res.writeHead(404, { 'content-length': 0 });
  res.end();
});

test('fetch: a source with Content-Length is stored', async () => {
  await new Promise((resolve) => sourceServer.listen(0, '127.0.0.1', resolve));
  sourceURL = `http://127.0.0.1:${sourceServer.address().port}`;
  // The SDK always sends a Content-Type (application/octet-stream unless
  // told): it is the object's type, the source's is not used.
  const r = await put('fetch/plain', undefined, { 'x-qs-fetch-source': `${sourceURL}/plain/a file.bin`, 'content-type': 'image/x-test' });
  assert.equal(r.status, 201);
  const g = await getBytes('fetch/plain');
  assert.ok(g.body.equals(FETCH_BODY), 'fetched body differs');
  assert.equal(g.res.headers['content-type'], 'image/x-test');
});

test('fetch: a source without Content-Length is refused and stores nothing', async () => {
  // The fetch page: the source must send Content-Length, or the fetch fails.
  await fails(put('fetch/chunked', undefined, { 'x-qs-fetch-source': `${sourceURL}/chunked` }), 503, 'upstream_failed');
  await fails(bucket().headObject('fetch/chunked'), 404);
});

test('fetch: a 404 source is 404 object_not_exists', async () => {
  await fails(put('fetch/none', undefined, { 'x-qs-fetch-source': `${sourceURL}/missing` }), 404, 'object_not_exists');
  await fails(bucket().headObject('fetch/none'), 404);
});

test('fetch: x-qs-fetch-if-unmodified-since', async () => {
  const src = { 'x-qs-fetch-source': `${sourceURL}/plain` };
  await fails(put('fetch/plain', undefined, { ...src, 'x-qs-fetch-if-unmodified-since': httpDate(Date.now() - HOUR) }), 412, 'precondition_failed');
  const r = await put('fetch/plain', undefined, { ...src, 'x-qs-fetch-if-unmodified-since': httpDate(Date.now() + HOUR) });
  assert.equal(r.status, 201);
});

test('fetch: with SSE-C headers the object is never stored in plaintext', async () => {
  let r;
  try {
    r = await put('fetch/ssec', undefined, { 'x-qs-fetch-source': `${sourceURL}/plain`, ...KEY_A });
  } catch (e) {
    if (!e.response) throw e;
    assert.equal(e.response.status, 400, 'a refusal is a 400');
    assert.equal(bodyJSON(e.response.data).code, 'invalid_request');
    return fails(bucket().headObject('fetch/ssec'), 404);
  }
  assert.equal(r.status, 201);
  await fails(bucketBin().getObject('fetch/ssec'), 403, 'permission_denied');
  assert.ok((await getBytes('fetch/ssec', KEY_A)).body.equals(FETCH_BODY), 'decrypted fetched body differs');
});

// ---- more listings, storage classes, virtual-host style ---------------------

test('service: listBuckets pages with limit and offset', async () => {
  const all = (await qs.listBuckets()).data;
  const names = [];
  for (let off = 0; off < all.count; off++) {
    const { data } = await qs.listBuckets({ limit: 1, offset: off });
    assert.equal(data.buckets.length, 1);
    assert.equal(data.count, all.count, 'count is the total');
    names.push(data.buckets[0].name);
  }
  assertSameKeys(names, all.buckets.map((b) => b.name));
});

test('multipart: list uploads pages with key_marker and upload_id_marker', async () => {
  const keys = ['ups/k1', 'ups/k1', 'ups/k2', 'ups/k2 ü', 'ups/k3'];
  const want = [];
  for (const k of keys) want.push(`${k} ${(await bucket().initiateMultipartUpload(k)).data.upload_id}`);
  try {
    const got = [];
    let markers = {};
    for (let i = 0; i < 10; i++) {
      const { data } = await bucket().listMultipartUploads({ prefix: 'ups/', limit: 2, ...markers });
      assert.ok(data.uploads.length <= 2, `page of ${data.uploads.length}`);
      got.push(...data.uploads.map((u) => `${u.key} ${u.upload_id}`));
      if (!data.has_more) break;
      markers = { key_marker: data.next_key_marker, upload_id_marker: data.next_upload_id_marker };
    }
    assertSameKeys(got, want);
  } finally {
    for (const w of want) {
      const at = w.lastIndexOf(' ');
      await bucket().abortMultipartUpload(w.slice(0, at), { upload_id: w.slice(at + 1) });
    }
  }
});

test('delete multiple: quiet mode lists no deleted keys', async () => {
  await put('quiet/a', Buffer.from('a'));
  await put('quiet/b', Buffer.from('b'));
  const { data } = await bucket().deleteMultipleObjects({ objects: [{ key: 'quiet/a' }, { key: 'quiet/b' }], quiet: true });
  assert.deepEqual(data.deleted || [], []);
  assert.deepEqual(data.errors || [], []);
  await fails(bucket().headObject('quiet/a'), 404);
});

test('storage class: STANDARD_IA is kept, an unknown class is 400 invalid_request', async () => {
  await put('class/ia', Buffer.from('cold'), { 'x-qs-storage-class': 'STANDARD_IA' });
  const h = await bucket().headObject('class/ia');
  assert.equal(h.headers['x-qs-storage-class'], 'STANDARD_IA');
  const { data } = await bucket().listObjects({ prefix: 'class/' });
  assert.equal(data.keys[0].storage_class, 'STANDARD_IA');
  await fails(put('class/bad', Buffer.from('x'), { 'x-qs-storage-class': 'GLACIER' }), 400, 'invalid_request');
  await fails(bucket().headObject('class/bad'), 404);
});

test('virtual-host style: bucket and object requests on <bucket>.<zone>.<host>', async () => {
  const vq = client({ vhost: true });
  const vb = vq.Bucket(MAIN, ZONE);
  const key = 'vhost/' + HOSTILE_KEYS.find(([l]) => l === 'spaces')[1];
  assert.equal((await vb.head()).status, 200);
  assert.equal((await vb.putObject(key, { body: Buffer.from('vhost') })).status, 201);
  assert.equal((await vb.headObject(key)).headers['content-length'], '5');
  const { data } = await vb.listObjects({ prefix: 'vhost/' });
  assert.deepEqual(data.keys.map((k) => k.key), [key]);
  const stats = await vb.getStatistics();
  assert.equal(stats.data.name, MAIN);
  assert.equal((await vb.deleteObject(key)).status, 204);
});

test('presign: PUT uploads with plain node http', async () => {
  const req = await bucket().putObjectRequest('presign/put target ü').signQuery(300);
  const body = payload(999, 3);
  const res = await new Promise((resolve, reject) => {
    const r = http.request(req.operation.uri, { method: 'PUT', agent, headers: { 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    r.on('error', reject);
    r.end(body);
  });
  assert.equal(res.statusCode, 201);
  assert.ok((await getBytes('presign/put target ü')).body.equals(body), 'uploaded body differs');
});

// ---- answer shapes --------------------------------------------------------------

test('answers: x-qs-request-id on success; error bodies are JSON with code, message, request_id, url', async () => {
  const ok = await bucket().headObject('meta/obj');
  assert.match(ok.headers['x-qs-request-id'] || '', /^\S+$/, 'x-qs-request-id on a success');
  assert.match(ok.headers.etag, /^"[0-9a-f]{32}"$/, 'ETag is a quoted md5');
  assert.ok(!Number.isNaN(Date.parse(ok.headers['last-modified'])), 'Last-Modified is a date');
  const r = await fails(bucket().getObject('missing/key'), 404, 'object_not_exists');
  assert.match(r.headers['content-type'], /^application\/json/);
  const body = bodyJSON(r.data);
  assert.ok(body.message && body.url, JSON.stringify(body));
  assert.equal(body.request_id, r.headers['x-qs-request-id']);
});

// ---- limits ------------------------------------------------------------------

test('limits: a 1024-byte key works, a 1025-byte key is 400 invalid_object_name', async () => {
  const key = 'long/' + 'é'.repeat(509) + 'x';
  assert.equal(Buffer.byteLength(key), 1024);
  await put(key, Buffer.from('long'));
  assert.equal((await getBytes(key)).body.toString(), 'long');
  await bucket().deleteObject(key);
  await fails(put(key + 'y', Buffer.from('too long')), 400, 'invalid_object_name');
});

test('limits: metadata over 2 KiB is 400 metadata_too_large', async () => {
  const req = bucket().putObjectRequest('limits/meta', { body: Buffer.from('x') });
  await fails(withHeaders(req, { 'x-qs-meta-big': 'v'.repeat(2100) }), 400, 'metadata_too_large');
  await fails(bucket().headObject('limits/meta'), 404);
});

test('limits: delete multiple of 1001 keys is 400 too_many_objects', async () => {
  const objects = Array.from({ length: 1001 }, (_, i) => ({ key: `limits/k${i}` }));
  await fails(bucket().deleteMultipleObjects({ objects }), 400, 'too_many_objects');
});

// ---- credentials ---------------------------------------------------------------

test('auth: a wrong secret is 401 signature_not_matched', async () => {
  const bad = client({ sk: SK.slice(0, -1) + (SK.endsWith('x') ? 'y' : 'x') });
  await fails(bad.listBuckets(), 401, 'signature_not_matched');
  await fails(bad.Bucket(MAIN, ZONE).getObject('meta/obj'), 401, 'signature_not_matched');
  await fails(bad.Bucket(MAIN, ZONE).putObject('auth/nope', { body: Buffer.from('x') }), 401, 'signature_not_matched');
  await fails(bucket().headObject('auth/nope'), 404);
});

test('auth: an unknown access key is 401 invalid_access_key_id', async () => {
  const bad = client({ ak: 'NOSUCHACCESSKEY00000' });
  await fails(bad.listBuckets(), 401, 'invalid_access_key_id');
  await fails(bad.Bucket(MAIN, ZONE).getObject('meta/obj'), 401, 'invalid_access_key_id');
});

test('auth: a request dated 20 minutes ago is 403 request_expired', async () => {
  const req = bucket().headObjectRequest('meta/obj');
  req.operation.headers['x-qs-date'] = httpDate(Date.now() - 20 * 60 * 1000);
  await fails(req.send(), 403);
  const get = bucket().getObjectRequest('meta/obj');
  get.operation.headers['x-qs-date'] = httpDate(Date.now() - 20 * 60 * 1000);
  await fails(get.send(), 403, 'request_expired');
});

test('auth: an unsigned request is 403 permission_denied', async () => {
  const g = await fetchURL(`http://${ZONE}.localhost:${serverPort}/${MAIN}/meta%2Fobj`);
  assert.equal(g.status, 403);
  assert.equal(bodyJSON(g.body).code, 'permission_denied');
});

// ---- clean up -----------------------------------------------------------------

test('cleanup: every object deleted (listing paged), then the bucket', async () => {
  const { keys } = await listAll(bucket(), { limit: 100 });
  await inParallel(keys, 16, (k) => bucket().deleteObject(k));
  const ups = (await bucket().listMultipartUploads()).data.uploads || [];
  for (const u of ups) await bucket().abortMultipartUpload(u.key, { upload_id: u.upload_id });
  const r = await bucket().delete();
  assert.equal(r.status, 204);
});

run().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
