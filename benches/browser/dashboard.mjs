#!/usr/bin/env node
// Browser benchmarks of the dashboard against a real chatpulse server and the Debian headless
// Chromium (playwright-core; never a downloaded browser):
//
//   node benches/browser/dashboard.mjs latency [options]   event -> new number on screen, 100 open dashboards
//   node benches/browser/dashboard.mjs tti [options]       navigation -> hydrated and interactive, 1 M messages
//
// Each mode prints a readable summary and, last, one line of JSON with every number.
// The server binary is $CHATPULSE_BIN (default target/release/chatpulse when it exists, else
// target/debug/chatpulse) and the site root $LEPTOS_SITE_ROOT (default target/site), both
// relative to the repository root. Servers and the browser are started and stopped here; the
// test helpers in tests/js/lib/ are reused as they are.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

import { io } from "socket.io-client";

import { launchChromium } from "../../tests/js/lib/chromium.mjs";
import { ADMIN_PASSWORD, INGEST_KEY, READ_KEY, REPO_ROOT, startServer } from "../../tests/js/lib/server.mjs";

const HELP = `Usage: node benches/browser/dashboard.mjs <latency|tti> [options]

latency  "Event -> new number on screen, debounce included, with 100 open dashboards"
         (target p50 <= 150 ms, p99 <= 250 ms). One server (SQLite); --pages real Chromium
         pages (each its own context, logged in through the form) plus simulated dashboards
         (socket.io-client in a worker thread, with the first page's session cookie; on
         connect and on each stats_update they refetch through the same server function,
         URL, body and cookie that the page was seen to use, with the page's 150 ms
         leading-edge debounce) up to --dashboards in total. Each round POSTs
         2 messages of a new visitor and times, for every real page, when its
         [data-kpi="messages"] shows the new total, counted from the moment the POST answered.
         A baseline client (the old behaviour: on stats_update wait 800 ms, then refetch) runs
         alongside for a ratio. The simulated clients refetch with node:http (the page's
         accept-encoding, so the server compresses for them as for a page), which leaves more
         of the two cores to the server and the pages than fetch did. Also printed: where a
         page's time goes (signal, refetch sent, answered, number changed) and the CPU time
         per round of the server, Chromium and this bench.
  --pages N          real Chromium pages (default 4)
  --dashboards N     open dashboards in total, real + simulated (default 100)
  --rounds N         measured rounds (default 60)
  --warmup N         rounds before those, not counted (default 3)
  --gap MS           pause between rounds (default 500)
  --baseline-wait MS the baseline's fixed wait (default 800)
  --messages N       messages stored before the rounds (default 0: a fresh database)
  --round-timeout MS how long a round waits for every page and client (default 5000)
  --figure F         which number each round changes and times: messages (default: 2 messages
                     of a new visitor, [data-kpi="messages"]) or queue (a new visitor asks and
                     the bot hands over in human mode, nobody answers: the live queue,
                     [data-kpi="queue_waiting"], grows by one; issue 14's target p99 <= 300 ms)

tti      "Time from navigation to hydrated and interactive on / with 1 million stored
         messages". Loads --messages messages through HTTP ingest (batches of --batch,
         --concurrency requests at a time, over the last 365 days, ~20 messages per user in
         sessions of 2-6), restarts the server so the figures load from the database, logs
         in once and then measures --runs navigations to / , each in a fresh context that
         reuses the login (storageState): DOMContentLoaded, first contentful paint,
         hydrated (first moment [data-connection] is no longer "connecting"), interactive
         (a click on .live-status button.toggle flips aria-pressed, polled from the
         hydrated moment on) and the bytes of the document, WASM, JS, CSS and vendor scripts;
         also when the app opens its WebSocket and when that goes out on the network (CDP),
         and the main thread's long tasks.
  --messages N       messages to load (default 1000000)
  --runs N           navigations measured (default 10)
  --batch N          events per ingest request, at most 1000 (default 1000)
  --concurrency N    ingest requests in flight (default 4)
  --seed N           seed of the generated traffic (default 7)
  --peer-bin PATH    also measure this server binary (an earlier build, say) in the same run:
                     it serves the same database beside the first, with its own site
                     (--peer-site), and the navigations alternate between the two
  --peer-site DIR    the peer's site root (its target/site)

Common:
  --help             this text

Environment: CHATPULSE_BIN (server binary; default target/release/chatpulse when it exists,
else target/debug/chatpulse), LEPTOS_SITE_ROOT (site root, default target/site),
CHATPULSE_CHROMIUM (browser, default /usr/bin/chromium), RUST_LOG (server log level,
default info). Every client runs on this machine, so the server is started with
CHATPULSE_SOCKETS_PER_ADDRESS=0 (100+ sockets from 127.0.0.1), and
CHATPULSE_KEY_EVENTS_PER_SECOND=0 and CHATPULSE_ADDRESS_REQUESTS_PER_SECOND=0 (one key and
one address load the data) unless those variables are set.`;

// ---------------------------------------------------------------------------------------------
// Shared helpers

const now = () => performance.timeOrigin + performance.now(); // epoch ms, sub-ms resolution
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10) / 10);

/** Nearest-rank percentiles of `values` (ms). */
function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { n: 0, p50: null, p90: null, p99: null, max: null, min: null, mean: null };
  const pick = (p) => v[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  return {
    n,
    min: round1(v[0]),
    p50: round1(pick(50)),
    p90: round1(pick(90)),
    p99: round1(pick(99)),
    max: round1(v[n - 1]),
    mean: round1(v.reduce((a, b) => a + b, 0) / n),
  };
}

const fmt = (s) =>
  s.n === 0 ? "no samples" : `p50 ${s.p50} ms, p90 ${s.p90} ms, p99 ${s.p99} ms, max ${s.max} ms (n=${s.n})`;

function kib(bytes) {
  return bytes === null || bytes === undefined ? "?" : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Which server binary and site root to use, and what kind of build they are. */
function resolveBuild() {
  const release = path.join(REPO_ROOT, "target/release/chatpulse");
  const debug = path.join(REPO_ROOT, "target/debug/chatpulse");
  const bin = process.env.CHATPULSE_BIN
    ? path.resolve(REPO_ROOT, process.env.CHATPULSE_BIN)
    : existsSync(release)
      ? release
      : debug;
  if (!existsSync(bin)) {
    throw new Error(`no server binary at ${bin}: build it (cargo leptos build [--release]) or set CHATPULSE_BIN`);
  }
  const siteRoot = process.env.LEPTOS_SITE_ROOT ?? "target/site";
  const siteAbs = path.resolve(REPO_ROOT, siteRoot);
  if (!existsSync(path.join(siteAbs, "pkg"))) {
    throw new Error(`no ${path.join(siteAbs, "pkg")}: build the site (cargo leptos build) or set LEPTOS_SITE_ROOT`);
  }
  // Tell tests/js/lib/server.mjs which binary to start (it reads the variable per start).
  process.env.CHATPULSE_BIN = bin;
  const kind = bin === release ? "release" : bin === debug ? "debug" : "custom";
  const mtime = statSync(bin).mtime.toISOString();
  // The site's WASM says which front end build is served (a debug one is several MB).
  const wasm = path.join(siteAbs, "pkg/chatpulse.wasm");
  const site = existsSync(wasm) ? { wasm_bytes: statSync(wasm).size, wasm_mtime: statSync(wasm).mtime.toISOString() } : {};
  return { bin: path.relative(REPO_ROOT, bin) || bin, kind, mtime, siteRoot, ...site };
}

/**
 * The server's environment for a bench: the site root, and the per-client limits lifted where
 * the bench would hit them only because every client runs on this one machine (all sockets
 * come from 127.0.0.1; one ingest key loads the data). A variable already set in the
 * environment wins.
 */
function serverEnv(build, limits) {
  const env = { LEPTOS_SITE_ROOT: build.siteRoot };
  for (const [name, value] of Object.entries(limits)) {
    if (process.env[name] === undefined) env[name] = String(value);
  }
  return env;
}

function siteText(build) {
  return `${build.siteRoot} (chatpulse.wasm ${build.wasm_bytes ? kib(build.wasm_bytes) : "?"}, ${build.wasm_mtime ?? "?"})`;
}

/**
 * What the browser reported: console errors and warnings, uncaught errors, failed requests,
 * HTTP errors and slow requests, per page label.
 */
class BrowserLog {
  constructor(slowMs) {
    this.slowMs = slowMs;
    this.entries = [];
    this.requestTimes = new Map(); // path -> [ms]
  }

  watch(page, label) {
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") {
        this.entries.push({ page: label, kind: `console.${msg.type()}`, text: msg.text().slice(0, 500), url: msg.location()?.url });
      }
    });
    page.on("pageerror", (err) => this.entries.push({ page: label, kind: "pageerror", text: String(err?.stack ?? err).slice(0, 800) }));
    page.on("requestfailed", (req) => {
      // A navigation away aborts what was in flight: not a problem of the app.
      const failure = req.failure()?.errorText ?? "";
      if (failure.includes("ERR_ABORTED")) return;
      this.entries.push({ page: label, kind: "requestfailed", text: `${req.method()} ${req.url()}: ${failure}` });
    });
    page.on("requestfinished", async (req) => {
      const t = req.timing();
      const ms = t.responseEnd >= 0 ? t.responseEnd : null;
      let pathname;
      try {
        pathname = new URL(req.url()).pathname;
      } catch {
        return;
      }
      if (pathname.startsWith("/api/") || req.resourceType() === "document") {
        const key = `${req.method()} ${req.resourceType() === "document" ? "(document) " : ""}${pathname}`;
        if (ms !== null) {
          if (!this.requestTimes.has(key)) this.requestTimes.set(key, []);
          this.requestTimes.get(key).push(ms);
        }
      }
      const res = await req.response().catch(() => null);
      if (res && res.status() >= 400) {
        this.entries.push({ page: label, kind: `http ${res.status()}`, text: `${req.method()} ${req.url()}` });
      }
      if (ms !== null && ms > this.slowMs) {
        this.entries.push({ page: label, kind: "slow request", text: `${req.method()} ${pathname}: ${Math.round(ms)} ms` });
      }
    });
    return page;
  }

  /** Problems grouped by kind and text (the page labels and counts aggregated). */
  grouped() {
    const groups = new Map();
    for (const e of this.entries) {
      const text = e.kind === "slow request" ? e.text.replace(/: \d+ ms$/, "") : e.text;
      const key = `${e.kind}: ${text}${e.url ? ` (${e.url})` : ""}`;
      const g = groups.get(key) ?? { kind: e.kind, text: key, count: 0, pages: new Set(), ms: [] };
      g.count += 1;
      g.pages.add(e.page);
      const m = e.kind === "slow request" && e.text.match(/: (\d+) ms$/);
      if (m) g.ms.push(Number(m[1]));
      groups.set(key, g);
    }
    return [...groups.values()].map((g) => ({
      kind: g.kind,
      what: g.text,
      count: g.count,
      pages: [...g.pages].slice(0, 5),
      ...(g.ms.length ? { max_ms: Math.max(...g.ms) } : {}),
    }));
  }

  requestSummary() {
    const out = {};
    for (const [key, list] of this.requestTimes) out[key] = summarize(list);
    return out;
  }
}

function printProblems(problems) {
  if (problems.length === 0) {
    console.log("browser: no console errors or warnings, no failed or slow requests");
    return;
  }
  console.log("browser problems (grouped):");
  for (const p of problems.slice(0, 15)) {
    console.log(`  ${p.count}x ${p.what}${p.max_ms ? ` (max ${p.max_ms} ms)` : ""} [${p.pages.join(", ")}]`);
  }
  if (problems.length > 15) console.log(`  ... and ${problems.length - 15} more kinds`);
}

/** Server log lines at WARN or ERROR level in the kept tail of the server's output. */
function serverProblems(server) {
  return server
    .logs()
    .split("\n")
    // eslint-disable-next-line no-control-regex
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""))
    .filter((l) => /\b(WARN|ERROR)\b/.test(l) || /panicked/.test(l))
    .slice(-10);
}

/** Logs in through the form at /login (as the browser tests do) and lands on `target`. */
async function logIn(page, baseUrl, target = "/") {
  await page.goto(`${baseUrl}${target}`);
  const atLogin = new URL(page.url());
  if (atLogin.pathname !== "/login") throw new Error(`GET ${target} without a session ended at ${page.url()}, not /login`);
  await page.fill('form[action="/login"] input[name="username"]', "admin");
  await page.fill('form[action="/login"] input[name="password"]', ADMIN_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname === target, { waitUntil: "domcontentloaded", timeout: 60_000 }),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

async function postEvents(baseUrl, events) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${baseUrl}/api/ingest/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${INGEST_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify(events),
    });
    const answeredAt = now();
    const text = await res.text();
    if ((res.status === 503 || res.status === 429) && attempt < 10) {
      const wait = Number(res.headers.get("retry-after") ?? "1");
      await sleep(Math.min(wait, 5) * 1000);
      continue;
    }
    if (res.status !== 202) throw new Error(`ingest of ${events.length} event(s) answered ${res.status}: ${text.slice(0, 500)}`);
    return { answeredAt, json: JSON.parse(text) };
  }
}

async function statsTotals(baseUrl) {
  const res = await fetch(`${baseUrl}/api/stats?channel=all`, { headers: { Authorization: `Bearer ${READ_KEY}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /api/stats answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// Generated traffic (like benches/support/load.rs, shaped as the brief asks): users with ~20
// messages each, in sessions of 2-6 messages 20-140 s apart, starting anywhere in the last
// `days` days; a third of the users on premium; most with a country; a widget open before a
// quarter of the sessions.

class Rng {
  constructor(seed) {
    this.state = (seed >>> 0) || 1;
  }
  /** 32 random bits (mulberry32). */
  next32() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A whole number in [0, n), uniform (64 random bits, so a year in ms is fine). */
  below(n) {
    const u = (this.next32() + this.next32() / 0x1_0000_0000) / 0x1_0000_0000;
    return Math.min(n - 1, Math.floor(u * n));
  }
}

const COUNTRIES = ["TR", "DE", "US", "GB", "FR", "NL", "ES", "IT", "BR", "IN", "JP", "PL"];
const CITIES = { TR: "Istanbul", DE: "Berlin", US: "New York", GB: "London", FR: "Paris", NL: "Amsterdam" };

function* traffic({ messages, seed, endMs, days, perUser = 20 }) {
  const rng = new Rng(seed);
  const span = days * 86_400_000;
  const prefix = `bench-${seed}-${randomUUID().slice(0, 8)}`;
  let nextId = 0;
  let left = messages;
  for (let user = 0; left > 0; user++) {
    const channel = rng.below(3) === 0 ? "premium" : "web";
    const country = rng.below(7) === 0 ? undefined : COUNTRIES[rng.below(COUNTRIES.length)];
    const city = country && rng.below(2) === 0 ? CITIES[country] : undefined;
    const userName = rng.below(3) === 0 ? undefined : `Visitor ${user}`;
    const base = { channel, user_id: `visitor-${user}` };
    if (country) base.country = country;
    if (city) base.city = city;
    if (userName) base.user_name = userName;
    let mine = Math.min(perUser, left);
    if (left - mine === 1) mine += 1; // never leave a lone message for the last user
    left -= mine;
    while (mine > 0) {
      let len = Math.min(mine, 2 + rng.below(5));
      if (mine - len === 1) len += 1;
      mine -= len;
      let at = endMs - 1 - rng.below(span);
      if (rng.below(4) === 0) {
        yield { type: "widget_opened", id: `${prefix}-${nextId++}`, ...base, at: new Date(at - 5_000).toISOString() };
      }
      let human = false;
      for (let k = 0; k < len; k++) {
        const r = rng.below(10);
        const sender = k === 0 ? "user" : r < 5 ? "user" : r < 9 ? "bot" : "operator";
        if (sender === "operator") human = true;
        yield {
          type: "message",
          id: `${prefix}-${nextId++}`,
          ...base,
          sender,
          human_mode: sender === "operator" || (human && sender !== "bot" && rng.below(2) === 0),
          at: new Date(Math.min(at, endMs - 1)).toISOString(),
        };
        at += 20_000 + rng.below(120_000);
      }
    }
  }
}

/** Loads `messages` messages through HTTP ingest; resolves with counts and timing. */
async function loadMessages(baseUrl, { messages, batch, concurrency, seed, days = 365, progress = true }) {
  const gen = traffic({ messages, seed, endMs: Date.now(), days });
  let storedMessages = 0;
  let storedEvents = 0;
  let requests = 0;
  let done = false;
  const started = now();
  let lastReport = started;
  const nextBatch = () => {
    if (done) return null;
    const out = [];
    while (out.length < batch) {
      const { value, done: end } = gen.next();
      if (end) {
        done = true;
        break;
      }
      out.push(value);
    }
    return out.length ? out : null;
  };
  const worker = async () => {
    for (let events = nextBatch(); events; events = nextBatch()) {
      const { json } = await postEvents(baseUrl, events);
      if (json.accepted !== events.length) throw new Error(`ingest accepted ${json.accepted} of ${events.length}: ${JSON.stringify(json)}`);
      requests += 1;
      storedEvents += events.length;
      storedMessages += events.filter((e) => e.type === "message").length;
      if (progress && now() - lastReport > 10_000) {
        lastReport = now();
        const s = (lastReport - started) / 1000;
        console.log(`  ... ${storedMessages} messages in ${s.toFixed(0)} s (${Math.round(storedMessages / s)} messages/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (now() - started) / 1000;
  return {
    messages: storedMessages,
    events: storedEvents,
    requests,
    seconds: round1(seconds),
    messages_per_s: Math.round(storedMessages / seconds),
    events_per_s: Math.round(storedEvents / seconds),
  };
}

// ---------------------------------------------------------------------------------------------
// latency

/** A response body as sent with `encoding`, decoded. */
function decoded(body, encoding) {
  if (encoding === "br") return zlib.brotliDecompressSync(body);
  if (encoding === "gzip") return zlib.gunzipSync(body);
  if (encoding === "zstd" && zlib.zstdDecompressSync) return zlib.zstdDecompressSync(body);
  if (encoding && encoding !== "identity") throw new Error(`this Node cannot decode a ${encoding} body`);
  return body;
}

/** Kept-alive connections for the simulated dashboards' refetches. */
const simAgent = new http.Agent({ keepAlive: true });

/**
 * POSTs `body` with node:http rather than fetch: the simulated dashboards share the
 * machine's two cores with the server and the browsers, and undici's fetch costs them
 * more CPU per request for the same request on the wire.
 */
function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) }, agent: simAgent }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A simulated dashboard: a Socket.IO connection to /dashboard with the admin session cookie
 * that, like a page, refetches the dashboard through the server function on `connect` and on
 * each `stats_update` (leading-edge debounce of 150 ms, as src/app/live.rs does), or, as the
 * baseline, `fixedWait` ms after each `stats_update` without a debounce.
 */
class SimDashboard {
  constructor(baseUrl, request, { fixedWait = null, debounce = 150, checkBody = false } = {}) {
    this.baseUrl = baseUrl;
    this.request = request;
    this.fixedWait = fixedWait;
    this.debounce = debounce;
    this.checkBody = checkBody;
    this.lastBump = -Infinity;
    this.trailing = null;
    this.cur = null;
    this.errors = [];
    this.refetches = 0;
    this.bytes = 0;
  }

  connect() {
    this.socket = io(`${this.baseUrl}/dashboard`, {
      transports: ["websocket"],
      extraHeaders: { Cookie: this.request.headers.cookie },
      forceNew: true,
      reconnection: false,
      timeout: 30_000,
    });
    this.socket.on("stats_update", () => this.onUpdate(now()));
    this.socket.on("disconnect", (reason) => this.errors.push(`disconnect: ${reason}`));
    return new Promise((resolve, reject) => {
      this.socket.once("connect", () => {
        if (this.fixedWait === null) this.refetch(); // a page catches up on connect
        resolve();
      });
      this.socket.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
    });
  }

  startRound() {
    this.cur = { update: null, refetchStarted: null, answered: null, status: null, total: null };
  }

  onUpdate(t) {
    if (this.cur && this.cur.update === null) this.cur.update = t;
    if (this.fixedWait !== null) {
      setTimeout(() => this.refetch(), this.fixedWait);
      return;
    }
    if (this.trailing) return;
    const since = now() - this.lastBump;
    if (since >= this.debounce) {
      this.refetch();
      return;
    }
    this.trailing = setTimeout(() => {
      this.trailing = null;
      this.refetch();
    }, Math.ceil(this.debounce - since));
  }

  async refetch() {
    const started = now();
    this.lastBump = started;
    const cur = this.cur;
    if (cur && cur.update !== null && cur.refetchStarted === null) cur.refetchStarted = started;
    this.refetches += 1;
    try {
      const res = await post(this.request.url, this.request.fetchHeaders, this.request.body);
      const answered = now();
      this.bytes += res.body.byteLength;
      // Only the one client that checks the number decodes the body (as the page does).
      const body = () => decoded(res.body, res.encoding);
      if (res.status !== 200) this.errors.push(`refetch answered ${res.status}: ${body().toString().slice(0, 200)}`);
      if (cur && cur.refetchStarted === started) {
        cur.answered = answered;
        cur.status = res.status;
        if (this.checkBody && res.status === 200) {
          try {
            cur.total = kpiIn(body().toString());
          } catch (err) {
            this.errors.push(`refetch body has no ${KPI}: ${err.message}`);
          }
        }
      }
    } catch (err) {
      this.errors.push(`refetch failed: ${err.message}`);
    }
  }

  close() {
    clearTimeout(this.trailing);
    this.socket?.disconnect();
  }
}

/**
 * What a latency round changes: the card it times, how to read its number from the API, how
 * much one round adds, the events that do it, and the target its issue set.
 */
const FIGURES = {
  messages: {
    kpi: "messages",
    target: { p50_ms: 150, p99_ms: 250 }, // issue 15
    fromStats: (stats) => stats.totals.messages,
    step: 2,
    events: (visitor, t) => [
      { type: "message", id: `${visitor}-1`, channel: "web", user_id: visitor, sender: "user", at: new Date(t - 50_000).toISOString() },
      { type: "message", id: `${visitor}-2`, channel: "web", user_id: visitor, sender: "bot", at: new Date(t - 20_000).toISOString() },
    ],
  },
  queue: {
    kpi: "queue_waiting",
    target: { p50_ms: 150, p99_ms: 300 }, // issue 14
    fromStats: (stats) => stats.queue.waiting,
    step: 1,
    events: (visitor, t) => [
      { type: "message", id: `${visitor}-1`, channel: "web", user_id: visitor, sender: "user", at: new Date(t - 50_000).toISOString() },
      { type: "message", id: `${visitor}-2`, channel: "web", user_id: visitor, sender: "bot", human_mode: true, at: new Date(t - 20_000).toISOString() },
    ],
  },
};
/** The card every round times (set from --figure, in both threads). */
let KPI = "messages";

/**
 * The timed card's number in a refetch's answer: the page's server function answers in
 * Postcard, with the totals already written as HTML (`data-kpi="<field>" data-value="N"`).
 */
function kpiIn(text) {
  const kpi = new RegExp(`data-kpi="${KPI}" data-value="(\\d+)"`).exec(text);
  if (!kpi) throw new Error(`no ${KPI} in ${JSON.stringify(text.slice(0, 80))}`);
  return Number(kpi[1]);
}

/**
 * The simulated dashboards and the baseline client run in a worker thread, so that their
 * event loop (a hundred sockets and refetches) cannot delay the main thread's timestamps.
 */
class SimPool {
  constructor() {
    this.worker = new Worker(new URL(import.meta.url), { workerData: { role: "simulated-dashboards" } });
    this.nextId = 0;
    this.pending = new Map();
    this.roundDone = false;
    this.worker.on("message", (msg) => {
      if (msg.event === "round-done") {
        this.roundDone = true;
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
    this.worker.on("error", (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  call(cmd, args = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, args });
    });
  }

  async startRound() {
    this.roundDone = false;
    await this.call("start");
  }

  async close() {
    await this.call("close").catch(() => {});
    await this.worker.terminate();
  }
}

/** The worker side of SimPool. */
function simWorker() {
  let sims = [];
  let baseline = null;
  let watching = null;
  const all = () => (baseline ? [...sims, baseline] : sims);
  const commands = {
    async connect({ baseUrl, request, simulated, baselineWait, kpi }) {
      KPI = kpi;
      for (let i = 0; i < simulated; i += 20) {
        const chunk = Array.from({ length: Math.min(20, simulated - i) }, (_, k) => new SimDashboard(baseUrl, request, { checkBody: i + k === 0 }));
        await Promise.all(chunk.map((s) => s.connect()));
        sims.push(...chunk);
      }
      baseline = new SimDashboard(baseUrl, request, { fixedWait: baselineWait, checkBody: true });
      await baseline.connect();
      return { connected: sims.length + 1 };
    },
    start() {
      for (const s of all()) s.startRound();
      clearInterval(watching);
      watching = setInterval(() => {
        if (all().every((s) => s.cur.answered !== null)) {
          clearInterval(watching);
          parentPort.postMessage({ event: "round-done" });
        }
      }, 5);
      return true;
    },
    collect() {
      clearInterval(watching);
      return { sims: sims.map((s) => s.cur), baseline: baseline.cur };
    },
    summary() {
      return {
        refetches: sims.reduce((a, s) => a + s.refetches, 0),
        bytes: sims.reduce((a, s) => a + s.bytes, 0),
        errors: [...new Set(sims.flatMap((s) => s.errors).concat(baseline?.errors ?? []))],
      };
    },
    close() {
      clearInterval(watching);
      for (const s of all()) s.close();
      sims = [];
      baseline = null;
      return true;
    },
  };
  parentPort.on("message", async ({ id, cmd, args }) => {
    try {
      parentPort.postMessage({ id, result: await commands[cmd](args) });
    } catch (err) {
      parentPort.postMessage({ id, error: err?.stack ?? String(err) });
    }
  });
}

/**
 * In a page, from its first script on: records when each `stats_update` reaches the page's
 * socket (epoch ms), by wrapping the global `io` that the page's Socket.IO client defines.
 */
function recordUpdates() {
  const updates = (window.__benchUpdates = []);
  let io;
  Object.defineProperty(window, "io", {
    configurable: true,
    get: () => io,
    set(make) {
      io = (...args) => {
        const socket = make(...args);
        socket.on("stats_update", () => updates.push(performance.timeOrigin + performance.now()));
        return socket;
      };
    },
  });
}

/**
 * In a page, after a round: when its first `stats_update` since `since` arrived, and when
 * the refetch it started began and was answered (epoch ms, from Resource Timing).
 */
function roundBreakdown(since) {
  const update = window.__benchUpdates.find((t) => t >= since) ?? null;
  const origin = performance.timeOrigin;
  const fetches = performance
    .getEntriesByType("resource")
    .filter((e) => e.name.includes("/api/get_dashboard"))
    .map((e) => ({ start: origin + e.startTime, end: origin + e.responseEnd }));
  performance.clearResourceTimings();
  const refetch = update === null ? undefined : fetches.find((f) => f.start >= update - 1);
  return { update, fetchStart: refetch?.start ?? null, fetchEnd: refetch?.end ?? null };
}

/** In a page: reports every change of the timed card (DOM time and next frame time). */
function installKpiObserver(kpi) {
  const read = () => {
    const digits = (document.querySelector(`[data-kpi="${kpi}"]`)?.textContent ?? "").replace(/\D/g, "");
    return digits === "" ? null : Number(digits);
  };
  let last = read();
  new MutationObserver(() => {
    const value = read();
    if (value === last) return;
    last = value;
    const tDom = performance.timeOrigin + performance.now();
    window.__benchKpi("dom", value, tDom);
    requestAnimationFrame(() => window.__benchKpi("frame", value, performance.timeOrigin + performance.now()));
  }).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  return { value: last, visibility: document.visibilityState };
}

/**
 * CPU time used so far (ms, from /proc) by the server, the browser's processes and this
 * bench (its worker thread included), to show where the machine's cores go during the rounds.
 */
function cpuTimes() {
  const times = { server: 0, chromium: 0, bench: 0 };
  const tick = 1000 / 100; // USER_HZ
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = (Number(fields[11]) + Number(fields[12])) * tick; // utime + stime
    if (Number(pid) === process.pid) times.bench += ms;
    else if (comm.startsWith("chatpulse")) times.server += ms;
    else if (comm.startsWith("chrom")) times.chromium += ms;
  }
  return times;
}

/** What each part of `page_breakdown_ms` times. */
const BREAKDOWN = {
  signal: "POST answered -> stats_update at the page:",
  to_refetch: "stats_update -> refetch sent:",
  refetch: "refetch sent -> answered:",
  to_dom: "refetch answered -> number changed:",
};

async function runLatency(opts) {
  const figure = FIGURES[opts.figure];
  if (!figure) throw new Error(`--figure must be one of ${Object.keys(FIGURES).join(", ")}`);
  KPI = figure.kpi;
  const build = resolveBuild();
  const D = opts.pages;
  const total = opts.dashboards;
  if (D < 1) throw new Error("--pages must be at least 1");
  if (total < D) throw new Error("--dashboards must be at least --pages");
  const simulated = total - D;
  console.log(
    `latency: ${total} open dashboards (${D} Chromium pages + ${simulated} simulated), ${opts.rounds} rounds (+${opts.warmup} warm-up), ` +
      `server ${build.bin} (${build.kind} build, ${build.mtime}), site ${siteText(build)}, ${os.cpus().length} CPUs`,
  );

  // Every dashboard socket comes from 127.0.0.1 here, so the per-address socket cap is lifted
  // (and the ingest rate limits, for --messages).
  const server = await startServer({
    env: serverEnv(build, {
      CHATPULSE_SOCKETS_PER_ADDRESS: 0,
      CHATPULSE_KEY_EVENTS_PER_SECOND: 0,
      CHATPULSE_ADDRESS_REQUESTS_PER_SECOND: 0,
      CHATPULSE_ADDRESS_READS_PER_SECOND: 0,
    }),
  });
  let browser;
  let pool;
  const log = new BrowserLog(1000);
  try {
    browser = await launchChromium();
    let load = null;
    if (opts.messages > 0) {
      console.log(`loading ${opts.messages} messages ...`);
      load = await loadMessages(server.baseUrl, { messages: opts.messages, batch: 1000, concurrency: 4, seed: 11 });
      console.log(`loaded ${load.messages} messages in ${load.seconds} s (${load.messages_per_s} messages/s)`);
    }

    // Real pages, each its own context and login. The first one shows how a page refetches.
    const pages = [];
    let captured = null;
    for (let i = 0; i < D; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = log.watch(await context.newPage(), `page${i}`);
      page.setDefaultTimeout(60_000);
      await context.addInitScript(recordUpdates);
      const state = { i, context, page, events: [], waiters: [] };
      await page.exposeFunction("__benchKpi", (kind, value, t) => {
        state.events.push({ kind, value, t });
        for (const w of [...state.waiters]) w();
      });
      if (i === 0) {
        captured = new Promise((resolve) => {
          const onRequest = async (req) => {
            if (req.method() !== "POST" || !new URL(req.url()).pathname.startsWith("/api/get_dashboard")) return;
            page.off("request", onRequest);
            resolve({ url: req.url(), body: req.postData(), headers: await req.allHeaders() });
          };
          page.on("request", onRequest);
        });
      }
      await logIn(page, server.baseUrl, "/");
      await page.waitForSelector('[data-connection="live"]', { timeout: 60_000 });
      pages.push(state);
    }
    const request = await Promise.race([
      captured,
      sleep(10_000).then(() => {
        throw new Error("the page sent no POST /api/get_dashboard... within 10 s of going live");
      }),
    ]);
    // The page's accept-encoding stays: the server compresses for them as for the page.
    const hop = new Set(["host", "content-length", "connection", "keep-alive", "transfer-encoding"]);
    request.fetchHeaders = Object.fromEntries(Object.entries(request.headers).filter(([k]) => !hop.has(k) && !k.startsWith(":")));
    if (!request.headers.cookie) throw new Error(`the page's refetch carries no cookie: ${JSON.stringify(request.headers)}`);
    const shownRequest = {
      url: request.url.replace(server.baseUrl, ""),
      body: request.body,
      content_type: request.headers["content-type"],
      accept: request.headers.accept,
    };
    console.log(`the page refetches with POST ${shownRequest.url} (${shownRequest.content_type}) body ${shownRequest.body}`);

    // Simulated dashboards and the baseline client (in a worker thread), all with the first
    // page's session cookie.
    pool = new SimPool();
    await pool.call("connect", { baseUrl: server.baseUrl, request, simulated, baselineWait: opts.baselineWait, kpi: KPI });
    await sleep(1000); // let the connect-time refetches settle

    // Every page shows the current total; from now on, record each change.
    let totalNow = figure.fromStats(await statsTotals(server.baseUrl));
    const visibility = [];
    for (const p of pages) {
      await p.page.waitForFunction(
        ([kpi, n]) => Number((document.querySelector(`[data-kpi="${kpi}"]`)?.textContent ?? "").replace(/\D/g, "")) === n,
        [KPI, totalNow],
        { timeout: 10_000 },
      );
      const r = await p.page.evaluate(installKpiObserver, KPI);
      visibility.push(r.visibility);
    }
    if (visibility.some((v) => v !== "visible")) console.log(`warning: page visibility ${visibility.join(",")} (hidden pages hold back refetches)`);

    // Clock check: the page's epoch clock against Node's (both performance.timeOrigin + now()).
    const offsets = [];
    for (const p of pages) {
      const before = now();
      const pageNow = await p.page.evaluate(() => performance.timeOrigin + performance.now());
      const after = now();
      offsets.push(round1(pageNow - (before + after) / 2));
    }

    const samples = { dom: [], frame: [], sent_dom: [], post: [], sim_update: [], sim_answered: [], baseline_answered: [], baseline_update: [] };
    // Where a page's time goes: POST answered -> its stats_update -> its refetch sent ->
    // answered -> the number changed in the DOM.
    const parts = { signal: [], to_refetch: [], refetch: [], to_dom: [] };
    let timeouts = 0;
    let simMissing = 0;
    let staleSim = 0;
    let staleBaseline = 0;
    const runId = randomUUID().slice(0, 8);
    const rounds = opts.warmup + opts.rounds;
    let cpuBefore = null;
    for (let r = 0; r < rounds; r++) {
      const measured = r >= opts.warmup;
      if (r === opts.warmup) cpuBefore = cpuTimes();
      const expected = totalNow + figure.step;
      await pool.startRound();
      for (const p of pages) p.events = [];
      const t = Date.now();
      const visitor = `latency-${runId}-${r}`;
      const events = figure.events(visitor, t);
      const sentAt = now();
      const { answeredAt } = await postEvents(server.baseUrl, events);
      totalNow = expected;

      // Wait for every page to show the new total, every simulated client to have its refetch
      // answered, and the baseline too (or the round's timeout).
      const deadline = answeredAt + opts.roundTimeout + opts.baselineWait;
      const pageShown = (p) => p.events.find((e) => e.kind === "dom" && e.value === expected && e.t >= sentAt - 1);
      const pageFramed = (p) => p.events.find((e) => e.kind === "frame" && e.value === expected && e.t >= sentAt - 1);
      while (now() < deadline) {
        const pagesDone = pages.every((p) => pageShown(p) && pageFramed(p));
        if (pagesDone && pool.roundDone) break;
        await sleep(10);
      }
      for (const p of pages) {
        const shown = pageShown(p);
        const framed = pageFramed(p);
        const split = await p.page.evaluate(roundBreakdown, sentAt);
        if (!shown) {
          if (measured) timeouts += 1;
          continue;
        }
        if (!measured) continue;
        samples.dom.push(shown.t - answeredAt);
        samples.sent_dom.push(shown.t - sentAt);
        if (framed) samples.frame.push(framed.t - answeredAt);
        if (split.update !== null) parts.signal.push(split.update - answeredAt);
        if (split.fetchStart !== null) {
          parts.to_refetch.push(split.fetchStart - split.update);
          parts.refetch.push(split.fetchEnd - split.fetchStart);
          parts.to_dom.push(shown.t - split.fetchEnd);
        }
      }
      const cur = await pool.call("collect");
      if (measured) {
        samples.post.push(answeredAt - sentAt);
        for (const c of cur.sims) {
          if (c.update !== null) samples.sim_update.push(c.update - answeredAt);
          if (c.answered !== null) samples.sim_answered.push(c.answered - answeredAt);
          else simMissing += 1;
          if (c.total !== null && c.total !== expected) staleSim += 1;
        }
        const b = cur.baseline;
        if (b.update !== null) samples.baseline_update.push(b.update - answeredAt);
        if (b.answered !== null) samples.baseline_answered.push(b.answered - answeredAt);
        if (b.total !== null && b.total !== expected) staleBaseline += 1;
      }
      if ((r + 1) % 10 === 0) console.log(`  ... round ${r + 1}/${rounds}`);
      await sleep(opts.gap);
    }

    const cpuAfter = cpuTimes();
    const cpuPerRound = Object.fromEntries(
      Object.keys(cpuAfter).map((k) => [k, Math.round((cpuAfter[k] - cpuBefore[k]) / opts.rounds)]),
    );
    const dom = summarize(samples.dom);
    const frame = summarize(samples.frame);
    const simUpdate = summarize(samples.sim_update);
    const simAnswered = summarize(samples.sim_answered);
    const base = summarize(samples.baseline_answered);
    const post = summarize(samples.post);
    const problems = log.grouped();
    const simSummary = await pool.call("summary");
    const simErrors = simSummary.errors;
    const result = {
      mode: "latency",
      figure: opts.figure,
      build,
      dashboards: total,
      real_pages: D,
      simulated: simulated,
      rounds: opts.rounds,
      warmup: opts.warmup,
      preloaded: load,
      refetch_request: shownRequest,
      clock_offset_ms: offsets,
      event_to_screen_ms: dom,
      event_to_next_frame_ms: frame,
      cpu_ms_per_round: cpuPerRound,
      page_breakdown_ms: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)])),
      sent_to_screen_ms: summarize(samples.sent_dom),
      post_ms: post,
      page_timeouts: timeouts,
      simulated_stats_update_ms: simUpdate,
      simulated_refetch_answered_ms: simAnswered,
      simulated_missing: simMissing,
      simulated_stale_answers: staleSim,
      simulated_refetches: simSummary.refetches,
      simulated_bytes_per_refetch: simSummary.refetches ? Math.round(simSummary.bytes / simSummary.refetches) : null,
      baseline_stats_update_ms: summarize(samples.baseline_update),
      baseline_refetch_answered_ms: base,
      baseline_stale_answers: staleBaseline,
      ratio_ours_p50_over_baseline_p50: dom.p50 !== null && base.p50 ? Math.round((dom.p50 / base.p50) * 1000) / 1000 : null,
      ratio_simulated_refetch_p50_over_baseline_p50:
        simAnswered.p50 !== null && base.p50 ? Math.round((simAnswered.p50 / base.p50) * 1000) / 1000 : null,
      targets: { ...figure.target, met: dom.p50 !== null && dom.p50 <= figure.target.p50_ms && dom.p99 <= figure.target.p99_ms && timeouts === 0 },
      page_requests_ms: log.requestSummary(),
      browser_problems: problems,
      client_errors: simErrors.slice(0, 10),
      server_warnings: serverProblems(server),
    };

    console.log("");
    console.log(`Event -> new number on screen (debounce included), ${total} open dashboards, ${build.kind} build:`);
    console.log(`  real pages, POST answered -> [data-kpi="${KPI}"] changed: ${fmt(dom)}  (target p50 <= ${figure.target.p50_ms} ms, p99 <= ${figure.target.p99_ms} ms: ${result.targets.met ? "met" : "NOT met"})`);
    console.log(`  real pages, POST answered -> next animation frame:          ${fmt(frame)}`);
    console.log(`  real pages, POST sent -> changed:                           ${fmt(result.sent_to_screen_ms)}`);
    console.log(`  ingest POST round trip:                                     ${fmt(post)}`);
    for (const [k, v] of Object.entries(result.page_breakdown_ms)) console.log(`  real pages, ${BREAKDOWN[k].padEnd(52)} ${fmt(v)}`);
    console.log(
      `  CPU per round (gap included): server ${cpuPerRound.server} ms, Chromium ${cpuPerRound.chromium} ms, ` +
        `this bench with its simulated clients ${cpuPerRound.bench} ms`,
    );
    console.log(`  samples: ${dom.n} (${opts.rounds} rounds x ${D} pages), timeouts: ${timeouts}; page clock offsets vs Node: ${offsets.join(", ")} ms`);
    console.log(`  simulated (${simulated}): stats_update received ${fmt(simUpdate)}`);
    console.log(`  simulated (${simulated}): refetch answered      ${fmt(simAnswered)}; missing ${simMissing}, stale ${staleSim}, ~${kib(result.simulated_bytes_per_refetch)} per refetch on the wire`);
    console.log(`  baseline (stats_update, wait ${opts.baselineWait} ms, refetch): answered ${fmt(base)}; stale ${staleBaseline}`);
    console.log(
      `  ratio ours p50 / baseline p50: ${result.ratio_ours_p50_over_baseline_p50} ` +
        `(simulated refetch p50 / baseline p50: ${result.ratio_simulated_refetch_p50_over_baseline_p50})`,
    );
    for (const [k, v] of Object.entries(result.page_requests_ms)) console.log(`  page request ${k}: ${fmt(v)}`);
    printProblems(problems);
    if (simErrors.length) console.log(`simulated client errors: ${simErrors.slice(0, 5).join(" | ")}`);
    if (result.server_warnings.length) console.log(`server warnings/errors (log tail):\n  ${result.server_warnings.join("\n  ")}`);
    console.log(JSON.stringify(result));
  } finally {
    await pool?.close();
    await browser?.close().catch(() => {});
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// tti

/** In a page, from its first script on: marks hydration (the badge leaves "connecting") and
 * then polls clicks on the pause switch until one flips aria-pressed (and flips it back). */
function ttiProbe() {
  const b = (window.__bench = {
    hydrated: null,
    connection: null,
    interactive: null,
    clicks: 0,
    fcp: null,
    wsCreated: null,
    wsOpen: null,
    longTasks: [],
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch {
    /* no long task timing */
  }
  // When the page opens its Socket.IO WebSocket (the app does so from an effect that runs
  // once hydration is done) and when that WebSocket is open.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (b.wsCreated === null) {
        b.wsCreated = performance.now();
        this.addEventListener("open", () => {
          b.wsOpen ??= performance.now();
        });
      }
    }
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === "first-contentful-paint" && b.fcp === null) b.fcp = e.startTime;
    }).observe({ type: "paint", buffered: true });
  } catch {
    /* no paint timing */
  }
  const button = () => document.querySelector(".live-status button.toggle");
  const probeClicks = () => {
    const el = button();
    if (!el) return setTimeout(probeClicks, 5);
    const before = el.getAttribute("aria-pressed");
    const watcher = new MutationObserver(() => {
      const now = button()?.getAttribute("aria-pressed");
      if (b.interactive === null && now !== before) {
        b.interactive = performance.now();
        watcher.disconnect();
        clearInterval(timer);
        button().click(); // undo the pause
      }
    });
    watcher.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["aria-pressed"] });
    const click = () => {
      if (b.interactive !== null) return;
      b.clicks += 1;
      button()?.click();
    };
    const timer = setInterval(click, 10);
    click();
  };
  const check = () => {
    if (b.hydrated !== null) return;
    const v = document.querySelector("[data-connection]")?.getAttribute("data-connection");
    if (v && v !== "connecting") {
      b.hydrated = performance.now();
      b.connection = v;
      observer.disconnect();
      probeClicks();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-connection"] });
}

/** Sizes and timings of what one navigation loaded, from the page's performance entries. */
function collectTimings() {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  const resources = performance.getEntriesByType("resource").map((r) => ({
    name: r.name,
    initiator: r.initiatorType,
    transfer: r.transferSize,
    encoded: r.encodedBodySize,
    decoded: r.decodedBodySize,
    start: r.startTime,
    end: r.responseEnd,
  }));
  return {
    nav: {
      name: nav.name,
      transfer: nav.transferSize,
      encoded: nav.encodedBodySize,
      decoded: nav.decodedBodySize,
      responseStart: nav.responseStart,
      responseEnd: nav.responseEnd,
      dcl: nav.domContentLoadedEventStart,
      load: nav.loadEventStart,
    },
    paint,
    resources,
    bench: window.__bench,
  };
}

function categorize(url) {
  const p = new URL(url).pathname;
  if (p.startsWith("/vendor/")) return "vendor";
  if (p.endsWith(".wasm")) return "wasm";
  if (p.endsWith(".css")) return "css";
  if (p.endsWith(".js") || p.endsWith(".mjs")) return "js";
  if (p.startsWith("/api/")) return "api";
  return "other";
}

async function runTti(opts) {
  const build = resolveBuild();
  console.log(
    `tti: ${opts.messages} messages, ${opts.runs} navigations to /, server ${build.bin} (${build.kind} build, ${build.mtime}), ` +
      `site ${siteText(build)}, ${os.cpus().length} CPUs`,
  );
  // One ingest key loads a million messages as fast as the server takes them: the per-key
  // event rate limit (a guard against a runaway client) is lifted.
  const server = await startServer({
    env: serverEnv(build, { CHATPULSE_KEY_EVENTS_PER_SECOND: 0, CHATPULSE_ADDRESS_REQUESTS_PER_SECOND: 0, CHATPULSE_ADDRESS_READS_PER_SECOND: 0 }),
  });
  let browser;
  let peer;
  const log = new BrowserLog(2000);
  try {
    console.log(`loading ${opts.messages} messages (batches of ${opts.batch}, ${opts.concurrency} in flight) ...`);
    const load = await loadMessages(server.baseUrl, {
      messages: opts.messages,
      batch: opts.batch,
      concurrency: opts.concurrency,
      seed: opts.seed,
    });
    console.log(
      `loaded ${load.messages} messages (${load.events} events, ${load.requests} requests) in ${load.seconds} s: ` +
        `${load.messages_per_s} messages/s, ${load.events_per_s} events/s`,
    );

    const exit = await server.kill();
    const restartStarted = now();
    await server.restart();
    const restartMs = round1(now() - restartStarted);
    console.log(`server restarted (exit ${JSON.stringify(exit)}); healthy again after ${restartMs} ms`);
    const statsStarted = now();
    const stats = await statsTotals(server.baseUrl);
    const firstStatsMs = round1(now() - statsStarted);
    const stored12m = stats.monthly.reduce((a, m) => a + m.messages, 0);
    console.log(
      `GET /api/stats after the restart: ${firstStatsMs} ms; last 30 days ${stats.totals.messages} messages, ${stats.totals.sessions} sessions, ` +
        `${stats.totals.users} users; last 12 months ${stored12m} messages`,
    );

    // The peer serves the same database, with its own checkpoint file and site.
    if (opts.peerBin) {
      if (!opts.peerSite) throw new Error("--peer-bin needs --peer-site");
      peer = await startServer({
        bin: path.resolve(opts.peerBin),
        env: {
          ...serverEnv(build, {}),
          LEPTOS_SITE_ROOT: path.resolve(opts.peerSite),
          CHATPULSE_DATABASE_URL: `sqlite://${server.dataDir}/t.db`,
          CHATPULSE_CHECKPOINT: `${server.dataDir}/peer.checkpoint`,
        },
      });
      console.log(`peer: ${opts.peerBin}, site ${opts.peerSite}, serving the same database`);
    }

    browser = await launchChromium();
    const targets = [{ name: "chatpulse", server, runs: [] }];
    if (peer) targets.push({ name: "peer", server: peer, runs: [] });
    for (const target of targets) {
      const loginContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const loginPage = log.watch(await loginContext.newPage(), `login-${target.name}`);
      await logIn(loginPage, target.server.baseUrl, "/");
      await loginPage.waitForSelector('[data-connection="live"]', { timeout: 120_000 });
      target.storageState = await loginContext.storageState();
      await loginContext.close();
    }

    // The navigations alternate between the servers, so that both see the same machine.
    for (let i = 0; i < opts.runs * targets.length; i++) {
      const target = targets[i % targets.length];
      const { runs, storageState } = target;
      const baseUrl = target.server.baseUrl;
      const context = await browser.newContext({ storageState, viewport: { width: 1280, height: 800 } });
      await context.addInitScript(ttiProbe);
      const page = log.watch(await context.newPage(), `${target.name}-run${runs.length}`);
      page.setDefaultTimeout(120_000);
      // The WebSocket as the network saw it (not when the page's busy main thread got to it).
      const net = { doc: null, wsCreated: null, handshake: null, connectAck: null };
      const cdp = await context.newCDPSession(page);
      cdp.on("Network.requestWillBeSent", (e) => {
        if (net.doc === null && e.type === "Document") net.doc = e.timestamp;
      });
      cdp.on("Network.webSocketWillSendHandshakeRequest", (e) => {
        net.wsCreated ??= e.timestamp;
      });
      cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
        net.handshake ??= e.timestamp;
      });
      cdp.on("Network.webSocketFrameReceived", (e) => {
        if (net.connectAck === null && e.response?.payloadData?.startsWith("40/dashboard")) net.connectAck = e.timestamp;
      });
      await cdp.send("Network.enable");
      // The page refetches its figures once its socket connects; wait for that to finish so
      // its bytes are counted (apart, as "api") and nothing is cut off when the context closes.
      const refetched = page
        .waitForResponse((r) => new URL(r.url()).pathname.startsWith("/api/get_dashboard"), { timeout: 60_000 })
        .then((r) => r.finished())
        .catch(() => null);
      const response = await page.goto(`${baseUrl}/`, { waitUntil: "load", timeout: 120_000 });
      if (new URL(page.url()).pathname !== "/") throw new Error(`navigation to / ended at ${page.url()} (${response?.status()})`);
      await page.waitForFunction(() => window.__bench?.interactive !== null, null, { timeout: 120_000, polling: 50 });
      await refetched;
      // Whatever the page still loads on its own (ECharts, a chart's lazy module) counts in its
      // bytes: they are read once the network has been quiet for 500 ms.
      await page.waitForLoadState("networkidle", { timeout: 60_000 }).catch(() => null);
      const t = await page.evaluate(collectTimings);
      const bytes = { document: { transfer: t.nav.transfer, encoded: t.nav.encoded, decoded: t.nav.decoded } };
      for (const r of t.resources) {
        const kind = categorize(r.name);
        const b = (bytes[kind] ??= { transfer: 0, encoded: 0, decoded: 0, files: [] });
        b.transfer += r.transfer;
        b.encoded += r.encoded;
        b.decoded += r.decoded;
        b.files.push(new URL(r.name).pathname);
      }
      const wasm = t.resources.find((r) => categorize(r.name) === "wasm");
      const lastEnd = (kind) => {
        const ends = t.resources.filter((r) => categorize(r.name) === kind).map((r) => r.end);
        return ends.length ? Math.max(...ends) : null;
      };
      const run = {
        ttfb: t.nav.responseStart,
        document_end: t.nav.responseEnd,
        dcl: t.nav.dcl,
        fcp: t.bench.fcp ?? t.paint["first-contentful-paint"] ?? null,
        load: t.nav.load,
        wasm_end: wasm?.end ?? null,
        vendor_end: lastEnd("vendor"),
        socket_created: t.bench.wsCreated,
        socket_open: t.bench.wsOpen,
        // CDP timestamps are seconds on a monotonic clock; relative to the document request.
        net_ws_request: net.doc !== null && net.wsCreated !== null ? (net.wsCreated - net.doc) * 1000 : null,
        net_ws_handshake: net.doc !== null && net.handshake !== null ? (net.handshake - net.doc) * 1000 : null,
        net_connect_ack: net.doc !== null && net.connectAck !== null ? (net.connectAck - net.doc) * 1000 : null,
        long_tasks_before_hydrated: t.bench.longTasks.filter(([start]) => start < (t.bench.hydrated ?? Infinity)).reduce((a, [, d]) => a + d, 0),
        longest_task: t.bench.longTasks.reduce((a, [, d]) => Math.max(a, d), 0),
        hydrated: t.bench.hydrated,
        connection: t.bench.connection,
        interactive: t.bench.interactive,
        clicks: t.bench.clicks,
        bytes,
      };
      runs.push(run);
      console.log(
        `  ${target.name} run ${runs.length}: TTFB ${round1(run.ttfb)}, DCL ${round1(run.dcl)}, FCP ${round1(run.fcp)}, hydrated ${round1(run.hydrated)} (${run.connection}), ` +
          `interactive ${round1(run.interactive)} ms (${run.clicks} click(s)); document ${kib(bytes.document.transfer)}, WASM ${kib(bytes.wasm?.transfer)}`,
      );
      await context.close();
    }

    const results = targets.map((target) => summarizeTti(target.runs));
    const [main, peerResult] = results;
    const problems = log.grouped();
    const result = {
      mode: "tti",
      build,
      load: { ...load, batch: opts.batch, concurrency: opts.concurrency },
      restart_ms: restartMs,
      first_stats_after_restart_ms: firstStatsMs,
      figures: { messages_30d: stats.totals.messages, sessions_30d: stats.totals.sessions, users_30d: stats.totals.users, messages_12m: stored12m },
      runs: opts.runs,
      ...main,
      peer: peerResult ? { bin: opts.peerBin, site: opts.peerSite, ...peerResult } : undefined,
      page_requests_ms: log.requestSummary(),
      browser_problems: problems,
      server_warnings: serverProblems(server),
    };

    console.log("");
    for (const [target, r] of targets.map((t, i) => [t, results[i]])) {
      console.log(`${target.name}: navigation to / -> hydrated and interactive, ${load.messages} stored messages, ${opts.runs} runs (p50 / max):`);
      printTti(r);
    }
    if (peerResult) {
      const ratio = (k) => (main.ms[k].p50 && peerResult.ms[k].p50 ? (main.ms[k].p50 / peerResult.ms[k].p50).toFixed(2) : "?");
      console.log(
        `chatpulse / peer, p50: hydrated ${ratio("hydrated")}, interactive ${ratio("interactive")}, first contentful paint ${ratio("first_contentful_paint")}; ` +
          `bytes ${(main.bytes_total_transfer_p50 / peerResult.bytes_total_transfer_p50).toFixed(2)}`,
      );
    }
    console.log(
      `  load: ${load.messages} messages in ${load.seconds} s (${load.messages_per_s} messages/s, ${load.events_per_s} events/s); ` +
        `restart ${restartMs} ms; first GET /api/stats ${firstStatsMs} ms`,
    );
    for (const [k, v] of Object.entries(result.page_requests_ms)) console.log(`  page request ${k}: ${fmt(v)}`);
    printProblems(problems);
    if (result.server_warnings.length) console.log(`server warnings/errors (log tail):\n  ${result.server_warnings.join("\n  ")}`);
    console.log(JSON.stringify(result));
  } finally {
    await browser?.close().catch(() => {});
    await peer?.stop();
    await server.stop();
  }
}

/** The p50s and maxima of one server's navigations, and the bytes they loaded. */
function summarizeTti(runs) {
  const metric = (k) => {
    const s = summarize(runs.map((r) => r[k]));
    return { p50: s.p50, max: s.max, min: s.min, n: s.n };
  };
  const kinds = ["document", "wasm", "js", "css", "vendor", "api"];
  const bytes = {};
  for (const k of kinds) {
    const list = runs.map((r) => r.bytes[k]).filter(Boolean);
    if (!list.length) continue;
    const tr = summarize(list.map((b) => b.transfer));
    const enc = summarize(list.map((b) => b.encoded));
    const dec = summarize(list.map((b) => b.decoded));
    bytes[k] = { transfer_p50: tr.p50, transfer_max: tr.max, encoded_p50: enc.p50, decoded_p50: dec.p50, files: list[0].files ?? undefined };
  }
  const totalTransfer = summarize(runs.map((r) => kinds.filter((k) => k !== "api").reduce((a, k) => a + (r.bytes[k]?.transfer ?? 0), 0)));
  return {
    ms: {
      ttfb: metric("ttfb"),
      document_end: metric("document_end"),
      dom_content_loaded: metric("dcl"),
      first_contentful_paint: metric("fcp"),
      vendor_scripts_downloaded: metric("vendor_end"),
      wasm_downloaded: metric("wasm_end"),
      load_event: metric("load"),
      socket_opened_by_app: metric("socket_created"),
      websocket_request_on_network: metric("net_ws_request"),
      websocket_handshake_on_network: metric("net_ws_handshake"),
      dashboard_connect_ack_on_network: metric("net_connect_ack"),
      websocket_open_event: metric("socket_open"),
      long_tasks_before_hydrated: metric("long_tasks_before_hydrated"),
      longest_task: metric("longest_task"),
      hydrated: metric("hydrated"),
      interactive: metric("interactive"),
    },
    connection_at_hydrated: [...new Set(runs.map((r) => r.connection))],
    bytes,
    bytes_total_transfer_p50: totalTransfer.p50,
    per_run: runs.map((r) => ({
      ttfb: round1(r.ttfb),
      dcl: round1(r.dcl),
      fcp: round1(r.fcp),
      socket_created: round1(r.socket_created),
      hydrated: round1(r.hydrated),
      interactive: round1(r.interactive),
    })),
  };
}

/** One server's summary, as `summarizeTti` made it. */
function printTti(result) {
  const line = (label, m) => console.log(`  ${label.padEnd(34)} ${String(m.p50).padStart(8)} ms / ${String(m.max).padStart(8)} ms`);
  line("time to first byte", result.ms.ttfb);
  line("document received", result.ms.document_end);
  line("DOMContentLoaded", result.ms.dom_content_loaded);
  line("first contentful paint", result.ms.first_contentful_paint);
  line("vendor scripts downloaded", result.ms.vendor_scripts_downloaded);
  line("WASM downloaded", result.ms.wasm_downloaded);
  line("load event", result.ms.load_event);
  line("app opens its WebSocket", result.ms.socket_opened_by_app);
  line("  WebSocket request sent (network)", result.ms.websocket_request_on_network);
  line("  WebSocket handshake (network)", result.ms.websocket_handshake_on_network);
  line("  /dashboard connect ack (network)", result.ms.dashboard_connect_ack_on_network);
  line("  WebSocket open event in page", result.ms.websocket_open_event);
  line("hydrated (badge leaves connecting)", result.ms.hydrated);
  line("interactive (pause click works)", result.ms.interactive);
  line("long tasks before hydrated (sum)", result.ms.long_tasks_before_hydrated);
  line("longest main-thread task", result.ms.longest_task);
  console.log("  bytes per navigation (transferred / encoded body / decoded body, p50):");
  for (const [k, b] of Object.entries(result.bytes)) {
    console.log(`    ${k.padEnd(9)} ${kib(b.transfer_p50).padStart(12)} / ${kib(b.encoded_p50).padStart(12)} / ${kib(b.decoded_p50).padStart(12)}  ${(b.files ?? []).join(" ")}`);
  }
  console.log(`    total (without api) ${kib(result.bytes_total_transfer_p50)}`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      pages: { type: "string" },
      dashboards: { type: "string" },
      rounds: { type: "string" },
      warmup: { type: "string" },
      gap: { type: "string" },
      "baseline-wait": { type: "string" },
      messages: { type: "string" },
      "round-timeout": { type: "string" },
      figure: { type: "string" },
      runs: { type: "string" },
      batch: { type: "string" },
      concurrency: { type: "string" },
      seed: { type: "string" },
      "peer-bin": { type: "string" },
      "peer-site": { type: "string" },
    },
  });
  const mode = positionals[0];
  if (values.help || !mode) {
    console.log(HELP);
    process.exit(values.help ? 0 : 2);
  }
  const int = (name, fallback) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ""));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, got ${raw}`);
    return n;
  };
  if (mode === "latency") {
    await runLatency({
      pages: int("pages", 4),
      dashboards: int("dashboards", 100),
      rounds: int("rounds", 60),
      warmup: int("warmup", 3),
      gap: int("gap", 500),
      baselineWait: int("baseline-wait", 800),
      messages: int("messages", 0),
      roundTimeout: int("round-timeout", 5000),
      figure: values.figure ?? "messages",
    });
  } else if (mode === "tti") {
    const batch = int("batch", 1000);
    if (batch < 1 || batch > 1000) throw new Error("--batch must be 1..1000 (api.md)");
    await runTti({
      messages: int("messages", 1_000_000),
      runs: int("runs", 10),
      batch,
      concurrency: Math.max(1, int("concurrency", 4)),
      seed: int("seed", 7),
      peerBin: values["peer-bin"],
      peerSite: values["peer-site"],
    });
  } else {
    console.error(`unknown mode ${mode}\n\n${HELP}`);
    process.exit(2);
  }
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err?.stack ?? String(err));
      process.exit(1);
    },
  );
} else if (workerData?.role === "simulated-dashboards") {
  simWorker();
}
