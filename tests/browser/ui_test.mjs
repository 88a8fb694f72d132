// Real-browser tests of mrcnode's web UI: Debian's headless Chromium, driven
// by playwright-core, against two real nodes (headquarters and one centre)
// on 127.0.0.1.
//
//   node tests/browser/ui_test.mjs
//
// Environment:
//   MRCNODE        the mrcnode binary (default build/node/mrcnode)
//   CHROMIUM       the browser (default /usr/bin/chromium; never downloaded)
//   MRC_ARTIFACTS  where screenshots and node logs go (default build/browser-artifacts)
//   MRC_KEEP_DATA  1: keep the temporary data directories
//
// Every wait is bounded; the whole run has a deadline. Exit 0 when every
// step passed, 1 otherwise (the failing steps, the node logs' tails and a
// screenshot of the page are printed / saved).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const MRCNODE = process.env.MRCNODE || path.join(root, 'build', 'node', 'mrcnode');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.resolve(process.env.MRC_ARTIFACTS || path.join(root, 'build', 'browser-artifacts'));
const SAMPLE = path.join(root, 'scripts', 'sample');
const RUN_DEADLINE_MS = 240_000; // below CTest's TIMEOUT 300
const T = { action: 10_000, nav: 15_000, api: 10_000, cli: 60_000, start: 20_000, stop: 10_000 };

const PW = { admin: 'admin-pass-1', editor: 'editor-pass-1', counsellor: 'counsellor-pass-1' };
const started = Date.now();
// A promise that resolves after `ms` with `value`, without keeping the
// process alive (for races against a deadline).
const after = (ms, value) =>
  new Promise((resolve) => setTimeout(resolve, ms, value).unref());
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...a);

// ---------------------------------------------------------------------------
// Nodes

// `n` distinct free ports on 127.0.0.1: all held open at once, then freed.
async function freePorts(n) {
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise((resolve, reject) => {
        const s = net.createServer();
        s.unref();
        s.on('error', reject);
        s.listen(0, '127.0.0.1', () => resolve(s));
      })),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function cli(args, input) {
  try {
    return execFileSync(MRCNODE, args, {
      input: input ?? '',
      timeout: T.cli,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    throw new Error(`mrcnode ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

class Node {
  constructor(name, dir, logFile) {
    this.name = name;
    this.dir = dir;
    this.logFile = logFile;
    this.proc = null;
    this.base = null;
  }

  async start() {
    assert.equal(this.proc, null, `${this.name} already runs`);
    const out = fs.openSync(this.logFile, 'a');
    fs.writeSync(out, `\n==== ${new Date().toISOString()} start ${this.name}\n`);
    const proc = spawn(MRCNODE, ['run', '--data', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let seen = '';
    const served = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name} did not print its address within ${T.start} ms`)),
        T.start,
      );
      const onData = (chunk) => {
        fs.writeSync(out, chunk);
        seen += chunk.toString();
        const m = seen.match(/mrcnode: serving (http:\/\/127\.0\.0\.1:\d+)\//);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', (c) => fs.writeSync(out, c));
      proc.on('exit', (code, sig) => {
        clearTimeout(timer);
        try {
          fs.writeSync(out, `==== ${this.name} exited (code ${code}, signal ${sig})\n`);
          fs.closeSync(out);
        } catch {}
        if (this.proc === proc) this.proc = null;
        reject(new Error(`${this.name} exited (code ${code}, signal ${sig})`));
      });
    });
    this.base = await served;
    this.token = fs.readFileSync(path.join(this.dir, 'api-token'), 'utf8').trim();
    log(`${this.name} serving ${this.base}`);
  }

  async stop() {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    if ((await Promise.race([exited, after(T.stop, 'timeout')])) === 'timeout') {
      log(`${this.name} did not stop on SIGTERM within ${T.stop} ms: SIGKILL`);
      proc.kill('SIGKILL');
      await Promise.race([exited, after(5000)]);
    }
    this.proc = null;
  }

  killNow() {
    if (this.proc) {
      try {
        this.proc.kill('SIGKILL');
      } catch {}
    }
  }

  async api(method, urlPath, body) {
    const res = await fetch(this.base + urlPath, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(T.api),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${this.name}: ${method} ${urlPath} -> ${res.status} ${text}`);
    return JSON.parse(text);
  }

  tail(lines = 40) {
    try {
      const all = fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n');
      return all.slice(-lines).join('\n');
    } catch (e) {
      return `(no log: ${e.message})`;
    }
  }
}

// Both nodes hold the same entries: equal digests, polled at most 300 times
// and for at most 30 s.
async function converge(a, b, what) {
  const deadline = Date.now() + 30_000;
  let da, db;
  for (let i = 0; i < 300 && Date.now() < deadline; i++) {
    try {
      [da, db] = await Promise.all([a.api('GET', '/api/v1/digest'), b.api('GET', '/api/v1/digest')]);
      if (da.digest === db.digest) {
        log(`converged (${what}): ${da.documents} documents, ${da.entries} entries`);
        return da;
      }
    } catch (e) {
      da = db = { error: e.message };
    }
    await after(100);
  }
  throw new Error(
    `${a.name} and ${b.name} did not converge (${what}): ${JSON.stringify(da)} vs ${JSON.stringify(db)}`,
  );
}

// ---------------------------------------------------------------------------
// Browser helpers

const consoleProblems = [];

async function newContext(browser, opts = {}) {
  const ctx = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1200, height: 900 },
    ...opts,
  });
  ctx.setDefaultTimeout(T.action);
  ctx.setDefaultNavigationTimeout(T.nav);
  ctx.on('page', (p) => watchPage(p));
  return ctx;
}

function watchPage(page) {
  page.on('pageerror', (e) => consoleProblems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // The wrong password of step a answers 401: expected.
    if (m.type() === 'error' && /status of 401/.test(m.text()) && new URL(page.url()).pathname === '/login') return;
    if (m.type() === 'error') consoleProblems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) consoleProblems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
}

let shotCount = 0;
async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${String(++shotCount).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: T.action });
  return file;
}

// Goes to a page and checks that it answered `status` (200 unless told).
async function go(page, url, status = 200) {
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.ok(res, `no response for ${url}`);
  assert.equal(res.status(), status, `GET ${url} answered ${res.status()}, not ${status}`);
  return res;
}

// Clicks something that submits a form or follows a link, and waits for
// the page it leads to (matching `urlRe`).
async function clickAndWait(page, locator, urlRe) {
  await Promise.all([page.waitForURL(urlRe, { waitUntil: 'load' }), locator.click()]);
}

// Fills and sends the login form; returns the POST's status and the Origin
// header the browser sent with it.
async function submitLogin(page, name, password) {
  await page.locator('input[name=name]').fill(name);
  await page.locator('input[name=password]').fill(password);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  const origin = (await resp.request().allHeaders()).origin ?? '(none)';
  await page.waitForLoadState('load');
  return { status: resp.status(), origin };
}

async function login(page, base, name, password) {
  await go(page, `${base}/login`);
  const { status, origin } = await submitLogin(page, name, password);
  if (status !== 303) {
    const why = await page.locator('main').textContent({ timeout: 2000 }).catch(() => '');
    throw new Error(
      `logging in as ${name} failed: POST /login answered ${status} (the browser sent Origin: ${origin}); ` +
        `the page says: ${why.trim()}`,
    );
  }
  await page.waitForURL((u) => u.pathname === '/', { waitUntil: 'load' });
  await page.locator('input#q').waitFor({ state: 'visible' });
}

const text = async (loc) => ((await loc.textContent({ timeout: T.action })) ?? '').trim();
const htmlAttrs = (page) =>
  page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
const ID_RE = '[0-9a-f]{64}';

// Label/value lists (dl.meta, a two-column grid): every label (dt) must sit
// in the first column and every value (dd) in the second. Returns the
// misplaced items as text.
const metaLayoutProblems = (page) =>
  page.evaluate(() => {
    const problems = [];
    for (const dl of document.querySelectorAll('dl.meta')) {
      const items = [...dl.children].filter((e) => e.tagName === 'DT' || e.tagName === 'DD');
      const x = (e) => Math.round(e.getBoundingClientRect()[document.dir === 'rtl' ? 'right' : 'left']);
      if (new Set(items.map(x)).size < 2) continue; // one column (narrow screen)
      const labelX = x(items.find((e) => e.tagName === 'DT') ?? items[0]);
      for (const e of items) {
        const inLabelColumn = x(e) === labelX;
        if ((e.tagName === 'DT') !== inLabelColumn)
          problems.push(`${e.tagName === 'DT' ? 'label' : 'value'} "${e.textContent.trim().slice(0, 60)}" ` +
            `is in the ${inLabelColumn ? 'label' : 'value'} column`);
      }
    }
    return [...new Set(problems)];
  });

// ---------------------------------------------------------------------------
// The run

const steps = [];
let currentPage = null; // the page a failing step is shown with
let nodes = [];
let browser = null;

async function step(name, fn, { fatal = false } = {}) {
  if (Date.now() - started > RUN_DEADLINE_MS) {
    steps.push({ name, ok: false, error: 'skipped: the run deadline passed' });
    log(`SKIP ${name}: the run deadline passed`);
    return false;
  }
  const t0 = Date.now();
  log(`---- ${name}`);
  try {
    await fn();
    steps.push({ name, ok: true, ms: Date.now() - t0 });
    log(`PASS ${name} (${Date.now() - t0} ms)`);
    return true;
  } catch (e) {
    steps.push({ name, ok: false, error: e.stack || String(e) });
    log(`FAIL ${name}: ${e.message}`);
    if (currentPage && !currentPage.isClosed()) {
      try {
        const safe = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
        const file = path.join(ARTIFACTS, `FAILED-${safe}.png`);
        await currentPage.screenshot({ path: file, fullPage: true, timeout: 5000 });
        log(`     page ${currentPage.url()} saved as ${file}`);
      } catch {}
    }
    if (fatal) throw new StopRun(name);
    return false;
  }
}
class StopRun extends Error {}

async function main() {
  for (const [what, file] of [
    ['mrcnode (MRCNODE)', MRCNODE],
    ['chromium (CHROMIUM)', CHROMIUM],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${what} not found at ${file}`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) {
    if (f.endsWith('.png') || f.endsWith('.log')) fs.rmSync(path.join(ARTIFACTS, f));
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-ui-'));
  log(`data in ${tmp}, artifacts in ${ARTIFACTS}`);
  const hqDir = path.join(tmp, 'hq');
  const caDir = path.join(tmp, 'centre-a');
  const hq = new Node('hq', hqDir, path.join(ARTIFACTS, 'hq.log'));
  const ca = new Node('centre-a', caDir, path.join(ARTIFACTS, 'centre-a.log'));
  nodes = [hq, ca];
  const ctx = { tmp, hq, ca };

  try {
    await step(
      'set up headquarters and centre A',
      async () => {
        // Fixed ports, so that the centre finds headquarters again after the
        // restarts that make a conflict.
        const [hqHttp, hqPeer, caHttp, caPeer] = await freePorts(4);
        cli(['init', '--data', hqDir, '--hq', '--network', 'UI test network', '--name', 'HQ',
          '--http', `127.0.0.1:${hqHttp}`, '--listen', `127.0.0.1:${hqPeer}`]);
        cli(['init', '--data', caDir, '--genesis', path.join(hqDir, 'genesis.txt'), '--name', 'Centre A',
          '--http', `127.0.0.1:${caHttp}`, '--listen', `127.0.0.1:${caPeer}`]);
        cli(['member', 'request', '--data', caDir, '--name', 'Centre A', '--out', `${caDir}.req`]);
        cli(['member', 'approve', '--data', hqDir, `${caDir}.req`]);
        cli(['peer', 'add', '--data', caDir, `127.0.0.1:${hqPeer}`]);
        cli(['import', '--data', hqDir, SAMPLE]);
        for (const dir of [hqDir, caDir]) {
          for (const [user, pw] of Object.entries(PW)) {
            cli(['user', 'add', user, '--role', user, '--password-stdin', '--data', dir], `${pw}\n`);
          }
        }
        await hq.start();
        await ca.start();
        const d = await converge(hq, ca, 'sample content');
        assert.ok(d.documents >= 100, `only ${d.documents} documents after import`);
      },
      { fatal: true },
    );

    await step(
      'make a conflict: the same FAQ edited at both nodes while apart',
      async () => {
        const content = {
          question: 'UI test: which office issues the work card?',
          answer: 'The labour office issues it.',
          language: 'en',
          categories: ['work'],
        };
        const created = await ca.api('POST', '/api/v1/docs', { kind: 'faq', content });
        ctx.conflictId = created.id;
        assert.match(ctx.conflictId, new RegExp(`^${ID_RE}$`));
        await converge(hq, ca, 'the new FAQ');
        await Promise.all([hq.stop(), ca.stop()]);
        ctx.answerCa = 'Centre A says: the municipal labour office issues it.';
        ctx.answerHq = 'Headquarters says: the national employment agency issues it.';
        cli(['doc', 'put', '--data', caDir],
          JSON.stringify({ id: ctx.conflictId, content: { ...content, answer: ctx.answerCa } }));
        cli(['doc', 'put', '--data', hqDir],
          JSON.stringify({ id: ctx.conflictId, content: { ...content, answer: ctx.answerHq } }));
        await hq.start();
        await ca.start();
        await converge(hq, ca, 'after the edits apart');
        for (const n of [hq, ca]) {
          const doc = await n.api('GET', `/api/v1/docs/${ctx.conflictId}`);
          assert.equal(doc.conflict, true, `${n.name} does not see the conflict: ${JSON.stringify(doc)}`);
        }
      },
      { fatal: true },
    );

    await step(
      'launch Chromium',
      async () => {
        browser = await chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          timeout: 30_000,
          // --no-sandbox: CI runs as root. The rest keep Chromium off the
          // network: only 127.0.0.1 is used.
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
            '--disable-dev-shm-usage'],
        });
        log(`Chromium ${browser.version()}`);
      },
      { fatal: true },
    );

    // Headquarters: an editor (editing, conflicts) and an administrator
    // (sync, users, settings), each in a browser context of its own (the
    // two nodes share the host 127.0.0.1, and cookies ignore ports).
    const editorCtx = await newContext(browser);
    const editor = await editorCtx.newPage();
    currentPage = editor;

    let editorIn = false;
    await step('a. log in: a wrong password is refused, the right one opens search', async () => {
      const res = await go(editor, `${hq.base}/`);
      assert.equal(new URL(editor.url()).pathname, '/login', `/ did not lead to /login but ${editor.url()}`);
      assert.equal(new URL(editor.url()).searchParams.get('next'), '/');
      assert.ok(res);
      await shot(editor, 'login');
      const wrong = await submitLogin(editor, 'editor', 'not-the-password');
      const err = await text(editor.locator('main .error[role=alert]'));
      assert.equal(wrong.status, 401,
        `a wrong password should answer 401 "Wrong user name or password."; it answered ${wrong.status} ` +
          `"${err}" (the browser sent Origin: ${wrong.origin})`);
      assert.equal(err, 'Wrong user name or password.');
      assert.equal(new URL(editor.url()).pathname, '/login');
      await shot(editor, 'login-wrong-password');
      const right = await submitLogin(editor, 'editor', PW.editor);
      assert.equal(right.status, 303,
        `the right password should answer 303 to /; it answered ${right.status} (Origin: ${right.origin})`);
      await editor.waitForURL((u) => u.pathname === '/', { waitUntil: 'load' });
      await editor.locator('input#q').waitFor({ state: 'visible' });
      assert.equal(await text(editor.locator('h1')), 'Search');
      assert.match(await text(editor.locator('.who')), /editor/);
      assert.equal(await editor.locator('nav a[href="/conflicts"]').count(), 1, 'an editor sees Conflicts');
      assert.equal(await editor.locator('nav a[href="/sync"]').count(), 0, 'an editor does not see Sync');
      assert.equal(await editor.locator('.hq-silent').count(), 0, 'headquarters never warns of its own silence');
      editorIn = true;
    });
    const needEditor = () => assert.ok(editorIn, 'the editor is not logged in (step a failed)');

    await step('b. search "visas": highlighted results, the first one opens', async () => {
      needEditor();
      await editor.locator('input#q').fill('visas');
      await clickAndWait(editor, editor.getByRole('button', { name: 'Search', exact: true }),
        (u) => u.pathname === '/' && u.searchParams.get('q') === 'visas');
      const results = editor.locator('ol.results li');
      await results.first().waitFor();
      const n = await results.count();
      assert.ok(n >= 1, 'no results for "visas"');
      const marks = await editor.locator('ol.results mark').allTextContents();
      assert.ok(marks.length >= 1, 'no highlighted words in the results');
      assert.ok(marks.some((m) => /visa/i.test(m)), `highlights do not show the word: ${marks.join(', ')}`);
      log(`     ${n} results, highlights: ${[...new Set(marks)].slice(0, 6).join(', ')}`);
      await shot(editor, 'search-results');
      const first = editor.locator('ol.results li a').first();
      const title = await text(first);
      assert.ok(title.length > 0, 'the first result has no title');
      assert.match((await first.getAttribute('href')) ?? '', new RegExp(`^/docs/${ID_RE}$`));
      await clickAndWait(editor, first, new RegExp(`/docs/${ID_RE}$`));
      assert.equal(await text(editor.locator('main h1')), title, 'the document page shows another title');
      assert.equal(await editor.title(), `${title} · HQ`);
      await shot(editor, 'doc');
    });

    await step('c. an editor edits an FAQ answer; the page and its history show the change', async () => {
      needEditor();
      await go(editor, `${hq.base}/faq`);
      const question = 'What is the difference between a short-stay visa and a long-stay visa?';
      await clickAndWait(editor, editor.locator('main a', { hasText: question }), new RegExp(`/docs/${ID_RE}$`));
      const docUrl = editor.url();
      assert.equal(await text(editor.locator('main h1')), question);
      await clickAndWait(editor, editor.getByRole('link', { name: 'Edit', exact: true }), /\/edit$/);
      const answer = editor.locator('textarea[name="f.answer"]');
      const old = await answer.inputValue();
      const lines = old.split('\n');
      let last = lines.length - 1;
      while (last >= 0 && lines[last].trim() === '') last--;
      assert.ok(last >= 0, 'the answer is empty');
      const oldLine = lines[last].trim();
      const newLine = 'Since the UI test, the consulate also asks for two passport photos.';
      lines[last] = newLine;
      await answer.fill(lines.join('\n'));
      await clickAndWait(editor, editor.locator('button[value=preview]'), /\/edit$/);
      const preview = editor.locator('section.preview');
      assert.match(await text(preview), /two passport photos/, 'the preview does not show the new text');
      assert.ok((await answer.inputValue()).includes(newLine), 'the preview lost the edited text');
      await shot(editor, 'edit-preview');
      const save = editor.locator('button[value=save]');
      assert.equal(await text(save), 'Save');
      await clickAndWait(editor, save, (u) => u.href === docUrl);
      const body = await text(editor.locator('article .md'));
      assert.ok(body.includes(newLine), `the document page does not show the new text: ${body}`);
      assert.ok(!body.includes(oldLine), 'the document page still shows the old text');
      await clickAndWait(editor, editor.getByRole('link', { name: 'History', exact: true }), /\/history$/);
      const diff = editor.locator('pre.diff');
      await diff.waitFor();
      const del = (await editor.locator('pre.diff del').allTextContents()).join('\n');
      const ins = (await editor.locator('pre.diff ins').allTextContents()).join('\n');
      assert.ok(del.includes(oldLine), `the diff does not strike the old text; del: ${del}`);
      assert.ok(ins.includes(newLine), `the diff does not add the new text; ins: ${ins}`);
      assert.ok(!del.includes(newLine) && !ins.includes(oldLine), 'the diff mixes old and new');
      await shot(editor, 'history');
    });

    await step('d. an editor resolves a conflict through /conflicts and the merge form', async () => {
      needEditor();
      await go(editor, `${hq.base}/conflicts`);
      const link = editor.locator(`main a[href="/docs/${ctx.conflictId}/edit"]`);
      assert.equal(await link.count(), 1, 'the conflict is not listed');
      assert.equal(await text(link), 'UI test: which office issues the work card?');
      await shot(editor, 'conflicts');
      await go(editor, `${hq.base}/docs/${ctx.conflictId}`);
      assert.equal(await editor.locator('.warning').count(), 1, 'the document page does not warn of the conflict');
      await go(editor, `${hq.base}/conflicts`);
      await clickAndWait(editor, link, new RegExp(`/docs/${ctx.conflictId}/edit$`));
      const versions = editor.locator('.side-by-side .version');
      assert.equal(await versions.count(), 2, 'the two versions are not shown side by side');
      const both = (await versions.allTextContents()).join('\n');
      assert.ok(both.includes(ctx.answerCa) && both.includes(ctx.answerHq), `versions shown: ${both}`);
      await shot(editor, 'conflict-merge');
      const merged = 'Merged: the municipal labour office or the national employment agency issues it.';
      await editor.locator('textarea[name="f.answer"]').fill(merged);
      const save = editor.locator('button[value=save]');
      assert.equal(await text(save), 'Save the merged version');
      await clickAndWait(editor, save, new RegExp(`/docs/${ctx.conflictId}$`));
      assert.equal(await editor.locator('.warning').count(), 0, 'the document still warns of a conflict');
      assert.ok((await text(editor.locator('article .md'))).includes(merged), 'the merged text is not shown');
      await go(editor, `${hq.base}/conflicts`);
      assert.equal(await editor.locator(`main a[href="/docs/${ctx.conflictId}/edit"]`).count(), 0);
      assert.ok((await text(editor.locator('main'))).includes('No conflicts.'), '/conflicts is not empty');
      // The merge reaches the centre, which no longer sees a conflict.
      await converge(hq, ca, 'the merge');
      const atCentre = await ca.api('GET', `/api/v1/docs/${ctx.conflictId}`);
      assert.equal(atCentre.conflict, false, 'the centre still sees a conflict');
    });

    const adminCtx = await newContext(browser);
    const admin = await adminCtx.newPage();

    let adminIn = false;
    const needAdmin = () => assert.ok(adminIn, 'the administrator is not logged in (step h failed)');
    await step('h. screenshots of the reading and administration pages', async () => {
      currentPage = admin;
      await login(admin, hq.base, 'admin', PW.admin);
      adminIn = true;
      await go(admin, `${hq.base}/guides`);
      await clickAndWait(admin, admin.locator('main a[href="/guides/DE"]'), /\/guides\/DE$/);
      assert.equal(await text(admin.locator('main h1')), 'Guide: Germany');
      assert.ok((await admin.locator('section.guide-section').count()) >= 1, 'the German guide has no sections');
      await shot(admin, 'guides-DE');
      await go(admin, `${hq.base}/centres`);
      assert.ok((await admin.locator('main table tbody tr').count()) >= 1, 'no centres listed');
      await shot(admin, 'centres');
      await go(admin, `${hq.base}/bulletins`);
      assert.ok((await admin.locator('ul.bulletins > li').count()) >= 2, 'fewer than 2 bulletins');
      await go(admin, `${hq.base}/sync`);
      const peers = admin.locator('main table tbody tr');
      assert.ok((await peers.count()) >= 1, 'the sync page lists no peer');
      assert.match(await text(peers.first()), /connected/i);
      await shot(admin, 'sync');
      await go(admin, `${hq.base}/admin/users`);
      const users = (await admin.locator('main table tbody tr td:first-child').allTextContents()).map((s) => s.trim());
      for (const u of Object.keys(PW)) assert.ok(users.includes(u), `user ${u} not listed: ${users}`);
      await shot(admin, 'admin-users');
    });

    await step('i. guide sections: labels and values of "Sources" and "Verified on" line up', async () => {
      needAdmin();
      currentPage = admin;
      await go(admin, `${hq.base}/guides/DE`);
      assert.equal(await text(admin.locator('main h1')), 'Guide: Germany');
      assert.ok((await admin.locator('section.guide-section dl.meta').count()) >= 1, 'no Sources/Verified lists');
      const problems = await metaLayoutProblems(admin);
      if (problems.length) {
        await admin.locator('section.guide-section dl.meta').first().screenshot({
          path: path.join(ARTIFACTS, 'FAILED-guide-sources-layout-closeup.png'), timeout: T.action });
      }
      assert.ok(problems.length === 0,
        `in /guides/DE the label/value grid (dl.meta) is out of step (${problems.length} items):\n  ` +
          problems.slice(0, 4).join('\n  '));
    });

    await step('e. a centre counsellor marks a bulletin read', async () => {
      const cctx = await newContext(browser);
      const page = await cctx.newPage();
      currentPage = page;
      await login(page, ca.base, 'counsellor', PW.counsellor);
      await go(page, `${ca.base}/bulletins`);
      const unread = page.locator('ul.bulletins > li.unread');
      const before = await unread.count();
      assert.ok(before >= 1, 'no unread bulletin at the centre');
      const target = unread.first();
      const href = await target.locator('a[href^="/docs/"]').first().getAttribute('href');
      const title = await text(target.locator('a[href^="/docs/"]').first());
      await shot(page, 'bulletins-unread');
      await clickAndWait(page, target.getByRole('button', { name: 'Mark read' }), /\/bulletins$/);
      const li = page.locator('ul.bulletins > li', { has: page.locator(`a[href="${href}"]`) });
      assert.equal(await li.count(), 1, `bulletin ${title} is no longer listed`);
      assert.match((await li.getAttribute('class')) ?? '', /\bread\b/, `"${title}" is not marked read`);
      assert.doesNotMatch((await li.getAttribute('class')) ?? '', /\bunread\b/);
      assert.equal(await li.getByRole('button', { name: 'Mark read' }).count(), 0, 'the button is still there');
      assert.equal(await unread.count(), before - 1);
      await shot(page, 'bulletins');
      await cctx.close();
    });

    await step('f. Arabic: a user who chooses Arabic in /settings gets right-to-left pages', async () => {
      needAdmin();
      currentPage = admin;
      await go(admin, `${hq.base}/settings`);
      const attrs0 = await htmlAttrs(admin);
      assert.deepEqual(attrs0, { lang: 'en', dir: 'ltr' });
      await admin.locator('select#lang').selectOption('ar');
      await clickAndWait(admin, admin.locator('main form').first().locator('button[type=submit]'), /\/settings$/);
      assert.deepEqual(await htmlAttrs(admin), { lang: 'ar', dir: 'rtl' }, 'settings did not turn to Arabic');
      assert.equal(await admin.locator('select#lang').inputValue(), 'ar');
      await shot(admin, 'settings-ar');
      await go(admin, `${hq.base}/`);
      assert.deepEqual(await htmlAttrs(admin), { lang: 'ar', dir: 'rtl' }, 'search is not in Arabic');
    });

    await step('f. Arabic: the login page (logged out) turns right-to-left', async () => {
      const lctx = await newContext(browser);
      const page = await lctx.newPage();
      currentPage = page;
      await go(page, `${hq.base}/login`);
      assert.deepEqual(await htmlAttrs(page), { lang: 'en', dir: 'ltr' });
      await clickAndWait(page, page.locator('a[href^="/login?lang=ar"]'), (u) => u.searchParams.get('lang') === 'ar');
      assert.deepEqual(await htmlAttrs(page), { lang: 'ar', dir: 'rtl' }, 'the login page is not right-to-left');
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), 'rtl');
      await shot(page, 'login-ar');
      await go(page, `${hq.base}/login?lang=ar`);
      assert.deepEqual(await htmlAttrs(page), { lang: 'ar', dir: 'rtl' });
      await lctx.close();
    });

    await step('g. without JavaScript: log in and search', async () => {
      const nctx = await newContext(browser, { javaScriptEnabled: false });
      const page = await nctx.newPage();
      currentPage = page;
      await go(page, `${hq.base}/`);
      assert.equal(new URL(page.url()).pathname, '/login');
      const { status, origin } = await submitLogin(page, 'counsellor', PW.counsellor);
      assert.equal(status, 303, `POST /login answered ${status} without JavaScript (Origin: ${origin})`);
      await page.waitForURL((u) => u.pathname === '/', { waitUntil: 'load' });
      await page.locator('input#q').fill('family reunification');
      await clickAndWait(page, page.getByRole('button', { name: 'Search', exact: true }),
        (u) => u.searchParams.get('q') === 'family reunification');
      assert.ok((await page.locator('ol.results li').count()) >= 1, 'no results without JavaScript');
      assert.ok((await page.locator('ol.results mark').count()) >= 1, 'no highlights without JavaScript');
      await clickAndWait(page, page.locator('ol.results li a').first(), new RegExp(`/docs/${ID_RE}$`));
      assert.ok((await text(page.locator('main h1'))).length > 0);
      await shot(page, 'no-js-doc');
      await nctx.close();
    });
    await step('k. a referral: centre A refers a client to headquarters, which accepts and completes it', async () => {
      const canary = 'Browser-Canary-5521';
      const actx = await newContext(browser);
      const a = await actx.newPage();
      currentPage = a;
      await login(a, ca.base, 'counsellor', PW.counsellor);
      await go(a, `${ca.base}/referrals/new`);
      // The directory lists headquarters as a centre that can receive one.
      const choice = a.locator('p.choice', { hasText: 'headquarters' }).locator('input[type=radio]');
      assert.equal(await choice.count(), 1, 'headquarters is not offered as a receiving centre');
      await choice.check();
      await a.locator('#f-service').fill('Legal advice on a work permit');
      await a.locator('#f-reason').fill('The permit renewal was refused.');
      await a.locator('#f-urgency').selectOption('urgent');
      await a.locator('#f-client_name').fill(canary);
      await a.locator('#f-client_contact').fill('+995 555 000 111');
      await a.locator('#f-client_languages').fill('ka, ru');
      await a.locator('#f-consent').check();
      await a.locator('#f-consent_scope').fill('Name, contact and reason shared with headquarters');
      await shot(a, 'referral-new');
      await clickAndWait(a, a.getByRole('button', { name: 'Send referral' }), new RegExp(`/referrals/${ID_RE}$`));
      ctx.referralPath = new URL(a.url()).pathname;
      assert.ok((await text(a.locator('main'))).includes(canary), 'the sender does not read its own referral');
      await converge(hq, ca, 'the referral');

      const hctx = await newContext(browser);
      const h = await hctx.newPage();
      currentPage = h;
      await login(h, hq.base, 'counsellor', PW.counsellor);
      await go(h, `${hq.base}/referrals?box=in`);
      const row = h.locator('tbody tr', { hasText: 'Legal advice on a work permit' });
      assert.equal(await row.count(), 1, 'the referral is not in the inbox');
      assert.ok((await text(row)).includes('Received'), `inbox row: ${await text(row)}`);
      await shot(h, 'referrals-inbox');
      await clickAndWait(h, row.locator('a').first(), new RegExp(`/referrals/${ID_RE}$`));
      assert.ok((await text(h.locator('main'))).includes(canary), 'the receiving centre cannot read the client');
      await h.locator('#note-accepted').fill('Appointment on Monday at 10');
      await clickAndWait(h, h.getByRole('button', { name: 'Accept' }), new RegExp(`/referrals/${ID_RE}$`));
      assert.ok((await text(h.locator('main h1'))).includes('Accepted'), await text(h.locator('main h1')));
      await h.locator('#note-completed').fill('Permit renewed after appeal');
      await clickAndWait(h, h.getByRole('button', { name: 'Mark completed' }), new RegExp(`/referrals/${ID_RE}$`));
      assert.ok((await text(h.locator('main h1'))).includes('Completed'));
      await shot(h, 'referral-completed');
      await converge(hq, ca, 'the referral statuses');

      currentPage = a;
      await go(a, `${ca.base}${ctx.referralPath}`);
      assert.ok((await text(a.locator('main h1'))).includes('Completed'), 'the sender does not see it completed');
      const trail = await text(a.locator('ol.trail'));
      for (const s of ['Sent', 'Received', 'Accepted', 'Completed', 'Permit renewed after appeal'])
        assert.ok(trail.includes(s), `the trail lacks "${s}": ${trail}`);
      await go(a, `${ca.base}/referrals?box=out`);
      assert.ok((await text(a.locator('main'))).includes('Completed'));
      await shot(a, 'referrals-outbox');
      await actx.close();
      await hctx.close();
    });

    await step('j. accessibility: axe-core finds no WCAG 2 A or AA violation on the main pages', async () => {
      // axe-core is injected into each page, so this context ignores the
      // node's CSP (which rightly refuses any script not from the node).
      const axe = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
      const actx = await newContext(browser, { bypassCSP: true });
      const page = await actx.newPage();
      currentPage = page;
      const audit = async (label) => {
        await page.addScriptTag({ content: axe });
        const found = await page.evaluate(async () => {
          const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
          return {
            passes: r.passes.length,
            violations: r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×, e.g. ${v.nodes[0].target.join(' ')}): ${v.help}`),
          };
        });
        // A rule set that checked nothing would pass anything.
        assert.ok(found.passes >= 10, `${label}: axe checked only ${found.passes} rules`);
        checkedRules += found.passes;
        return found.violations.map((f) => `${label}: ${f}`);
      };
      const problems = [];
      let checkedRules = 0;
      await go(page, `${hq.base}/login`);
      problems.push(...(await audit('/login')));
      await login(page, hq.base, 'admin', PW.admin);
      await go(page, `${hq.base}/?q=visa`);
      const doc = await page.locator('ol.results li a').first().getAttribute('href');
      for (const p of ['/?q=visa', '/', '/faq', '/guides', '/guides/DE', '/bulletins', '/centres', '/conflicts', '/review',
                       '/sync', '/admin/users', '/settings', doc, `${doc}/history`, `${doc}/edit`,
                       `${doc}/proposals`, '/docs/new?kind=guide', '/referrals', '/referrals/new',
                       '/referrals/audit', ...(ctx.referralPath ? [ctx.referralPath] : [])]) {
        await go(page, `${hq.base}${p}`);
        problems.push(...(await audit(p)));
      }
      await actx.close();
      log(`     ${checkedRules} rule checks passed`);
      assert.ok(problems.length === 0, `accessibility problems (${problems.length}):\n  ` + problems.join('\n  '));
    });
  } catch (e) {
    if (!(e instanceof StopRun)) {
      steps.push({ name: 'test harness', ok: false, error: e.stack || String(e) });
      log(`FAIL test harness: ${e.message}`);
    }
  } finally {
    await cleanup();
  }

  const failed = steps.filter((s) => !s.ok);
  if (consoleProblems.length) {
    log(`browser console problems (${consoleProblems.length}):`);
    for (const p of [...new Set(consoleProblems)]) log(`     ${p}`);
  }
  if (failed.length) {
    console.log('\n==== FAILED STEPS');
    for (const s of failed) console.log(`-- ${s.name}\n${s.error}\n`);
    for (const n of nodes) console.log(`==== last lines of ${n.name}'s log (${n.logFile})\n${n.tail()}\n`);
    console.log(`screenshots and node logs in ${ARTIFACTS}`);
  }
  if (process.env.MRC_KEEP_DATA === '1') log(`data kept in ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`\nbrowser ui: ${steps.length - failed.length} passed, ${failed.length} failed`);
  log(`done: screenshots in ${ARTIFACTS}`);
  return failed.length ? 1 : 0;
}

let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    if (browser) {
      await Promise.race([browser.close().catch(() => {}), after(10_000)]);
    }
    await Promise.all(nodes.map((n) => n.stop().catch(() => n.killNow())));
  })();
  return cleaning;
}

// The whole run is bounded; a signal or a deadline still stops the nodes.
const watchdog = setTimeout(async () => {
  console.error(`ui_test: the run took longer than ${RUN_DEADLINE_MS + 30_000} ms: stopping`);
  for (const n of nodes) console.error(`==== ${n.name}\n${n.tail()}`);
  nodes.forEach((n) => n.killNow());
  process.exit(1);
}, RUN_DEADLINE_MS + 30_000);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    nodes.forEach((n) => n.killNow());
    process.exit(1);
  });
}
process.on('exit', () => nodes.forEach((n) => n.killNow()));

main()
  .then((code) => process.exit(code))
  .catch(async (e) => {
    console.error(`ui_test: ${e.stack || e}`);
    await cleanup().catch(() => {});
    process.exit(1);
  });
