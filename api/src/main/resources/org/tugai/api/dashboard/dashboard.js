// Tugai dashboard: everything comes from the API with the user's token, so it shows exactly what the role
// allows. The token travels only in the Authorization header (the live feed is read with fetch, not
// EventSource, which cannot send headers); a link may carry it in the #fragment, which browsers never send.
//
// Rangers read it on a phone on a link that comes and goes, so it keeps what it last saw (per token: a shared
// phone never shows one user's state to the next), says how old that is, queues acknowledgements made
// offline and sends each once the link is back (with its own ackId: sent again after a lost answer, the
// station applies it once), and picks the live feed up where it left off.
'use strict';

const STYLE = {
  countries: { color: '#555', weight: 1, fillColor: '#f4f1e8', fillOpacity: 0.6 },
  'protected-area': { color: '#2e7d32', weight: 1.5, fillOpacity: 0.25 },
  hotspot: { color: '#e4572e', weight: 2, dashArray: '6 4', fillOpacity: 0.08 },
  'population-unit': { color: '#7b3fa0', weight: 1, fillOpacity: 0.08 },
  farmland: { color: '#c9a227', weight: 1, fillOpacity: 0.2 },
  hazard: { color: '#b00020', weight: 1.5, fillOpacity: 0.2 },
  rivers: { color: '#2b6cb0', weight: 2, opacity: 0.85, fillColor: '#2b6cb0', fillOpacity: 0.5 },
  // No outline: the source cuts lakes into tiles, and their seams would show.
  lakes: { stroke: false, fillColor: '#8ec5ee', fillOpacity: 0.9 },
};
// Drawn under the zones and never in the way of a tap on them.
const CONTEXT = new Set(['countries', 'rivers', 'lakes', 'towns', 'river-names']);
const RIVER_WEIGHT = { 1: 3.5, 2: 3, 3: 2, 4: 1.2 }; // GSHHG's levels: double-lined and major rivers first
const SEVERITY_COLOUR = { critical: '#b00020', high: '#e4572e', warning: '#b36b00', info: '#2f6fb0' };
const SEVERITY_RANK = { info: 0, warning: 1, high: 2, critical: 3 };
const FEED_SILENCE_MS = 40000; // the station pings every 15 s: two pings missed means the link is gone

const state = {
  token: null, me: null, map: null, animals: new Map(), tracks: new Map(), trackDrawnAt: new Map(),
  alerts: new Map(), alertMarkers: new Map(), selected: null, here: null, hereMarker: null,
  offlineSince: null, lastUpdate: null, feedAbort: null, flushing: false, framed: false,
};
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== undefined && v !== null) e.setAttribute(k, v); });
  children.forEach((c) => e.append(c));
  return e;
}

// ---- what is kept on the device, per token ----

// Not for secrecy, only to keep users apart: FNV-1a of the token.
function tokenKey(token) {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) { h ^= token.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(16);
}
const kept = {
  key: (name) => 'tugai-' + tokenKey(state.token) + '-' + name,
  get(name, fallback) {
    try { const v = localStorage.getItem(this.key(name)); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  },
  set(name, value) {
    try { localStorage.setItem(this.key(name), JSON.stringify(value)); } catch (e) { console.warn('cannot keep', name, e); }
  },
};
// Answers of the API as last seen: in the Cache API where the browser has it (secure contexts), else localStorage.
const dataCache = () => 'tugai-data-' + tokenKey(state.token);
async function keepAnswer(key, text) {
  if (window.caches) {
    const cache = await caches.open(dataCache());
    await cache.put(new Request('/kept' + key), new Response(text, { headers: { 'Content-Type': 'application/json' } }));
  } else {
    try { localStorage.setItem(kept.key('answer ' + key), text); } catch (e) { /* too big to keep here */ }
  }
}
async function keptAnswer(key) {
  if (window.caches) {
    const r = await (await caches.open(dataCache())).match(new Request('/kept' + key));
    return r ? r.json() : undefined;
  }
  const v = localStorage.getItem(kept.key('answer ' + key));
  return v === null ? undefined : JSON.parse(v);
}

// ---- the link ----

async function api(path, options) {
  const o = options || {};
  let response;
  try {
    response = await fetch(path, { ...o, headers: { ...(o.headers || {}), Authorization: 'Bearer ' + state.token } });
  } catch (e) {
    if (e.name !== 'AbortError') linkDown();
    const err = new Error('no link to the station (' + e.message + ')');
    err.offline = true;
    throw err;
  }
  linkUp();
  if (response.status === 401) { forget('the token was not accepted'); throw new Error('401'); }
  if (!response.ok) {
    let detail = '';
    try { const p = await response.json(); detail = p.detail || p.title || ''; } catch (e) { /* not a problem document */ }
    const err = new Error(path + ' answered ' + response.status + (detail ? ': ' + detail : ''));
    err.status = response.status;
    err.detail = detail;
    throw err;
  }
  return response;
}

// A GET that falls back to what was kept when there is no link.
async function json(path, keepAs) {
  const key = keepAs || path;
  try {
    const text = await (await api(path)).text();
    keepAnswer(key, text).catch(() => {});
    updated();
    return JSON.parse(text);
  } catch (e) {
    if (!e.offline) throw e;
    const answer = await keptAnswer(key).catch(() => undefined);
    if (answer === undefined) throw e;
    return answer;
  }
}

function updated() {
  state.lastUpdate = Date.now();
  kept.set('updated', state.lastUpdate);
}

function linkDown() {
  if (state.offlineSince) return;
  state.offlineSince = Date.now();
  if (state.feedAbort) state.feedAbort.abort();
  renderLink();
}

function linkUp() {
  if (!state.offlineSince) return;
  state.offlineSince = null;
  renderLink();
  flushAcks();
}

const clock = (ms) => new Date(ms).toTimeString().slice(0, 5);
function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 90 ? s + ' s ago' : s < 5400 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
}

function renderLink() {
  const net = $('net');
  const stale = $('stale');
  document.body.classList.toggle('offline', !!state.offlineSince);
  if (state.offlineSince) {
    net.className = 'pill off';
    net.textContent = 'offline since ' + clock(state.offlineSince);
  } else {
    net.className = 'pill on';
    net.textContent = 'online';
  }
  const old = state.lastUpdate && Date.now() - state.lastUpdate > 60000;
  stale.hidden = !state.offlineSince && !old;
  stale.textContent = (state.offlineSince ? 'No link to the station since ' + clock(state.offlineSince) + '. ' : '')
    + (state.lastUpdate ? 'Showing what was known at ' + clock(state.lastUpdate) + ' (' + ago(state.lastUpdate) + ').' : 'Nothing kept from an earlier visit.');
}

function forget(reason) {
  if (state.token) {
    // What this token saw stays with it: the next user of the phone starts clean.
    Object.keys(localStorage).filter((k) => k.startsWith('tugai-' + tokenKey(state.token) + '-')).forEach((k) => localStorage.removeItem(k));
    if (window.caches) caches.delete(dataCache()).catch(() => {});
  }
  localStorage.removeItem('tugai-token');
  sessionStorage.removeItem('tugai-token');
  state.token = null;
  $('main').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = reason || '';
}

function time(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '-'; }
const can = (...roles) => roles.includes(state.me.role);
const ms = (iso) => (iso ? Date.parse(iso) : 0);

async function start() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    localStorage.setItem('tugai-token', fromHash);
    history.replaceState(null, '', location.pathname);
  }
  // Kept across restarts of the browser: the phone must open the dashboard without a link.
  state.token = localStorage.getItem('tugai-token') || sessionStorage.getItem('tugai-token');
  if (!state.token) { forget(); return; }
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js').catch((e) => console.warn('no offline shell', e));
  state.lastUpdate = kept.get('updated', null);
  try {
    state.me = await json('/api/v1/me');
  } catch (e) {
    if (e.offline) {
      $('login').hidden = false;
      $('login-error').textContent = 'No link to the station, and nothing kept from an earlier visit with this token.';
    }
    return;
  }
  $('login').hidden = true;
  $('main').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = state.me.name + ' (' + state.me.role + (state.me.zones.length ? ': ' + state.me.zones.join(', ') : '') + ')';
  document.body.dataset.role = state.me.role;
  state.map = L.map('map', { preferCanvas: false, zoomSnap: 0.25 }).setView([38.5, 66.5], 6);
  L.control.scale({ imperial: false, maxWidth: 120 }).addTo(state.map);
  renderLink();
  setInterval(renderLink, 15000);
  window.addEventListener('offline', linkDown);
  window.addEventListener('online', () => { refresh(); flushAcks(); });
  setupAlertTools();
  await drawLayers();
  $('alerts-section').hidden = !can('ranger', 'admin');
  $('crossings-section').hidden = !can('scientist', 'admin');
  if (can('ranger', 'admin')) {
    kept.get('alerts', []).forEach((a) => showAlert(a));
    renderAckQueue();
  }
  await refresh();
  frame();
  setInterval(refresh, 10000);
  if (can('ranger', 'admin')) {
    await loadAlerts().catch((e) => console.warn('alerts', e));
    flushAcks();
    setInterval(flushAcks, 10000);
    follow();
  }
}

async function drawLayers() {
  let index;
  try {
    index = await json('/api/v1/layers');
  } catch (e) {
    $('layers-status').textContent = 'layers: not available (' + e.message + ')';
    return;
  }
  const overlays = {};
  const drawn = [];
  let zoneBounds = null;
  const names = Object.keys(index).sort((a, b) => (CONTEXT.has(b) ? 1 : 0) - (CONTEXT.has(a) ? 1 : 0));
  for (const name of names) {
    let data;
    try {
      data = await json('/api/v1/layers/' + encodeURIComponent(name));
    } catch (e) {
      console.warn('layer', name, e);
      continue;
    }
    const style = { ...(STYLE[name] || { color: '#336', weight: 1, fillOpacity: 0.1 }), className: 'layer layer-' + name };
    const label = (f) => (f.properties && (f.properties.name || f.properties.NAME || f.properties.id)) || name;
    const credit = data.metadata && data.metadata.attribution;
    const layer = L.geoJSON(data, {
      attribution: credit ? escapeHtml(credit) : undefined,
      style: (f) => (name === 'rivers' ? { ...style, weight: RIVER_WEIGHT[f.properties && f.properties.level] || 1 } : style),
      interactive: !CONTEXT.has(name),
      pointToLayer: (f, latlng) => (name === 'river-names'
        ? L.marker(latlng, { icon: L.divIcon({ className: 'place-label river layer-river-names', html: escapeHtml(label(f)), iconSize: null }), interactive: false, keyboard: false })
        : L.circleMarker(latlng, { radius: 3, color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 1, className: 'layer layer-' + name, interactive: false })),
      onEachFeature: (f, l) => {
        if (name === 'towns') l.bindTooltip(label(f), { permanent: true, direction: 'right', className: 'place-label town', interactive: false });
        else if (!CONTEXT.has(name)) l.bindTooltip(label(f));
      },
    }).addTo(state.map);
    if (name === 'countries') {
      // Names where a ranger reads them: at each country's largest part, not at a border.
      layer.eachLayer((l) => {
        const center = largestPartCenter(l);
        if (center) L.marker(center, { icon: L.divIcon({ className: 'place-label country', html: escapeHtml(label(l.feature)), iconSize: null }), interactive: false, keyboard: false }).addTo(layer);
      });
    }
    overlays[name] = layer;
    drawn.push(name + ' ' + index[name]);
    if (!CONTEXT.has(name)) zoneBounds = zoneBounds ? zoneBounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
  }
  if (zoneBounds) state.map.fitBounds(zoneBounds, { padding: [10, 10], animate: false });
  L.control.layers(null, overlays, { collapsed: true }).addTo(state.map);
  $('layers-status').textContent = 'layers: ' + drawn.join(', ');
  $('layers-status').dataset.layers = Object.keys(index).length;
}

function largestPartCenter(layer) {
  if (!layer.getLatLngs) return null;
  let best = null;
  let bestArea = -1;
  const visit = (rings) => {
    if (!rings.length) return;
    if (rings[0] instanceof L.LatLng) {
      const b = L.latLngBounds(rings);
      const area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (area > bestArea) { bestArea = area; best = b.getCenter(); }
    } else rings.forEach(visit);
  };
  visit(layer.getLatLngs());
  return best;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

async function refresh() {
  try {
    await Promise.all([drawAnimals(), drawCameras(), can('scientist', 'admin') ? listCrossings() : null]);
  } catch (e) {
    console.warn('refresh failed', e);
  }
  renderLink();
}

async function drawAnimals() {
  const animals = await json('/api/v1/animals');
  const list = $('animals');
  list.replaceChildren();
  const since = new Date(Date.now() - 3 * 86400e3).toISOString();
  const tracks = [];
  for (const a of animals) {
    const fix = a.lastFix;
    const item = el('li', { 'data-animal-id': a.animalId, class: 'status-' + a.status, tabindex: 0 },
      a.animalId + ' ', el('span', { class: 'muted' }, (a.population || '') + ' · ' + a.status + (fix ? ' · ' + time(fix.fixTime) : ' · no fix yet')));
    item.onclick = () => showAnimal(a.animalId);
    list.append(item);
    let marker = state.animals.get(a.animalId);
    if (fix && fix.lat !== null) {
      const colour = a.status === 'mortality' ? '#000' : a.status === 'silent' ? '#888' : '#1b5e20';
      if (!marker) {
        marker = L.circleMarker([fix.lat, fix.lon], { radius: 7, weight: 2, color: '#fff', fillOpacity: 1, className: 'animal' }).addTo(state.map);
        marker.on('click', () => showAnimal(a.animalId));
        marker.bindTooltip(a.animalId);
      }
      marker.setLatLng([fix.lat, fix.lon]).setStyle({ fillColor: colour });
      state.animals.set(a.animalId, marker);
    }
    marker && (marker.animal = a);
    // A track is fetched again only when the animal has a newer fix than the one it was drawn with.
    if (can('scientist', 'admin') && fix && state.trackDrawnAt.get(a.animalId) !== fix.fixTime) {
      state.trackDrawnAt.set(a.animalId, fix.fixTime);
      tracks.push(drawTrack(a.animalId, since).catch((e) => { state.trackDrawnAt.delete(a.animalId); console.warn('track', a.animalId, e); }));
    }
  }
  await Promise.all(tracks);
}

async function drawTrack(animalId, since) {
  const data = await json('/api/v1/animals/' + encodeURIComponent(animalId) + '/track?from=' + since, '/track/' + animalId);
  const line = data.features.find((f) => f.properties && f.properties.kind === 'track');
  if (!line) return;
  const latlngs = line.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
  let track = state.tracks.get(animalId);
  if (!track) {
    track = L.polyline(latlngs, { color: '#1b5e20', weight: 3, opacity: 0.8, className: 'track' }).addTo(state.map);
    state.tracks.set(animalId, track);
  } else {
    track.setLatLngs(latlngs);
  }
}

// The first time there is data, frame it: the animals, their tracks and the alerts this token may see.
function frame() {
  if (state.framed) return;
  let bounds = null;
  const add = (b) => { if (b && b.isValid()) bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); };
  state.animals.forEach((m) => add(L.latLngBounds([m.getLatLng()])));
  state.tracks.forEach((t) => add(t.getBounds()));
  state.alertMarkers.forEach((m) => add(L.latLngBounds([m.getLatLng()])));
  if (!bounds) return;
  state.framed = true;
  state.map.fitBounds(bounds.pad(0.5), { maxZoom: 11, animate: false });
}

function showAnimal(animalId) {
  const marker = state.animals.get(animalId);
  const a = marker && marker.animal;
  $('animal-panel').hidden = false;
  $('animal-title').textContent = animalId;
  const facts = $('animal-facts');
  facts.replaceChildren();
  const add = (k, v) => facts.append(el('dt', {}, k), el('dd', {}, v === null || v === undefined ? '-' : String(v)));
  if (!a) { add('last fix', 'none visible to you'); return; }
  add('species', a.species);
  add('population', a.population);
  add('status', a.status + (a.openAlerts.length ? ' (' + a.openAlerts.join(', ') + ')' : ''));
  add('last fix', a.lastFix ? time(a.lastFix.fixTime) : null);
  add('position', a.lastFix && a.lastFix.lat !== null ? a.lastFix.lat.toFixed(4) + ', ' + a.lastFix.lon.toFixed(4) + ' (' + a.lastFix.precision + ')' : null);
  add('country', a.lastFix && a.lastFix.country);
  add('battery', a.lastFix && a.lastFix.batteryV !== null ? a.lastFix.batteryV.toFixed(2) + ' V' : null);
  add('collar', a.deployments.map((d) => d.collarId).join(', '));
  if (marker) state.map.panTo(marker.getLatLng());
}

const cameraMarkers = new Map();
async function drawCameras() {
  const cameras = await json('/api/v1/cameras');
  for (const c of cameras) {
    if (c.lat === null || cameraMarkers.has(c.cameraId)) continue;
    const icon = L.divIcon({ className: 'camera-icon', iconSize: [12, 12] });
    cameraMarkers.set(c.cameraId, L.marker([c.lat, c.lon], { icon, title: c.cameraId }).addTo(state.map)
      .bindTooltip(c.cameraId + ' (' + c.events + ' events)'));
  }
}

async function listCrossings() {
  const crossings = await json('/api/v1/crossings?limit=15');
  $('crossings').replaceChildren(...crossings.map((c) => el('li', { 'data-crossing-id': c.crossingId },
    (c.animalId || c.collarId) + ': ' + c.fromCountry + ' → ' + c.toCountry + ' ', el('span', { class: 'muted' }, time(c.crossedAt)))));
}

// ---- alerts ----

async function loadAlerts() {
  const alerts = await json('/api/v1/alerts?limit=100');
  alerts.reverse().forEach((a) => showAlert(a));
}

// What changed while the feed was away, oldest first, page by page.
async function catchUp(since) {
  for (let from = since; from;) {
    const page = await (await api('/api/v1/alerts?limit=500&updatedSince=' + encodeURIComponent(from))).json();
    page.forEach((a) => showAlert(a, { live: true }));
    from = page.length === 500 ? page[page.length - 1].updatedAt : null;
  }
  updated();
}

function newestUpdate() {
  let newest = null;
  state.alerts.forEach((a) => { if (!newest || ms(a.updatedAt) > ms(newest)) newest = a.updatedAt; });
  return newest;
}

function showAlert(a, options) {
  const known = state.alerts.get(a.alertId);
  if (known && ms(known.updatedAt) > ms(a.updatedAt)) return;
  state.alerts.set(a.alertId, a);
  if (a.lat !== null && a.lon !== null) {
    let m = state.alertMarkers.get(a.alertId);
    if (!m) {
      m = L.circleMarker([a.lat, a.lon], { radius: 11, weight: 3, fillOpacity: 0.35, className: 'alert-marker' }).addTo(state.map);
      m.on('click', () => showDetail(a.alertId));
      state.alertMarkers.set(a.alertId, m);
    }
    m.setLatLng([a.lat, a.lon]).setStyle({ color: SEVERITY_COLOUR[a.severity] || '#b00020', opacity: a.status === 'open' ? 1 : 0.4 }).bindTooltip(a.title || a.type);
  }
  if (a.status !== 'open') {
    // Done: the station has it; nothing left to send.
    const queue = acks();
    if (queue.some((q) => q.alertId === a.alertId && q.state === 'sent')) saveAcks(queue.filter((q) => !(q.alertId === a.alertId && q.state === 'sent')));
  }
  if (options && options.live && !known && a.status === 'open' && a.severity === 'critical') alarm(a);
  scheduleRender();
  if (state.selected === a.alertId) showDetail(a.alertId, { keepView: true });
}

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    renderAlerts();
    kept.set('alerts', [...state.alerts.values()].sort((x, y) => ms(y.updatedAt) - ms(x.updatedAt)).slice(0, 200));
  }, 0);
}

const firstRank = (a) => (a.status === 'open' ? 2 : a.status === 'acknowledged' ? 1 : 0) * 10 + (a.status === 'open' && a.severity === 'critical' ? 5 : 0);

function renderAlerts() {
  const min = SEVERITY_RANK[$('filter-severity').value] || 0;
  const type = $('filter-type').value;
  const types = new Set([...state.alerts.values()].map((a) => a.type));
  const select = $('filter-type');
  const have = new Set([...select.options].map((o) => o.value));
  [...types].sort().forEach((t) => { if (!have.has(t)) select.append(el('option', { value: t }, t)); });
  const queue = acks();
  // Open critical alerts first, then open, then the rest; newest first within each.
  const shown = [...state.alerts.values()]
    .filter((a) => (SEVERITY_RANK[a.severity] || 0) >= min && (!type || a.type === type))
    .sort((x, y) => firstRank(y) - firstRank(x) || ms(y.lastSeen) - ms(x.lastSeen))
    .slice(0, 200);
  $('alerts').replaceChildren(...shown.map((a) => alertCard(a, queue.find((q) => q.alertId === a.alertId))));
  $('alert-count').textContent = '(' + [...state.alerts.values()].filter((x) => x.status === 'open').length + ' open)';
}

function alertCard(a, queued) {
  const item = el('li', { 'data-alert-id': a.alertId, class: 'alert sev-' + a.severity, 'data-status': a.status, tabindex: 0 });
  const who = a.status === 'acknowledged' ? ' · acknowledged by ' + a.acknowledgedBy : a.status === 'resolved' ? ' · resolved' : '';
  item.append(
    el('strong', {}, a.severity.toUpperCase() + ' '), a.title || a.type, el('br'),
    el('span', { class: 'muted' }, a.type + ' · ' + time(a.lastSeen) + (a.zones.length ? ' · ' + a.zones.join(', ') : '') + who));
  if (queued) item.append(el('br'), ackState(queued));
  if (a.status === 'open' && (!queued || queued.state === 'refused')) {
    const button = el('button', { class: 'ack', type: 'button' }, 'acknowledge');
    button.onclick = (e) => { e.stopPropagation(); acknowledge(a.alertId); };
    item.prepend(button);
  }
  item.onclick = () => showDetail(a.alertId);
  item.onkeydown = (e) => { if (e.key === 'Enter') showDetail(a.alertId); };
  return item;
}

function ackState(q) {
  const text = q.state === 'queued' ? 'acknowledgement queued at ' + clock(ms(q.queuedAt)) + (state.offlineSince ? ', sent when the link returns' : ', sending')
    : q.state === 'sent' ? 'acknowledgement sent, waiting for the station'
      : 'acknowledgement refused: ' + (q.reason || 'by the station');
  return el('span', { class: 'ack-state ack-' + q.state, 'data-ack-state': q.state }, text);
}

// ---- one alert, where it is and how to get there ----

function fmtCoord(v) {
  // As precise as the channel gave it, at most 5 decimals (about a metre).
  const decimals = (String(v).split('.')[1] || '').length;
  return Number(v).toFixed(Math.min(Math.max(decimals, 1), 5));
}

function distanceM(lat1, lon1, lat2, lon2) {
  const r = (d) => (d * Math.PI) / 180;
  const a = Math.sin(r(lat2 - lat1) / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(r(lon2 - lon1) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

function bearingDeg(lat1, lon1, lat2, lon2) {
  const r = (d) => (d * Math.PI) / 180;
  const y = Math.sin(r(lon2 - lon1)) * Math.cos(r(lat2));
  const x = Math.cos(r(lat1)) * Math.sin(r(lat2)) - Math.sin(r(lat1)) * Math.cos(r(lat2)) * Math.cos(r(lon2 - lon1));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

const POINTS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];

function fromHere(a) {
  if (!state.here) return null;
  const d = distanceM(state.here.lat, state.here.lon, a.lat, a.lon);
  const b = bearingDeg(state.here.lat, state.here.lon, a.lat, a.lon);
  const dist = d < 1000 ? Math.round(d) + ' m' : (d / 1000).toFixed(d < 10000 ? 1 : 0) + ' km';
  return dist + ' ' + POINTS[Math.round(b / 22.5) % 16] + ' (bearing ' + Math.round(b) + '°) from you, ±' + Math.round(state.here.accuracy) + ' m';
}

function watchPosition() {
  if (!navigator.geolocation) { alert('This browser gives no position (it needs https or localhost).'); return; }
  navigator.geolocation.watchPosition((p) => {
    state.here = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy };
    if (!state.hereMarker) state.hereMarker = L.circleMarker([state.here.lat, state.here.lon], { radius: 7, color: '#fff', weight: 3, fillColor: '#1565c0', fillOpacity: 1, className: 'you' }).addTo(state.map).bindTooltip('you');
    state.hereMarker.setLatLng([state.here.lat, state.here.lon]);
    if (state.selected) showDetail(state.selected, { keepView: true });
  }, (e) => console.warn('no position', e.message), { enableHighAccuracy: true, maximumAge: 30000 });
}

function showDetail(alertId, options) {
  const a = state.alerts.get(alertId);
  if (!a) return;
  state.selected = alertId;
  const section = $('alert-detail');
  section.hidden = false;
  section.className = 'sev-' + a.severity;
  section.dataset.alertId = alertId;
  $('detail-title').textContent = a.severity.toUpperCase() + ': ' + (a.title || a.type);
  const facts = $('detail-facts');
  facts.replaceChildren();
  const add = (k, v, cls) => { if (v !== null && v !== undefined && v !== '') facts.append(el('dt', {}, k), el('dd', cls ? { class: cls } : {}, v)); };
  add('status', a.status + (a.status === 'acknowledged' ? ' by ' + a.acknowledgedBy + ' at ' + time(a.acknowledgedAt) : ''));
  add('seen', time(a.firstSeen) + (a.lastSeen !== a.firstSeen ? ' to ' + time(a.lastSeen) : ''));
  const placed = a.lat !== null && a.lon !== null;
  add('position', placed ? fmtCoord(a.lat) + ', ' + fmtCoord(a.lon) : 'not known', 'coords');
  if (placed) add('from you', fromHere(a) || el('button', { type: 'button', class: 'locate', id: 'locate' }, 'use my position'));
  add('zones', a.zones.join(', '));
  add('animal', a.animalId);
  add(a.type === 'intrusion' || a.type === 'escalation' ? 'camera' : 'device', a.deviceId);
  add('media', (a.media || []).join(', '));
  add('evidence', (a.evidence || []).slice(-5).join(', ') + ((a.evidence || []).length > 5 ? ' (' + a.evidence.length + ' in all)' : ''));
  const locate = $('locate');
  if (locate) locate.onclick = watchPosition;
  const actions = $('detail-actions');
  actions.replaceChildren();
  if (placed) {
    const q = fmtCoord(a.lat) + ',' + fmtCoord(a.lon);
    actions.append(el('a', { class: 'button geo', href: 'geo:' + q + '?q=' + q + '(' + encodeURIComponent(a.type) + ')' }, 'navigate'));
    const show = el('button', { type: 'button' }, 'on the map');
    show.onclick = () => state.map.setView([a.lat, a.lon], Math.max(state.map.getZoom(), 12));
    actions.append(show);
  }
  const queued = acks().find((q) => q.alertId === alertId);
  if (a.status === 'open' && (!queued || queued.state === 'refused')) {
    const ack = el('button', { type: 'button', class: 'ack primary' }, 'acknowledge');
    ack.onclick = () => acknowledge(alertId);
    actions.append(ack);
  } else if (queued) actions.append(ackState(queued));
  if (placed && !(options && options.keepView)) state.map.setView([a.lat, a.lon], Math.max(state.map.getZoom(), 11), { animate: false });
  if (!(options && options.keepView)) section.scrollIntoView({ block: 'nearest' });
}

// ---- acknowledgements: queued on the device, sent once ----

const acks = () => (state.token ? kept.get('acks', []) : []);
function saveAcks(queue) {
  kept.set('acks', queue);
  renderAckQueue();
  scheduleRender();
  if (state.selected) showDetail(state.selected, { keepView: true });
}

function newAckId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12) + Math.random().toString(36).slice(2, 12);
}

function acknowledge(alertId) {
  const queue = acks().filter((q) => !(q.alertId === alertId && q.state === 'refused'));
  if (queue.some((q) => q.alertId === alertId)) return; // one acknowledgement per alert
  queue.push({ alertId, ackId: newAckId(), note: 'from the dashboard', queuedAt: new Date().toISOString(), state: 'queued' });
  saveAcks(queue);
  flushAcks();
}

async function flushAcks() {
  if (state.flushing || !state.token) return;
  state.flushing = true;
  try {
    for (const q of acks().filter((x) => x.state === 'queued')) {
      try {
        await api('/api/v1/alerts/' + encodeURIComponent(q.alertId) + '/ack', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ note: q.note, ackId: q.ackId }),
        });
        setAck(q.ackId, { state: 'sent', sentAt: new Date().toISOString() });
      } catch (e) {
        if (e.offline || !e.status || e.status >= 500) break; // the link or the station: try again later
        setAck(q.ackId, { state: 'refused', reason: e.detail || e.message });
      }
    }
  } finally {
    state.flushing = false;
  }
}

function setAck(ackId, change) {
  saveAcks(acks().map((q) => (q.ackId === ackId ? { ...q, ...change } : q)));
}

function renderAckQueue() {
  const waiting = acks().filter((q) => q.state === 'queued').length;
  const p = $('ack-queue');
  p.hidden = waiting === 0;
  p.dataset.waiting = waiting;
  p.textContent = waiting + (waiting === 1 ? ' acknowledgement' : ' acknowledgements') + ' waiting for the link';
}

// ---- new critical alerts: sound, vibration, notification (off unless the ranger turns them on) ----

function setupAlertTools() {
  ['filter-severity', 'filter-type'].forEach((id) => { $(id).onchange = renderAlerts; });
  const notify = $('notify');
  notify.checked = localStorage.getItem('tugai-notify') === 'on';
  notify.onchange = () => {
    localStorage.setItem('tugai-notify', notify.checked ? 'on' : 'off');
    if (notify.checked && 'Notification' in window && Notification.permission === 'default') Notification.requestPermission();
  };
  $('detail-close').onclick = () => { $('alert-detail').hidden = true; state.selected = null; };
}

function alarm(a) {
  if (localStorage.getItem('tugai-notify') !== 'on') return;
  if (navigator.vibrate) navigator.vibrate([300, 120, 300]);
  try {
    const audio = new (window.AudioContext || window.webkitAudioContext)();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch (e) { /* no sound here */ }
  if ('Notification' in window && Notification.permission === 'granted') {
    const body = (a.zones || []).join(', ') + (a.lat !== null ? ' · ' + fmtCoord(a.lat) + ', ' + fmtCoord(a.lon) : '');
    const options = { body, tag: a.alertId, requireInteraction: true };
    // Android shows notifications only through the service worker.
    (navigator.serviceWorker ? navigator.serviceWorker.ready.then((r) => r.showNotification('CRITICAL: ' + (a.title || a.type), options)) : Promise.reject())
      .catch(() => { try { new Notification('CRITICAL: ' + (a.title || a.type), options); } catch (e) { /* none */ } });
  }
}

// ---- the live feed: server-sent events read through fetch (so the token goes in a header) ----

async function follow() {
  for (;;) {
    const resumeFrom = newestUpdate();
    const abort = new AbortController();
    state.feedAbort = abort;
    let watchdog = null;
    try {
      const response = await api('/api/v1/alerts/stream', { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
      setLive(true);
      // What happened while the feed was away; the feed itself brings what happens from now on.
      if (resumeFrom) catchUp(resumeFrom).catch((e) => console.warn('catch-up', e));
      else loadAlerts().catch(() => {});
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let heard = Date.now();
      watchdog = setInterval(() => { if (Date.now() - heard > FEED_SILENCE_MS) abort.abort(); }, 5000);
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        heard = Date.now();
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          handleEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (!state.token) return;
      console.warn('alert feed lost', e.message);
    } finally {
      if (watchdog) clearInterval(watchdog);
    }
    setLive(false);
    await sleep(3000);
  }
}

function handleEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event === 'alert' && data.length) {
    showAlert(JSON.parse(data.join('\n')), { live: true });
    updated();
    renderLink();
  }
}

function setLive(on) {
  $('live').className = 'pill ' + (on ? 'on' : 'off');
  $('live').textContent = 'feed: ' + (on ? 'live' : 'reconnecting');
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem('tugai-token', $('token').value.trim());
  location.reload();
});
$('logout').onclick = () => { forget(); location.reload(); };
start();
