// test_diagnostic.mjs - the diagnostic in Debian's Chromium (playwright-core),
// against the real binary serving a copy of the test database (lib.mjs).
//
//  1. every diagnostic page type, in French, English and Arabic: axe-core
//     WCAG 2.1 A/AA without violation, no console error, no failed request,
//     document + CSS + script under 30 KB, no horizontal scrolling at 390 px
//     (right-to-left included), screenshots in build/screenshots/diag-*.png;
//  2. the self-diagnostic without JavaScript to the result with real places,
//     in the three languages; the keyboard alone on a question page;
//  3. with JavaScript, online: the questions run on the device and end on
//     the server's result page;
//  4. offline after the first visit: the service worker serves the start
//     page, the questions run offline, the answers wait on the device, and
//     are sent once when the connection returns (one session, no duplicate
//     even when sent again);
//  5. engine parity: the browser's engine (diagnostic.js) and the server's
//     (engine.c) give the same order on all 1,024 level profiles (each
//     sequence made in the page is accepted by the server's replay);
//  6. the professional mode signed in as a médiateur: questions,
//     observations, an override with a reason, the result;
//  7. the result prints on one A4 page.
// Run from the project root: node tests/browser/test_diagnostic.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, SHOTS, TMP, check, summary, fixtureDb, startServer, stopServer, launchBrowser, watch,
  openPage, auditPage, reportViolations, runAxe, desktop, mobile, realData, cliSync, makeAccount, signIn,
} from './lib.mjs';

const WATCHDOG_MS = 170000;
const MAX = 30 * 1024;
const T0 = Date.now();
const lap = (what) => console.log(`time ${((Date.now() - T0) / 1000).toFixed(1)} s: ${what}`);
const watchdog = setTimeout(() => { console.log('watchdog: the test took too long'); process.exit(1); }, WATCHDOG_MS);

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}

// The bank: which option is good, to answer like a person of a given level.
let BANK = null;
function answerFor(qid, level) { // option id to choose
  const q = BANK.questions.find((x) => x.id === qid);
  if (!q) return null;
  if (q.type === 'profil') return q.options[q.multiple ? 0 : 0].id;
  const lv = typeof level === 'number' ? level : level[q.domaine];
  const goodIdx = q.options.findIndex((o) => o.bonne);
  if (q.niveau <= lv) return q.options[goodIdx].id;
  return 'nsp';
}

// Answer the current session page by page, like a person of `level` in
// every domain: returns the question ids in order. nav: each answer loads a
// new page (no JavaScript); otherwise the runner changes the page in place.
async function answerAll(page, level, nav) {
  const seq = [];
  for (let i = 0; i < 25; i++) {
    if (!(await page.locator('input[name=o]').count())) break;
    const q = await page.locator('input[name=q]').getAttribute('value');
    seq.push(q);
    await page.check(`input[name=o][value="${answerFor(q, level)}"]`);
    const submit = page.locator('form.diag-question button[type=submit]:not([value])');
    if (nav) {
      await Promise.all([page.waitForNavigation(), submit.click()]);
    } else {
      await submit.click();
      await page.waitForFunction((prev) => {
        const e = document.querySelector('input[name=q]');
        return !e || e.value !== prev;
      }, q, { timeout: 5000 });
    }
  }
  return seq;
}

async function noJsFlow(browser, base, lang, level) {
  const ctx = await browser.newContext({ ...desktop, javaScriptEnabled: false });
  const page = await ctx.newPage();
  const w = watch(page, `no-JS ${lang}`);
  const out = { seq: [], urls: {} };
  try {
    await page.goto(`${base}/diagnostic?langue=${lang}`);
    check((await page.locator('script').count()) === 1, `no JS ${lang}: the start page works without its script`);
    await Promise.all([page.waitForURL(/\/diagnostic\/s\//), page.click('#diag-debut button')]);
    out.urls.question = page.url();
    out.seq = await answerAll(page, level, true);
    out.urls.commune = page.url();
    check(await page.locator('#ou').count() === 1, `no JS ${lang}: after ${out.seq.length} questions, the commune step`);
    check(out.seq.length >= 13 && out.seq.length <= 20, `no JS ${lang}: ${out.seq.length} questions (13 to 20)`);
    await page.fill('#ou', realData() ? 'Marseille' : 'Marseille');
    await Promise.all([page.waitForURL(/\/resultat$/), page.click('button[value=terminer]')]);
    out.urls.result = page.url();
    const places = await page.locator('.diag-lieux a[href^="/lieu/"]').count();
    const h1 = (await page.textContent('h1')).trim();
    check(places >= 1, `no JS ${lang}: result "${h1}" with ${places} nearby places`);
    const dir = await page.getAttribute('html', 'dir');
    check(dir === (lang === 'ar' ? 'rtl' : 'ltr'), `no JS ${lang}: dir="${dir}"`);
    const send = await page.locator('a[href*="/envoyer/"]').first().getAttribute('href').catch(() => null);
    if (send) out.urls.send = base + send;
    check(w.problems.length === 0, `no JS ${lang}: no console error, no failed request`, w.problems);
  } catch (e) {
    check(false, `no JS ${lang}: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
  return out;
}

async function keyboardTest(browser, base) {
  const ctx = await browser.newContext({ ...desktop, javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    await page.goto(`${base}/diagnostic`);
    await Promise.all([page.waitForURL(/\/diagnostic\/s\//), page.click('#diag-debut button')]);
    const url = page.url();
    let tabs = 0, id = '';
    while (id !== 'o-smartphone' && tabs < 30) {
      await page.keyboard.press('Tab');
      tabs++;
      id = await page.evaluate(() => document.activeElement.id);
    }
    check(id === 'o-smartphone', `keyboard: Tab reaches the first answer (${tabs} Tab)`);
    const ring = await page.evaluate(() => {
      const c = document.activeElement.closest('.diag-choix');
      const cs = getComputedStyle(c);
      return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
    });
    check(ring, 'keyboard: the focused answer shows a focus ring');
    await page.keyboard.press('Space');
    check(await page.isChecked('#o-smartphone'), 'keyboard: Space ticks the answer');
    await page.keyboard.press('Enter');
    await page.waitForURL(url);
    const q = await page.locator('input[name=q]').getAttribute('value');
    check(q === 'connexion', `keyboard: Enter sends the answer, next question "${q}"`);
    const size = await page.evaluate(() => document.querySelector('.diag-choix').getBoundingClientRect().height);
    check(size >= 44, `touch targets: an answer is ${Math.round(size)} px high (>= 44)`);
  } catch (e) {
    check(false, `keyboard: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

async function jsOnline(browser, base) {
  const ctx = await browser.newContext({ ...desktop, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const w = watch(page, 'JS online');
  let seq = [];
  try {
    await page.goto(`${base}/diagnostic?langue=fr`);
    await page.waitForSelector('main[data-pret="1"]', { timeout: 10000 });
    await page.click('#diag-debut button');
    check(!page.url().includes('/diagnostic/s/'), 'JS online: the questions run on the page (no navigation)');
    const focused = await page.evaluate(() => document.activeElement.tagName);
    check(focused === 'H1', `JS online: focus moves to the question's heading (${focused})`);
    // an error first: nothing chosen
    await page.click('form.diag-question button[type=submit]');
    check(await page.locator('#erreurs[role=alert]').count() === 1, 'JS online: nothing chosen -> error summary (role=alert)');
    seq = await answerAll(page, 1, false);
    await page.fill('#ou', 'Marseille');
    await Promise.all([page.waitForURL(/\/resultat$/, { timeout: 10000 }), page.click('form.diag-question button[type=submit]')]);
    check(true, `JS online: ${seq.length} questions, then the server's result page`);
    check(w.problems.length === 0, 'JS online: no console error, no failed request', w.problems);
  } catch (e) {
    check(false, `JS online: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
  return seq;
}

async function offline(browser, base, db) {
  const ctx = await browser.newContext({ ...desktop, locale: 'ar' });
  const page = await ctx.newPage();
  const w = watch(page, 'offline');
  try {
    await page.goto(`${base}/diagnostic?langue=ar`);
    await page.waitForSelector('main[data-pret="1"]', { timeout: 10000 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForSelector('main[data-pret="1"]', { timeout: 10000 });
    check(await page.evaluate(() => !!navigator.serviceWorker.controller), 'offline: the service worker controls the page');
    await ctx.setOffline(true);
    await page.reload();
    await page.waitForSelector('main[data-pret="1"]', { timeout: 10000 });
    check(await page.getAttribute('html', 'dir') === 'rtl', 'offline: the start page comes from the cache (Arabic, rtl)');
    await page.click('#diag-debut button');
    const seq = await answerAll(page, 2, false);
    await page.fill('#ou', 'Marseille');
    await page.click('form.diag-question button[type=submit]');
    await page.waitForFunction(() => /الاتصال/.test(document.getElementById('diag-etat')?.textContent || ''), null, { timeout: 5000 });
    const kept = await page.evaluate(() => {
      const k = localStorage.getItem('passerelle.diag.courante');
      return JSON.parse(localStorage.getItem('passerelle.diag.' + k));
    });
    check(kept && kept.termine && kept.reponses.length === seq.length && !kept.envoye,
      `offline: ${seq.length} answers kept on the device, not sent yet`);
    check(sql(db, `SELECT count(*) FROM diagnostic_session WHERE cle = '${kept.cle}'`) === '0', 'offline: nothing reached the server');
    await ctx.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForURL(/\/resultat$/, { timeout: 10000 });
    check(page.url().includes(kept.cle), 'offline: back online, sent, and the result page opens');
    const rows = sql(db, `SELECT count(*), max(termine_at IS NOT NULL), (SELECT count(*) FROM diagnostic_reponse r WHERE r.session_id = s.id) FROM diagnostic_session s WHERE cle = '${kept.cle}'`);
    check(rows === `1|1|${seq.length}`, `offline: one finished session with ${seq.length} answers (${rows})`);
    // sent again (a late duplicate): nothing changes
    const again = await page.evaluate(async (s) => {
      const token = s.csrf;
      const body = JSON.stringify({ version: s.version, langue: s.langue, revision: s.revision, termine: true, commune: s.commune, reponses: s.reponses });
      const r = await fetch('/api/v1/diagnostic/sessions/' + s.cle, { method: 'PUT', body, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token } });
      return [r.status, (await r.json()).statut];
    }, kept);
    check(again[0] === 200 && again[1] === 'inchange', `offline: sent again -> ${again.join(' ')}`);
    check(sql(db, `SELECT count(*) FROM diagnostic_session WHERE cle = '${kept.cle}'`) === '1' &&
      sql(db, `SELECT count(*) FROM diagnostic_reponse r JOIN diagnostic_session s ON s.id = r.session_id WHERE s.cle = '${kept.cle}'`) === String(seq.length),
      'offline: still one session and the same answers');
    check(w.problems.length === 0, 'offline: no console error, no failed request', w.problems);
  } catch (e) {
    check(false, `offline: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

async function parity(browser, base) {
  const ctx = await browser.newContext({ ...desktop, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  try {
    await page.goto(`${base}/diagnostic`);
    await page.waitForSelector('main[data-pret="1"]', { timeout: 10000 });
    const res = await page.evaluate(async () => {
      const D = window.passerelleDiagnostic, P = D.bundle();
      const token = document.getElementById('contenu').getAttribute('data-csrf');
      let accepted = 0, refused = [], lengths = [];
      for (let code = 0; code < 1024; code++) {
        const lv = [0, 1, 2, 3, 4].map((d) => Math.floor(code / 4 ** d) % 4);
        const A = [], rep = [];
        for (;;) {
          const w = D.walk(A);
          if (!w.ok || w.next < 0) break;
          const q = P.questions[w.next];
          let mask = 1;
          if (q.type === 'competence') mask = q.niveau <= lv[q.domaine] ? 1 << q.bonne : 0;
          A.push({ q: w.next, mask });
          rep.push({ question: q.id, options: q.options.filter((o, j) => mask >> j & 1).map((o) => o.id) });
        }
        lengths.push(rep.length);
        const cle = 'parite-' + String(code).padStart(4, '0') + '-0123456789abcdef';
        const r = await fetch('/api/v1/diagnostic/sessions/' + cle, { method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
          body: JSON.stringify({ version: P.version, langue: 'fr', revision: 1, termine: false, reponses: rep }) });
        const j = await r.json();
        if ((r.status === 201 || r.status === 200) && j.suivante === null) accepted++;
        else if (refused.length < 3) refused.push(code + ': ' + r.status + ' ' + JSON.stringify(j).slice(0, 200));
      }
      return { accepted, refused, min: Math.min(...lengths), max: Math.max(...lengths) };
    });
    check(res.accepted === 1024, `parity: the server's engine accepts all 1,024 sequences of the browser's engine (${res.accepted}; ${res.min}..${res.max} questions)`, res.refused);
  } catch (e) {
    check(false, `parity: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

async function pro(browser, base, db, email) {
  const ctx = await browser.newContext({ ...desktop, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const w = watch(page, 'pro');
  try {
    check(await signIn(page, base, email), 'pro: signed in as a médiateur');
    await page.goto(`${base}/diagnostic/pro`);
    check(page.url().endsWith('/diagnostic/pro') && (await page.textContent('h1')).includes('professionnel'),
      'pro: a signed-in médiateur opens the professional mode');
    let v = await runAxe(page);
    check(v.length === 0, 'pro: axe-core, professional start page', v.map((x) => `${x.id}: ${x.help}`));
    await page.screenshot({ path: path.join(SHOTS, 'diag-pro.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/diagnostic\/s\//), page.click('main form button[type=submit]')]);
    for (let i = 0; i < 4; i++) {
      const q = await page.locator('input[name=q]').getAttribute('value');
      await page.check(`input[name=o][value="${answerFor(q, 1)}"]`);
      await page.click('form.diag-question button[type=submit]:not([value])');
      await page.waitForLoadState();
    }
    await Promise.all([page.waitForURL(/\/observations$/), page.click('button[value=observations]')]);
    v = await runAxe(page);
    check(v.length === 0, 'pro: axe-core, observations page', v.map((x) => `${x.id}: ${x.help}`));
    await page.screenshot({ path: path.join(SHOTS, 'diag-observations.png'), fullPage: true });
    await page.check('#d-securite-0');
    await page.check('#a-peur_erreur');
    await page.check('#autonomie-4');
    await page.click('main form button[type=submit]');
    check(await page.locator('#motif-erreur').count() === 1, 'pro: an override without a reason is refused, the error next to the field');
    await page.check('#autonomie-3');
    await page.fill('#motif', 'Besoin d\'aide pour chaque démarche');
    await Promise.all([page.waitForURL(/\/resultat$/), page.click('main form button[type=submit]')]);
    const txt = await page.textContent('main');
    check(txt.includes('ajusté') && txt.includes('Besoin d\'aide pour chaque démarche'), 'pro: the result shows the override and its reason');
    const cle = page.url().split('/')[5];
    check(sql(db, `SELECT mode, autonomie, structure_id IS NOT NULL FROM diagnostic_session WHERE cle = '${cle}'`) === 'pro|3|1',
      'pro: stored as a professional session of the structure, step 3 (overridden)');
    // the refused override answers 400 on purpose
    const problems = w.problems.filter((x) => !/(HTTP 400|status of 400).*\/observations/.test(x));
    check(problems.length === 0, 'pro: no console error, no failed request (but the refused override)', problems);
  } catch (e) {
    check(false, `pro: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

async function printTest(browser, url) {
  const ctx = await browser.newContext({ ...desktop, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  try {
    await page.goto(url);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    fs.writeFileSync(path.join(SHOTS, `diag-resultat-${url.slice(-20, -9)}.pdf`), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    check(pages === 1, `print: the result fits on one A4 page (${pages})`);
  } catch (e) {
    check(false, `print: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const db = path.join(TMP, 'diagnostic.db');
  if (!fixtureDb(db)) return;
  const s = cliSync(['--db', db, 'structures', 'creer', '--nom', 'Espace numérique test', '--commune', '13055']);
  const sid = (s.stdout.match(/structure=(\d+)/) || [])[1];
  const email = 'mediatrice@example.fr';
  let ok = !!sid;
  try { makeAccount(db, email, `mediateur:structure:${sid}`, ['--profil', 'mediateur']); } catch (e) { ok = false; console.log(e.message); }
  check(ok, 'setup: a structure and a médiateur account');
  BANK = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'diagnostic', 'questions-v1.json'), 'utf8'));
  const domains = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'diagnostic', 'referentiel.json'), 'utf8')).domaines.map((d) => d.id);
  BANK.questions.forEach((q) => { if (q.type === 'competence') q.domaine = domains.indexOf(q.domaine); });
  const base = await startServer(db);
  if (!check(!!base, 'the server starts')) return;
  const browser = await launchBrowser();
  try {
    // 2. the flows without JavaScript, three languages
    lap('noJsFlow');
    const fr = await noJsFlow(browser, base, 'fr', 1);
    lap('noJsFlow');
    const en = await noJsFlow(browser, base, 'en', 3);
    lap('noJsFlow');
    const ar = await noJsFlow(browser, base, 'ar', 0);
    lap('keyboardTest');
    await keyboardTest(browser, base);
    // 3. with JavaScript online, and the same order as without
    lap('jsOnline');
    const seqJs = await jsOnline(browser, base);
    check(seqJs.length > 0 && seqJs.join() === fr.seq.join(), `JS and no-JS ask the same questions in the same order (${seqJs.length})`);
    // 4-6
    lap('offline');
    await offline(browser, base, db);
    lap('parity');
    await parity(browser, base);
    lap('pro');
    await pro(browser, base, db, email);
    // 1. audits of every page type (service workers off so that every visit is weighed)
    lap('openPage');
    const D = await openPage(browser, { ...desktop, serviceWorkers: 'block' }, 'desktop');
    const M = await openPage(browser, { ...mobile, serviceWorkers: 'block' }, 'mobile');
    const rel = (u) => u.replace(base, '');
    const pages = [
      ['diag-accueil', '/diagnostic'],
      ['diag-accueil-en', '/diagnostic?langue=en'],
      ['diag-accueil-ar', '/diagnostic?langue=ar'],
      ['diag-statistiques', '/diagnostic/statistiques'],
      ['diag-statistiques-13', '/diagnostic/statistiques?niveau=departement&code=13'],
      ['diag-inconnu', '/diagnostic/s/cle-qui-n-existe-pas-0000000'],
    ];
    if (fr.urls.result) pages.push(['diag-resultat', rel(fr.urls.result)], ['diag-commune', rel(fr.urls.commune)]);
    if (ar.urls.result) pages.push(['diag-resultat-ar', rel(ar.urls.result)]);
    if (en.urls.result) pages.push(['diag-resultat-en', rel(en.urls.result)]);
    if (fr.urls.send) pages.push(['diag-envoi', rel(fr.urls.send)]);
    // question pages: a fresh session without JS, first (checkboxes) and a skills question (radios)
    const ctx = await browser.newContext({ ...desktop, javaScriptEnabled: false });
    const p = await ctx.newPage();
    await p.goto(`${base}/diagnostic?langue=ar`);
    await Promise.all([p.waitForURL(/\/diagnostic\/s\//), p.click('#diag-debut button')]);
    const q1 = rel(p.url());
    for (const o of ['smartphone', 'maison', 'a_l_aise']) {
      await p.check(`input[value="${o}"]`);
      await Promise.all([p.waitForLoadState(), p.click('button:not([value])')]);
    }
    await ctx.close();
    pages.push(['diag-question-ar', q1]);
    for (const [name, url] of pages) {
      const expect404 = name === 'diag-inconnu';
      if (expect404) {
        const r = await D.page.goto(base + url);
        check(r.status() === 404, `${name}: unknown session is 404`);
        const v = await runAxe(D.page);
        check(v.length === 0, `${name}: axe-core WCAG 2.1 A/AA, no violation`, v.map((x) => x.id));
        continue;
      }
      await auditPage(D, M, base, name, url, MAX);
    }
    lap('D.ctx.close');
    await D.ctx.close();
    await M.ctx.close();
    // 7.
    lap('if');
    for (const u of [fr.urls.result, en.urls.result]) if (u) await printTest(browser, u);
  } finally {
    await browser.close();
    await stopServer();
  }
}

main().catch((e) => check(false, `unexpected: ${e.stack}`)).finally(() => {
  clearTimeout(watchdog);
  reportViolations();
  summary();
});
