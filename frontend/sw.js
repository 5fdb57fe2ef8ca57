// The service worker: precaches the app shell of its VERSION so the app opens with no network.
// The server (perisai/pwa) fills in VERSION (a hash of the frontend files) and PRECACHE (the
// versioned asset addresses) when it serves this file; nothing else needs a build step.
const VERSION = "__VERSION__";
const PRECACHE = /* __PRECACHE__ */ [];
const CACHE = `perisai-shell-${VERSION}`;

// A versioned address (/app/v/<version>/…) never changes content, so the copy the page has just
// loaded (modulepreload, long-cached) is taken from the HTTP cache instead of downloading every
// asset a second time; the unversioned shell, manifest and icons are revalidated (a 304 is cheap).
const cacheMode = (url) => (url.startsWith(`/app/v/${VERSION}/`) ? "default" : "no-cache");

self.addEventListener("install", (event) => {
  // Install only succeeds once every file of this version is cached.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: cacheMode(url) })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith("perisai-shell-") && n !== CACHE).map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

// The page's "reload" button on the update banner.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // API calls are network-only: the app keeps its data in IndexedDB, never in this cache.
  if (url.pathname.startsWith("/api/")) return;
  if (!url.pathname.startsWith("/app/")) return;
  if (request.mode === "navigate") {
    // Every page of the app is the same shell (hash routing): cache first, network as fallback.
    event.respondWith(caches.match("/app/", { cacheName: CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then((hit) => hit || fetch(request)),
  );
});
