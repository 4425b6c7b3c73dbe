// lib.mjs - what the browser tests share: Debian's Chromium driven by
// playwright-core, axe-core for WCAG 2.1 A/AA, the real binary serving a
// copy of the test database (tests/http/harness.py fixture_db: the real open
// data of ../shared/data loaded once per run, or data/demo when absent).
//
// check() counts; summary() prints "check: N passed, M failed". Temporary
// files live in TMP, removed at exit with any child process left. Never
// downloads a browser: /usr/bin/chromium only, loopback only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'build', 'passerelle');
export const DATA = path.join(ROOT, '..', 'shared', 'data');
export const SHOTS = path.join(ROOT, 'build', 'screenshots');
const AXE_SRC = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// "now" = Tuesday 24 November 2026, 10:30 local time (as tests/http), so that
// "open now" is reproducible.
export const NOW = Math.floor(new Date(2026, 10, 24, 10, 30, 0).getTime() / 1000);
export const realData = () => !process.env.PASSERELLE_TEST_DEMO && fs.existsSync(path.join(DATA, 'lieux'));

const counts = { passed: 0, failed: 0 };
export function check(ok, what, details = []) {
  if (ok) counts.passed++; else counts.failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) for (const d of details) console.log(`       ${d}`);
  return ok;
}
export function summary() {
  console.log(`check: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed ? 1 : 0;
}

// ---- temp dir, child processes, cleanup in all cases ----

export const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-browser-'));
let server = null;      // the running `serve` process
let child = null;       // a running command
function cleanupSync() {
  for (const p of [child, server])
    if (p && p.exitCode === null && p.signalCode === null) {
      try { p.kill('SIGKILL'); } catch { /* already gone */ }
    }
  fs.rmSync(TMP, { recursive: true, force: true });
}
process.on('exit', cleanupSync);
for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]])
  process.on(sig, () => { console.log(`interrupted (${sig})`); process.exit(128 + n); });

export function run(args, env = {}) { // run build/passerelle; resolves {code, stdout, stderr}
  return new Promise((resolve) => {
    let stdout = '', stderr = '';
    child = spawn(BIN, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { stderr += String(e); });
    child.on('close', (code) => { child = null; resolve({ code, stdout, stderr }); });
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export function httpGet(url) { // loopback only; resolves {status, body}
  return new Promise((resolve, reject) => {
    const rq = http.get(url, (rs) => {
      let body = '';
      rs.setEncoding('utf8');
      rs.on('data', (d) => { body += d; });
      rs.on('end', () => resolve({ status: rs.statusCode, body }));
    });
    rq.on('error', reject);
    rq.setTimeout(10000, () => rq.destroy(new Error('timeout')));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A copy of the shared test database at `db` (built once per run by
// tests/http/harness.py). Returns true when it is there.
export function fixtureDb(db) {
  const r = spawnSync('python3', ['-c', 'import sys; sys.path.insert(0, "tests/http"); import harness; harness.fixture_db(sys.argv[1])', db],
    { cwd: ROOT, encoding: 'utf8' });
  return check(r.status === 0 && fs.existsSync(db), `database: copy of the test fixture (${realData() ? 'real data' : 'demo data'})`,
    [(r.stderr || '').slice(-500)]);
}

// Run build/passerelle synchronously with `input` on stdin (passwords).
// Returns {code, stdout, stderr}.
export function cliSync(args, input = '') {
  const r = spawnSync(BIN, args, { cwd: ROOT, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

export const TEST_PASSWORD = 'mot de passe de test 123'; // as tests/http/harness.py

// An active account with one grant ("mediateur:structure:1"...); returns its id.
export function makeAccount(db, email, role, extra = []) {
  const r = cliSync(['--db', db, 'comptes', 'inviter', email, '--role', role, '--mot-de-passe-stdin', ...extra],
    TEST_PASSWORD + '\n');
  const m = /compte=(\d+)/.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`makeAccount ${email}: ${r.stderr}`);
  return Number(m[1]);
}

// Sign a page in through the real form (keyboard-free: fill and submit).
export async function signIn(page, base, email, password = TEST_PASSWORD) {
  await page.goto(`${base}/connexion`);
  await page.fill('#email', email);
  await page.fill('#mot_de_passe', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/connexion"] button[type="submit"]')]);
  return !new URL(page.url()).pathname.startsWith('/connexion');
}

export async function startServer(db, env = {}) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let log = '';
    server = spawn(BIN, ['--db', db, 'serve', '--port', String(port), '--rate', '0'],
      { cwd: ROOT, env: { ...process.env, PASSERELLE_NOW: String(NOW), ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr.on('data', (d) => { log += d; if (log.length > 20000) log = log.slice(-10000); });
    server.on('error', (e) => { log += String(e); });
    for (let i = 0; i < 100 && server.exitCode === null; i++) {
      try {
        if ((await httpGet(`http://127.0.0.1:${port}/sante`)).status === 200) return `http://127.0.0.1:${port}`;
      } catch { /* not yet listening */ }
      await sleep(100);
    }
    console.log(`       server did not start on port ${port}: ${log.slice(-500)}`);
    server.kill('SIGKILL');
  }
  return null;
}

export async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const gone = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  if (await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]) === false) server.kill('SIGKILL');
}

export function serverRunning() { return !!server && server.exitCode === null; }

// Chromium with its profile in TMP (removed at exit whatever happens).
export function launchBrowser() {
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = TMP;
  const launching = chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
  if (savedTmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = savedTmp;
  launching.catch(() => {}); // reported by the caller
  return launching;
}

// ---- browser helpers ----

// Watches a page for console errors, uncaught exceptions, failed requests
// and HTTP errors, and records the requests for document + CSS + scripts (to weigh
// them). The page is reused from URL to URL: reset() starts a new record.
export function watch(page, tag) {
  const w = { problems: [], weighed: [] };
  w.reset = () => { w.problems = []; w.weighed = []; };
  page.on('console', (m) => {
    if (m.type() === 'error') {
      const loc = m.location();
      w.problems.push(`${tag} console error: ${m.text()}${loc && loc.url ? ` (${loc.url})` : ''}`);
    }
  });
  page.on('pageerror', (e) => w.problems.push(`${tag} page error: ${e.message}`));
  page.on('requestfailed', (rq) => w.problems.push(`${tag} request failed: ${rq.url()} ${rq.failure()?.errorText || ''}`));
  page.on('response', (rs) => { if (rs.status() >= 400) w.problems.push(`${tag} HTTP ${rs.status()}: ${rs.url()}`); });
  page.on('requestfinished', (rq) => {
    const type = rq.resourceType();
    if (type === 'document' || type === 'stylesheet' || type === 'script') w.weighed.push(rq);
  });
  return w;
}

// A page reused for every URL, with the HTTP cache off so that each visit
// transfers (and weighs) the document and the stylesheet.
export async function openPage(browser, options, tag) {
  const ctx = await browser.newContext(options);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return { ctx, page, w: watch(page, tag) };
}

export async function transferred(w) { // bytes on the wire for document + CSS
  let total = 0;
  const parts = [];
  for (const rq of w.weighed) {
    const s = await rq.sizes();
    const n = s.responseBodySize + s.responseHeadersSize;
    total += n;
    parts.push(`${new URL(rq.url()).pathname} ${n}`);
  }
  return { total, parts };
}

// axe-core injection: the page CSP (script-src 'self') forbids inline
// <script>, so page.addScriptTag({content}) would be refused. We inject the
// source with page.evaluate(string), which goes through the DevTools
// protocol (Runtime.evaluate) and is not subject to the page CSP. No
// bypassCSP anywhere: the CSP stays enforced, so the console check also
// catches CSP violations of the page itself.
export async function runAxe(page) {
  // Open every <details> so the hidden parts (tables, extra criteria) are
  // checked too; the screenshots are taken before, in the default state.
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SRC);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | '),
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim() })),
    }));
  }, AXE_TAGS);
}

// Role and accessible name as computed by Chromium's accessibility tree.
export async function axNode(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) return null;
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const n = nodes[0] || {};
    return { role: n.role?.value, name: (n.name?.value || '').trim(), ignored: !!n.ignored };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

export const desktop = { viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' };
export const mobile = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
  locale: 'fr-FR', timezoneId: 'Europe/Paris' };

export const violations = []; // every axe violation, for the summary at the end

// Steps 1-4 for one page: console/requests, axe, weight, screenshots,
// reflow. The desktop and the mobile visits run side by side.
export async function auditPage(D, M, base, name, url, maxBytes = 50 * 1024) {
  const desk = (async () => {
    const r = { problems: [], status: 0, weight: null, axe: null };
    D.w.reset();
    try {
      const rs = await D.page.goto(base + url, { waitUntil: 'load' });
      r.status = rs ? rs.status() : 0;
      r.weight = await transferred(D.w);
      await D.page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
      r.axe = await runAxe(D.page);
      await sleep(150); // late console messages (favicon, CSP reports)
    } catch (e) {
      r.problems.push(`desktop: ${e.message.split('\n')[0]}`);
    }
    r.problems.push(...D.w.problems);
    return r;
  })();
  const mob = (async () => {
    const r = { problems: [], width: null, overflow: '' };
    M.w.reset();
    try {
      await M.page.goto(base + url, { waitUntil: 'load' });
      r.width = await M.page.evaluate(() => document.documentElement.scrollWidth);
      if (r.width > mobile.viewport.width) r.overflow = await widestElements(M.page);
      await M.page.screenshot({ path: path.join(SHOTS, `${name}-mobile.png`), fullPage: true });
      await sleep(150);
    } catch (e) {
      r.problems.push(`mobile: ${e.message.split('\n')[0]}`);
    }
    r.problems.push(...M.w.problems);
    return r;
  })();
  const [d, m] = await Promise.all([desk, mob]);
  check(d.status === 200, `${name}: GET ${url} is 200 (${d.status})`);
  if (d.weight)
    check(d.weight.total > 0 && d.weight.total < maxBytes, `${name}: document + CSS ${d.weight.total} bytes < ${maxBytes}`,
      d.weight.parts);
  check(m.width !== null && m.width <= mobile.viewport.width,
    `${name}: no horizontal scrolling at ${mobile.viewport.width} px (content width ${m.width})`, [m.overflow]);
  const problems = d.problems.concat(m.problems);
  check(problems.length === 0, `${name}: no console error, no failed request`, problems);
  if (d.axe === null) {
    check(false, `${name}: axe-core ran`);
  } else if (d.axe.length === 0) {
    check(true, `${name}: axe-core WCAG 2.1 A/AA, no violation`);
  } else {
    for (const v of d.axe) {
      violations.push({ page: name, url, ...v });
      check(false, `${name}: axe ${v.id} (${v.impact}): ${v.help}`,
        v.nodes.map((n) => `${n.target} — ${n.summary}`).concat([v.helpUrl]));
    }
  }
}

async function widestElements(page) { // for the reflow failure message
  return page.evaluate((vw) => {
    // Elements past the right edge that no scrolling container clips: in
    // flow with no overflow ancestor, or absolutely positioned (an overflow
    // ancestor that is not positioned does not clip those).
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right <= vw + 1 || r.width === 0) continue;
      const pos = getComputedStyle(el).position;
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body && !clipped; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX !== 'visible' && (pos === 'static' || pos === 'relative' || cs.position !== 'static')) clipped = true;
      }
      if (clipped) continue;
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      out.push(`<${el.tagName.toLowerCase()}${cls}> position:${pos} right=${Math.round(r.right)} "${(el.textContent || '').trim().slice(0, 40)}"`);
      if (out.length >= 5) break;
    }
    return out.length ? `overflowing: ${out.join('; ')}` : '';
  }, mobile.viewport.width);
}


// Print the axe violations collected by auditPage().
export function reportViolations() {
  if (!violations.length) return;
  console.log(`axe violations (${violations.length}):`);
  for (const v of violations)
    for (const n of v.nodes) console.log(`  ${v.page} ${v.url} | ${v.id} (${v.impact}) | ${n.target} | ${v.help}`);
}
