// The examples run as a user would run them, against a real chatpulse server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";

import { INGEST_KEY, READ_KEY, REPO_ROOT, startServer } from "./lib/server.mjs";

const run = promisify(execFile);
const TEST_TIMEOUT_MS = 60_000;

/** Runs examples/ingest-client.mjs on `lines`; its exit code and its JSON summary. */
async function sendWithExample(server, lines) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "chatpulse-example-")), "events.ndjson");
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const env = { ...process.env, CHATPULSE_URL: server.baseUrl, CHATPULSE_INGEST_KEY: INGEST_KEY };
  const script = path.join(REPO_ROOT, "examples/ingest-client.mjs");
  try {
    const { stdout } = await run(process.execPath, [script, file], { env, cwd: REPO_ROOT });
    return { code: 0, summary: JSON.parse(stdout) };
  } catch (err) {
    return { code: err.code, summary: JSON.parse(err.stdout), stderr: err.stderr };
  }
}

async function messages(server) {
  const res = await fetch(`${server.baseUrl}/api/stats?from=1970-01-01T00:00:00Z`, {
    headers: { authorization: `Bearer ${READ_KEY}` },
  });
  return (await res.json()).totals.messages;
}

const at = (minutesAgo) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

describe("examples/ingest-client.mjs", () => {
  let server;
  before(async () => {
    // Two events a second per key and address: a burst of eight must wait and retry.
    server = await startServer({ env: { CHATPULSE_SOCKET_EVENTS_PER_SECOND: "2" } });
  });
  after(async () => server?.stop());

  test("stores every valid event once, retries what it is told to wait for, and reports the refused", { timeout: TEST_TIMEOUT_MS }, async () => {
    const lines = Array.from({ length: 8 }, (_, i) => ({
      type: "message",
      channel: "web",
      user_id: "example-visitor",
      sender: i % 2 ? "bot" : "user",
      at: at(20 - i),
      ...(i < 4 ? { id: `example-${i}` } : {}),
    }));
    lines.push({ type: "message", channel: "sms", user_id: "x", sender: "user", at: at(5) });
    const first = await sendWithExample(server, lines);
    assert.equal(first.code, 1, "a refused event makes the exit code 1");
    assert.deepEqual(first.summary, { stored: 8, duplicates: 0, refused: 1 }, first.stderr);
    assert.match(first.stderr, /event 8 refused: .*channel/);
    assert.equal(await messages(server), 8);
    // Again, as after an interruption: the ids (given, or made from the line) count once.
    const again = await sendWithExample(server, lines);
    assert.deepEqual(again.summary, { stored: 0, duplicates: 8, refused: 1 });
    assert.equal(await messages(server), 8);
  });
});
