/* diagnostic.js - the diagnostic on the device, offline after the first
 * visit: service worker, the engine of src/diagnostic/engine.c (walk),
 * answers in localStorage, idempotent PUT (docs/diagnostic.md). */
(function () {
  'use strict';
  var PREFIX = 'passerelle.diag.';
  var main = document.getElementById('contenu');
  if (!main) return;
  var lang = main.getAttribute('data-langue') || document.documentElement.lang || 'fr';
  var csrf = main.getAttribute('data-csrf') || '';
  var P = null; // the bundle: questions, engine data, messages

  if ('serviceWorker' in navigator)
    navigator.serviceWorker.register('/diagnostic/sw.js', { scope: '/diagnostic' }).catch(function () {});

  function t(key, name, value) {
    var s = (P && P.messages && P.messages[key]) || key;
    return name ? s.replace('{' + name + '}', value) : s;
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function load(cle) {
    try { return JSON.parse(localStorage.getItem(PREFIX + cle)); } catch (e) { return null; }
  }
  function save(s) {
    try {
      localStorage.setItem(PREFIX + s.cle, JSON.stringify(s));
      localStorage.setItem(PREFIX + 'courante', s.cle);
    } catch (e) { /* storage full or refused: the session lives in memory */ }
  }
  function keys() {
    var out = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k.indexOf(PREFIX) === 0 && k !== PREFIX + 'courante') out.push(k.slice(PREFIX.length));
    }
    return out;
  }
  function newKey() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    var s = '';
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function index(id) {
    for (var i = 0; i < P.questions.length; i++) if (P.questions[i].id === id) return i;
    return -1;
  }
  function answers(s) { // [{q, mask}]
    return s.reponses.map(function (r) {
      var q = index(r.question), mask = 0;
      if (q >= 0) P.questions[q].options.forEach(function (o, j) { if (r.options.indexOf(o.id) >= 0) mask |= 1 << j; });
      return { q: q, mask: mask };
    });
  }
  function good(a) {
    var q = P.questions[a.q];
    return q.type === 'competence' && a.mask === (1 << q.bonne);
  }
  function walk(A) {
    var Q = P.questions, n = A.length, i = 0, next = -1, bad = false, k, d;
    function propose(q) {
      if (i >= n) { next = q; return null; }
      if (A[i].q !== q) { bad = true; next = q; return null; }
      return A[i++];
    }
    function done() { return { next: next, ok: !bad }; }
    for (k = 0; k < Q.length; k++) if (Q[k].type === 'profil' && Q[k].avant && !propose(k)) return done();
    var dep = 0;
    for (k = 0; k < i; k++) Q[A[k].q].options.forEach(function (o, j) {
      if ((A[k].mask >> j & 1) && (o.depart || 0) > dep) dep = o.depart;
    });
    var napres = Q.filter(function (q) { return q.type === 'profil' && !q.avant; }).length;
    var nd = P.domaines.length, levels = [];
    for (d = 0; d < nd; d++) {
      var expect = dep || 1;
      if (levels.length) {
        var sum = levels.reduce(function (x, y) { return x + y; }, 0);
        expect = Math.floor((2 * sum + levels.length) / (2 * levels.length));
        expect = Math.max(1, Math.min(3, expect));
      }
      var lo = 0, hi = 3, used = [];
      while (lo < hi) {
        var lv = expect <= lo ? lo + 1 : expect > hi ? hi : expect, q = -1;
        for (k = 0; k < Q.length && q < 0; k++)
          if (Q[k].type === 'competence' && Q[k].domaine === d && Q[k].niveau === lv && used.indexOf(k) < 0) q = k;
        if (q < 0) break;
        var remaining = P.questions_max - i - napres;
        if (used.length > 0 && remaining - 1 < nd - d - 1) break;
        var a = propose(q);
        if (!a) return done();
        used.push(q);
        if (good(a)) lo = lv; else hi = lv - 1;
      }
      levels.push(lo);
    }
    for (k = 0; k < Q.length; k++) if (Q[k].type === 'profil' && !Q[k].avant && !propose(k)) return done();
    if (i < n) bad = true;
    return done();
  }

  var sending = {};
  function send(s) {
    if (sending[s.cle]) return sending[s.cle];
    if (navigator.onLine === false) return Promise.reject(new Error('offline'));
    var body = JSON.stringify({ version: s.version, langue: s.langue, revision: s.revision,
      termine: s.termine, commune: s.commune || null, reponses: s.reponses });
    var p = fetch('/api/v1/diagnostic/sessions/' + s.cle, {
      method: 'PUT', credentials: 'same-origin', body: body,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf || s.csrf }
    }).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, j: j }; });
    }).then(function (x) {
      delete sending[s.cle];
      if (x.status === 200 || x.status === 201) {
        var cur = load(s.cle) || s;
        cur.envoye = x.j.revision;
        if (x.j.termine) cur.resultat = x.j.resultat;
        save(cur);
        return cur;
      }
      if (x.status === 409 || x.status === 422) { // refused for good: keep it, do not retry
        var kept = load(s.cle) || s;
        kept.refus = (x.j.erreur && x.j.erreur.message) || String(x.status);
        save(kept);
      }
      throw new Error('HTTP ' + x.status);
    }, function (e) { delete sending[s.cle]; throw e; });
    sending[s.cle] = p;
    return p;
  }
  function pending(s) { return s && !s.refus && (s.envoye || 0) < s.revision; }
  function flush() { // every session of this device not sent yet
    return Promise.all(keys().map(function (k) {
      var s = load(k);
      return pending(s) ? send(s).catch(function () { return null; }) : Promise.resolve(s);
    }));
  }

  function page(title) {
    while (main.firstChild) main.removeChild(main.firstChild);
    document.title = title + ' — Passerelle';
    window.scrollTo(0, 0);
  }
  function focusFirst(node) {
    node.setAttribute('tabindex', '-1');
    node.focus();
  }
  function errorSummary(form, anchor, text) {
    var box = el('div', { class: 'erreurs', role: 'alert', id: 'erreurs', tabindex: '-1' });
    box.appendChild(el('h2', null, t('erreur_resume')));
    var ul = el('ul'), li = el('li'), a = el('a', { href: '#' + anchor }, text);
    li.appendChild(a);
    ul.appendChild(li);
    box.appendChild(ul);
    form.insertBefore(box, form.firstChild);
    box.focus();
  }
  function button(text, cls, type) {
    return el('button', { type: type || 'submit', class: cls }, text);
  }

  function renderQuestion(s, qi) {
    var q = P.questions[qi], multiple = q.type === 'profil' && q.multiple;
    page(q.texte);
    var prog = el('p', { class: 'diag-progres' }, t('question_numero', 'n', s.reponses.length + 1) + ' ');
    prog.appendChild(el('span', null, t('question_max', 'n', P.questions_max)));
    main.appendChild(prog);
    var form = el('form', { class: 'diag-question', novalidate: 'novalidate' });
    form.appendChild(el('input', { type: 'hidden', name: 'q', value: q.id }));
    var fs = el('fieldset', { id: 'choix', 'aria-describedby': 'q-aide' });
    var legend = el('legend'), h1 = el('h1', null, q.texte);
    legend.appendChild(h1);
    fs.appendChild(legend);
    fs.appendChild(el('p', { class: 'aide', id: 'q-aide' }, q.aide || (q.type === 'competence' ? t('aide_nsp') : '')));
    var opts = q.options.map(function (o) { return { id: o.id, texte: o.texte }; });
    if (q.type === 'competence') opts.push({ id: 'nsp', texte: t('je_ne_sais_pas') });
    opts.forEach(function (o) {
      var div = el('div', { class: 'diag-choix' });
      div.appendChild(el('input', { type: multiple ? 'checkbox' : 'radio', name: 'o', id: 'o-' + o.id, value: o.id }));
      div.appendChild(el('label', { for: 'o-' + o.id }, o.texte));
      fs.appendChild(div);
    });
    form.appendChild(fs);
    var actions = el('div', { class: 'diag-actions' });
    actions.appendChild(button(t('valider'), 'bouton'));
    if (s.reponses.length) {
      var back = button(t('precedente'), 'bouton secondaire', 'button');
      back.addEventListener('click', function () {
        s.reponses.pop();
        s.revision++;
        save(s);
        step(s);
      });
      actions.appendChild(back);
    }
    form.appendChild(actions);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var chosen = [].slice.call(form.querySelectorAll('input[name=o]:checked')).map(function (i) { return i.value; });
      var err = null;
      if (!chosen.length) err = 'erreur_choisir';
      else if (chosen.length > 1 && q.options.some(function (o) { return o.exclusif && chosen.indexOf(o.id) >= 0; })) err = 'erreur_exclusif';
      if (err) {
        var old = form.querySelector('#erreurs');
        if (old) old.remove();
        var p = fs.querySelector('.erreur') || el('p', { class: 'erreur', id: 'q-erreur' });
        p.textContent = '';
        p.appendChild(el('strong', null, t('erreur_prefixe')));
        p.appendChild(document.createTextNode(' ' + t(err)));
        fs.insertBefore(p, legend.nextSibling.nextSibling);
        fs.setAttribute('aria-describedby', 'q-aide q-erreur');
        errorSummary(form, 'choix', t(err));
        return;
      }
      s.reponses.push({ question: q.id, options: chosen.filter(function (c) { return c !== 'nsp'; }) });
      s.revision++;
      save(s);
      send(s).catch(function () {});
      step(s);
    });
    main.appendChild(form);
    focusFirst(h1);
  }

  function renderCommune(s) {
    page(t('commune_titre'));
    var form = el('form', { class: 'diag-question', novalidate: 'novalidate' });
    var h1 = el('h1', null, t('commune_titre'));
    form.appendChild(h1);
    form.appendChild(el('p', null, t('commune_intro')));
    var champ = el('div', { class: 'champ' });
    champ.appendChild(el('label', { for: 'ou' }, t('commune_label')));
    champ.appendChild(el('p', { class: 'aide', id: 'ou-aide' }, t('commune_aide')));
    var input = el('input', { type: 'text', id: 'ou', name: 'ou', autocomplete: 'address-level2', 'aria-describedby': 'ou-aide' });
    champ.appendChild(input);
    form.appendChild(champ);
    var actions = el('div', { class: 'diag-actions' });
    actions.appendChild(button(t('voir_resultat'), 'bouton'));
    var back = button(t('precedente'), 'bouton secondaire', 'button');
    back.addEventListener('click', function () { s.reponses.pop(); s.revision++; save(s); step(s); });
    actions.appendChild(back);
    form.appendChild(actions);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      s.commune = input.value.trim().slice(0, 127);
      s.termine = true;
      s.revision++;
      save(s);
      finish(s);
    });
    main.appendChild(form);
    focusFirst(h1);
  }

  function renderWaiting(s, key) {
    page(t('hl_enregistre'));
    var h1 = el('h1', null, t('hl_enregistre'));
    main.appendChild(h1);
    var status = el('p', { class: 'diag-etat', role: 'status', id: 'diag-etat' }, t(key));
    main.appendChild(status);
    focusFirst(h1);
    return status;
  }

  function finish(s) {
    var status = renderWaiting(s, 'hl_envoi'), leaving = false;
    function attempt() {
      if (leaving) return;
      send(load(s.cle) || s).then(function (cur) {
        if (cur && cur.resultat && !leaving) {
          leaving = true;
          location.href = cur.resultat;
        }
      }, function () {
        var cur = load(s.cle) || s;
        status.textContent = t(cur.refus ? 'hl_erreur' : 'hl_attente');
      });
    }
    attempt();
    window.addEventListener('online', attempt);
  }

  function step(s) {
    var w = walk(answers(s));
    if (!w.ok) { // answers of another bank version: drop them and start again
      try { localStorage.removeItem(PREFIX + s.cle); } catch (e) { /* nothing kept */ }
      startNew();
      return;
    }
    if (w.next >= 0) renderQuestion(s, w.next);
    else renderCommune(s);
  }

  function startNew() {
    var s = { cle: newKey(), version: P.version, langue: lang, revision: 1, termine: false,
      reponses: [], csrf: csrf, debut: new Date().toISOString() };
    save(s);
    step(s);
  }

  function startPage(form) {
    var etat = document.getElementById('diag-etat');
    fetch('/api/v1/diagnostic/paquet/' + lang, { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (bundle) {
        P = bundle;
        main.setAttribute('data-pret', '1');
        if (etat) etat.textContent = t('hl_pret');
        form.addEventListener('submit', function (ev) { ev.preventDefault(); startNew(); });
        var cle = localStorage.getItem(PREFIX + 'courante'), cur = cle && load(cle);
        if (cur && !cur.termine && cur.version === P.version && cur.reponses.length && etat) {
          etat.textContent = t('hl_reprendre') + ' ';
          var b = button(t('hl_reprendre_bouton'), 'bouton secondaire', 'button');
          b.addEventListener('click', function () { step(cur); });
          etat.appendChild(b);
        }
        flush().then(function (list) {
          var done = (list || []).filter(function (x) { return x && x.resultat && x.cle === cle; })[0];
          if (done && etat) {
            etat.textContent = t('hl_envoye') + ' ';
            etat.appendChild(el('a', { href: done.resultat }, t('hl_voir_resultat')));
          }
        });
      })
      .catch(function () { /* no bundle (offline on a first visit): the form works online */ });
  }

  // for the tests: the engine on the loaded bundle
  window.passerelleDiagnostic = { walk: function (A) { return walk(A); }, bundle: function () { return P; } };

  var form = document.getElementById('diag-debut');
  if (form) startPage(form);
  else if (navigator.onLine !== false) flush();
  window.addEventListener('online', function () { flush(); });

})();
