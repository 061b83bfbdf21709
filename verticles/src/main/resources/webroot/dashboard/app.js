/*
 * The balancer's dashboard: one page over the admin API, no framework, no build step.
 *
 * The state arrives as server-sent events (GET /api/events, `event: state`, at once, after every change and every
 * second); each one re-renders what changed: the header facts, the ring (only when its arcs or colours changed), the
 * replica cards (kept by name, updated in place) and the event log. Commands go through POST /api/add and
 * DELETE /api/rm, with the admin token as a Bearer header when the balancer wants one.
 */
'use strict';

(() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const CX = 200;
  const CY = 200;
  const R = 138;           // the ring's middle radius
  const W = 26;            // its width
  const UNKNOWN = '#c9ced6'; // a ring id no replica has (or −1: nobody)
  const TOKEN_KEY = 'lb.admin.token';
  const STALE_MS = 3500;   // the server pushes every second: silence this long means the stream is stuck
  const REOPEN_MS = 10000; // and this long, that it is worth opening a new one
  const EVENTS_SHOWN = 100;

  const $ = (id) => document.getElementById(id);

  let source = null;
  let lastState = null;
  let lastSeen = 0;
  let ringSignature = '';
  let eventsSignature = '';
  let legendSignature = '';
  let lookup = null;       // {key, slot, ringId, replica} of the request id shown on the ring
  const cards = new Map(); // replica name -> its card element
  const seenColours = new Map(); // ring id -> colour, as last seen: the log still colours replicas that are gone

  // ---- small DOM helpers -------------------------------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === 'class') {
        node.className = value;
      } else {
        node.setAttribute(name, value);
      }
    }
    children.forEach((c) => node.append(c));
    return node;
  }

  function svg(tag, attrs = {}) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) {
      node.setAttribute(name, value);
    }
    return node;
  }

  function setText(node, text) {
    const value = String(text);
    if (node.textContent !== value) {
      node.textContent = value;
    }
  }

  function setAttr(node, name, value) {
    if (node.getAttribute(name) !== value) {
      node.setAttribute(name, value);
    }
  }

  // ---- formatting --------------------------------------------------------------------------------------------------

  function rate(v) {
    if (v == null) {
      return '—';
    }
    return v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
  }

  function millis(v) {
    if (v == null) {
      return '—';
    }
    if (v < 10) {
      return v.toFixed(2);
    }
    return v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
  }

  function percent(share) {
    return share == null ? '—' : `${(share * 100).toFixed(1)} %`;
  }

  function clock(ms) {
    const d = new Date(ms);
    const two = (n) => String(n).padStart(2, '0');
    const milli = String(d.getMilliseconds()).padStart(3, '0');
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${milli}`;
  }

  /** The replica of each ring id: a starting one only if no other has that id (it may be a replacement). */
  function owners(state) {
    const byRingId = new Map();
    state.replicas.forEach((r) => {
      if (!byRingId.has(r.ringId) || r.state !== 'starting') {
        byRingId.set(r.ringId, r);
      }
    });
    return byRingId;
  }

  /** Replica colours by ring id. */
  function colours(state) {
    const byRingId = new Map();
    owners(state).forEach((r, ringId) => {
      byRingId.set(ringId, r.colour);
      seenColours.set(ringId, r.colour);
    });
    return byRingId;
  }

  // ---- header ------------------------------------------------------------------------------------------------------

  function renderFacts(state) {
    const manager = state.manager && state.manager !== state.node ? ` (manager ${state.manager})` : '';
    setText($('fact-node'), `${state.node}${manager}`);
    setText($('fact-epoch'), `${state.epoch} · v${state.version}`);
    const unit = state.ring.kind === 'maglev' ? 'bins' : 'slots';
    setText($('fact-ring'), `${state.ringAlgorithm} · ${state.ring.slots.toLocaleString('en-US')} ${unit}`);
    setText($('fact-hash'), state.hash);
    setText($('fact-key'), state.key);
    setText($('fact-n'), members(state));
    setText($('ring-centre-n'), members(state));
    setText($('ring-centre-sub'), members(state) === 1 ? 'replica' : 'replicas');
    $('token-label').hidden = !state.tokenRequired;
    renderCluster(state.cluster);
  }

  /**
   * Replicas someone else runs (static, dns), on the node whose manager lists them: where they are listed, and whether
   * the last look-up worked (if not, the set is the last one listed).
   */
  function renderDiscovery(cluster) {
    const discovery = cluster && cluster.manager && cluster.manager.discovery;
    $('fact-discovery-box').hidden = !discovery;
    if (!discovery) {
      return;
    }
    const looking = discovery.looking === 'ok' ? `${discovery.listed} listed`
      : `look-up failing (${discovery.error}); keeps the last ${discovery.listed}`;
    setText($('fact-discovery'), `${discovery.source} · ${looking}`);
    $('fact-discovery').dataset.looking = discovery.looking;
  }

  /**
   * A clustered node: whether it sees a quorum, whether the manager acting for the cluster is on it, and which members
   * route keys with other settings, if any (shown as a warning, as a lost quorum is).
   */
  function renderCluster(cluster) {
    renderDiscovery(cluster);
    const clustered = Boolean(cluster && cluster.clustered);
    $('fact-cluster-box').hidden = !clustered;
    if (!clustered) {
      return;
    }
    const quorum = cluster.quorum ? `quorum · ${cluster.members} members` : `no quorum · needs ${cluster.needed}`;
    const manager = cluster.manager ? (cluster.manager.acting ? ' · manager here' : ' · manager here, idle') : '';
    // a rolling change of the routing settings (cluster.rolling): the members that route keys elsewhere, named
    const differing = cluster.routing && !cluster.routing.agrees ? cluster.routing.differing : [];
    const routing = differing.length === 0 ? ''
      : ` · routing differs on ${differing.map((d) => `${d.host} (${Object.keys(d.differences).join(', ')})`).join('; ')}`;
    setText($('fact-cluster'), quorum + manager + routing);
    $('fact-cluster').dataset.quorum = String(cluster.quorum && differing.length === 0);
  }

  /** How many replicas are in the set: the ones still starting are not, yet. */
  function members(state) {
    return state.replicas.filter((r) => r.state !== 'starting').length;
  }

  // ---- the ring ----------------------------------------------------------------------------------------------------

  function point(slot, slots, radius) {
    const angle = (slot / slots) * 2 * Math.PI;
    return [CX + radius * Math.sin(angle), CY - radius * Math.cos(angle)];
  }

  /** An SVG arc along the ring, at {@code radius}, from the start of slot {@code from} to the start of {@code to}. */
  function arcPath(from, to, slots, radius = R) {
    const [x0, y0] = point(from, slots, radius);
    const [x1, y1] = point(to, slots, radius);
    const large = (to - from) / slots > 0.5 ? 1 : 0;
    return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${radius} ${radius} 0 ${large} 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
  }

  function renderRing(state) {
    const ring = state.ring;
    const byRingId = colours(state);
    const names = new Map([...owners(state)].map(([ringId, r]) => [ringId, r.name]));
    const signature = JSON.stringify([ring, [...byRingId], [...names]]);
    if (signature === ringSignature) {
      return false;
    }
    ringSignature = signature;
    const arcs = $('ring-arcs');
    const nodes = $('ring-nodes');
    arcs.replaceChildren();
    nodes.replaceChildren();
    const unit = ring.kind === 'maglev' ? 'bins' : 'slots';
    for (const [from, to, ringId] of ring.arcs) {
      const colour = byRingId.get(ringId) || UNKNOWN;
      const owner = ringId < 0 ? 'nobody' : (names.get(ringId) || `ring id ${ringId}`);
      const title = svg('title');
      title.textContent = `${unit} ${from}–${to} → ${owner}`;
      // one path per arc (no seams); a path cannot draw a whole circle, so one owner of everything is a circle
      const shape = to + 1 - from >= ring.slots
        ? svg('circle', {cx: CX, cy: CY, r: R, stroke: colour, class: 'arc', 'data-ring-id': ringId})
        : svg('path', {d: arcPath(from, to + 1, ring.slots), stroke: colour, class: 'arc', 'data-ring-id': ringId});
      shape.append(title);
      arcs.append(shape);
    }
    for (const [slot, ringId] of ring.nodes) {
      const colour = byRingId.get(ringId) || UNKNOWN;
      const [x0, y0] = point(slot + 0.5, ring.slots, R + W / 2 + 1);
      const [x1, y1] = point(slot + 0.5, ring.slots, R + W / 2 + 11);
      const g = svg('g', {class: 'vnode', 'data-ring-id': ringId});
      g.append(svg('line',
        {x1: x0.toFixed(2), y1: y0.toFixed(2), x2: x1.toFixed(2), y2: y1.toFixed(2), stroke: colour}));
      g.append(svg('circle', {cx: x1.toFixed(2), cy: y1.toFixed(2), r: 3, fill: colour}));
      const title = svg('title');
      title.textContent = `virtual node of ${names.get(ringId) || `ring id ${ringId}`} at slot ${slot}`;
      g.append(title);
      nodes.append(g);
    }
    const note = ring.kind === 'maglev'
      ? `A Maglev table has no circle: it is drawn as ${ring.slots.toLocaleString('en-US')} bins, each in the colour `
        + 'of its first entry’s replica.'
      : `${ring.slots.toLocaleString('en-US')} slots clockwise from the top, each in the colour of the replica that `
        + `serves it; ${ring.nodes.length} virtual nodes marked outside.`;
    setText($('ring-note'), note);
    return true;
  }

  /** The request id shown: a pointer outside the ring at its slot, a pin on the slot, a line from the centre. */
  function renderKey(state) {
    const g = $('ring-key');
    g.replaceChildren();
    setText($('ring-centre-key'), lookup && state ? `key ${lookup.key}` : '');
    if (!lookup || !state) {
      return;
    }
    const slots = state.ring.slots;
    const mid = lookup.slot + 0.5;
    const at = (radius, sideways = 0) => {
      const angle = (mid / slots) * 2 * Math.PI;
      return [CX + radius * Math.sin(angle) + sideways * Math.cos(angle),
        CY - radius * Math.cos(angle) + sideways * Math.sin(angle)].map((v) => v.toFixed(2));
    };
    const [ix, iy] = at(64);
    const [ex, ey] = at(R - W / 2);
    g.append(svg('line', {x1: ix, y1: iy, x2: ex, y2: ey, class: 'key-line'}));
    const [px, py] = at(R);
    g.append(svg('circle', {cx: px, cy: py, r: 5, class: 'key-pin'}));
    const tip = at(R + W / 2 + 1);
    const left = at(R + W / 2 + 21, -9);
    const right = at(R + W / 2 + 21, 9);
    g.append(svg('polygon', {points: [tip, left, right].map((p) => p.join(',')).join(' '), class: 'key-pointer'}));
  }

  /** The line under the ring: "123456 → slot 145 → Server 1", the replica in its colour. */
  function renderLookup(state) {
    const replica = $('lookup-result').querySelector('.lookup-replica');
    if (replica && lookup) {
      replica.style.setProperty('--c', (state && colours(state).get(lookup.ringId)) || UNKNOWN);
    }
  }

  async function showKey(key, quiet) {
    const result = $('lookup-result');
    try {
      const found = await api('GET', `/api/lookup?key=${encodeURIComponent(key)}`);
      lookup = found;
      result.replaceChildren(
        el('span', {class: 'lookup-key'}, found.key),
        ` → ${lastState && lastState.ring.kind === 'maglev' ? 'bin' : 'slot'} `,
        el('strong', {}, String(found.slot)), ' → ',
        el('span', {class: 'lookup-replica'}, found.replica || 'no replica'));
      result.dataset.slot = found.slot;
      result.classList.remove('error');
    } catch (err) {
      if (quiet) {
        return;
      }
      lookup = null;
      result.textContent = err.message;
      result.classList.add('error');
    }
    renderLookup(lastState);
    renderKey(lastState);
  }

  /** The ring's key: a line per ring id with its colour, its replica, its virtual nodes and its share. */
  function renderLegend(state) {
    const vnodes = new Map();
    state.ring.nodes.forEach(([, ringId]) => vnodes.set(ringId, (vnodes.get(ringId) || 0) + 1));
    const rows = state.replicas.filter((r) => r.state !== 'starting').map((r) => [r.colour, r.name,
      state.ring.kind === 'maglev' ? '' : `${vnodes.get(r.ringId) || 0} vnodes`, percent(r.share)]);
    const signature = JSON.stringify(rows);
    if (signature === legendSignature) {
      return;
    }
    legendSignature = signature;
    $('legend').replaceChildren(...rows.map(([colour, name, nodes, share]) => el('li', {style: `--c: ${colour}`},
      el('span', {class: 'legend-name'}, name), el('span', {class: 'legend-nodes'}, nodes),
      el('span', {class: 'legend-share'}, share))));
  }

  // ---- replica cards -----------------------------------------------------------------------------------------------

  function newCard(name) {
    const stat = (cls, label) => el('div', {class: 'stat'}, el('dt', {}, label), el('dd', {class: cls}, '—'));
    const card = el('article', {class: 'card', 'data-replica': name},
      el('header', {class: 'card-head'},
        el('span', {class: 'dot', 'aria-hidden': 'true'}),
        el('h3', {class: 'name', title: name}, name),
        el('span', {class: 'badge'})),
      el('p', {class: 'meta'}),
      el('dl', {class: 'stats'}, stat('rps', 'req/s'), stat('p99', 'p99 ms'), stat('errors', 'errors/s'),
        stat('share', 'ring share')),
      el('div', {class: 'share-bar', 'aria-hidden': 'true'}, el('span')),
      el('button', {type: 'button', class: 'remove', 'data-remove': name, title: `Remove ${name}`}, 'Remove'));
    return card;
  }

  function updateCard(card, r) {
    const q = (sel) => card.querySelector(sel);
    setAttr(card, 'data-state', r.state);
    setAttr(card, 'data-ring-id', String(r.ringId));
    setAttr(card, 'data-instance', r.instance || '');
    setAttr(card, 'data-traffic', r.traffic || 'ready');
    card.style.setProperty('--c', r.colour || UNKNOWN);
    setText(q('.badge'), r.state);
    // weight and the operator's state (PATCH /replicas/<name>): shown when they are not the defaults
    const shaping = [(r.weight || 1) !== 1 ? `weight ${r.weight}` : '', r.traffic && r.traffic !== 'ready' ? r.traffic : '']
      .filter(Boolean).map((s) => ` · ${s}`).join('');
    setText(q('.meta'), (r.address ? `ring id ${r.ringId} · ${r.address}` : `ring id ${r.ringId} · no address yet`) + shaping);
    setAttr(q('.meta'), 'title', r.instance ? `instance ${r.instance}` : '');
    setText(q('.rps'), rate(r.rps));
    setText(q('.p99'), millis(r.p99ms));
    setText(q('.errors'), rate(r.errors));
    q('.errors').classList.toggle('bad', (r.errors || 0) > 0);
    setText(q('.share'), percent(r.share));
    q('.share-bar span').style.width = `${Math.min(100, (r.share || 0) * 100).toFixed(2)}%`;
    q('.remove').hidden = r.state === 'starting';
  }

  function renderCards(state) {
    const box = $('cards');
    const seen = new Set();
    state.replicas.forEach((r, i) => {
      seen.add(r.name);
      let card = cards.get(r.name);
      if (!card) {
        card = newCard(r.name);
        cards.set(r.name, card);
      }
      updateCard(card, r);
      if (box.children[i] !== card) {
        box.insertBefore(card, box.children[i] || null);
      }
    });
    for (const [name, card] of cards) {
      if (!seen.has(name)) {
        card.remove();
        cards.delete(name);
      }
    }
  }

  // ---- event log ---------------------------------------------------------------------------------------------------

  function renderEvents(state) {
    const events = state.events.slice(0, EVENTS_SHOWN);
    const first = events[0];
    const signature = `${state.events.length}|${first ? `${first.time}/${first.event}/${first.replica}` : ''}`
      + `|${JSON.stringify([...colours(state)])}`;
    if (signature === eventsSignature) {
      return;
    }
    eventsSignature = signature;
    const byRingId = colours(state);
    $('events').replaceChildren(...events.map((e) => el('li', {class: `event ev-${e.event}`, 'data-event': e.event},
      el('time', {datetime: new Date(e.time).toISOString(), title: new Date(e.time).toString()}, clock(e.time)),
      el('span', {class: 'ev-kind'}, e.event),
      el('span', {class: 'ev-replica', style: `--c: ${byRingId.get(e.ringId) || seenColours.get(e.ringId) || UNKNOWN}`,
        title: e.address || ''},
        e.replica || '—'),
      el('span', {class: 'ev-detail', title: e.detail || ''}, e.detail || ''))));
    $('events-empty').hidden = events.length > 0;
  }

  // ---- the live stream ---------------------------------------------------------------------------------------------

  function setLive(status, text) {
    const live = $('live');
    setAttr(live, 'data-status', status);
    setText(live, text);
    document.body.dataset.live = status;
  }

  function render(state) {
    lastState = state;
    renderFacts(state);
    const ringChanged = renderRing(state);
    renderCards(state);
    renderEvents(state);
    renderLegend(state);
    if (ringChanged) {
      renderLookup(state);
      renderKey(state);
      // the ring moved under the key shown: ask again where it lands now
      if (lookup) {
        showKey(lookup.key, true);
      }
    }
  }

  function connect() {
    if (source) {
      source.close();
    }
    source = new EventSource('/api/events');
    source.addEventListener('open', () => setLive('live', 'live'));
    source.addEventListener('state', (msg) => {
      lastSeen = Date.now();
      setLive('live', 'live');
      render(JSON.parse(msg.data));
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        setLive('reconnecting', 'reconnecting…');
        setTimeout(connect, 2000);
      } else {
        setLive('reconnecting', 'reconnecting…');
      }
    });
  }

  function watch() {
    const silent = Date.now() - lastSeen;
    if (lastSeen && silent > STALE_MS) {
      setLive('reconnecting', 'reconnecting…');
      if (silent > REOPEN_MS) {
        lastSeen = Date.now();
        connect();
      }
    }
  }

  // ---- commands ----------------------------------------------------------------------------------------------------

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  /** Calls the admin API; resolves to the reply's message (or the whole body), rejects with its error message. */
  async function api(method, path, body) {
    const headers = {Accept: 'application/json'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (token()) {
      headers.Authorization = `Bearer ${token()}`;
    }
    let response;
    try {
      response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (err) {
      throw new Error(`The balancer did not answer (${err.message}).`);
    }
    let reply = null;
    try {
      reply = await response.json();
    } catch (err) {
      // not JSON: the status says it
    }
    if (!response.ok || (reply && reply.status === 'failure')) {
      const text = reply && typeof reply.message === 'string'
        ? reply.message : `${response.status} ${response.statusText}`;
      if (response.status === 401) {
        $('token-label').hidden = false;
        $('token').focus();
      }
      throw new Error(text);
    }
    return reply && reply.status === 'successful' ? reply.message : reply;
  }

  let sayTimer = 0;

  /** Shows what a command did: an error stays until the next command, a success for a few seconds. */
  function say(text, kind) {
    const message = $('message');
    message.textContent = text;
    message.className = `message ${kind}`;
    message.hidden = false;
    clearTimeout(sayTimer);
    if (kind === 'ok') {
      sayTimer = setTimeout(() => {
        message.hidden = true;
      }, 8000);
    }
  }

  async function command(button, method, path, body, done) {
    button.disabled = true;
    try {
      const reply = await api(method, path, body);
      say(done(reply), 'ok');
    } catch (err) {
      say(err.message, 'error');
    } finally {
      button.disabled = false;
    }
  }

  function addReplica(event) {
    event.preventDefault();
    const name = $('add-name').value.trim();
    const body = name ? {n: 1, hostnames: [name]} : {n: 1};
    command($('add'), 'POST', '/api/add', body, (reply) => {
      $('add-name').value = '';
      return `Added ${name || 'a replica'}: N = ${reply.N}.`;
    });
  }

  function removeReplica(event) {
    const button = event.target.closest('[data-remove]');
    if (!button) {
      return;
    }
    const name = button.getAttribute('data-remove');
    command(button, 'DELETE', '/api/rm', {n: 1, hostnames: [name]}, (reply) => `Removed ${name}: N = ${reply.N}.`);
  }

  function start() {
    const tokenInput = $('token');
    tokenInput.value = token();
    tokenInput.addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()));
    $('add-form').addEventListener('submit', addReplica);
    $('cards').addEventListener('click', removeReplica);
    $('lookup-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = $('key').value.trim();
      if (key) {
        showKey(key, false);
      }
    });
    // /dashboard?key=123456 shows that request id at once (a link to a key)
    const linked = new URLSearchParams(window.location.search).get('key');
    if (linked) {
      $('key').value = linked;
      showKey(linked, false);
    }
    connect();
    setInterval(watch, 1000);
  }

  start();
})();
