// The web client's service worker: keeps every file of the client (the list and version are
// written in by scripts/web-build.sh) so that after the first visit the page opens and works
// with no network. Only GETs under its scope are answered from the cache; sync and enrollment
// (POSTs to /v1/…) always go to the network.
const VERSION = "__TAIZHANG_VERSION__";
const FILES = __TAIZHANG_FILES__;
const CACHE = `taizhang-web-${VERSION}`;

self.addEventListener("install", (ev) => {
  ev.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(FILES.map((f) => new URL(f, self.registration.scope).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("taizhang-web-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (ev) => {
  const req = ev.request;
  if (req.method !== "GET" || !req.url.startsWith(self.registration.scope)) return;
  ev.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(req, { ignoreSearch: true });
      if (hit) return hit;
      if (req.mode === "navigate") {
        const index = await cache.match(new URL("./", self.registration.scope).href);
        try {
          return await fetch(req);
        } catch (e) {
          if (index) return index;
          throw e;
        }
      }
      return fetch(req);
    })(),
  );
});
