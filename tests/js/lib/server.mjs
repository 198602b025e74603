// Starts a real chatpulse server for a test file: a free port, a fresh SQLite database in a
// temporary folder, known keys, and a wait until GET /healthz answers 200.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export const INGEST_KEY = "test-ingest-key-0123456789";
export const READ_KEY = "test-read-key-0123456789";
export const ADMIN_PASSWORD = "admin-pass-123";

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_TAIL_CHARS = 8_000;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns the server binary (env CHATPULSE_BIN, default target/debug/chatpulse) from the repo
 * root and resolves once it is healthy. `env` adds to or overrides the defaults.
 * Returns { baseUrl, port, dataDir, logs(), stop() }.
 */
export async function startServer({ env = {} } = {}) {
  const bin = path.resolve(REPO_ROOT, process.env.CHATPULSE_BIN ?? "target/debug/chatpulse");
  if (!existsSync(bin)) {
    throw new Error(`server binary not found at ${bin}: run \`cargo leptos build\` first (or set CHATPULSE_BIN)`);
  }

  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "chatpulse-test-"));
  const baseUrl = `http://127.0.0.1:${port}`;

  const child = spawn(bin, [], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      RUST_LOG: process.env.RUST_LOG ?? "info",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_OUTPUT_NAME: "chatpulse",
      CHATPULSE_DATABASE_URL: `sqlite://${dataDir}/t.db`,
      CHATPULSE_INGEST_KEY: INGEST_KEY,
      CHATPULSE_READ_KEY: READ_KEY,
      CHATPULSE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CHATPULSE_DEMO: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });

  let output = "";
  const collect = (chunk) => {
    output += chunk.toString();
    if (output.length > 4 * LOG_TAIL_CHARS) output = output.slice(-LOG_TAIL_CHARS);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const logs = () => output.slice(-LOG_TAIL_CHARS);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on("error", (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });

  async function stop() {
    if (!exited) {
      child.kill("SIGTERM");
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS);
      });
      const outcome = await Promise.race([exitPromise, timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        child.kill("SIGKILL");
        await exitPromise;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(
        `chatpulse exited before it was healthy (${JSON.stringify(exited)}); its output:\n${logs()}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        await res.arrayBuffer();
        return { baseUrl, port, dataDir, logs, stop };
      }
      lastProblem = `GET /healthz answered ${res.status}: ${await res.text()}`;
    } catch (err) {
      lastProblem = `GET /healthz failed: ${err.cause?.code ?? err.message}`;
    }
    await sleep(250);
  }
  await stop();
  throw new Error(
    `chatpulse was not healthy within ${HEALTH_TIMEOUT_MS / 1000} s (${lastProblem}); its output:\n${logs()}`,
  );
}
