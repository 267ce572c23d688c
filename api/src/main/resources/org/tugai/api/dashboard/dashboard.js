// Tugai dashboard: everything comes from the API with the user's token, so it shows exactly what the role
// allows. The token travels only in the Authorization header (the live feed is read with fetch, not
// EventSource, which cannot send headers); a link may carry it in the #fragment, which browsers never send.
'use strict';

const STYLE = {
  countries: { color: '#555', weight: 1, fillColor: '#f4f1e8', fillOpacity: 0.6 },
  'protected-area': { color: '#2e7d32', weight: 1.5, fillOpacity: 0.25 },
  hotspot: { color: '#e4572e', weight: 2, dashArray: '6 4', fillOpacity: 0.08 },
  'population-unit': { color: '#7b3fa0', weight: 1, fillOpacity: 0.08 },
  farmland: { color: '#c9a227', weight: 1, fillOpacity: 0.2 },
  hazard: { color: '#b00020', weight: 1.5, fillOpacity: 0.2 },
};
const SEVERITY_COLOUR = { critical: '#b00020', high: '#e4572e', warning: '#f3a712', info: '#4a90d9' };

const state = { token: null, me: null, map: null, animals: new Map(), tracks: new Map(), trackDrawnAt: new Map(), alerts: new Map(), alertMarkers: new Map() };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== undefined && v !== null) e.setAttribute(k, v); });
  children.forEach((c) => e.append(c));
  return e;
}

async function api(path, options) {
  const response = await fetch(path, { ...(options || {}), headers: { ...((options || {}).headers || {}), Authorization: 'Bearer ' + state.token } });
  if (response.status === 401) { forget('the token was not accepted'); throw new Error('401'); }
  if (!response.ok) { const e = new Error(path + ' answered ' + response.status); e.status = response.status; throw e; }
  return response;
}
const json = async (path) => (await api(path)).json();

function forget(reason) {
  sessionStorage.removeItem('tugai-token');
  state.token = null;
  $('main').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = reason || '';
}

function time(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '-'; }
const can = (...roles) => roles.includes(state.me.role);

async function start() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('tugai-token', fromHash);
    history.replaceState(null, '', location.pathname);
  }
  state.token = sessionStorage.getItem('tugai-token');
  if (!state.token) { forget(); return; }
  try {
    state.me = await json('/api/v1/me');
  } catch (e) {
    return;
  }
  $('login').hidden = true;
  $('main').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = state.me.name + ' (' + state.me.role + (state.me.zones.length ? ': ' + state.me.zones.join(', ') : '') + ')';
  document.body.dataset.role = state.me.role;
  state.map = L.map('map', { preferCanvas: false, zoomSnap: 0.25 }).setView([38.5, 66.5], 6);
  await drawLayers();
  $('alerts-section').hidden = !can('ranger', 'admin');
  $('crossings-section').hidden = !can('scientist', 'admin');
  await refresh();
  setInterval(refresh, 10000);
  if (can('ranger', 'admin')) {
    await loadAlerts();
    follow();
  }
}

async function drawLayers() {
  const index = await json('/api/v1/layers');
  const overlays = {};
  const drawn = [];
  let zoneBounds = null;
  for (const name of Object.keys(index)) {
    const data = await json('/api/v1/layers/' + encodeURIComponent(name));
    const style = { ...(STYLE[name] || { color: '#336', weight: 1, fillOpacity: 0.1 }), className: 'layer layer-' + name };
    const layer = L.geoJSON(data, {
      style: () => style,
      onEachFeature: (f, l) => l.bindTooltip((f.properties && (f.properties.name || f.properties.NAME || f.properties.id)) || name),
    }).addTo(state.map);
    overlays[name] = layer;
    drawn.push(name + ' ' + index[name]);
    if (name !== 'countries') zoneBounds = zoneBounds ? zoneBounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
  }
  if (zoneBounds) state.map.fitBounds(zoneBounds, { padding: [10, 10], animate: false });
  L.control.layers(null, overlays, { collapsed: true }).addTo(state.map);
  $('layers-status').textContent = 'layers: ' + drawn.join(', ');
  $('layers-status').dataset.layers = Object.keys(index).length;
}

async function refresh() {
  try {
    await Promise.all([drawAnimals(), drawCameras(), can('scientist', 'admin') ? listCrossings() : null]);
  } catch (e) {
    console.warn('refresh failed', e);
  }
}

async function drawAnimals() {
  const animals = await json('/api/v1/animals');
  const list = $('animals');
  list.replaceChildren();
  const since = new Date(Date.now() - 3 * 86400e3).toISOString();
  for (const a of animals) {
    const fix = a.lastFix;
    const item = el('li', { 'data-animal-id': a.animalId, class: 'status-' + a.status },
      a.animalId + ' ', el('span', { class: 'muted' }, (a.population || '') + ' · ' + a.status + (fix ? ' · ' + time(fix.fixTime) : ' · no fix yet')));
    item.onclick = () => showAnimal(a.animalId);
    list.append(item);
    let marker = state.animals.get(a.animalId);
    if (fix && fix.lat !== null) {
      const colour = a.status === 'mortality' ? '#000' : a.status === 'silent' ? '#888' : '#1b5e20';
      if (!marker) {
        marker = L.circleMarker([fix.lat, fix.lon], { radius: 6, weight: 2, color: '#fff', fillOpacity: 1, className: 'animal' }).addTo(state.map);
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
      drawTrack(a.animalId, since).catch((e) => { state.trackDrawnAt.delete(a.animalId); console.warn('track', a.animalId, e); });
    }
  }
  if (!state.framed && state.animals.size) {
    // The first time animals are known, frame them: that is where a ranger looks.
    state.framed = true;
    state.map.fitBounds(L.latLngBounds([...state.animals.values()].map((m) => m.getLatLng())).pad(0.5), { maxZoom: 10, animate: false });
  }
}

async function drawTrack(animalId, since) {
  const data = await json('/api/v1/animals/' + encodeURIComponent(animalId) + '/track?from=' + since);
  const line = data.features.find((f) => f.properties && f.properties.kind === 'track');
  if (!line) return;
  const latlngs = line.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
  let track = state.tracks.get(animalId);
  if (!track) {
    track = L.polyline(latlngs, { color: '#1b5e20', weight: 2, opacity: 0.7, className: 'track' }).addTo(state.map);
    state.tracks.set(animalId, track);
  } else {
    track.setLatLngs(latlngs);
  }
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
    const icon = L.divIcon({ className: 'camera-icon', iconSize: [10, 10] });
    cameraMarkers.set(c.cameraId, L.marker([c.lat, c.lon], { icon, title: c.cameraId }).addTo(state.map)
      .bindTooltip(c.cameraId + ' (' + c.events + ' events)'));
  }
}

async function listCrossings() {
  const crossings = await json('/api/v1/crossings?limit=15');
  $('crossings').replaceChildren(...crossings.map((c) => el('li', { 'data-crossing-id': c.crossingId },
    (c.animalId || c.collarId) + ': ' + c.fromCountry + ' → ' + c.toCountry + ' ', el('span', { class: 'muted' }, time(c.crossedAt)))));
}

async function loadAlerts() {
  const alerts = await json('/api/v1/alerts?limit=50');
  alerts.reverse().forEach(showAlert);
}

function showAlert(a) {
  const known = state.alerts.get(a.alertId);
  if (known && known.updatedAt > a.updatedAt) return;
  state.alerts.set(a.alertId, a);
  let item = document.querySelector('#alerts li[data-alert-id="' + CSS.escape(a.alertId) + '"]');
  const fresh = !item;
  if (fresh) item = el('li', { 'data-alert-id': a.alertId });
  item.className = 'sev-' + a.severity;
  item.dataset.status = a.status;
  const who = a.status === 'acknowledged' ? ' · acknowledged by ' + a.acknowledgedBy : a.status === 'resolved' ? ' · resolved' : '';
  item.replaceChildren(
    el('strong', {}, a.severity.toUpperCase() + ' '), a.title || a.type, el('br'),
    el('span', { class: 'muted' }, a.type + ' · ' + time(a.lastSeen) + (a.zones.length ? ' · ' + a.zones.join(', ') : '') + who));
  if (a.status === 'open') {
    const button = el('button', { class: 'ack', type: 'button' }, 'acknowledge');
    button.onclick = () => acknowledge(a.alertId, button);
    item.prepend(button);
  }
  if (fresh) $('alerts').prepend(item);
  $('alert-count').textContent = '(' + [...state.alerts.values()].filter((x) => x.status === 'open').length + ' open)';
  if (a.lat !== null && a.lon !== null) {
    let m = state.alertMarkers.get(a.alertId);
    if (!m) {
      m = L.circleMarker([a.lat, a.lon], { radius: 9, weight: 3, fillOpacity: 0.35, className: 'alert-marker' }).addTo(state.map);
      state.alertMarkers.set(a.alertId, m);
    }
    m.setStyle({ color: SEVERITY_COLOUR[a.severity] || '#b00020', opacity: a.status === 'open' ? 1 : 0.4 }).bindTooltip(a.title || a.type);
  }
}

async function acknowledge(alertId, button) {
  button.disabled = true;
  button.textContent = 'sending...';
  try {
    await api('/api/v1/alerts/' + encodeURIComponent(alertId) + '/ack', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ by: state.me.name, note: 'from the dashboard' }),
    });
    // The lifecycle in streams applies it; the feed brings the acknowledged alert back.
    button.textContent = 'acknowledged, waiting...';
  } catch (e) {
    button.disabled = false;
    button.textContent = 'retry acknowledge';
  }
}

// The live feed: server-sent events read through fetch (so the token goes in a header), reconnecting on loss.
async function follow() {
  for (;;) {
    try {
      const response = await api('/api/v1/alerts/stream', { headers: { Accept: 'text/event-stream' } });
      setLive(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          handleEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (!state.token) return;
      console.warn('alert feed lost', e);
    }
    setLive(false);
    await new Promise((r) => setTimeout(r, 3000));
    await loadAlerts().catch(() => {});
  }
}

function handleEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event === 'alert' && data.length) showAlert(JSON.parse(data.join('\n')));
}

function setLive(on) {
  $('live').className = 'pill ' + (on ? 'on' : 'off');
  $('live').textContent = 'feed: ' + (on ? 'live' : 'reconnecting');
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem('tugai-token', $('token').value.trim());
  location.reload();
});
$('logout').onclick = () => { forget(); location.reload(); };
start();
