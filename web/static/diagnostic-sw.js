/* diagnostic-sw.js - the diagnostic's service worker, served at
 * /diagnostic/sw.js with scope /diagnostic (Service-Worker-Allowed).
 * Network first, the cache when offline, for what the offline mode needs:
 * the start page of each language visited, the stylesheet and the script,
 * and the question bundle of each language. Other pages of the diagnostic
 * fall back to the start page when offline (it resumes the session kept
 * on the device). Nothing else is cached; answers are never cached here
 * (they are kept by diagnostic.js and sent with PUT). */
var CACHE = 'passerelle-diagnostic-1';
var CORE = ['/static/style.css', '/static/diagnostic.js'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(CORE); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) {
      return caches.delete(n);
    }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(path) {
  return path === '/diagnostic' || path === '/static/style.css' || path === '/static/diagnostic.js' ||
    path.indexOf('/api/v1/diagnostic/paquet/') === 0;
}

function networkFirst(req, fallback) {
  return fetch(req).then(function (resp) {
    if (resp.ok) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.match(req).then(function (hit) { return hit || fallback(); });
  });
}

function startPage() {
  return caches.open(CACHE).then(function (c) {
    return c.keys().then(function (reqs) {
      var pages = reqs.filter(function (r) { return new URL(r.url).pathname === '/diagnostic'; });
      return pages.length ? c.match(pages[0]) : Response.error();
    });
  });
}

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (kept(url.pathname)) {
    e.respondWith(networkFirst(req, url.pathname === '/diagnostic' ? startPage : function () {
      return Response.error();
    }));
  } else if (req.mode === 'navigate' && url.pathname.indexOf('/diagnostic') === 0) {
    e.respondWith(fetch(req).catch(startPage));
  }
});
