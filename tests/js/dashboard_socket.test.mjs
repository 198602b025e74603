// The Socket.IO contract (api.md), checked with the real npm socket.io-client against a
// running chatpulse server: live dashboard updates, handshake auth, and ingest with acks.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";

import { message as sharedMessage } from "./lib/dashboard.mjs";
import { INGEST_KEY, READ_KEY, startServer } from "./lib/server.mjs";

const EVENT_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 30_000;

let server;
const sockets = [];

before(async () => {
  server = await startServer();
});

after(async () => {
  for (const s of sockets) s.disconnect();
  await server?.stop();
});

function connect(namespace, token) {
  const socket = io(`${server.baseUrl}${namespace}`, {
    auth: { token },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: EVENT_TIMEOUT_MS,
  });
  sockets.push(socket);
  return socket;
}

/** Settles like `executor` would, or rejects with `message` after EVENT_TIMEOUT_MS. */
function within(message, executor) {
  let timer;
  return new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
    executor(resolve, reject);
  }).finally(() => clearTimeout(timer));
}

function connected(socket) {
  return within("no connect", (resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
  });
}

function refused(socket) {
  return within("no connect_error", (resolve, reject) => {
    socket.once("connect", () => reject(new Error("the handshake was accepted")));
    socket.once("connect_error", resolve);
  });
}

/** Collects every `event` payload on `socket` from now on. */
function record(socket, event) {
  const seen = [];
  const waiters = [];
  socket.on(event, (payload) => {
    seen.push(payload);
    for (const w of [...waiters]) w();
  });
  /** Resolves with the first recorded payload matching `pred`, or rejects after a timeout. */
  seen.waitFor = (pred, what = event) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = seen.find(pred);
        if (hit === undefined) return false;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`no ${what} within ${EVENT_TIMEOUT_MS} ms; got ${JSON.stringify(seen)}`));
      }, EVENT_TIMEOUT_MS);
      waiters.push(check);
      check();
    });
  return seen;
}

async function api(path, { key, body } = {}) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

describe("the /dashboard namespace", () => {
  test("pushes stats_update and new_message after HTTP ingest, and /api/stats already shows the events", { timeout: TEST_TIMEOUT_MS }, async () => {
    const socket = connect("/dashboard", READ_KEY);
    const updates = record(socket, "stats_update");
    const messages = record(socket, "new_message");
    await connected(socket);

    const now = Date.now();
    const events = [
      { type: "message", id: `js-${randomUUID()}`, channel: "web", user_id: "u1", sender: "user", at: new Date(now - 60_000).toISOString() },
      { type: "message", id: `js-${randomUUID()}`, channel: "web", user_id: "u1", sender: "bot", at: new Date(now).toISOString() },
    ];
    const ingest = await api("/api/ingest/events", { key: INGEST_KEY, body: events });
    assert.equal(ingest.status, 202, `ingest answered ${ingest.status}: ${ingest.text}`);
    assert.deepEqual(ingest.json, { accepted: 2, duplicates: 0 });

    const update = await updates.waitFor(
      (u) => u?.channel === "web" && Array.isArray(u.kinds) && u.kinds.includes("message"),
      "stats_update for channel web with kind message",
    );
    assert.equal(typeof update.version, "number", `version is not a number: ${JSON.stringify(update)}`);
    assert.ok(Number.isInteger(update.version) && update.version >= 0);
    assert.equal(typeof update.at, "string");

    const stats = await api("/api/stats?channel=web", { key: READ_KEY });
    assert.equal(stats.status, 200, `GET /api/stats answered ${stats.status}: ${stats.text}`);
    assert.equal(stats.json.channel, "web");
    assert.equal(stats.json.totals.sessions, 1);
    assert.equal(stats.json.totals.messages, 2);
    assert.ok(
      stats.json.version >= update.version,
      `stats version ${stats.json.version} is older than stats_update version ${update.version}`,
    );

    await messages.waitFor(() => messages.length >= 2, "two new_message events");
    assert.equal(messages.length, 2, `new_message events: ${JSON.stringify(messages)}`);
    const senders = messages.map((m) => m.sender).sort();
    assert.deepEqual(senders, ["bot", "user"]);
    for (const m of messages) {
      assert.equal(m.channel, "web");
      assert.equal(m.user_id, "u1");
      assert.equal(m.human_mode, false);
      assert.equal(typeof m.at, "string");
    }
    socket.disconnect();
  });

  test("refuses a bad token at the handshake with connect_error", { timeout: TEST_TIMEOUT_MS }, async () => {
    const socket = connect("/dashboard", "not-a-real-key");
    let didConnect = false;
    socket.on("connect", () => {
      didConnect = true;
    });
    const err = await refused(socket);
    assert.ok(err instanceof Error);
    assert.equal(typeof err.message, "string");
    assert.ok(err.message.length > 0, "connect_error should say why");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(didConnect, false);
    assert.equal(socket.connected, false);
    socket.disconnect();
  });

  test("announces session_started at a session's second message, human_takeover after bot mode, and nothing for a late message", { timeout: TEST_TIMEOUT_MS }, async () => {
    const socket = connect("/dashboard", READ_KEY);
    const started = record(socket, "session_started");
    const takeovers = record(socket, "human_takeover");
    const messages = record(socket, "new_message");
    await connected(socket);

    const ingest = async (events) => {
      const res = await api("/api/ingest/events", { key: INGEST_KEY, body: events });
      assert.equal(res.status, 202, `ingest answered ${res.status}: ${res.text}`);
    };
    const message = (user_id, sender, atMs, extra = {}) => sharedMessage(user_id, sender, atMs, { channel: "premium", ...extra });
    const of = (user) => (p) => p?.user_id === user;
    /** Every milestone of `user` so far, as [event, payload]. */
    const milestones = (user) => [
      ...started.filter(of(user)).map((p) => ["session_started", p]),
      ...takeovers.filter(of(user)).map((p) => ["human_takeover", p]),
    ];
    const now = Date.now();
    const user = `m-${randomUUID()}`;

    // The first message opens a session that does not count yet (min_session_messages 2).
    await ingest([message(user, "user", now - 300_000, { user_name: "Ayşe" })]);
    await messages.waitFor(of(user), `new_message of ${user}`);
    // The second one makes it count: session_started, with the session's name.
    const secondAt = now - 240_000;
    await ingest([message(user, "bot", secondAt)]);
    const start = await started.waitFor(of(user), `session_started of ${user}`);
    assert.deepEqual({ ...start, at: Date.parse(start.at) }, { channel: "premium", user_id: user, user_name: "Ayşe", at: secondAt });

    // A human answers after the bot: human_takeover; a second human message is no new takeover.
    const humanAt = now - 180_000;
    await ingest([message(user, "operator", humanAt, { human_mode: true }), message(user, "operator", now - 170_000, { human_mode: true })]);
    const takeover = await takeovers.waitFor(of(user), `human_takeover of ${user}`);
    assert.deepEqual({ ...takeover, at: Date.parse(takeover.at) }, { channel: "premium", user_id: user, user_name: "Ayşe", at: humanAt });

    // Late: a message older than the one stored makes another visitor's session count (and is
    // in human mode), yet it only corrects history: no session_started, no human_takeover.
    const late = `late-${randomUUID()}`;
    await ingest([message(late, "user", now - 60_000, { user_name: "Late" })]);
    await ingest([message(late, "operator", now - 90_000, { human_mode: true })]);
    // Events are applied in commit order: once a later visitor's session_started arrives,
    // anything the late message caused would have been sent already.
    const sentinel = `sentinel-${randomUUID()}`;
    await ingest([message(sentinel, "user", now - 20_000), message(sentinel, "bot", now - 10_000)]);
    await started.waitFor(of(sentinel), `session_started of ${sentinel}`);
    assert.deepEqual(milestones(late), [], `a late message was announced: ${JSON.stringify(milestones(late))}`);
    assert.equal(messages.filter(of(late)).length, 2, `new_message events of ${late}: ${JSON.stringify(messages.filter(of(late)))}`);
    // ... while the figures count the session it completed.
    const stats = await api(`/api/stats?channel=premium&per_page=500`, { key: READ_KEY });
    assert.ok(
      stats.json.sessions_page.rows.some((r) => r.user_id === late && r.message_count === 2 && r.human_mode),
      `the late message did not complete ${late}'s session: ${stats.text}`,
    );
    assert.deepEqual(milestones(user).map(([event]) => event), ["session_started", "human_takeover"]);
    socket.disconnect();
  });
});

describe("the /ingest namespace", () => {
  test("acknowledges a message, then its duplicate, and refuses an invalid one with problems", { timeout: TEST_TIMEOUT_MS }, async () => {
    const socket = connect("/ingest", INGEST_KEY);
    await connected(socket);
    const send = (payload) => socket.timeout(EVENT_TIMEOUT_MS).emitWithAck("message", payload);

    const message = { channel: "premium", user_id: "u2", sender: "user", id: "x1" };
    assert.deepEqual(await send(message), { ok: true, duplicate: false });
    assert.deepEqual(await send(message), { ok: true, duplicate: true });

    const invalid = await send({ channel: "premium", user_id: "u2", id: "x2" });
    assert.equal(invalid.ok, false, JSON.stringify(invalid));
    assert.equal(typeof invalid.error, "string");
    assert.ok(Array.isArray(invalid.problems), JSON.stringify(invalid));
    assert.ok(
      invalid.problems.some((p) => p.field === "sender"),
      `no problem names field "sender": ${JSON.stringify(invalid.problems)}`,
    );
    socket.disconnect();
  });

  test("refuses a key without the ingest scope at the handshake with connect_error", { timeout: TEST_TIMEOUT_MS }, async () => {
    const socket = connect("/ingest", READ_KEY);
    const err = await refused(socket);
    assert.ok(err.message.length > 0);
    socket.disconnect();
  });
});
