// The qrsdp dashboard: plain JavaScript and uPlot, served by `qrsdp serve`.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const view = $("#view");
const TICK = 100; // tick_size in the files: a price in ticks / 100 is in currency units
const price = (t) => (t / TICK).toFixed(2);
const int = (n) => Math.round(n).toLocaleString("en-US");
const TYPES = ["ADD_BID", "ADD_ASK", "CANCEL_BID", "CANCEL_ASK", "EXECUTE_BUY", "EXECUTE_SELL"];
const SIDES = ["BID", "ASK", "BID", "ASK", "ASK", "BID"];
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const symName = (s) => s ?? "DEFAULT";

/** This start of the server's token: every request that changes something carries it. */
const TOKEN = $('meta[name="qrsdp-token"]').content;

async function api(path, init = {}) {
  const headers = { ...init.headers, "x-qrsdp-token": TOKEN };
  const res = await fetch(`/api/${path}`, { ...init, headers });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(body?.error ?? `HTTP ${res.status}`);
  return body;
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

// ---------------------------------------------------------------- home: form, list, platform

async function homePage() {
  view.innerHTML = `
  <div class="grid2">
    <section class="panel">
      <h2>New simulation</h2>
      <form id="create" novalidate>
        <label>Symbol (several: AAPL,MSFT)<input name="symbol" value="AAPL" autocomplete="off"></label>
        <label>Start price (ticks of 0.01)<input name="p0" value="10000" inputmode="numeric"></label>
        <label>Session length<select name="sessionSeconds">
          <option value="3600">1 h</option><option value="7200">2 h</option>
          <option value="23400" selected>6.5 h</option></select></label>
        <label>Days (1-252)<input name="days" value="1" inputmode="numeric"></label>
        <label>Model parameters<select name="preset"></select></label>
        <div class="params" id="params"></div>
        <label>Seed<input name="seed" value="42" inputmode="numeric"></label>
        <button type="submit">Create</button>
        <div class="msg" id="msg" role="status"></div>
      </form>
    </section>
    <div>
      <section class="panel">
        <h2>Simulations</h2>
        <table id="runs"><thead><tr><th>Run</th><th>Symbol</th><th>Status</th><th>Events</th>
          <th>Days</th><th>p0</th><th>Seed</th><th></th></tr></thead><tbody></tbody></table>
      </section>
      <section class="panel" id="platform" hidden>
        <h2>Platform (ClickHouse)</h2><div id="platform-body"></div>
      </section>
    </div>
  </div>`;
  const form = $("#create");
  const msg = $("#msg");
  const { presets } = await api("presets");
  if (!form.isConnected) return;
  const select = form.elements.preset;
  select.innerHTML = presets.map((p) => `<option value="${esc(p.name)}">${esc(p.name)}</option>`)
    .join("");
  const showParams = () => {
    const p = presets.find((x) => x.name === select.value);
    $("#params").innerHTML = `${esc(p.description)}<br>` +
      Object.entries(p.params).map(([k, v]) => `${esc(k)} = ${esc(v)}`).join("<br>");
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
  const refresh = async () => {
    let runs;
    try {
      ({ runs } = await api("runs"));
    } catch (err) {
      tbody.innerHTML = `<tr><td colspan="8" class="msg error">${esc(err.message)}</td></tr>`;
      return;
    }
    const html = runs.length === 0
      ? `<tr><td colspan="8" class="dim">none yet</td></tr>`
      : runs.map((r) => `
      <tr data-run="${esc(r.id)}">
        <td>${esc(r.id)}</td>
        <td>${esc((r.symbols ?? []).map(symName).join(", "))}</td>
        <td class="status-${esc(r.status)}" title="${esc(r.error ?? "")}">${esc(r.status)}</td>
        <td>${int(r.events ?? 0)}</td>
        <td>${r.daysDone ?? 0}/${r.days === 0 ? "∞" : r.days ?? "?"}</td>
        <td>${esc((r.p0Ticks ?? []).map(price).join(", "))}</td>
        <td>${esc(r.seed ?? "")}</td>
        <td><a href="#/replay/${encodeURIComponent(r.id)}">replay</a>
          ${r.status === "running" ? ` <a href="#/live/${encodeURIComponent(r.id)}">live</a>` : ""}
          <a href="#/analysis/${encodeURIComponent(r.id)}">analysis</a>
          <button class="danger" data-delete="${esc(r.id)}">delete</button></td>
      </tr>`).join("");
    // Unchanged rows are left alone, so that a click on them is never lost to a re-render.
    if (html !== shown) tbody.innerHTML = shown = html;
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
    }
    refresh();
  };
  refresh();
  const timers = [setInterval(refresh, 1000)];
  const platform = async () => {
    const p = await api("platform").catch((err) => ({ configured: true, error: err.message }));
    if (!p.configured || !form.isConnected) return;
    $("#platform").hidden = false;
    $("#platform-body").innerHTML = p.error ? `<div class="msg error">${esc(p.error)}</div>` : `
      <table><thead><tr><th>Symbol</th><th>Bid</th><th>Ask</th><th>Mid</th></tr></thead><tbody>
      ${
      p.midprice.map((r) =>
        `<tr><td>${esc(r.symbol)}</td><td>${price(r.best_bid_ticks)}</td>
        <td>${price(r.best_ask_ticks)}</td><td>${price(r.midprice_ticks)}</td></tr>`
      ).join("")
    }
      </tbody></table>
      <table style="margin-top:10px"><thead><tr><th>Symbol</th><th>Date</th><th>Rows</th></tr></thead><tbody>
      ${
      p.rows.map((r) =>
        `<tr><td>${esc(r.symbol)}</td><td>${esc(r.date)}</td><td>${int(r.rows)}</td></tr>`
      )
        .join("")
    }</tbody></table>`;
  };
  platform();
  timers.push(setInterval(platform, 3000));
  cleanup = () => timers.forEach(clearInterval);
  const live = await api("live");
  if (form.isConnected && live.run && !sessionStorage.getItem("qrsdp-live-seen")) {
    sessionStorage.setItem("qrsdp-live-seen", "1");
    location.hash = `#/live/${encodeURIComponent(live.run)}`;
  }
}

// ---------------------------------------------------------------- replay

const WINDOWS = [["5m", 300], ["15m", 900], ["1h", 3600], ["1d", 86400], ["all", Infinity]];
const SPEEDS = [10, 50, 100, 500, 1000, 5000];
/** Points kept for the chart: older halves are thinned as the replay goes on. */
const CHART_CAP = 4000;
const CHART_RECENT = 1000;
/** Points drawn for the chosen window. */
const DRAW_POINTS = 800;

/** The chart's history: full resolution for the newest points, thinned further back. */
class Series {
  constructor() {
    this.x = [];
    this.bid = [];
    this.mid = [];
    this.ask = [];
  }
  push(x, bid, mid, ask) {
    this.x.push(x);
    this.bid.push(bid);
    this.mid.push(mid);
    this.ask.push(ask);
    if (this.x.length > CHART_CAP) {
      const old = this.x.length - CHART_RECENT;
      for (const k of ["x", "bid", "mid", "ask"]) {
        const a = this[k];
        const thinned = a.slice(0, old).filter((_, i) => i % 2 === 0);
        this[k] = thinned.concat(a.slice(old));
      }
    }
  }
  window(seconds) {
    const n = this.x.length;
    if (n === 0) return [[], [], [], []];
    const from = this.x[n - 1] - seconds;
    let i = n - 1;
    while (i > 0 && this.x[i - 1] >= from) i--;
    const stride = Math.max(1, Math.ceil((n - i) / DRAW_POINTS));
    const pick = (a) => {
      const out = [];
      for (let j = i; j < n; j += stride) out.push(a[j]);
      if ((n - 1 - i) % stride !== 0) out.push(a[n - 1]);
      return out;
    };
    return [pick(this.x), pick(this.bid), pick(this.mid), pick(this.ask)];
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

function replayPage(id, live) {
  view.innerHTML = `
  <div class="controls">
    <a href="#/">← simulations</a>
    <strong id="title">${esc(id)}</strong>
    <span id="symbol" class="dim"></span>
    <button id="pause" class="secondary">pause</button>
    <label class="dim">speed <select id="speed">${
    SPEEDS.map((s) => `<option value="${s}">${s}×</option>`).join("")
  }</select></label>
    <label class="dim">window <select id="window">${
    WINDOWS.map(([n]) => `<option>${n}</option>`).join("")
  }</select></label>
    <a id="analysis" href="#/analysis/${encodeURIComponent(id)}">analysis</a>
    <span id="state" class="dim"></span>
  </div>
  <div class="quote">
    <div><span class="k">bid</span><span class="v bid" id="q-bid">–</span></div>
    <div><span class="k">mid</span><span class="v mid" id="q-mid">–</span></div>
    <div><span class="k">ask</span><span class="v ask" id="q-ask">–</span></div>
    <div><span class="k">spread</span><span class="v" id="q-spread">–</span></div>
    <div><span class="k">day</span><span class="v" id="q-day">–</span></div>
    <div><span class="k">date</span><span class="v" id="q-date">–</span></div>
    <div><span class="k">time</span><span class="v" id="q-time">–</span></div>
    <div><span class="k">events</span><span class="v" id="q-events">0</span></div>
  </div>
  <div class="progress"><div id="progress"></div></div>
  <section class="panel" id="securities-panel" hidden>
    <h2>Securities</h2>
    <table id="securities"><thead><tr><th>Symbol</th><th>Last</th><th>Spread</th><th>Events</th></tr>
    </thead><tbody></tbody></table>
  </section>
  <div class="replay">
    <div class="overlay" id="closed"><div class="big">Market closed</div><div id="closed-next" class="dim"></div></div>
    <div>
      <section class="panel"><h2>Price</h2><div id="chart" data-points="0"></div></section>
      <section class="panel"><h2>Last 40 events</h2>
        <table class="events"><thead><tr><th>Time</th><th>Type</th><th>Side</th><th>Price</th><th>Qty</th><th>Order</th></tr></thead>
        <tbody id="events"></tbody></table></section>
    </div>
    <section class="panel"><h2>Book</h2><table class="ladder"><thead><tr><th>Price</th><th>Size</th></tr></thead>
      <tbody id="ladder"></tbody></table></section>
  </div>
  <div class="msg" id="msg"></div>`;

  const series = new Series();
  const chartEl = $("#chart");
  const plot = new uPlot(
    {
      width: Math.max(300, chartEl.clientWidth - 4),
      height: 320,
      scales: { x: { time: true } },
      axes: [
        { stroke: "#8a96a6", grid: { stroke: "#263040" }, ticks: { stroke: "#263040" } },
        {
          stroke: "#8a96a6",
          grid: { stroke: "#263040" },
          ticks: { stroke: "#263040" },
          size: 60,
          values: (_, vals) => vals.map((v) => price(v)),
        },
      ],
      series: [
        {
          value: (_, v) =>
            v == null ? "–" : new Date(v * 1000).toISOString().slice(0, 19).replace("T", " "),
        },
        {
          label: "ask",
          stroke: "#e5534b",
          fill: "rgba(229,83,75,0.18)",
          value: (_, v) => v == null ? "–" : price(v),
        },
        {
          label: "bid",
          stroke: "#2fbf71",
          fill: "rgba(47,191,113,0.18)",
          value: (_, v) => v == null ? "–" : price(v),
        },
        {
          label: "mid",
          stroke: "#e0b341",
          width: 1.5,
          value: (_, v) => v == null ? "–" : price(v),
        },
      ],
      legend: { live: false },
    },
    [[], [], [], []],
    chartEl,
  );
  let windowSeconds = 300;
  let dirty = false;
  const draw = () => {
    if (!dirty) return;
    dirty = false;
    const [x, b, m, a] = series.window(windowSeconds);
    plot.setData([x, a, b, m]);
    chartEl.dataset.points = String(x.length);
    chartEl.dataset.total = String(series.x.length);
  };
  const drawTimer = setInterval(draw, 250);
  const onResize = () =>
    plot.setSize({ width: Math.max(300, chartEl.clientWidth - 4), height: 320 });
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
  const stepBySpeed = {};
  let focus = undefined;
  const pauseBtn = $("#pause");
  pauseBtn.onclick = () => send({ type: paused ? "resume" : "pause" });
  speedSel.onchange = () => send({ type: "set_speed", speed: Number(speedSel.value) });
  const events = [];
  const root = view.firstElementChild.parentElement;

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

  function onTick(m) {
    ticks++;
    const f = m.focus;
    const row = m.securities.find((s) => s.symbol === f.symbol) ?? m.securities[0];
    focus = f.symbol;
    $("#symbol").textContent = symName(f.symbol);
    if (row.bid !== undefined) {
      $("#q-bid").textContent = price(row.bid);
      $("#q-ask").textContent = price(row.ask);
      $("#q-mid").textContent = price(row.mid);
      $("#q-spread").textContent = `${row.spread} tick${row.spread === 1 ? "" : "s"}`;
      const x = dateSeconds(m.date) + m.t / 1e9;
      series.push(x, row.bid, row.mid, row.ask);
      dirty = true;
    }
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
        body.innerHTML = m.securities.map((s) =>
          `<tr class="clickable" data-symbol="${esc(symName(s.symbol))}">
          <td>${esc(symName(s.symbol))}</td><td></td><td></td><td></td></tr>`
        ).join("");
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
      `<tr class="${cls}"><td>${price(p)}</td>
      <td>${int(d)}<span class="bar" style="width:${
        (100 * d / depthMax).toFixed(1)
      }%"></span></td></tr>`;
    const spread = f.asks.length && f.bids.length ? f.asks[0][0] - f.bids[0][0] : 0;
    $("#ladder").innerHTML = f.asks.slice().reverse().map((l) => level("askrow", l)).join("") +
      `<tr class="spreadrow"><td colspan="2">spread ${spread} tick${
        spread === 1 ? "" : "s"
      }</td></tr>` +
      f.bids.map((l) => level("bidrow", l)).join("");

    for (const ev of f.events) events.push(ev);
    if (events.length > 40) events.splice(0, events.length - 40);
    $("#events").innerHTML = events.slice().reverse().map(([ts, type, p, q, id]) => `
      <tr class="${SIDES[type] === "BID" ? "bid" : "ask"}">
      <td>${clock(ts)}.${String(Math.floor(ts % 1e9 / 1e6)).padStart(3, "0")}</td><td>${
      TYPES[type]
    }</td>
      <td>${SIDES[type]}</td><td>${price(p)}</td><td>${q}</td><td>${id}</td></tr>`)
      .join("");
  }
  $("#securities").onclick = (e) => {
    const tr = e.target.closest("tr[data-symbol]");
    if (!tr) return;
    const s = tr.dataset.symbol;
    send({ type: "focus", symbol: s === "DEFAULT" ? null : s });
    events.length = 0;
    series.x = [];
    series.bid = [];
    series.mid = [];
    series.ask = [];
  };
  cleanup = () => {
    left = true;
    ws.close();
    clearInterval(drawTimer);
    removeEventListener("resize", onResize);
    plot.destroy();
    $("#conn").textContent = "";
  };
}

// ---------------------------------------------------------------- analysis

function barsChart(el, title, edges, counts, fitted, fitLabel) {
  const x = counts.map((_, i) => (edges[i] + edges[i + 1]) / 2);
  return chart(
    el,
    title,
    [x, counts, fitted],
    [
      {
        label: "observed",
        stroke: "#4c9aff",
        fill: "rgba(76,154,255,0.3)",
        paths: uPlot.paths.bars({ size: [0.9] }),
      },
      { label: fitLabel, stroke: "#e0b341", width: 2 },
    ],
    false,
    { scales: { y: fromZero } },
  );
}

const fromZero = { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] };
const padded = { range: (_u, min, max) => [min - 0.5, max + 0.5] };

function chart(el, title, data, series, time, extra = {}) {
  const box = document.createElement("section");
  box.className = "panel chart";
  box.innerHTML = `<h2>${esc(title)}</h2>`;
  el.append(box);
  new uPlot(
    {
      width: Math.max(320, box.clientWidth - 26),
      height: 240,
      axes: [
        { stroke: "#8a96a6", grid: { stroke: "#263040" } },
        { stroke: "#8a96a6", grid: { stroke: "#263040" }, size: 60 },
      ],
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

function analysisPage(id, symbolArg) {
  view.innerHTML = `<div class="controls"><a href="#/">← simulations</a>
    <strong>${esc(id)}</strong><span class="dim">analysis</span>
    <label class="dim" id="symbol-label" hidden>security <select id="symbol-select"></select></label>
    <label class="dim">date <select id="date"></select></label>
    <a href="#/replay/${encodeURIComponent(id)}">replay</a></div>
    <div id="summary" class="quote"></div><div class="charts" id="charts"></div><div class="msg" id="msg">computing…</div>`;
  const load = async (date) => {
    const q = new URLSearchParams();
    if (symbolArg) q.set("symbol", symbolArg);
    if (date) q.set("date", date);
    let a;
    const page = location.hash;
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
    sel.innerHTML = a.dates.map((d) => `<option${d === a.date ? " selected" : ""}>${d}</option>`)
      .join("");
    sel.onchange = () => load(sel.value);
    if (a.symbols.length > 1) {
      const symSel = $("#symbol-select");
      $("#symbol-label").hidden = false;
      symSel.innerHTML = a.symbols.map((s) =>
        `<option${s === a.symbol ? " selected" : ""}>${esc(symName(s))}</option>`
      ).join("");
      symSel.onchange = () => {
        location.hash = `#/analysis/${encodeURIComponent(id)}/${encodeURIComponent(symSel.value)}`;
      };
    }
    const ia = a.interArrival;
    $("#summary").innerHTML = [
      ["symbol", symName(a.symbol)],
      ["date", a.date],
      ["events", int(a.events)],
      ["events / s", (a.events / a.sessionSeconds).toFixed(1)],
      ["mean gap", `${(ia.mean * 1000).toFixed(2)} ms`],
      ["gap CV", ia.cv.toFixed(3)],
    ].map(([k, v]) => `<div><span class="k">${k}</span><span class="v">${esc(v)}</span></div>`)
      .join("");
    const charts = $("#charts");
    charts.innerHTML = "";
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
        axes: [
          { stroke: "#8a96a6", grid: { stroke: "#263040" } },
          {
            stroke: "#8a96a6",
            grid: { stroke: "#263040" },
            size: 60,
            values: (_, v) => v.map(price),
          },
        ],
      },
    );
    candles.id = "chart-candles";
    for (const r of a.returns) {
      const box = barsChart(
        charts,
        `${r.horizonSeconds} s log returns (bp) vs normal`,
        r.histogram.edges,
        r.histogram.counts,
        r.histogram.fitted,
        "normal",
      );
      box.insertAdjacentHTML(
        "beforeend",
        `<div class="stat">n ${int(r.n)} · mean ${r.mean.toFixed(3)} · sd ${
          r.std.toFixed(3)
        } · excess kurtosis ${r.kurtosis.toFixed(2)}</div>`,
      );
      box.classList.add("chart-returns");
    }
    chart(charts, "Autocorrelation of 1 s returns", [a.acf.lags, a.acf.returns, a.acf.absReturns], [
      { label: "returns", stroke: "#4c9aff", width: 1.5 },
      { label: "|returns|", stroke: "#e0b341", width: 1.5 },
    ], false).id = "chart-acf";
    const gaps = barsChart(
      charts,
      "Inter-arrival times (s) vs exponential",
      ia.edges,
      ia.counts,
      ia.fitted,
      `exponential, rate ${ia.rate.toFixed(1)}/s`,
    );
    gaps.id = "chart-gaps";
    const sp = a.spread;
    chart(
      charts,
      "Spread (ticks), share of time",
      [sp.ticks, sp.share],
      [
        {
          label: "share",
          stroke: "#4c9aff",
          fill: "rgba(76,154,255,0.3)",
          paths: uPlot.paths.bars({ size: [0.6] }),
        },
      ],
      false,
      { scales: { x: padded, y: fromZero } },
    ).id = "chart-spread";
    const mix = Object.entries(a.eventMix);
    chart(
      charts,
      "Event mix",
      [mix.map((_, i) => i), mix.map(([, n]) => n)],
      [
        {
          label: "events",
          stroke: "#4c9aff",
          fill: "rgba(76,154,255,0.3)",
          paths: uPlot.paths.bars({ size: [0.6] }),
        },
      ],
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
          { stroke: "#8a96a6", size: 70 },
        ],
        scales: { x: padded, y: fromZero },
      },
    ).id = "chart-mix";
    view.dataset.analysis = "ready";
  };
  view.dataset.analysis = "";
  load(undefined);
}

route();
