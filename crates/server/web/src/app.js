// sitrep web UI: events table, timeline, map, event and article pages over the JSON API.
//
// Article text and every value from the ledger is untrusted: it only ever reaches the page through
// textContent and attributes set one by one (never innerHTML), and links are made only from
// http(s) URLs. Evidence offsets from the API are UTF-8 byte offsets; they are converted to
// JavaScript string indices before slicing.
'use strict';

(function () {
  const TYPES = {
    'Battles': ['Armed clash', 'Government regains territory', 'Non-state actor overtakes territory'],
    'Explosions/Remote violence': ['Chemical weapon', 'Air/drone strike', 'Suicide bomb',
      'Shelling/artillery/missile attack', 'Remote explosive/landmine/IED', 'Grenade'],
    'Violence against civilians': ['Sexual violence', 'Attack', 'Abduction/forced disappearance'],
    'Protests': ['Peaceful protest', 'Protest with intervention', 'Excessive force against protesters'],
    'Riots': ['Violent demonstration', 'Mob violence'],
    'Strategic developments': ['Agreement', 'Arrests', 'Change to group/activity', 'Disrupted weapons use',
      'Headquarters or base established', 'Looting/property destruction', 'Non-violent transfer of territory', 'Other'],
  };
  const COLORS = ['#c0392b', '#2e86c1', '#d68910', '#7d3c98', '#229954', '#566573', '#a04000', '#17a589',
    '#884ea0', '#b7950b'];
  const FILTERS = ['since', 'until', 'country', 'admin1', 'type', 'actor', 'text'];
  const PAGE = 100;

  const view = document.getElementById('view');
  const form = document.getElementById('filters');
  const notice = document.getElementById('notice');
  let currentMap = null;

  // --- small helpers --------------------------------------------------------------------------

  // Builds an element; children are nodes or strings (always inserted as text).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) {
      const e = body && body.error ? body.error : { code: String(response.status), message: response.statusText };
      throw new Error(e.code + ': ' + e.message);
    }
    return body;
  }

  function fail(error) {
    view.replaceChildren(el('p', { class: 'error', text: String(error.message || error) }));
  }

  // A link only for http(s) URLs: a hostile page could carry javascript: or data: URLs.
  function safeLink(url, text) {
    if (typeof url === 'string' && /^https?:\/\//i.test(url)) {
      return el('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank' }, text || url);
    }
    return el('span', {}, text || url || '');
  }

  // Maps UTF-8 byte offsets of `text` to string indices (offsets inside a character round down).
  function byteIndexer(text) {
    const idx = [];
    let b = 0;
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i);
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (let k = 0; k < n; k++) idx[b + k] = i;
      b += n;
      i += cp >= 0x10000 ? 2 : 1;
    }
    return (off) => (off >= b ? text.length : off <= 0 ? 0 : idx[off]);
  }

  // Splits `text` at the given ranges ({start, end, cls} in string indices) into text nodes and
  // <mark>/<span> nodes carrying every class that covers each piece.
  function highlighted(text, ranges, tag) {
    const cuts = new Set([0, text.length]);
    for (const r of ranges) { cuts.add(r.start); cuts.add(r.end); }
    const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      if (a === b) continue;
      const classes = ranges.filter((r) => r.start <= a && b <= r.end).map((r) => r.cls);
      const piece = text.slice(a, b);
      if (classes.length === 0) out.push(document.createTextNode(piece));
      else {
        const titles = ranges.filter((r) => r.start <= a && b <= r.end && r.title).map((r) => r.title);
        out.push(el(tag || 'mark', { class: [...new Set(classes)].join(' '), title: titles.join('; ') || null }, piece));
      }
    }
    return out;
  }

  function toll(t) {
    if (!t || (t.low === null && t.best === null && t.high === null)) return '';
    if (t.low === t.high || t.high === null && t.low === t.best) return String(t.best ?? t.low);
    const best = t.best ?? t.low;
    return `${best} (${t.low ?? '?'}–${t.high ?? '?'})`;
  }

  function dateText(e) {
    if (!e.date) return 'undated';
    return e.date_end && e.date_end !== e.date ? `${e.date} … ${e.date_end}` : e.date;
  }

  function place(e) {
    return [e.location, e.admin1 !== e.location ? e.admin1 : null, e.country].filter(Boolean).join(', ');
  }

  // --- routing and filters --------------------------------------------------------------------

  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/events';
    const [path, qs] = raw.split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(qs || '') };
  }

  function filterQuery(query) {
    const out = new URLSearchParams();
    for (const k of FILTERS) if (query.get(k)) out.set(k, query.get(k));
    return out;
  }

  function fillForm(query) {
    for (const k of FILTERS) form.elements[k].value = query.get(k) || '';
  }

  function formQuery() {
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      const v = form.elements[k].value.trim();
      if (v) q.set(k, v);
    }
    return q;
  }

  function go(viewName, query) {
    const qs = query && query.toString();
    location.hash = '#/' + viewName + (qs ? '?' + qs : '');
  }

  function currentListView() {
    const v = parseHash().parts[0];
    return v === 'timeline' || v === 'map' ? v : 'events';
  }

  function setupForm() {
    const select = form.elements.type;
    for (const [type, subs] of Object.entries(TYPES)) {
      const group = el('optgroup', { label: type });
      group.appendChild(el('option', { value: type }, 'All ' + type));
      for (const s of subs) group.appendChild(el('option', { value: s }, s));
      select.appendChild(group);
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = formQuery();
      const sort = parseHash().query.get('sort');
      if (sort && currentListView() === 'events') q.set('sort', sort);
      go(currentListView(), q);
    });
    document.getElementById('clear').addEventListener('click', () => { form.reset(); go(currentListView()); });
  }

  function markNav(name) {
    for (const a of document.querySelectorAll('.top nav a')) {
      a.classList.toggle('active', a.dataset.view === name);
      // Keep the filters when switching between list views.
      const q = filterQuery(parseHash().query).toString();
      a.setAttribute('href', '#/' + a.dataset.view + (q ? '?' + q : ''));
    }
  }

  async function route() {
    if (currentMap) { currentMap.remove(); currentMap = null; }
    const { parts, query } = parseHash();
    const name = parts[0] || 'events';
    fillForm(query);
    markNav(name);
    form.hidden = name === 'event' || name === 'article';
    view.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    try {
      if (name === 'event' && parts[1]) await showEvent(parts[1]);
      else if (name === 'article' && parts[1]) await showArticle(parts[1], query);
      else if (name === 'timeline') await showTimeline(query);
      else if (name === 'map') await showMap(query);
      else await showEvents(query);
    } catch (e) {
      fail(e);
    }
  }

  // --- events table ---------------------------------------------------------------------------

  function eventRow(e) {
    const actors = [e.actor1, e.actor2].filter(Boolean).join(' → ');
    const conflict = e.fatalities.low !== e.fatalities.high && e.fatalities.high !== null;
    const row = el('tr', { 'data-id': e.id, tabindex: '0' },
      el('td', {}, dateText(e)),
      el('td', {}, e.sub_event_type, el('div', { class: 'muted' }, e.event_type)),
      el('td', {}, place(e)),
      el('td', {}, actors),
      el('td', { class: 'num' }, conflict ? el('span', { class: 'pill conflict', title: 'sources disagree' }, toll(e.fatalities)) : toll(e.fatalities)),
      el('td', { class: 'num' }, toll(e.injured)),
      el('td', { class: 'num' }, `${e.n_articles} / ${e.n_outlets}`));
    const open = () => { location.hash = '#/event/' + encodeURIComponent(e.id); };
    row.addEventListener('click', open);
    row.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(); });
    return row;
  }

  function eventsTable(sort, onSort) {
    const header = (label, key) => {
      if (!key) return el('th', {}, label);
      const active = sort === key || sort === '-' + key;
      const arrow = active ? (sort.startsWith('-') ? ' ▼' : ' ▲') : '';
      return el('th', { class: 'sortable', 'data-sort': key, onclick: () => onSort(key) }, label + arrow);
    };
    const tbody = el('tbody');
    const table = el('table', { class: 'events' },
      el('thead', {}, el('tr', {}, header('Date', onSort && 'date'), header('Type'), header('Place'), header('Actors'),
        header('Killed', onSort && 'fatalities'), header('Wounded'), header('Articles / outlets'))),
      tbody);
    return { table, tbody };
  }

  async function showEvents(query) {
    const sort = query.get('sort') || '-date';
    const base = filterQuery(query);
    base.set('sort', sort);
    base.set('limit', String(PAGE));
    const onSort = (key) => {
      const q = filterQuery(query);
      q.set('sort', sort === '-' + key ? key : '-' + key);
      go('events', q);
    };
    const { table, tbody } = eventsTable(sort, onSort);
    const status = el('span', { class: 'muted', id: 'count' });
    const more = el('button', { type: 'button', id: 'more', hidden: true }, 'Load more');
    view.replaceChildren(el('div', { class: 'toolbar' }, status), table, el('div', { class: 'toolbar' }, more));
    let shown = 0;
    async function load(cursor) {
      const q = new URLSearchParams(base);
      if (cursor) q.set('cursor', cursor);
      const page = await api('/api/events?' + q);
      for (const e of page.events) tbody.appendChild(eventRow(e));
      shown += page.events.length;
      status.textContent = shown === 0 ? 'No events match these filters.' : `${shown} events${page.next ? ' (more below)' : ''}`;
      more.hidden = !page.next;
      more.onclick = () => load(page.next).catch(fail);
    }
    await load(null);
  }

  // --- timeline -------------------------------------------------------------------------------

  async function showTimeline(query) {
    const by = ['type', 'sub_type', 'actor'].includes(query.get('by')) ? query.get('by') : 'type';
    const q = filterQuery(query);
    q.set('bucket', 'week');
    q.set('by', by);
    const data = await api('/api/timeline?' + q);
    const wrap = el('div', { class: 'timeline' });
    view.replaceChildren(wrap);
    if (data.periods.length === 0) {
      wrap.appendChild(el('p', { class: 'muted' }, 'No dated events match these filters.'));
      return;
    }
    const color = new Map(data.keys.map((k, i) => [k, COLORS[i % COLORS.length]]));
    const W = 1100, H = 300, left = 40, bottom = 40, top = 20;
    const n = data.periods.length;
    const max = Math.max(1, ...data.periods.map((p) => p.total));
    const bw = (W - left - 10) / n;
    const y = (v) => H - bottom - (v / max) * (H - bottom - top);
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Events per week by ' + by });
    // Lulls under the bars, surges above them.
    for (const m of data.marks.filter((m) => m.kind === 'lull')) {
      const i0 = data.periods.findIndex((p) => p.start === m.start);
      const i1 = data.periods.findIndex((p) => p.start === m.end);
      const r = svg('rect', { class: 'lull', x: left + i0 * bw, y: top, width: (i1 - i0 + 1) * bw, height: H - bottom - top, fill: '#e8eef3' });
      r.appendChild(svg('title')).textContent = `lull: no events ${m.start} – ${m.end}`;
      chart.appendChild(r);
    }
    data.periods.forEach((p, i) => {
      let acc = 0;
      for (const k of data.keys) {
        const v = p.counts[k] || 0;
        if (!v) continue;
        const r = svg('rect', { class: 'bar', x: left + i * bw + 0.5, y: y(acc + v), width: Math.max(1, bw - 1), height: y(acc) - y(acc + v), fill: color.get(k) });
        r.appendChild(svg('title')).textContent = `week of ${p.start}: ${v} ${k}`;
        chart.appendChild(r);
        acc += v;
      }
    });
    for (const m of data.marks.filter((m) => m.kind === 'surge')) {
      const i = data.periods.findIndex((p) => p.start === m.start);
      const t = svg('text', { class: 'surge', x: left + (i + 0.5) * bw, y: y(m.events) - 4, 'text-anchor': 'middle', fill: '#9b2c2c', 'font-size': 14 });
      t.textContent = '▲';
      t.appendChild(svg('title')).textContent = `surge: ${m.events} events in the week of ${m.start} (about ${m.baseline.toFixed(1)} a week before)`;
      chart.appendChild(t);
    }
    // Axes: the maximum, and the first week of each year (or of each quarter on short spans).
    const axis = svg('line', { x1: left, x2: W - 10, y1: H - bottom, y2: H - bottom, stroke: '#888' });
    chart.appendChild(axis);
    const maxLabel = svg('text', { x: 4, y: top + 10, 'font-size': 11, fill: '#555' });
    maxLabel.textContent = String(max);
    chart.appendChild(maxLabel);
    let lastLabel = -Infinity;
    data.periods.forEach((p, i) => {
      const x = left + i * bw;
      if (x - lastLabel < 70) return;
      const prev = data.periods[i - 1];
      const firstOfMonth = !prev || prev.start.slice(0, 7) !== p.start.slice(0, 7);
      if (!firstOfMonth) return;
      lastLabel = x;
      const t = svg('text', { x, y: H - bottom + 16, 'font-size': 11, fill: '#555' });
      t.textContent = p.start.slice(0, 7);
      chart.appendChild(t);
    });
    // Brushing: drag across weeks to list their events below.
    const brush = svg('rect', { class: 'brush', x: 0, y: top, width: 0, height: H - bottom - top, fill: 'rgba(31,95,168,.18)', stroke: '#1f5fa8' });
    chart.appendChild(brush);
    const toIndex = (ev) => {
      const box = chart.getBoundingClientRect();
      const x = ((ev.clientX - box.left) / box.width) * W;
      return Math.min(n - 1, Math.max(0, Math.floor((x - left) / bw)));
    };
    let from = null;
    const selected = el('div', { id: 'brushed' });
    chart.addEventListener('mousedown', (ev) => { from = toIndex(ev); ev.preventDefault(); });
    chart.addEventListener('mousemove', (ev) => {
      if (from === null) return;
      const to = toIndex(ev);
      const [a, b] = [Math.min(from, to), Math.max(from, to)];
      brush.setAttribute('x', left + a * bw);
      brush.setAttribute('width', (b - a + 1) * bw);
    });
    const finish = (ev) => {
      if (from === null) return;
      const to = toIndex(ev);
      const [a, b] = [Math.min(from, to), Math.max(from, to)];
      from = null;
      brush.setAttribute('x', left + a * bw);
      brush.setAttribute('width', (b - a + 1) * bw);
      const since = data.periods[a].start;
      const end = new Date(data.periods[b].start + 'T00:00:00Z');
      end.setUTCDate(end.getUTCDate() + 6);
      const until = end.toISOString().slice(0, 10);
      showBrushed(selected, query, since, until).catch(fail);
    };
    chart.addEventListener('mouseup', finish);
    chart.addEventListener('mouseleave', (ev) => { if (from !== null) finish(ev); });

    const legend = el('div', { class: 'legend' }, data.keys.map((k) =>
      el('span', {}, el('span', { class: 'swatch', 'data-color': color.get(k) }), k)));
    for (const s of legend.querySelectorAll('.swatch')) s.style.background = s.dataset.color;
    const lulls = data.marks.filter((m) => m.kind === 'lull').length;
    const surges = data.marks.filter((m) => m.kind === 'surge').length;
    const labels = { type: 'type', sub_type: 'sub-event type', actor: 'first actor' };
    const choose = el('select', { name: 'by', id: 'timeline-by' }, Object.entries(labels).map(([k, v]) =>
      el('option', { value: k, selected: k === by ? 'selected' : null }, v)));
    choose.addEventListener('change', () => {
      const next = filterQuery(query);
      next.set('by', choose.value);
      go('timeline', next);
    });
    wrap.append(
      el('h2', {}, 'Events per week, stacked by ', choose),
      legend, chart,
      el('p', { class: 'muted' }, `${surges} surge(s) marked ▲, ${lulls} lull(s) shaded. Drag across the chart to list the events of those weeks.`),
      selected);
  }

  async function showBrushed(target, query, since, until) {
    const q = filterQuery(query);
    q.set('since', since);
    q.set('until', until);
    q.set('sort', 'date');
    q.set('limit', String(PAGE));
    const page = await api('/api/events?' + q);
    const { table, tbody } = eventsTable('date', null);
    for (const e of page.events) tbody.appendChild(eventRow(e));
    const open = el('a', { href: '#/events?' + new URLSearchParams([...q].filter(([k]) => FILTERS.includes(k))) }, 'open as a filtered table');
    target.replaceChildren(el('h2', {}, `${since} – ${until}: ${page.events.length}${page.next ? '+' : ''} events `), open, table);
  }

  // --- map ------------------------------------------------------------------------------------

  async function showMap(query) {
    const box = el('div', { id: 'map' });
    const status = el('p', { class: 'muted', id: 'map-status' }, 'Loading the map…');
    view.replaceChildren(status, box);
    // No tile layer sets zoom limits, and clustering needs them.
    const map = L.map(box, { worldCopyJump: true, minZoom: 2, maxZoom: 12 }).setView([32, 44], 5);
    currentMap = map;
    map.attributionControl.addAttribution('Outlines: Natural Earth (public domain)');
    const topo = await api('/assets/vendor/countries-50m.json');
    L.geoJSON(topojson.feature(topo, topo.objects.countries), {
      interactive: false,
      style: { color: '#8a8f94', weight: 0.8, fillColor: '#f4f1e8', fillOpacity: 1 },
    }).addTo(map);
    const clusters = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false });
    const q = filterQuery(query);
    q.set('limit', '500');
    q.set('sort', '-date');
    let cursor = null, total = 0, placed = 0;
    // Up to 10 pages: a map of more than 5,000 markers is unreadable anyway.
    for (let i = 0; i < 10; i++) {
      const pq = new URLSearchParams(q);
      if (cursor) pq.set('cursor', cursor);
      const page = await api('/api/events?' + pq);
      for (const e of page.events) {
        total++;
        if (e.latitude === null || e.longitude === null) continue;
        const killed = e.fatalities.best || 0;
        const marker = L.circleMarker([e.latitude, e.longitude], {
          radius: Math.min(28, 5 + 3 * Math.sqrt(killed)),
          color: '#7b1d1d', weight: 1, fillColor: killed > 0 ? '#c0392b' : '#e67e22', fillOpacity: 0.75,
        });
        const popup = el('div', {},
          el('div', { class: 'popup-title' }, e.sub_event_type),
          el('div', {}, dateText(e) + ' — ' + place(e)),
          el('div', {}, [e.actor1, e.actor2].filter(Boolean).join(' → ')),
          el('div', {}, 'killed ' + (toll(e.fatalities) || 'unknown')),
          el('a', { href: '#/event/' + encodeURIComponent(e.id), class: 'open-event' }, 'open event'));
        marker.bindPopup(popup);
        marker.on('click', () => marker.openPopup());
        clusters.addLayer(marker);
        placed++;
      }
      cursor = page.next;
      if (!cursor) break;
    }
    map.addLayer(clusters);
    if (placed > 0) map.fitBounds(clusters.getBounds(), { padding: [30, 30], maxZoom: 8 });
    status.textContent = `${placed} of ${total} events placed on the map${cursor ? ' (first 5,000 shown)' : ''}. Markers are sized by the number killed; click one to open it.`;
    status.dataset.placed = String(placed);
  }

  // --- event page -----------------------------------------------------------------------------

  // The sentence of a mention with the given byte spans (article offsets) highlighted.
  function sentenceWith(mention, spans) {
    const text = mention.source.sentence;
    const start = mention.mention.sentence.start;
    const at = byteIndexer(text);
    const ranges = spans
      .filter((s) => s.span.start >= start && s.span.end <= mention.mention.sentence.end && s.span.end > s.span.start)
      .map((s) => ({ start: at(s.span.start - start), end: at(s.span.end - start), cls: 'evidence', title: s.title }));
    return el('span', { class: 'quote' }, highlighted(text, ranges, 'mark'));
  }

  function articleLink(article, span, label) {
    const hl = span ? '?hl=' + span.start + '-' + span.end : '';
    return el('a', { href: '#/article/' + encodeURIComponent(article) + hl }, label || 'in the article');
  }

  async function showEvent(id) {
    const v = await api('/api/events/' + encodeURIComponent(id));
    const e = v.event;
    const byMention = new Map(e.mentions.map((m) => [m.mention.id, m]));
    const where = e.place ? [e.place.name, e.place.admin1, e.place.country].filter(Boolean).join(', ') : 'place unknown';
    const when = e.date ? (e.date.start === e.date.end ? e.date.start : `${e.date.start} … ${e.date.end}`) : 'undated';

    const rows = v.fields.map((f) => {
      const cell = el('td');
      for (const s of f.sources) {
        const m = byMention.get(s.mention);
        const who = `${s.outlet || 'unknown outlet'}, ${s.published || 'undated'}`;
        const line = el('div', { class: 'source' }, el('strong', {}, s.value), ' — ', who, ' ');
        if (s.span.end <= s.span.start) line.appendChild(el('span', { class: 'muted' }, '(from the publication date)'));
        else if (m && s.sentence.start === m.mention.sentence.start) line.appendChild(sentenceWith(m, [{ span: s.span, title: f.name }]));
        else line.appendChild(articleLink(s.article, s.span, '(from a nearby sentence)'));
        cell.appendChild(line);
      }
      if (f.sources.length === 0) cell.appendChild(el('span', { class: 'muted' }, 'no source states it'));
      return el('tr', { 'data-field': f.name },
        el('th', {}, f.name),
        el('td', {}, f.value ?? '—', f.conflict ? el('span', { class: 'pill conflict', title: 'sources disagree' }, ' conflicting') : ''),
        cell);
    });

    const tollSection = (label, t) => {
      const head = t.low === null && t.best === null ? 'unknown'
        : `best ${t.best ?? '?'}, range ${t.low ?? '?'}–${t.high ?? 'open'}`;
      return el('section', { class: 'toll', 'data-toll': label },
        el('h2', {}, `${label}: ${head}`, t.conflict ? el('span', { class: 'pill conflict' }, ' figures differ') : ''),
        el('ul', { class: 'plain' }, t.reports.map((r) => el('li', {},
          `${r.outlet || 'unknown outlet'} reported ${r.high === r.low ? r.low : r.high === null ? 'at least ' + r.low : r.low + '–' + r.high} `,
          articleLink(r.article, r.sentence, 'sentence')))));
    };

    const attributions = e.attributions.length === 0 ? el('p', { class: 'muted' }, 'No claims, accusations or denials recorded.')
      : el('ul', { class: 'plain attributions' }, e.attributions.map((a) => el('li', {},
        el('span', { class: 'pill' }, a.stance), ' ', a.actor.name,
        a.by && a.by.id !== a.actor.id ? ` — by ${a.by.name}` : '', ' ',
        articleLink(a.article, a.sentence, 'sentence'))));

    const sources = el('ol', {}, e.mentions.map((m) => {
      const em = m.mention;
      const spans = [{ span: em.trigger, title: 'trigger' }];
      for (const role of ['actor1', 'actor2', 'place', 'time', 'weapon', 'killed', 'wounded']) {
        if (em[role]) spans.push({ span: em[role].span, title: role });
      }
      return el('li', { class: 'source' },
        el('strong', {}, (m.source.outlets || []).join(', ') || 'unknown outlet'), ', ', m.source.published || 'undated',
        m.source.title ? ' — ' + m.source.title : '', ' ',
        articleLink(m.source.article, em.sentence, 'open article'),
        sentenceWith(m, spans));
    }));

    view.replaceChildren(el('article', { class: 'event', 'data-id': e.id },
      el('div', { class: 'muted' }, v.event_type),
      el('h1', {}, `${v.sub_event_type} — ${where}, ${when}`),
      el('table', { class: 'fields' }, el('tbody', {}, rows)),
      tollSection('Killed', v.fatalities),
      tollSection('Wounded', v.injured),
      el('section', {}, el('h2', {}, 'Claims, blame and denials'), attributions),
      el('section', {}, el('h2', {}, `Sources (${e.mentions.length} reports)`), sources),
      el('p', { class: 'muted' }, 'id ' + e.id)));
  }

  // --- article page ---------------------------------------------------------------------------

  async function showArticle(id, query) {
    const v = await api('/api/articles/' + encodeURIComponent(id));
    const a = v.article;
    const text = a.text;
    const at = byteIndexer(text);
    const ranges = [];
    for (const ev of v.evidence) {
      const cls = ev.role === 'sentence' ? 'in-sentence'
        : ['claimed', 'blamed', 'denied', 'distanced'].includes(ev.role) ? 'attribution' : 'role';
      ranges.push({ start: at(ev.span.start), end: at(ev.span.end), cls, title: `${ev.role} of ${ev.event}` });
    }
    const hl = /^(\d+)-(\d+)$/.exec(query.get('hl') || '');
    if (hl) ranges.push({ start: at(Number(hl[1])), end: at(Number(hl[2])), cls: 'focus', title: 'linked evidence' });
    const body = el('div', { class: 'article-text', id: 'article-text' }, highlighted(text, ranges, 'span'));
    const outlets = [...new Set(v.sightings.map((s) => s.outlet).filter(Boolean))];
    view.replaceChildren(el('article', { class: 'article', 'data-id': a.id },
      el('h1', {}, a.title || '(untitled article)'),
      el('p', { class: 'muted' }, `${a.published || 'undated'} — carried by ${outlets.join(', ') || 'unknown outlets'} `, a.url ? safeLink(a.url) : ''),
      el('p', {}, 'Cited by: ', v.events.length === 0 ? 'no event' : v.events.map((id) =>
        el('a', { href: '#/event/' + encodeURIComponent(id), class: 'pill' }, id))),
      el('p', { class: 'muted' }, 'Highlighted: sentences events rest on (blue), the words each field came from (yellow), claims and denials (purple).'),
      body));
    const focus = body.querySelector('.focus');
    if (focus) focus.scrollIntoView({ block: 'center' });
  }

  // --- live updates ---------------------------------------------------------------------------

  function live() {
    if (!window.EventSource) return;
    const badge = document.getElementById('live');
    const source = new EventSource('/api/stream');
    let changed = 0;
    source.addEventListener('ready', () => { badge.classList.add('on'); badge.textContent = 'live'; });
    source.addEventListener('error', () => { badge.classList.remove('on'); badge.textContent = 'reconnecting'; });
    source.addEventListener('alert', (msg) => {
      const stored = JSON.parse(msg.data);
      const a = stored.alert || {};
      const box = document.getElementById('alerts');
      if (!box) return;
      box.hidden = false;
      // Alert text comes from article sentences: built as text nodes only.
      box.prepend(el('div', { class: 'alert' },
        el('strong', {}, `${a.rule_name || a.rule} (${a.kind})`), ' ',
        el('a', { href: '#/event/' + encodeURIComponent(a.event || '') }, a.summary || a.event || ''),
        a.detail ? el('span', { class: 'muted' }, ` — ${a.detail}`) : ''));
      while (box.children.length > 5) box.lastChild.remove();
    });
    source.addEventListener('event', (msg) => {
      const change = JSON.parse(msg.data);
      changed++;
      const name = parseHash().parts[0] || 'events';
      notice.hidden = false;
      notice.replaceChildren(`${changed} event(s) changed since this page loaded (latest: ${change.change} ${change.event_id}). `,
        el('button', { type: 'button', onclick: () => { changed = 0; notice.hidden = true; route(); } }, 'Refresh'));
      // The first page of the table refreshes itself; deeper views wait for the user.
      if (name === 'events' && !document.querySelector('#more:not([hidden])')) { route(); }
    });
  }

  setupForm();
  window.addEventListener('hashchange', route);
  route();
  live();
})();
