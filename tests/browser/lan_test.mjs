// The web UI on a centre's network: a node listening on a non-loopback
// address serves HTTPS with the certificate it made, and Debian's headless
// Chromium (playwright-core) logs in and opens pages through it, accepting
// the certificate by its public key's fingerprint only
// (--ignore-certificate-errors-spki-list), as a browser whose user checked
// the fingerprint would. Then, without the browser: 421 for a foreign Host,
// no answer to plain HTTP, and wrong logins from the browser's address
// delayed as a real client address's are (loopback is not counted).
//
// The network is two namespaces the test makes and always removes: the
// node's and the browser's, joined by a veth pair (10.213.0.1 browser,
// 10.213.0.2 node), so no address of the machine's own network is used.
// Where namespaces cannot be made (no root, no CAP_NET_ADMIN, no `ip`) the
// same flow runs on the loopback alias 127.0.0.2 with TLS forced, and the
// test reports itself skipped (exit 77) with the reason.
//
//   node tests/browser/lan_test.mjs   (as root)
//
// Environment: MRCNODE, CHROMIUM, MRC_ARTIFACTS as for ui_test.mjs;
// MRC_LAN_LOOPBACK=1 takes the loopback way (to try it where namespaces work).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const MRCNODE = process.env.MRCNODE || path.join(root, 'build', 'node', 'mrcnode');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.resolve(process.env.MRC_ARTIFACTS || path.join(root, 'build', 'browser-artifacts'));
const SKIP = 77; // CTest's SKIP_RETURN_CODE for this test
const DEADLINE_MS = 150_000;
const T = { action: 10_000, nav: 15_000, cli: 60_000, start: 20_000, stop: 10_000 };
const PASSWORD = 'lan-admin-pass-1';
const NS_NODE = `mrc-lan-node-${process.pid}`;
const NS_BROWSER = `mrc-lan-web-${process.pid}`;
const NODE_ADDR = '10.213.0.2';
const BROWSER_ADDR = '10.213.0.1';

const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...a);
const after = (ms, value) => new Promise((resolve) => setTimeout(resolve, ms, value).unref());

function run(cmd, args, input) {
  try {
    return execFileSync(cmd, args, { input: input ?? '', timeout: T.cli, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

// ---------------------------------------------------------------------------
// The network: two namespaces and a veth pair between them.

let namespaces = [];

function makeNetwork() {
  const veth = [`mrcv${process.pid}n`, `mrcv${process.pid}b`].map((n) => n.slice(0, 15));
  run('ip', ['netns', 'add', NS_NODE]);
  namespaces.push(NS_NODE);
  run('ip', ['netns', 'add', NS_BROWSER]);
  namespaces.push(NS_BROWSER);
  run('ip', ['-n', NS_NODE, 'link', 'add', veth[0], 'type', 'veth', 'peer', 'name', veth[1], 'netns', NS_BROWSER]);
  for (const [ns, dev, addr] of [[NS_NODE, veth[0], NODE_ADDR], [NS_BROWSER, veth[1], BROWSER_ADDR]]) {
    run('ip', ['-n', ns, 'addr', 'add', `${addr}/30`, 'dev', dev]);
    run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
}

// Ends what still runs in the namespaces (only what this test started
// there) and removes them, which removes the veth pair too.
function removeNetwork() {
  for (const ns of namespaces.splice(0)) {
    try {
      for (const pid of run('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {}
      }
    } catch {}
    try {
      run('ip', ['netns', 'del', ns]);
    } catch (e) {
      console.error(`lan_test: could not remove namespace ${ns}: ${e.message}`);
    }
  }
}

// A port free on `host` when asked (the namespace's own network has them all).
function freePort(host) {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// `cmd args` inside namespace `ns`, or as it is when `ns` is null.
const inNs = (ns, cmd, args) => (ns ? ['ip', ['netns', 'exec', ns, cmd, ...args]] : [cmd, args]);

// ---------------------------------------------------------------------------
// The node

let nodeProc = null;

async function startNode(dir, ns, logFile) {
  const out = fs.openSync(logFile, 'a');
  const [cmd, args] = inNs(ns, MRCNODE, ['run', '--data', dir]);
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  nodeProc = proc;
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node did not serve within ${T.start} ms:\n${seen}`)), T.start);
    proc.stdout.on('data', (chunk) => {
      fs.writeSync(out, chunk);
      seen += chunk.toString();
      const served = seen.match(/mrcnode: serving (https:\/\/[^/ ]+)\//);
      const fp = seen.match(/certificate SHA-256 fingerprint ([0-9A-F:]{95})/);
      if (served && fp) {
        clearTimeout(timer);
        resolve({ base: served[1], fingerprint: fp[1] });
      }
    });
    proc.stderr.on('data', (c) => fs.writeSync(out, c));
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (nodeProc === proc) nodeProc = null;
      reject(new Error(`the node exited (code ${code}, signal ${sig}): ${fs.readFileSync(logFile, 'utf8')}`));
    });
  });
}

async function stopNode() {
  const proc = nodeProc;
  if (!proc) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  if ((await Promise.race([exited, after(T.stop, 'timeout')])) === 'timeout') proc.kill('SIGKILL');
  nodeProc = null;
}

// GET `url` with the Host header `host`, from `ns`, trusting any
// certificate (the point is the node's answer to the Host): the status, or
// "error CODE".
function statusWithHost(ns, url, host) {
  const script = `
    const client = require(process.argv[1].startsWith('https:') ? 'node:https' : 'node:http');
    const req = client.get(process.argv[1], { headers: { Host: process.argv[2] }, rejectUnauthorized: false,
      timeout: 5000 }, (res) => { console.log(res.statusCode); res.resume(); });
    req.on('error', (e) => { console.log('error ' + e.code); });`;
  const [cmd, args] = inNs(ns, process.execPath, ['-e', script, url, host]);
  return run(cmd, args).trim();
}

// Wrong logins at `count` different names from `ns`, one after another:
// their statuses. Only the count per client address can delay them (429),
// and it is kept for real addresses only (loopback is not counted).
function wrongLogins(ns, base, count) {
  const script = `
    const https = require('node:https');
    const one = (i) => new Promise((resolve) => {
      const body = JSON.stringify({ name: 'guess' + i, password: 'wrong' });
      const req = https.request(process.argv[1] + '/api/v1/login', { method: 'POST', rejectUnauthorized: false,
        timeout: 10000, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
        (res) => { res.resume(); resolve(res.statusCode); });
      req.on('error', (e) => resolve('error ' + e.code));
      req.end(body);
    });
    (async () => { const out = []; for (let i = 0; i < Number(process.argv[2]); i++) out.push(await one(i));
      console.log(JSON.stringify(out)); })();`;
  const [cmd, args] = inNs(ns, process.execPath, ['-e', script, base, String(count)]);
  return JSON.parse(run(cmd, args));
}

// ---------------------------------------------------------------------------
// The flow

async function flow({ ns, browserNs, listenHost, port, tmp }) {
  const dir = path.join(tmp, 'centre');
  run(MRCNODE, ['init', '--data', dir, '--hq', '--network', 'LAN test', '--name', 'Centre on the LAN',
    '--http', `${listenHost}:${port}`, '--listen', 'none']);
  if (!ns) {
    const config = path.join(dir, 'config.toml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('tls = "auto"', 'tls = "on"'));
  }
  run(MRCNODE, ['user', 'add', 'admin', '--role', 'admin', '--password-stdin', '--data', dir], `${PASSWORD}\n`);
  const shown = run(MRCNODE, ['tls', 'show', '--data', dir]);
  const spki = shown.match(/SPKI pin: +sha256\/\/(\S+)/)[1];
  const { base, fingerprint } = await startNode(dir, ns, path.join(ARTIFACTS, 'lan-node.log'));
  assert.equal(base, `https://${listenHost}:${port}`);
  assert.ok(shown.includes(fingerprint), `tls show does not list the served fingerprint:\n${shown}`);
  log(`node serving ${base}, certificate ${fingerprint}`);

  // The browser, in its own namespace when there is one.
  let executablePath = CHROMIUM;
  if (browserNs) {
    executablePath = path.join(tmp, 'chromium-in-ns');
    fs.writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${browserNs} ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      `--ignore-certificate-errors-spki-list=${spki}`],
  });
  try {
    log(`Chromium ${browser.version()}`);
    const ctx = await browser.newContext({ locale: 'en-US' });
    ctx.setDefaultTimeout(T.action);
    ctx.setDefaultNavigationTimeout(T.nav);
    const page = await ctx.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 500 && problems.push(`HTTP ${r.status()} for ${r.url()}`));

    // Login page over TLS 1.2+, with HSTS and the CSP.
    const res = await page.goto(`${base}/login`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const tls = await res.securityDetails();
    assert.ok(tls && /^TLS 1\.[23]$/.test(tls.protocol), `protocol ${JSON.stringify(tls)}`);
    const headers = await res.allHeaders();
    // HSTS for a non-loopback name only (127.0.0.2 is loopback).
    if (ns) assert.match(headers['strict-transport-security'] ?? '', /max-age=\d+/);
    else assert.equal(headers['strict-transport-security'], undefined);
    assert.match(headers['content-security-policy'] ?? '', /default-src 'none'/);
    log(`login page over ${tls.protocol}, certificate for ${tls.subjectName}`);

    // Log in; the session cookie is Secure.
    await page.locator('input[name=name]').fill('admin');
    await page.locator('input[name=password]').fill(PASSWORD);
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    assert.equal(post.status(), 303, `POST /login answered ${post.status()}`);
    await page.waitForLoadState('load');
    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.name === 'mrc_session');
    assert.ok(session, `no session cookie: ${JSON.stringify(cookies)}`);
    assert.equal(session.secure, true, 'the session cookie is not Secure');
    assert.equal(session.httpOnly, true);

    // A few pages; /sync shows the fingerprint staff are told to check.
    for (const p of ['/', '/?q=visa', '/faq', '/settings', '/admin/users', '/sync']) {
      const r = await page.goto(`${base}${p}`, { waitUntil: 'load' });
      assert.equal(r.status(), 200, `GET ${p} answered ${r.status()}`);
      assert.notEqual(new URL(page.url()).pathname, '/login', `${p} led back to /login`);
    }
    const fpText = await page.locator('code.fingerprint').textContent();
    assert.equal(fpText, fingerprint);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lan-sync.png'), fullPage: true, timeout: T.action });
    // Whoever types http:// for the address is told to use https://.
    const plainRes = await page.goto(`${base.replace('https:', 'http:')}/login`, { waitUntil: 'load' });
    assert.equal(plainRes.status(), 400);
    assert.match(await page.locator('body').textContent(), /serves HTTPS only/);
    assert.deepEqual(problems, []);
  } finally {
    await Promise.race([browser.close().catch(() => {}), after(10_000)]);
  }

  // DNS rebinding: a Host the certificate does not hold gets 421.
  assert.equal(statusWithHost(browserNs, `${base}/login`, 'evil.example'), '421');
  assert.equal(statusWithHost(browserNs, `${base}/login`, `${listenHost}:${port}`), '200');
  // The browser's address is a real one: after 20 wrong passwords from it
  // (limits.login_address_delay_after_failures), whatever the names, the
  // next try waits (429).
  if (ns) {
    const statuses = wrongLogins(browserNs, base, 24);
    const first429 = statuses.indexOf(429);
    assert.ok(first429 >= 20, `statuses of 24 wrong logins from ${BROWSER_ADDR}: ${statuses}`);
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401), `${statuses}`);
  }
  // Plain HTTP on the port is answered 400, in plain text.
  assert.equal(statusWithHost(browserNs, `${base}/login`.replace('https:', 'http:'), listenHost), '400');
  await stopNode();
}

async function main() {
  for (const [what, file] of [['mrcnode (MRCNODE)', MRCNODE], ['chromium (CHROMIUM)', CHROMIUM]]) {
    if (!fs.existsSync(file)) throw new Error(`${what} not found at ${file}`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.rmSync(path.join(ARTIFACTS, 'lan-node.log'), { force: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-lan-'));
  let fallback = null;
  try {
    try {
      if (process.env.MRC_LAN_LOOPBACK === '1') throw new Error('MRC_LAN_LOOPBACK=1');
      makeNetwork();
    } catch (e) {
      fallback = e.message;
    }
    if (fallback === null) {
      log(`namespaces ${NS_NODE} (${NODE_ADDR}) and ${NS_BROWSER} (${BROWSER_ADDR})`);
      await flow({ ns: NS_NODE, browserNs: NS_BROWSER, listenHost: NODE_ADDR, port: 8443, tmp });
    } else {
      removeNetwork();
      log(`no network namespaces (${fallback}): the loopback alias 127.0.0.2 with TLS forced`);
      await flow({ ns: null, browserNs: null, listenHost: '127.0.0.2', port: await freePort('127.0.0.2'), tmp });
    }
  } finally {
    await stopNode().catch(() => {});
    removeNetwork();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (fallback !== null) {
    console.log(`browser lan: SKIPPED the namespace run (${fallback}); the loopback run passed`);
    return SKIP;
  }
  console.log('browser lan: passed');
  return 0;
}

const watchdog = setTimeout(() => {
  console.error(`lan_test: the run took longer than ${DEADLINE_MS} ms: stopping`);
  if (nodeProc) nodeProc.kill('SIGKILL');
  removeNetwork();
  process.exit(1);
}, DEADLINE_MS);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (nodeProc) nodeProc.kill('SIGKILL');
    removeNetwork();
    process.exit(1);
  });
}

main()
  .then((code) => process.exit(code))
  .catch((e) => {
    console.error(`lan_test: ${e.stack || e}`);
    if (nodeProc) nodeProc.kill('SIGKILL');
    removeNetwork();
    process.exit(1);
  });
