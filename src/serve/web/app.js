// The qrsdp dashboard: plain JavaScript and uPlot, served by `qrsdp serve`. Everything that comes
// from the server (run ids, symbols, errors, files' contents) goes into the page as text, in
// elements made here; the pages' fixed parts are templates in index.html.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const view = $("#view");
const TICK = 100; // tick_size in the files: a price in ticks / 100 is in currency units
const price = (t) => (t / TICK).toFixed(2);
const int = (n) => Math.round(n).toLocaleString("en-US");
const TYPES = ["ADD_BID", "ADD_ASK", "CANCEL_BID", "CANCEL_ASK", "EXECUTE_BUY", "EXECUTE_SELL"];
const SIDES = ["BID", "ASK", "BID", "ASK", "ASK", "BID"];
const symName = (s) => s ?? "DEFAULT";

/** An element with properties, attributes and children (text or elements). */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style") Object.assign(el.style, v);
    else if (k.startsWith("on")) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Puts a template's copy in the view. */
function show(template) {
  view.replaceChildren($(`#${template}`).content.cloneNode(true));
}

/** This start of the server's token: every request that changes something carries it. */
const TOKEN = $('meta[name="qrsdp-token"]').content;

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, init = {}) {
  const headers = { ...init.headers, "x-qrsdp-token": TOKEN };
  const res = await fetch(`/api/${path}`, { ...init, headers });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new ApiError(res.status, body?.error ?? `HTTP ${res.status}`);
  return body;
}

const runPath = (page, id) => `#/${page}/${encodeURIComponent(id)}`;

/** The page for a run id the server does not know. */
function missingPage(id, why) {
  show("t-missing");
  $("#missing .run-id").textContent = id;
  $("#missing .why").textContent = why;
  view.dataset.missing = id;
}

/** Asks for the run first: an unknown one gets a page that says so. */
async function knownRun(id) {
  try {
    return await api(`runs/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.status === 404 || err.status === 400) missingPage(id, err.message);
    else {
      show("t-missing");
      $("#missing h2").textContent = "This run cannot be opened";
      $("#missing .run-id").textContent = id;
      $("#missing .why").textContent = err.message;
    }
    return null;
  }
}

let cleanup = () => {};
function route() {
  cleanup();
  for (const k of Object.keys(view.dataset)) delete view.dataset[k];
  cleanup = () => {};
  const [page, id, arg] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (page === "replay" && id) replayPage(id, false);
  else if (page === "live" && id) replayPage(id, true);
  else if (page === "analysis" && id) analysisPage(id, arg);
  else homePage();
}
addEventListener("hashchange", route);

/** A y axis wide enough for its longest label, measured in the chart's own font. */
function axisSize(u, values, axisIdx, cycleNum) {
  const axis = u.axes[axisIdx];
  if (cycleNum > 1) return axis._size;
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 6;
  const longest = (values ?? []).reduce(
    (a, v) => (String(v).length > a.length ? String(v) : a),
    "",
  );
  if (longest) {
    u.ctx.font = axis.font[0];
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size);
}

const AXIS = { stroke: "#8a96a6", grid: { stroke: "#263040" }, ticks: { stroke: "#263040" } };
const yAxis = (values) => ({ ...AXIS, size: axisSize, ...(values ? { values } : {}) });

// ---------------------------------------------------------------- home: form, list, platform

async function homePage() {
  show("t-home");
  const form = $("#create");
  const msg = $("#msg");
  const { presets } = await api("presets");
  if (!form.isConnected) return;
  const select = form.elements.preset;
  select.replaceChildren(...presets.map((p) => h("option", { value: p.name }, p.name)));
  const showParams = () => {
    const p = presets.find((x) => x.name === select.value);
    const lines = [p.description, ...Object.entries(p.params).map(([k, v]) => `${k} = ${v}`)];
    $("#params").replaceChildren(...lines.flatMap((l, i) => (i ? [h("br"), l] : [l])));
  };
  select.onchange = showParams;
  showParams();

  form.onsubmit = async (e) => {
    e.preventDefault();
    const f = form.elements;
    const num = (s) => (s.trim() === "" ? NaN : Number(s));
    const body = {
      symbol: f.symbol.value,
      p0: num(f.p0.value),
      sessionSeconds: Number(f.sessionSeconds.value),
      days: num(f.days.value),
      preset: f.preset.value,
      seed: num(f.seed.value),
    };
    // JSON has no NaN: send what was typed so that the server names the field.
    for (const k of ["p0", "days", "seed"]) if (Number.isNaN(body[k])) body[k] = f[k].value;
    msg.className = "msg";
    msg.textContent = "creating…";
    try {
      const run = await api("simulations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      msg.textContent = `created ${run.id}`;
      refresh();
    } catch (err) {
      msg.className = "msg error";
      msg.textContent = err.message;
    }
  };

  const tbody = $("#runs tbody");
  let shown = "";
  const row = (r) =>
    h(
      "tr",
      { dataset: { run: r.id } },
      h("td", {}, r.id),
      h("td", {}, (r.symbols ?? []).map(symName).join(", ")),
      h("td", { class: `status-${r.status}`, title: r.error ?? "" }, r.status),
      h("td", {}, int(r.events ?? 0)),
      h("td", {}, `${r.daysDone ?? 0}/${r.days === 0 ? "∞" : r.days ?? "?"}`),
      h("td", {}, (r.p0Ticks ?? []).map(price).join(", ")),
      h("td", {}, r.seed ?? ""),
      h(
        "td",
        {},
        h("a", { href: runPath("replay", r.id) }, "replay"),
        r.status === "running" ? [" ", h("a", { href: runPath("live", r.id) }, "live")] : null,
        " ",
        h("a", { href: runPath("analysis", r.id) }, "analysis"),
        " ",
        h("button", { class: "danger", dataset: { delete: r.id } }, "delete"),
      ),
    );
  const refresh = async () => {
    let runs;
    try {
      ({ runs } = await api("runs"));
    } catch (err) {
      tbody.replaceChildren(h("tr", {}, h("td", { colspan: 8, class: "msg error" }, err.message)));
      shown = "";
      return;
    }
    // Unchanged rows are left alone, so that a click on them is never lost to a re-render.
    const key = JSON.stringify(runs);
    if (key === shown) return;
    shown = key;
    tbody.replaceChildren(
      ...(runs.length === 0
        ? [h("tr", {}, h("td", { colspan: 8, class: "dim" }, "none yet"))]
        : runs.map(row)),
    );
  };
  tbody.onclick = async (e) => {
    const id = e.target.dataset?.delete;
    if (!id || !confirm(`Delete the run ${id} and its files?`)) return;
    e.target.disabled = true;
    try {
      await api(`runs/${encodeURIComponent(id)}`, { method: "DELETE" });
    } catch (err) {
      msg.className = "msg error";
      msg.textContent = err.message;
      e.target.disabled = false;
    }
    refresh();
  };
  refresh();
  const timers = [setInterval(refresh, 1000)];
  const platform = async () => {
    const p = await api("platform").catch((err) => ({ configured: true, error: err.message }));
    if (!p.configured || !form.isConnected) return;
    $("#platform").hidden = false;
    const table = (head, rows) =>
      h(
        "table",
        { class: "spaced" },
        h("thead", {}, h("tr", {}, head.map((t) => h("th", {}, t)))),
        h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c) => h("td", {}, c))))),
      );
    $("#platform-body").replaceChildren(
      ...(p.error ? [h("div", { class: "msg error" }, p.error)] : [
        table(
          ["Symbol", "Bid", "Ask", "Mid"],
          p.midprice.map((r) => [
            r.symbol,
            price(r.best_bid_ticks),
            price(r.best_ask_ticks),
            price(r.midprice_ticks),
          ]),
        ),
        table(["Symbol", "Date", "Rows"], p.rows.map((r) => [r.symbol, r.date, int(r.rows)])),
      ]),
    );
  };
  platform();
  timers.push(setInterval(platform, 3000));
  cleanup = () => timers.forEach(clearInterval);
  const live = await api("live");
  if (form.isConnected && live.run && !sessionStorage.getItem("qrsdp-live-seen")) {
    sessionStorage.setItem("qrsdp-live-seen", "1");
    location.hash = runPath("live", live.run);
  }
}

// ---------------------------------------------------------------- replay

const WINDOWS = [["5m", 300], ["15m", 900], ["1h", 3600], ["1d", 86400], ["all", Infinity]];
const SPEEDS = [10, 50, 100, 500, 1000, 5000];
/** Quote changes kept: past this, the older half is thinned to every other point. */
const KEEP_POINTS = 400_000;
/** Points drawn for the chosen window: more are merged, each keeping its lowest bid and highest ask. */
const DRAW_POINTS = 3000;
const VOLUME_BARS = 60;
const TAPE_ROWS = 30;

/** The best quote at every change the server sent, in time order (seconds since the epoch). */
class Series {
  constructor() {
    this.clear();
  }
  clear() {
    this.x = [];
    this.bid = [];
    this.ask = [];
    this.vx = [];
    this.vol = [];
  }
  push(x, bid, ask) {
    this.x.push(x);
    this.bid.push(bid);
    this.ask.push(ask);
    if (this.x.length > KEEP_POINTS) {
      const half = this.x.length >> 1;
      for (const k of ["x", "bid", "ask"]) {
        this[k] = this[k].slice(0, half).filter((_, i) => i % 2 === 0).concat(this[k].slice(half));
      }
    }
  }
  volume(x, v) {
    this.vx.push(x);
    this.vol.push(v);
    if (this.vx.length > KEEP_POINTS) {
      this.vx = this.vx.slice(-KEEP_POINTS / 2);
      this.vol = this.vol.slice(-KEEP_POINTS / 2);
    }
  }
  /** [x, ask, bid, mid, spread] of the window, every point, or merged into DRAW_POINTS. */
  window(seconds) {
    const n = this.x.length;
    if (n === 0) return [[], [], [], [], []];
    const from = this.x[n - 1] - seconds;
    let i = n - 1;
    while (i > 0 && this.x[i - 1] >= from) i--;
    const size = Math.max(1, Math.ceil((n - i) / DRAW_POINTS));
    const out = [[], [], [], [], []];
    for (let b = i; b < n; b += size) {
      const end = Math.min(n, b + size);
      let bid = Infinity, ask = -Infinity;
      for (let j = b; j < end; j++) {
        if (this.bid[j] < bid) bid = this.bid[j];
        if (this.ask[j] > ask) ask = this.ask[j];
      }
      out[0].push(this.x[end - 1]);
      out[1].push(ask);
      out[2].push(bid);
      out[3].push((this.bid[end - 1] + this.ask[end - 1]) / 2);
      out[4].push(this.ask[end - 1] - this.bid[end - 1]);
    }
    return out;
  }
  /** Volume traded in VOLUME_BARS equal spans of the window. */
  volumeBars(seconds) {
    const n = this.vx.length;
    if (n === 0) return [[], []];
    const last = this.vx[n - 1];
    const first = Math.max(last - seconds, this.vx[0]);
    const span = Math.max((last - first) / VOLUME_BARS, 1e-3);
    const xs = Array.from({ length: VOLUME_BARS }, (_, k) => first + (k + 0.5) * span);
    const ys = new Array(VOLUME_BARS).fill(0);
    for (let j = n - 1; j >= 0 && this.vx[j] >= first; j--) {
      ys[Math.min(VOLUME_BARS - 1, Math.floor((this.vx[j] - first) / span))] += this.vol[j];
    }
    return [xs, ys];
  }
}

function dateSeconds(date) {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

function clock(tsNs) {
  const s = Math.floor(tsNs / 1e9);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}
const clockMs = (ts) => `${clock(ts)}.${String(Math.floor((ts % 1e9) / 1e6)).padStart(3, "0")}`;
const timeLabel = (_, v) =>
  v == null ? "–" : new Date(v * 1000).toISOString().slice(0, 19).replace("T", " ");
const priceLabel = (_, v) => (v == null ? "–" : price(v));

function plotIn(el, opts, data, height) {
  return new uPlot(
    { width: Math.max(260, el.clientWidth - 4), height, legend: { live: false }, ...opts },
    data,
    el,
  );
}

async function replayPage(id, live) {
  const run = await knownRun(id);
  if (!run || location.hash !== runPath(live ? "live" : "replay", id)) return;
  show("t-replay");
  $("#title").textContent = id;
  $("#analysis").href = runPath("analysis", id);
  $("#speed").replaceChildren(...SPEEDS.map((s) => h("option", { value: s }, `${s}×`)));
  $("#window").replaceChildren(...WINDOWS.map(([n]) => h("option", {}, n)));

  const series = new Series();
  const chartEl = $("#chart");
  const plot = plotIn(
    chartEl,
    {
      scales: { x: { time: true } },
      axes: [AXIS, yAxis((_, vals) => vals.map(price))],
      series: [
        { value: timeLabel },
        { label: "ask", stroke: "#e5534b", fill: "rgba(229,83,75,0.18)", value: priceLabel },
        { label: "bid", stroke: "#2fbf71", fill: "rgba(47,191,113,0.18)", value: priceLabel },
        { label: "mid", stroke: "#e0b341", width: 1.5, value: priceLabel },
      ],
    },
    [[], [], [], []],
    320,
  );
  const spreadEl = $("#spread-chart");
  const spreadPlot = plotIn(
    spreadEl,
    {
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(2, max + 1)] } },
      axes: [AXIS, yAxis()],
      series: [{ value: timeLabel }, {
        label: "spread",
        stroke: "#4c9aff",
        paths: uPlot.paths.stepped({ align: 1 }),
      }],
    },
    [[], []],
    160,
  );
  const volumeEl = $("#volume-chart");
  const volumePlot = plotIn(
    volumeEl,
    {
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [AXIS, yAxis((_, vals) => vals.map(int))],
      series: [{ value: timeLabel }, {
        label: "volume",
        stroke: "#e0b341",
        fill: "rgba(224,179,65,0.35)",
        paths: uPlot.paths.bars({ size: [0.9] }),
        value: (_, v) => (v == null ? "–" : int(v)),
      }],
    },
    [[], []],
    160,
  );
  const depthEl = $("#depth-chart");
  const depthPlot = plotIn(
    depthEl,
    {
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{ ...AXIS, values: (_, vals) => vals.map(price) }, yAxis((_, vals) => vals.map(int))],
      series: [
        { value: priceLabel },
        {
          label: "bids",
          stroke: "#2fbf71",
          fill: "rgba(47,191,113,0.25)",
          paths: uPlot.paths.stepped({ align: -1 }),
        },
        {
          label: "asks",
          stroke: "#e5534b",
          fill: "rgba(229,83,75,0.25)",
          paths: uPlot.paths.stepped({ align: 1 }),
        },
      ],
    },
    [[], [], []],
    220,
  );

  let windowSeconds = 300;
  let dirty = false;
  const draw = () => {
    if (!dirty) return;
    dirty = false;
    const [x, a, b, m, s] = series.window(windowSeconds);
    plot.setData([x, a, b, m]);
    chartEl.dataset.points = String(x.length);
    chartEl.dataset.total = String(series.x.length);
    spreadPlot.setData([x, s]);
    spreadEl.dataset.points = String(x.length);
    const vol = series.volumeBars(windowSeconds);
    volumePlot.setData(vol);
    volumeEl.dataset.points = String(vol[1].filter((v) => v > 0).length);
  };
  const drawTimer = setInterval(draw, 250);
  const onResize = () => {
    for (
      const [p, el, height] of [[plot, chartEl, 320], [spreadPlot, spreadEl, 160], [
        volumePlot,
        volumeEl,
        160,
      ], [depthPlot, depthEl, 220]]
    ) {
      p.setSize({ width: Math.max(260, el.clientWidth - 4), height });
    }
  };
  addEventListener("resize", onResize);
  $("#window").onchange = (e) => {
    windowSeconds = WINDOWS.find(([n]) => n === e.target.value)[1];
    dirty = true;
    draw();
  };

  const proto = location.protocol === "https:" ? "wss" : "ws";
  const speedSel = $("#speed");
  speedSel.value = live ? "5000" : "100";
  const ws = new WebSocket(
    `${proto}://${location.host}/api/runs/${encodeURIComponent(id)}/stream?speed=${speedSel.value}${
      live ? "&live=1" : ""
    }`,
  );
  const send = (m) => ws.readyState === 1 && ws.send(JSON.stringify(m));
  let paused = false;
  let ticks = 0;
  let lastT = null;
  let volume = 0;
  const stepBySpeed = {};
  let focus = undefined;
  const pauseBtn = $("#pause");
  pauseBtn.onclick = () => send({ type: paused ? "resume" : "pause" });
  speedSel.onchange = () => send({ type: "set_speed", speed: Number(speedSel.value) });
  const events = [];
  const tape = [];
  const root = view;

  let left = false;
  ws.onmessage = (e) => {
    if (left) return;
    const m = JSON.parse(e.data);
    if (m.type === "hello") {
      $("#title").textContent = m.run.id;
      if (m.run.thetaReinit > 0) {
        $("#msg").textContent =
          `this run redrew book depths at random (theta_reinit ${m.run.thetaReinit}), ` +
          "which the files do not record: the ladder's depths are approximate";
      }
      $("#conn").textContent = live ? "live" : "replay";
    } else if (m.type === "state") {
      paused = m.paused;
      pauseBtn.textContent = paused ? "resume" : "pause";
      speedSel.value = String(m.speed);
      $("#state").textContent = paused ? "paused" : `playing at ${m.speed}×`;
      root.dataset.paused = String(paused);
      root.dataset.ticksAtState = String(ticks);
      root.dataset.speed = String(m.speed);
    } else if (m.type === "day") {
      $("#closed").classList.remove("visible");
      root.dataset.overlayOnDay = getComputedStyle($("#closed")).display;
      lastT = null;
    } else if (m.type === "closed") {
      $("#closed-next").textContent = `next session ${m.next}`;
      $("#closed").classList.add("visible");
      root.dataset.closedBefore = m.next;
      root.dataset.overlayOnClose = getComputedStyle($("#closed")).display;
    } else if (m.type === "tick") {
      onTick(m);
    } else if (m.type === "end") {
      $("#state").textContent = "end of run";
      root.dataset.ended = "true";
      root.dataset.end = JSON.stringify(m);
    } else if (m.type === "error") {
      $("#msg").className = "msg error";
      $("#msg").textContent = m.message;
    }
  };
  ws.onclose = () => {
    if (!left && !root.dataset.ended) $("#state").textContent = "disconnected";
  };

  function drawDepth(f) {
    if (!f.bids.length || !f.asks.length) return;
    // Cumulative size from the best price outwards: bids to the left, asks to the right.
    const bids = f.bids.slice().reverse();
    let total = f.bids.reduce((n, l) => n + l[1], 0);
    const x = [], bidCum = [], askCum = [];
    for (const [p, d] of bids) {
      x.push(p);
      bidCum.push(total);
      askCum.push(null);
      total -= d;
    }
    let sum = 0;
    for (const [p, d] of f.asks) {
      sum += d;
      x.push(p);
      bidCum.push(null);
      askCum.push(sum);
    }
    depthPlot.setData([x, bidCum, askCum]);
    depthEl.dataset.points = String(x.length);
  }

  function drawTape() {
    $("#tape tbody").replaceChildren(
      ...tape.map(([ts, type, p, q]) => {
        const side = type === 4 ? "buy" : "sell";
        return h(
          "tr",
          { class: type === 4 ? "ask" : "bid" },
          h("td", {}, clockMs(ts)),
          h("td", {}, side),
          h("td", {}, price(p)),
          h("td", {}, int(q)),
        );
      }),
    );
  }

  function onTick(m) {
    ticks++;
    const f = m.focus;
    const row = m.securities.find((s) => s.symbol === f.symbol) ?? m.securities[0];
    focus = f.symbol;
    $("#symbol").textContent = symName(f.symbol);
    const day = dateSeconds(m.date);
    if (row.bid !== undefined) {
      $("#q-bid").textContent = price(row.bid);
      $("#q-ask").textContent = price(row.ask);
      $("#q-mid").textContent = price(row.mid);
      $("#q-spread").textContent = `${row.spread} tick${row.spread === 1 ? "" : "s"}`;
      for (const [ts, bid, ask] of f.quotes ?? []) series.push(day + ts / 1e9, bid, ask);
      series.volume(day + m.t / 1e9, f.volume ?? 0);
      dirty = true;
    }
    volume += f.volume ?? 0;
    $("#q-volume").textContent = int(volume);
    $("#q-events").textContent = int(row.events);
    $("#q-day").textContent = `${m.day}/${m.days || "∞"}`;
    $("#q-date").textContent = m.date;
    $("#q-time").textContent = clock(m.t);
    $("#progress").style.width = `${Math.min(100, m.progress * 100).toFixed(2)}%`;
    root.dataset.ticks = String(ticks);
    root.dataset.step = lastT === null ? "" : String((m.t - lastT) / 1e9);
    // The largest simulated step between two snapshots at each speed.
    if (lastT !== null) {
      stepBySpeed[m.speed] = Math.max(stepBySpeed[m.speed] ?? 0, (m.t - lastT) / 1e9);
      root.dataset.stepBySpeed = JSON.stringify(stepBySpeed);
    }
    root.dataset.tickSpeed = String(m.speed);
    root.dataset.lagMs = String(m.lagMs);
    root.dataset.dropped = String(m.dropped);
    lastT = m.t;

    const panel = $("#securities-panel");
    panel.hidden = m.securities.length < 2;
    if (!panel.hidden) {
      // Rows are made once and updated in place, so that a click is never lost to a re-render.
      const body = $("#securities tbody");
      if (body.rows.length !== m.securities.length) {
        body.replaceChildren(
          ...m.securities.map((s) =>
            h(
              "tr",
              { class: "clickable", dataset: { symbol: symName(s.symbol) } },
              h("td", {}, symName(s.symbol)),
              h("td"),
              h("td"),
              h("td"),
            )
          ),
        );
      }
      m.securities.forEach((s, i) => {
        const cells = body.rows[i].cells;
        body.rows[i].classList.toggle("focused", s.symbol === focus);
        cells[1].textContent = s.last === undefined ? "–" : price(s.last);
        cells[2].textContent = s.spread ?? "–";
        cells[3].textContent = int(s.events);
      });
    }

    const depthMax = Math.max(1, ...f.asks.map((l) => l[1]), ...f.bids.map((l) => l[1]));
    const level = (cls, [p, d]) =>
      h(
        "tr",
        { class: cls },
        h("td", {}, price(p)),
        h(
          "td",
          {},
          int(d),
          h("span", { class: "bar", style: { width: `${(100 * d / depthMax).toFixed(1)}%` } }),
        ),
      );
    const spread = f.asks.length && f.bids.length ? f.asks[0][0] - f.bids[0][0] : 0;
    $("#ladder").replaceChildren(
      ...f.asks.slice().reverse().map((l) => level("askrow", l)),
      h(
        "tr",
        { class: "spreadrow" },
        h("td", { colspan: 2 }, `spread ${spread} tick${spread === 1 ? "" : "s"}`),
      ),
      ...f.bids.map((l) => level("bidrow", l)),
    );
    drawDepth(f);

    for (const t of f.trades ?? []) tape.unshift(t);
    if (tape.length > TAPE_ROWS) tape.length = TAPE_ROWS;
    if (f.trades?.length) drawTape();

    for (const ev of f.events) events.push(ev);
    if (events.length > 40) events.splice(0, events.length - 40);
    $("#events").replaceChildren(
      ...events.slice().reverse().map(([ts, type, p, q, oid]) =>
        h(
          "tr",
          { class: SIDES[type] === "BID" ? "bid" : "ask" },
          h("td", {}, clockMs(ts)),
          h("td", {}, TYPES[type] ?? type),
          h("td", {}, SIDES[type] ?? ""),
          h("td", {}, price(p)),
          h("td", {}, q),
          h("td", {}, oid),
        )
      ),
    );
  }
  $("#securities").onclick = (e) => {
    const tr = e.target.closest("tr[data-symbol]");
    if (!tr) return;
    const s = tr.dataset.symbol;
    send({ type: "focus", symbol: s === "DEFAULT" ? null : s });
    events.length = 0;
    tape.length = 0;
    series.clear();
  };
  cleanup = () => {
    left = true;
    ws.close();
    clearInterval(drawTimer);
    removeEventListener("resize", onResize);
    for (const p of [plot, spreadPlot, volumePlot, depthPlot]) p.destroy();
    $("#conn").textContent = "";
  };
}

// ---------------------------------------------------------------- analysis

/** Centres of histogram bins. */
const centres = (edges) => edges.slice(1).map((e, i) => (edges[i] + e) / 2);

/**
 * A histogram against its fit; with `other` ({edges, counts} of a second source), that one too,
 * as a line scaled to this one's total (its bins are its own: the x values are joined).
 */
function barsChart(el, title, edges, counts, fitted, fitLabel, other = null) {
  const series = [
    {
      label: "observed",
      stroke: "#4c9aff",
      fill: "rgba(76,154,255,0.3)",
      paths: uPlot.paths.bars({ size: [0.9] }),
    },
    { label: fitLabel, stroke: "#e0b341", width: 2 },
  ];
  let data = [centres(edges), counts, fitted];
  if (other) {
    const total = (xs) => xs.reduce((a, b) => a + b, 0);
    const scale = total(other.counts) > 0 ? total(counts) / total(other.counts) : 0;
    data = uPlot.join([data, [centres(other.edges), other.counts.map((n) => n * scale)]]);
    series.push({ label: "B", stroke: B_COLOUR, width: 2, spanGaps: true });
  }
  return chart(el, title, data, series, false, { scales: { y: fromZero } });
}

const fromZero = { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] };
const padded = { range: (_u, min, max) => [min - 0.5, max + 0.5] };

function chart(el, title, data, series, time, extra = {}) {
  const box = h("section", { class: "panel chart" }, h("h2", {}, title));
  el.append(box);
  new uPlot(
    {
      width: Math.max(320, box.clientWidth - 26),
      height: 240,
      axes: [AXIS, yAxis()],
      series: [{}, ...series],
      ...extra,
      scales: { x: { time, ...extra.scales?.x }, y: { ...extra.scales?.y } },
    },
    data,
    box,
  );
  box.dataset.points = String(data[0].length);
  return box;
}

async function analysisPage(id, symbolArg) {
  const run = await knownRun(id);
  const page = location.hash;
  if (!run || !page.startsWith(runPath("analysis", id))) return;
  show("t-analysis");
  $("#title").textContent = id;
  $("#replay").href = runPath("replay", id);
  const load = async (date) => {
    const q = new URLSearchParams();
    if (symbolArg) q.set("symbol", symbolArg);
    if (date) q.set("date", date);
    let a;
    try {
      a = await api(`runs/${encodeURIComponent(id)}/analysis?${q}`);
      if (location.hash !== page) return;
    } catch (err) {
      if (location.hash !== page) return;
      $("#msg").className = "msg error";
      $("#msg").textContent = err.message;
      return;
    }
    $("#msg").textContent = "";
    const sel = $("#date");
    sel.replaceChildren(...a.dates.map((d) => h("option", { selected: d === a.date }, d)));
    sel.onchange = () => load(sel.value);
    if (a.symbols.length > 1) {
      const symSel = $("#symbol-select");
      $("#symbol-label").hidden = false;
      symSel.replaceChildren(
        ...a.symbols.map((s) => h("option", { selected: s === a.symbol }, symName(s))),
      );
      symSel.onchange = () => {
        location.hash = `${runPath("analysis", id)}/${encodeURIComponent(symSel.value)}`;
      };
    }
    const ia = a.interArrival;
    $("#summary").replaceChildren(
      ...[
        ["symbol", symName(a.symbol)],
        ["date", a.date],
        ["events", int(a.events)],
        ["events / s", (a.events / a.sessionSeconds).toFixed(1)],
        ["mean gap", `${(ia.mean * 1000).toFixed(2)} ms`],
        ["gap CV", ia.cv.toFixed(3)],
      ].map(([k, v]) => h("div", {}, h("span", { class: "k" }, k), h("span", { class: "v" }, v))),
    );
    drawAnalysis(a, null);
    view.dataset.analysis = "ready";
    compareControls(id, a);
  };
  view.dataset.analysis = "";
  load(undefined);
}

/**
 * The analysis charts of session `a`; with `b` (another run's session, or real data, analysed the
 * same way), b drawn over them (the candles excepted: two price paths at other levels say little).
 */
function drawAnalysis(a, b) {
  const ia = a.interArrival;
  const charts = $("#charts");
  charts.replaceChildren();
  const base = dateSeconds(a.date) + 34200;
  const c = a.candles;
  const candles = chart(
    charts,
    "Mid price, 1-minute candles",
    [
      c.map((k) => base + k[0] * 60),
      c.map((k) => k[1]),
      c.map((k) => k[2]),
      c.map((k) => k[3]),
      c.map((k) => k[4]),
    ],
    [
      { label: "open", show: false },
      { label: "high", stroke: "#2fbf71", width: 1 },
      { label: "low", stroke: "#e5534b", width: 1 },
      { label: "close", stroke: "#e0b341", width: 1.5 },
    ],
    true,
    {
      bands: [{ series: [2, 3], fill: "rgba(76,154,255,0.15)" }],
      axes: [AXIS, yAxis((_, v) => v.map(price))],
    },
  );
  candles.id = "chart-candles";
  a.returns.forEach((r, i) => {
    const other = b ? b.returns[i].histogram : null;
    const box = barsChart(
      charts,
      `${r.horizonSeconds} s log returns (bp) vs normal`,
      r.histogram.edges,
      r.histogram.counts,
      r.histogram.fitted,
      "normal",
      other,
    );
    box.append(
      h(
        "div",
        { class: "stat" },
        `n ${int(r.n)} · mean ${r.mean.toFixed(3)} · sd ${r.std.toFixed(3)} · excess kurtosis ${
          r.kurtosis.toFixed(2)
        }`,
        b
          ? ` · B sd ${b.returns[i].std.toFixed(3)} · B excess kurtosis ${
            b.returns[i].kurtosis.toFixed(2)
          }`
          : "",
      ),
    );
    box.classList.add("chart-returns");
  });
  const acfSeries = [
    { label: "returns", stroke: "#4c9aff", width: 1.5 },
    { label: "|returns|", stroke: "#e0b341", width: 1.5 },
  ];
  const acfData = [a.acf.lags, a.acf.returns, a.acf.absReturns];
  if (b) {
    acfData.push(a.acf.lags.map((_, i) => b.acf.returns[i] ?? null));
    acfData.push(a.acf.lags.map((_, i) => b.acf.absReturns[i] ?? null));
    acfSeries.push(
      { label: "B returns", stroke: B_COLOUR, width: 1, dash: [4, 4] },
      { label: "B |returns|", stroke: B_COLOUR, width: 1.5 },
    );
  }
  chart(charts, "Autocorrelation of 1 s returns", acfData, acfSeries, false).id = "chart-acf";
  const gaps = barsChart(
    charts,
    "Inter-arrival times (s) vs exponential",
    ia.edges,
    ia.counts,
    ia.fitted,
    `exponential, rate ${ia.rate.toFixed(1)}/s`,
    b ? b.interArrival : null,
  );
  gaps.id = "chart-gaps";
  const sp = a.spread;
  const spreadSeries = [
    {
      label: "share",
      stroke: "#4c9aff",
      fill: "rgba(76,154,255,0.3)",
      paths: uPlot.paths.bars({ size: [0.6] }),
    },
  ];
  let spreadData = [sp.ticks, sp.share];
  if (b) {
    spreadData = uPlot.join([spreadData, [b.spread.ticks, b.spread.share]]);
    spreadSeries.push({ label: "B", stroke: B_COLOUR, width: 2, spanGaps: true });
  }
  chart(
    charts,
    "Spread (ticks), share of time",
    spreadData,
    spreadSeries,
    false,
    { scales: { x: padded, y: fromZero } },
  ).id = "chart-spread";
  const act = a.activity;
  const mid = act.events[Math.floor(act.events.length / 2)] || 1;
  const activitySeries = [
    {
      label: "events",
      stroke: "#4c9aff",
      fill: "rgba(76,154,255,0.3)",
      paths: uPlot.paths.bars({ size: [0.6] }),
    },
  ];
  let activityData = [act.minutes, act.events];
  if (b) {
    activityData = uPlot.join([activityData, [b.activity.minutes, b.activity.events]]);
    activitySeries.push({ label: "B", stroke: B_COLOUR, width: 2, spanGaps: true });
  }
  const shape = chart(
    charts,
    "Events per 30 minutes after the open",
    activityData,
    activitySeries,
    false,
    {
      scales: { x: { range: (_u, min, max) => [min - 15, max + 15] }, y: fromZero },
      axes: [
        {
          stroke: "#8a96a6",
          values: (_, vals) =>
            vals.map((v) => `${Math.floor(v / 60)}:${String(v % 60).padStart(2, "0")}`),
        },
        yAxis((_, vals) => vals.map(int)),
      ],
    },
  );
  shape.id = "chart-activity";
  shape.append(
    h(
      "div",
      { class: "stat" },
      `first 30 min ${(act.events[0] / mid).toFixed(2)}×, last 30 min ${
        (act.events[act.events.length - 1] / mid).toFixed(2)
      }× the middle 30`,
    ),
  );
  const mix = Object.entries(a.eventMix);
  const mixSeries = [
    {
      label: "events",
      stroke: "#4c9aff",
      fill: "rgba(76,154,255,0.3)",
      paths: uPlot.paths.bars({ size: [0.6] }),
    },
  ];
  const mixData = [mix.map((_, i) => i), mix.map(([, n]) => n)];
  if (b) {
    mixData.push(mix.map(([type]) => b.eventMix[type] ?? 0));
    mixSeries.push({ label: "B", stroke: B_COLOUR, width: 2 });
  }
  chart(
    charts,
    "Event mix",
    mixData,
    mixSeries,
    false,
    {
      axes: [
        {
          stroke: "#8a96a6",
          values: (_, vals) =>
            vals.map((v) =>
              Number.isInteger(v) ? (mix[v]?.[0] ?? "").toLowerCase().replace("_", " ") : ""
            ),
        },
        yAxis((_, vals) => vals.map(int)),
      ],
      scales: { x: padded, y: fromZero },
    },
  ).id = "chart-mix";
  for (const box of charts.querySelectorAll(".chart")) {
    if (b && box.id !== "chart-candles") box.dataset.overlay = "B";
  }
}

// ---------------------------------------------------------------- analysis: a second source

const A_COLOUR = "#4c9aff", B_COLOUR = "#c678dd";

/** The sources the shown session can be compared with: other runs' securities, real-data files. */
async function compareControls(id, a) {
  const page = location.hash;
  const sel = $("#compare-with");
  const [{ runs }, { files }] = await Promise.all([api("runs"), api("files")]);
  if (location.hash !== page) return;
  const options = [];
  for (const r of runs) {
    if (r.status === "failed") continue;
    for (const s of r.symbols ?? [null]) {
      if (r.id === id && s === a.symbol) continue;
      options.push({ label: `run ${r.id} ${symName(s)}`, query: { with: r.id, withSymbol: s } });
    }
  }
  for (const f of files) {
    options.push({
      label: `${f.kind} ${f.path}`,
      query: { file: f.path },
      itch: f.kind === "itch",
    });
  }
  sel.replaceChildren(
    sel.options[0],
    ...options.map((o, i) => h("option", { value: String(i) }, o.label)),
  );
  sel.onchange = () => {
    $("#compare-symbol-label").hidden = !options[Number(sel.value)]?.itch;
  };
  $("#compare-go").onclick = async () => {
    const o = options[Number(sel.value)];
    if (!o || sel.value === "") return;
    const q = new URLSearchParams({ date: a.date });
    if (a.symbol !== null) q.set("symbol", a.symbol);
    for (const [k, v] of Object.entries(o.query)) if (v !== null) q.set(k, v);
    if (o.itch) q.set("withSymbol", $("#compare-symbol").value.trim());
    view.dataset.compare = "";
    $("#compare-msg").className = "msg";
    $("#compare-msg").textContent = "comparing…";
    let c, b = null;
    try {
      c = await api(`runs/${encodeURIComponent(id)}/compare?${q}`);
      // Real data's figures come with the comparison; another run's session is analysed as
      // this one is. Either is drawn over this session's charts.
      b = c.b.analysis ?? null;
      if (o.query.with !== undefined) {
        const bq = new URLSearchParams();
        if (o.query.withSymbol !== null) bq.set("symbol", o.query.withSymbol);
        b = await api(`runs/${encodeURIComponent(o.query.with)}/analysis?${bq}`);
      }
    } catch (err) {
      if (location.hash !== page) return;
      $("#compare-msg").className = "msg error";
      $("#compare-msg").textContent = err.message;
      view.dataset.compare = "error";
      return;
    }
    if (location.hash !== page) return;
    $("#compare-msg").textContent = "";
    drawAnalysis(a, b);
    drawComparison(c);
    view.dataset.compare = "ready";
  };
}

/** Both sources' figures on the same charts (A blue, B yellow), and every distance. */
function drawComparison(c) {
  const A = c.a.stats, B = c.b.stats;
  const flagged = c.figures.filter((f) => f.flagged).length;
  $("#compare-summary").replaceChildren(
    ...[
      ["A", c.a.label],
      ["B", c.b.label],
      ["differ", `${flagged} of ${c.figures.length} figures beyond their threshold`],
    ].map(([k, v]) => h("div", {}, h("span", { class: "k" }, k), h("span", { class: "v" }, v))),
  );
  const charts = $("#compare-charts");
  charts.replaceChildren();
  const pad = (xs, n) => Array.from({ length: n }, (_, i) => xs[i] ?? 0);
  const both = (title, key, x, a, b, extra = {}) => {
    const box = chart(
      charts,
      title,
      [x, a, b],
      [
        { label: "A", stroke: A_COLOUR, width: 2 },
        { label: "B", stroke: B_COLOUR, width: 2 },
      ],
      false,
      extra,
    );
    box.id = `compare-${key}`;
    box.classList.add("chart-compare");
    return box;
  };
  const upTo = (a, b) => Array.from({ length: Math.max(a.length, b.length) }, (_, i) => i);
  const q0 = upTo(A.queueSizes[0] ?? [], B.queueSizes[0] ?? []);
  both(
    "Queue size at level 0 (share of time): A and B",
    "queue",
    q0,
    pad(A.queueSizes[0] ?? [], q0.length),
    pad(B.queueSizes[0] ?? [], q0.length),
    { scales: { y: fromZero } },
  );
  const sp = upTo(A.spread, B.spread);
  both(
    "Spread (ticks, share of time): A and B",
    "spread",
    sp,
    pad(A.spread, sp.length),
    pad(B.spread, sp.length),
    { scales: { y: fromZero } },
  );
  const lags = A.returns[0].acfAbs.map((_, i) => i + 1);
  both("ACF of |1 s returns|: A and B", "acf", lags, A.returns[0].acfAbs, B.returns[0].acfAbs);
  both(
    "Signature plot (realised variance per s by interval): A and B",
    "signature",
    A.signature.map((s) => s.interval),
    A.signature.map((s) => s.rv),
    B.signature.map((s) => s.rv),
    { scales: { x: { distr: 3 }, y: fromZero } },
  );
  const hh = upTo(A.intraday, B.intraday);
  both(
    "Events per 30 minutes: A and B",
    "intraday",
    hh.map((i) => i * 30),
    pad(A.intraday, hh.length),
    pad(B.intraday, hh.length),
    { scales: { y: fromZero } },
  );
  both(
    "Events per second at level 0 by type: A and B",
    "rates",
    TYPES.map((_, i) => i),
    A.rates.map((r) => r[0] ?? 0),
    B.rates.map((r) => r[0] ?? 0),
    {
      scales: { x: padded, y: fromZero },
      axes: [
        {
          stroke: "#8a96a6",
          values: (_, vals) =>
            vals.map((v) =>
              Number.isInteger(v) ? (TYPES[v] ?? "").toLowerCase().replace("_", " ") : ""
            ),
        },
        yAxis(),
      ],
    },
  );
  const num = (v) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
  $("#compare-table tbody").replaceChildren(
    ...c.figures.map((f) =>
      h(
        "tr",
        { class: f.flagged ? "flagged" : null },
        h("td", {}, f.name),
        h("td", {}, num(f.a)),
        h("td", {}, num(f.b)),
        h("td", {}, `${f.measure} ${f.distance.toFixed(4)}`),
        h("td", {}, f.flagged ? "*" : ""),
      )
    ),
  );
  $("#compare-table-box").hidden = false;
}

route();
