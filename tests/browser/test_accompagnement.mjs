// test_accompagnement.mjs - the accompaniment pages as a médiateur sees
// them in Debian's Chromium (playwright-core, axe-core): the activity form
// (individual and workshop), a record, the list, a followed person's form,
// record, export and erasure pages, duplicates, the referral form and a
// referral, the receiving side's link page, statistics. Each page: no
// console error, no axe WCAG 2.1 A/AA violation, document + CSS < 50 KB, no
// horizontal scrolling at 390 px. Then, on a phone-sized screen with the
// keyboard alone: one individual accompaniment and one workshop of 12
// (counts by gender, age, status) recorded, counting the key presses
// (bounded: well under a minute of typing); the form without JavaScript;
// the error summary tied to the fields.
//
// Run from the project root: node tests/browser/test_accompagnement.mjs
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  TMP, check, summary, fixtureDb, startServer, stopServer, serverRunning, launchBrowser, openPage,
  auditPage, reportViolations, desktop, mobile, cliSync, makeAccount, signIn,
} from './lib.mjs';

const WATCHDOG_MS = 240000;
const KEY_BUDGET = 40; // key presses for one record, Tab included

function sql(db, q) {
  const r = spawnSync('sqlite3', ['-json', db, q], { encoding: 'utf8' });
  return JSON.parse(r.stdout || '[]');
}

const active = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return `${e.tagName.toLowerCase()}|${e.getAttribute('name') || ''}|${e.getAttribute('value') || e.id || ''}`;
});

// The skip link first, as keyboard users do: Tab, Enter. Returns 2 (keys).
async function skip(page) {
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  return 2;
}

// Press Tab until the focused element matches want (name|value); returns the count or -1.
async function tabTo(page, want, max = 60) {
  for (let i = 0; i <= max; i++) {
    const a = await active(page);
    if (a.endsWith(want)) return i;
    await page.keyboard.press('Tab');
  }
  return -1;
}

async function keyboardIndividual(page, base, db) {
  try {
    const before = sql(db, 'SELECT count(*) AS n FROM activite')[0].n;
    await page.goto(`${base}/activites/nouvelle`);
    let keys = await skip(page);
    // Date, duration and place are filled in with the last choices: go to a theme.
    const t = await tabTo(page, 'thematique|email');
    check(t >= 0, `keyboard: Tab reaches the theme "E-mail" (${t} Tab)`);
    keys += t;
    await page.keyboard.press('Space');
    keys++;
    const s = await tabTo(page, 'button||');
    keys += s;
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    keys++;
    const after = sql(db, 'SELECT count(*) AS n, max(thematiques) AS t FROM activite')[0];
    check(/\/activites\/\d+/.test(page.url()) && after.n === before + 1,
      `keyboard: an individual accompaniment is recorded (${page.url()})`);
    check(keys <= KEY_BUDGET, `keyboard: ${keys} key presses for an individual accompaniment (at most ${KEY_BUDGET})`);
  } catch (e) {
    check(false, `keyboard individual: ${e.message.split('\n')[0]}`);
  }
}

async function keyboardWorkshop(page, base, db) {
  try {
    await page.goto(`${base}/activites/nouvelle?type=collectif`);
    let keys = await skip(page);
    const steps = [['anonymes|anonymes', '12'], ['thematique|email', ' ']];
    for (const [want, text] of steps) {
      const n = await tabTo(page, want);
      check(n >= 0, `keyboard workshop: Tab reaches ${want} (${n} Tab)`);
      keys += n;
      if (text === ' ') { await page.keyboard.press('Space'); keys++; } else { await page.keyboard.type(text); keys += text.length; }
    }
    // The breakdown is after the first button: 7 women, 5 men, 12 aged 60-69, 12 retired.
    for (const [want, text] of [['genre_feminin|genre_feminin', '7'], ['genre_masculin|genre_masculin', '5'],
      ['tranche_age_soixante_soixante_neuf|tranche_age_soixante_soixante_neuf', '12'],
      ['statut_retraite|statut_retraite', '12']]) {
      const n = await tabTo(page, want);
      keys += n;
      await page.keyboard.type(text);
      keys += text.length;
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]); // Enter in a field submits
    keys++;
    const r = sql(db, 'SELECT participants, g_f, g_m, a_60_69, s_retraite FROM activite WHERE type = 1 ORDER BY id DESC LIMIT 1')[0];
    check(r && r.participants === 12 && r.g_f === 7 && r.g_m === 5 && r.a_60_69 === 12 && r.s_retraite === 12,
      `keyboard: a workshop of 12 with its counts is recorded (${JSON.stringify(r)})`);
    check(keys <= KEY_BUDGET + 40, `keyboard: ${keys} key presses for a workshop of 12 with its counts`);
  } catch (e) {
    check(false, `keyboard workshop: ${e.message.split('\n')[0]}`);
  }
}

async function errorSummary(page, base) {
  try {
    await page.goto(`${base}/activites/nouvelle`);
    await Promise.all([page.waitForNavigation(), page.click('form.activite button[type="submit"]')]);
    const links = await page.locator('.erreurs a').allTextContents();
    check(links.some((l) => /thématique/.test(l)), `errors: the summary names the missing theme (${links.join(' | ')})`);
    const tied = await page.evaluate(() => {
      const f = document.getElementById('thematique');
      const ids = (f.getAttribute('aria-describedby') || '').split(' ');
      return ids.map((x) => document.getElementById(x)?.textContent || '').join(' ');
    });
    check(/au moins une thématique/.test(tied), `errors: the themes group is tied to its message ("${tied.slice(0, 50)}")`);
    await page.click('.erreurs a[href="#thematique"]');
    check(await page.evaluate(() => location.hash === '#thematique'), 'errors: the summary link leads to the group');
  } catch (e) {
    check(false, `error summary: ${e.message.split('\n')[0]}`);
  }
}

async function noJs(browser, base, db) {
  const ctx = await browser.newContext({ ...mobile, javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    check(await signIn(page, base, 'med1@example.fr'), 'no JavaScript: signed in');
    await page.goto(`${base}/activites/nouvelle?type=collectif`);
    check((await page.locator('script').count()) === 0, 'no JavaScript: no <script> on the form');
    await page.fill('#anonymes', '8');
    await page.check('input[name="thematique"][value="securite_numerique"]');
    await Promise.all([page.waitForNavigation(), page.click('form.activite button[type="submit"]')]);
    const r = sql(db, 'SELECT participants, thematiques FROM activite ORDER BY id DESC LIMIT 1')[0];
    check(r && r.participants === 8 && r.thematiques === 4096, `no JavaScript: the workshop is recorded (${JSON.stringify(r)})`);
  } catch (e) {
    check(false, `no JavaScript: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

async function main() {
  const launching = launchBrowser();
  let browser = null;
  try {
    const db = path.join(TMP, 'accompagnement.db');
    if (!fixtureDb(db)) return;
    const key = path.join(TMP, 'cle');
    cliSync(['--db', db, 'accompagnement', 'cle', key]);
    const s1 = /structure=(\d+)/.exec(cliSync(['--db', db, 'structures', 'creer', '--nom', 'Espace numérique Marseille',
      '--commune', '13055', '--courriel', 'contact@espace-marseille.fr']).stdout)[1];
    const s2 = /structure=(\d+)/.exec(cliSync(['--db', db, 'structures', 'creer', '--nom', 'Médiathèque de Foix',
      '--commune', '09122', '--courriel', 'mediatheque@foix.fr']).stdout)[1];
    const rec = sql(db, "SELECT l.pid, s.source_name, s.source_id FROM lieu l JOIN lieu_membre m ON m.lieu_id = l.pid " +
      "JOIN lieu_source s ON s.rowid = m.source_rowid WHERE l.commune_code = '13055' AND l.prive = 0 ORDER BY l.pid LIMIT 1")[0];
    cliSync(['--db', db, 'structures', 'lier', s1, `${rec.source_name}:${rec.source_id}`]);
    makeAccount(db, 'med1@example.fr', `mediateur:structure:${s1}`);
    makeAccount(db, 'dep13@example.fr', 'coordinateur:departement:13');
    cliSync(['--db', db, 'indicateurs', 'recalculer']); // for the territorial dashboard
    const base = await startServer(db, { PASSERELLE_CLE: key });
    if (!check(!!base, 'server: started')) return;
    try { browser = await launching; } catch (e) { check(false, `chromium: ${e.message}`); return; }

    const D = await openPage(browser, desktop, 'desktop');
    const M = await openPage(browser, mobile, 'mobile');
    check(await signIn(D.page, base, 'med1@example.fr'), 'desktop: signed in as médiateur');
    check(await signIn(M.page, base, 'med1@example.fr'), 'mobile: signed in as médiateur');
    // Some records to show, made through the pages themselves.
    const K = await openPage(browser, mobile, 'keyboard');
    check(await signIn(K.page, base, 'med1@example.fr'), 'keyboard: signed in');
    await keyboardIndividual(K.page, base, db);
    await keyboardWorkshop(K.page, base, db);
    await errorSummary(K.page, base);
    await K.page.goto(`${base}/beneficiaires/nouveau`);
    await K.page.fill('#prenom', 'Zoé');
    await K.page.fill('#nom', 'Dupont');
    await K.page.fill('#telephone', '06 12 34 56 78');
    await K.page.check('input[name="consentement"]');
    await Promise.all([K.page.waitForNavigation(), K.page.click('form.formulaire button[type="submit"]')]);
    const bid = (/\/beneficiaires\/(\d+)/.exec(K.page.url()) || [])[1];
    check(!!bid, `a followed person is created (${K.page.url()})`);
    await K.page.goto(`${base}/beneficiaires/nouveau`);
    await K.page.fill('#prenom', 'Zoe');
    await K.page.fill('#nom', 'Dupond');
    await K.page.check('input[name="consentement"]');
    await Promise.all([K.page.waitForNavigation(), K.page.click('form.formulaire button[type="submit"]')]);
    await K.page.check('input[name="forcer"]');
    await Promise.all([K.page.waitForNavigation(), K.page.click('form.formulaire button[type="submit"]')]);
    await K.page.goto(`${base}/orientations/nouvelle?beneficiaire=${bid}&q=Foix`);
    await K.page.check(`input[name="destination"][value="structure:${s2}"]`);
    await K.page.check('input[name="besoin"][value="sante"]');
    await K.page.check('input[name="partage"][value="prenom"]');
    await K.page.check('#consentement');
    await Promise.all([K.page.waitForNavigation(), K.page.click('button[name="envoyer"]')]);
    const oid = (/\/orientations\/(\d+)/.exec(K.page.url()) || [])[1];
    check(!!oid, `a referral is sent (${K.page.url()})`);
    await K.ctx.close();
    const aid = sql(db, 'SELECT max(id) AS id FROM activite WHERE type = 0')[0].id;
    const pages = [
      ['activite-nouvelle', '/activites/nouvelle'], ['atelier-nouveau', '/activites/nouvelle?type=collectif'],
      ['activite', `/activites/${aid}`], ['activites', '/activites'],
      ['beneficiaire-nouveau', '/beneficiaires/nouveau'], ['beneficiaires', '/beneficiaires'],
      ['beneficiaire', `/beneficiaires/${bid}`], ['beneficiaire-export', `/beneficiaires/${bid}/export`],
      ['beneficiaire-effacer', `/beneficiaires/${bid}/effacer`], ['doublons-personnes', '/beneficiaires/doublons'],
      ['orientation-nouvelle', `/orientations/nouvelle?beneficiaire=${bid}&q=Foix`], ['orientation', `/orientations/${oid}`],
      ['orientations', '/orientations'], ['statistiques', '/statistiques'],
    ];
    for (const [name, url] of pages) await auditPage(D, M, base, name, url);
    await D.ctx.close();
    await M.ctx.close();
    // The receiving side's link, without an account; the coordinator's statistics.
    const mail = sql(db, "SELECT corps FROM mail_sortant WHERE destinataire = 'mediatheque@foix.fr' ORDER BY id DESC LIMIT 1")[0];
    const token = /\/orientation\/lien\/([A-Za-z0-9_-]{43})/.exec(mail.corps)[1];
    const A = await openPage(browser, desktop, 'anonymous');
    const AM = await openPage(browser, mobile, 'anonymous-mobile');
    await auditPage(A, AM, base, 'orientation-lien', `/orientation/lien/${token}`);
    // The same records on the public territorial dashboard ("dites-le-nous une fois").
    await auditPage(A, AM, base, 'tableau-activite-commune', '/tableau/commune/13055');
    const sec = await A.page.evaluate(() => {
      const s = document.getElementById('activite');
      return s ? { text: s.textContent, charts: s.querySelectorAll('svg.graphe').length, tables: s.querySelectorAll('table').length } : null;
    });
    check(sec && /Activités enregistrées/.test(sec.text) && sec.charts === 1 && sec.tables >= 1,
      `dashboard: the activity section shows the records (${sec && sec.charts} chart, ${sec && sec.tables} tables)`);
    await A.ctx.close();
    await AM.ctx.close();
    const C = await openPage(browser, desktop, 'coordinator');
    const CM = await openPage(browser, mobile, 'coordinator-mobile');
    check(await signIn(C.page, base, 'dep13@example.fr'), 'coordinator: signed in');
    check(await signIn(CM.page, base, 'dep13@example.fr'), 'coordinator (mobile): signed in');
    await auditPage(C, CM, base, 'statistiques-departement', '/statistiques');
    await C.ctx.close();
    await CM.ctx.close();
    await noJs(browser, base, db);
    check(serverRunning(), 'server: still running');
  } finally {
    if (!browser) browser = await launching.catch(() => null);
    if (browser) await browser.close();
  }
}

const watchdog = setTimeout(() => { check(false, `whole run under ${WATCHDOG_MS / 1000} s`); summary(); process.exit(1); },
  WATCHDOG_MS);
try {
  await main();
} catch (e) {
  check(false, `unexpected error: ${e.stack || e}`);
} finally {
  await stopServer();
  clearTimeout(watchdog);
}
reportViolations();
summary();
