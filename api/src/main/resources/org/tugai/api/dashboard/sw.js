// The dashboard's shell (page, script, styles, Leaflet) kept on the device so the page opens without a link.
// Network first, so a station's update reaches the phone as soon as there is a link; the kept copy after a few
// seconds or when there is none. The API's answers are not kept here: the page keeps them per token.
'use strict';
const SHELL = 'tugai-shell-v1';
const FILES = [
  '/', '/index.html', '/dashboard.js', '/dashboard.css', '/manifest.json', '/icon.svg', '/icon-192.png', '/icon-512.png',
  '/webjars/leaflet/1.9.4/dist/leaflet.css', '/webjars/leaflet/1.9.4/dist/leaflet.js',
  '/webjars/leaflet/1.9.4/dist/images/layers.png', '/webjars/leaflet/1.9.4/dist/images/layers-2x.png',
];
const WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('tugai-shell-') && n !== SHELL).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  event.respondWith(fromNetworkElseKept(event.request, url));
});

async function fromNetworkElseKept(request, url) {
  const cache = await caches.open(SHELL);
  const key = url.pathname === '/' ? '/index.html' : url.pathname;
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(key, response.clone());
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
  } catch (e) {
    // no link: the kept copy below
  }
  const keptCopy = await cache.match(key);
  return keptCopy || network;
}
