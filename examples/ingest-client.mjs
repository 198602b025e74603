#!/usr/bin/env node
// Sends widget events to chatpulse over Socket.IO (`/ingest`), one acknowledgement per
// event, and retries what was not stored — safely, because every event carries an `id`
// and chatpulse counts an id once per key.
//
//   CHATPULSE_URL=http://127.0.0.1:3000 CHATPULSE_INGEST_KEY=cpi_… \
//     node examples/ingest-client.mjs events.ndjson
//
// events.ndjson holds one event of the ingest contract (docs/api.md) a line. An event
// without an `id` gets one made from its line, so that running the script again after
// an interruption stores nothing twice. Needs the npm package socket.io-client.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { io } from "socket.io-client";

const ACK_TIMEOUT_MS = 10_000;
const MOST_TRIES = 8;

/**
 * Sends `events` (objects of the ingest contract) over one `/ingest` socket; resolves to
 * `{stored, duplicates, refused: [{index, error, problems}]}`. Events chatpulse asks to
 * wait for (rate limit) or cannot store now (database away) are retried with backoff.
 */
export async function sendEvents(baseUrl, key, events, { log = () => {} } = {}) {
  const socket = io(`${baseUrl}/ingest`, { auth: { token: key }, transports: ["websocket"] });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", (err) => reject(new Error(`chatpulse refused the connection: ${err.message}`)));
  });
  const outcome = { stored: 0, duplicates: 0, refused: [] };
  try {
    for (const [index, event] of events.entries()) {
      const { type, ...data } = event;
      for (let attempt = 1; ; attempt++) {
        let answer;
        try {
          answer = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(type, data);
        } catch {
          answer = { ok: false, error: "no acknowledgement in time", retry_after: 1 };
        }
        if (answer.ok) {
          outcome[answer.duplicate ? "duplicates" : "stored"] += 1;
          break;
        }
        const retryable = answer.retry_after !== undefined || /unavailable/.test(answer.error ?? "");
        if (!retryable || attempt === MOST_TRIES) {
          outcome.refused.push({ index, error: answer.error, problems: answer.problems ?? [] });
          break;
        }
        const waitMs = (answer.retry_after ?? 2 ** attempt / 4) * 1000 * (0.5 + Math.random());
        log(`event ${index}: ${answer.error}; trying again in ${Math.round(waitMs)} ms`);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  } finally {
    socket.disconnect();
  }
  return outcome;
}

/** The events of an NDJSON text; an event without `id` gets one from its line's content. */
export function readEvents(text) {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const event = JSON.parse(line);
      event.id ??= `line-${createHash("sha256").update(line).digest("hex").slice(0, 32)}`;
      return event;
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file] = process.argv.slice(2);
  const { CHATPULSE_URL = "http://127.0.0.1:3000", CHATPULSE_INGEST_KEY } = process.env;
  if (!file || !CHATPULSE_INGEST_KEY) {
    console.error("usage: CHATPULSE_URL=… CHATPULSE_INGEST_KEY=… node examples/ingest-client.mjs events.ndjson");
    process.exit(2);
  }
  const events = readEvents(readFileSync(file, "utf8"));
  const outcome = await sendEvents(CHATPULSE_URL, CHATPULSE_INGEST_KEY, events, { log: console.error });
  console.log(JSON.stringify({ stored: outcome.stored, duplicates: outcome.duplicates, refused: outcome.refused.length }));
  for (const { index, error, problems } of outcome.refused) {
    console.error(`event ${index} refused: ${error} ${JSON.stringify(problems)}`);
  }
  process.exit(outcome.refused.length ? 1 : 0);
}
