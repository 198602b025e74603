// The dashboard's own Socket.IO client (scripts/vendor/live-socket.js, served minified as
// /vendor/live-socket.js) against the reference server, npm socket.io, in headless Chromium:
// over a WebSocket and, where the server refuses one, over long-polling, it connects to a
// namespace, hears events, sends them, answers the server's pings, reports a refused
// handshake with the server's message, and reports a disconnect it can recover from with
// `connect()`. The browser tests run it against chatpulse itself.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Server } from "socket.io";

import { launchChromium } from "./lib/chromium.mjs";
import { REPO_ROOT } from "./lib/server.mjs";

const CLIENT = readFileSync(path.join(REPO_ROOT, "public/vendor/live-socket.js"));
const TEST_TIMEOUT_MS = 30_000;
// Short heartbeats, so that a client that does not answer pings is cut off within the test
// (after 2 s), but not so short that a loaded machine (the suite runs files side by side)
// misses one.
const PING_INTERVAL_MS = 1000;
const PING_TIMEOUT_MS = 1000;

/**
 * A page and the client on one origin, with a socket.io server whose `/dashboard` namespace
 * admits only a handshake that carries the cookie `admit=yes`, like chatpulse's login.
 */
async function referenceServer(transports) {
  const server = http.createServer((req, res) => {
    if (req.url === "/vendor/live-socket.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(CLIENT);
    } else {
      res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script src="/vendor/live-socket.js"></script>');
    }
  });
  const io = new Server(server, { transports, pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS });
  const heard = [];
  const sockets = [];
  const dashboard = io.of("/dashboard");
  dashboard.use((socket, next) => {
    if ((socket.handshake.headers.cookie ?? "").includes("admit=yes")) next();
    else next(Object.assign(new Error("log in again"), { data: { code: "login" } }));
  });
  dashboard.on("connection", (socket) => {
    sockets.push(socket);
    socket.onAny((event, ...args) => heard.push({ event, args, transport: socket.conn.transport.name }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // io.close() closes the HTTP server, which waits for every open connection: the browser's
  // keep-alive and long-polling ones are cut, so that the close does not wait on them.
  const close = () =>
    new Promise((resolve) => {
      io.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${server.address().port}/`, io, dashboard, heard, sockets, close };
}

/** Opens the client in a page; what it fires lands in `window.seen`. */
async function openClient(page, url, { admitted = true } = {}) {
  await page.goto(url);
  await page.evaluate((admitted) => {
    if (admitted) document.cookie = "admit=yes";
    window.seen = [];
    const socket = io("/dashboard", { transports: ["websocket", "polling"] });
    for (const event of ["connect", "connect_error", "disconnect", "news", "numbers"]) {
      socket.on(event, (...args) => window.seen.push([event, ...args.map((a) => (a instanceof Error ? { message: a.message, data: a.data } : a))]));
    }
    window.socket = socket;
  }, admitted);
}

const seen = (page) => page.evaluate(() => window.seen);
const until = async (what, check, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
const firedOf = async (page, event, count = 1) =>
  until(`${count} × ${event}`, async () => {
    const all = (await seen(page)).filter(([e]) => e === event);
    return all.length >= count && all;
  });

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** Runs `fn(page, server)` with a fresh reference server and a page of its own, then closes both. */
async function withReference(transports, fn) {
  const server = await referenceServer(transports);
  const context = await browser.newContext();
  try {
    await fn(await context.newPage(), server);
  } finally {
    await context.close();
    // A test may have closed it already.
    await server.close().catch(() => {});
  }
}

for (const [name, transports, expected] of [
  ["a WebSocket", ["websocket", "polling"], "websocket"],
  ["long-polling where the server refuses WebSockets", ["polling"], "polling"],
]) {
  describe(`live-socket over ${name}`, { concurrency: false }, () => {
    test("connects, hears and sends events, and outlives several heartbeats", { timeout: TEST_TIMEOUT_MS }, async () => {
      await withReference(transports, async (page, server) => {
        await openClient(page, server.url);
        await firedOf(page, "connect");
        assert.equal(await page.evaluate(() => window.socket.connected), true);
        const socket = server.sockets[0];
        socket.emit("news", { version: 7, channel: "web" }, "ünïcödé ✓");
        socket.emit("numbers", 1, [2, 3]);
        // An event that asks for an acknowledgement carries an id before its JSON.
        socket.emit("news", "with an id", () => {});
        await firedOf(page, "news", 2);
        await firedOf(page, "numbers");
        const events = (await seen(page)).filter(([e]) => e === "news" || e === "numbers");
        assert.deepEqual(events, [
          ["news", { version: 7, channel: "web" }, "ünïcödé ✓"],
          ["numbers", 1, [2, 3]],
          ["news", "with an id"],
        ]);
        await page.evaluate(() => window.socket.emit("watch", "premium", { n: 1 }));
        await until("the server hears `watch`", () => server.heard.length >= 1);
        assert.deepEqual(server.heard[0], { event: "watch", args: ["premium", { n: 1 }], transport: expected });
        // Four heartbeats: a client that did not answer would be cut off after the first.
        await new Promise((resolve) => setTimeout(resolve, 4 * PING_INTERVAL_MS));
        assert.equal(server.sockets[0].connected, true);
        assert.equal(await page.evaluate(() => window.socket.connected), true);
        assert.deepEqual((await seen(page)).filter(([e]) => e === "disconnect"), []);
      });
    });

    test("a refused handshake fires connect_error with the server's message", { timeout: TEST_TIMEOUT_MS }, async () => {
      await withReference(transports, async (page, server) => {
        await openClient(page, server.url, { admitted: false });
        const [[, error]] = await firedOf(page, "connect_error");
        assert.deepEqual(error, { message: "log in again", data: { code: "login" } });
        assert.equal(await page.evaluate(() => window.socket.connected), false);
        assert.equal(server.sockets.length, 0);
      });
    });

    test("a disconnect by the server is reported, and connect() comes back", { timeout: TEST_TIMEOUT_MS }, async () => {
      await withReference(transports, async (page, server) => {
        await openClient(page, server.url);
        await firedOf(page, "connect");
        server.sockets[0].disconnect(true);
        const [[, reason]] = await firedOf(page, "disconnect");
        assert.equal(reason, "io server disconnect");
        assert.equal(await page.evaluate(() => window.socket.connected), false);
        await page.evaluate(() => window.socket.connect());
        await firedOf(page, "connect", 2);
        await until("a second connection", () => server.sockets.length === 2 && server.sockets[1].connected);
        await page.evaluate(() => window.socket.emit("watch", "web"));
        await until("the server hears `watch` again", () => server.heard.length >= 1);
        assert.equal(server.heard[0].transport, expected);
      });
    });

    test("a server that goes away is a disconnect, and connecting to nothing an error", { timeout: TEST_TIMEOUT_MS }, async () => {
      await withReference(transports, async (page, server) => {
        await openClient(page, server.url);
        await firedOf(page, "connect");
        await server.close();
        await firedOf(page, "disconnect");
        await page.evaluate(() => window.socket.connect());
        await firedOf(page, "connect_error");
        assert.equal(await page.evaluate(() => window.socket.connected), false);
        assert.equal((await seen(page)).filter(([e]) => e === "connect").length, 1);
      });
    });
  });
}
