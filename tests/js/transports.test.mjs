// How live updates travel, in Chromium: the page's socket connects while its WASM is still
// on the way, and the app goes live on that one socket; behind a proxy that refuses
// WebSockets the page falls back to long-polling and stays live; and a dashboard of one
// channel does not refetch on the other channel's traffic (it watches its channel's room).
// The data set and helpers: tests/js/lib/dashboard_suite.mjs.
import assert from "node:assert/strict";
import http from "node:http";
import { describe, test } from "node:test";

import {
  useDashboardSuite,
  TEST_TIMEOUT_MS,
  UPDATE_MS,
  assertNoProblems,
  assertNotReloaded,
  expectKpi,
  ingest,
  kpiValue,
  mark,
  message,
  pageProblems,
  server,
  waitLive,
  watch,
  withContext,
  withPage,
} from "./lib/dashboard_suite.mjs";

useDashboardSuite();

/** An HTTP proxy in front of the server that answers every WebSocket upgrade with 403. */
async function refusingProxy() {
  const target = new URL(server.baseUrl);
  const seen = { upgrades: 0, polls: 0 };
  const proxy = http.createServer((req, res) => {
    if (req.url.startsWith("/socket.io/") && req.url.includes("transport=polling")) seen.polls += 1;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on("upgrade", (_req, socket) => {
    seen.upgrades += 1;
    socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  });
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${proxy.address().port}`, seen, close: () => new Promise((r) => proxy.close(r)) };
}

describe("live transports and rooms", { concurrency: false }, () => {
  test("the socket connects before the WASM has arrived, and the app goes live on that one socket", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "early socket";
    await withContext({}, async (context) => {
      const page = watch(await context.newPage(), label);
      const seen = { sockets: 0, connectAck: null, wasmReleased: null };
      page.on("websocket", (ws) => {
        if (!ws.url().includes("/socket.io/")) return;
        seen.sockets += 1;
        ws.on("framereceived", (frame) => {
          if (seen.connectAck === null && String(frame.payload).startsWith("40/dashboard")) seen.connectAck = Date.now();
        });
      });
      // The app's code is held back for 1.5 s: only a socket opened without it can
      // connect meanwhile.
      await page.route(/\.wasm$/, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        seen.wasmReleased = Date.now();
        await route.continue();
      });
      await page.goto(`${server.baseUrl}/`);
      await waitLive(page, label);
      assert.ok(seen.connectAck !== null && seen.wasmReleased !== null, JSON.stringify(seen));
      assert.ok(seen.connectAck < seen.wasmReleased, `the /dashboard connect came ${seen.connectAck - seen.wasmReleased} ms after the WASM`);
      assert.equal(seen.sockets, 1, "the app opened a socket of its own");
      // That socket is the app's: its updates reach the screen.
      await mark(page);
      const before = Number(await kpiValue(page, "messages"));
      await ingest([message("early-visitor", "user", Date.now() - 1000), message("early-visitor", "bot", Date.now())]);
      await expectKpi(page, label, "messages", before + 2);
      await assertNotReloaded(page);
      assert.equal(seen.sockets, 1);
      assertNoProblems(label);
    });
  });

  test("behind a proxy that refuses WebSockets the dashboard polls and a new message is on screen within a second or two", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "polling";
    const proxy = await refusingProxy();
    try {
      await withContext({}, async (context) => {
        const page = watch(await context.newPage(), label);
        await page.goto(`${proxy.url}/`);
        await waitLive(page, label);
        assert.ok(proxy.seen.upgrades >= 1, "the page never tried a WebSocket");
        assert.ok(proxy.seen.polls >= 1, "the page never polled");
        await mark(page);
        const before = Number(await kpiValue(page, "messages"));
        const sent = Date.now();
        await ingest([message("polling-visitor", "user", sent - 1000), message("polling-visitor", "bot", sent)]);
        await expectKpi(page, label, "messages", before + 2);
        const took = Date.now() - sent;
        console.log(`polling: ingest -> new message total on screen in ${took} ms`);
        assert.ok(took < UPDATE_MS, `${took} ms`);
        await assertNotReloaded(page);
        // The refused WebSocket is the one error expected: Chromium logs it.
        const problems = pageProblems(label).filter((p) => !p.text.includes("Error during WebSocket handshake: Unexpected response code: 403"));
        assert.deepEqual(problems, []);
      });
    } finally {
      await proxy.close();
    }
  });

  test("a /web dashboard does not refetch on premium traffic, and does on web traffic", { timeout: TEST_TIMEOUT_MS }, async () => {
    const label = "rooms";
    await withPage(label, "/web", async ({ page }) => {
      let refetches = 0;
      page.on("request", (request) => {
        if (request.url().includes("/api/get_dashboard")) refetches += 1;
      });
      // The page told the server it watches web; give the watch a moment to land.
      await page.waitForTimeout(300);
      const now = Date.now();
      await ingest(["user", "bot"].map((sender, i) => ({ ...message("premium-only", sender, now - 1000 + i * 500), channel: "premium" })));
      await page.waitForTimeout(1500);
      assert.equal(refetches, 0, "the /web page refetched on a premium event");
      const before = Number(await kpiValue(page, "messages"));
      await ingest([message("web-visitor", "user", Date.now() - 1000), message("web-visitor", "bot", Date.now())]);
      await expectKpi(page, label, "messages", before + 2);
      assert.ok(refetches >= 1);
      assertNoProblems(label);
    });
  });
});
