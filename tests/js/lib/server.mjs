// Starts a real chatpulse server for a test file: a free port, a fresh SQLite database in a
// temporary folder, known keys, and a wait until GET /healthz answers 200. The same server
// (same port, database and environment) can be stopped and started again to test restarts.
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
 * Spawns the server binary (`bin`, else env CHATPULSE_BIN, default target/debug/chatpulse) in
 * `cwd` (default: the repo root) and resolves once it is healthy. `env` adds to or overrides
 * the defaults.
 * Returns { baseUrl, port, dataDir, logs(), stop(), kill(), restart(), running() }:
 * - stop(): ends the process (SIGTERM, SIGKILL after 5 s) and deletes the database folder;
 * - kill(signal = "SIGTERM"): ends the process the same way but keeps the database, and
 *   resolves with how it exited ({ code, signal });
 * - restart(): after kill(), starts the server again on the same port, database and
 *   environment, and resolves once it is healthy.
 */
export async function startServer({ env = {}, bin: binary, cwd = REPO_ROOT } = {}) {
  const bin = path.resolve(REPO_ROOT, binary ?? process.env.CHATPULSE_BIN ?? "target/debug/chatpulse");
  if (!existsSync(bin)) {
    throw new Error(`server binary not found at ${bin}: run \`cargo leptos build\` first (or set CHATPULSE_BIN)`);
  }

  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "chatpulse-test-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  const childEnv = {
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
  };

  // Output of every run, so that a failure after a restart still shows the first run's log.
  let output = "";
  const collect = (chunk) => {
    output += chunk.toString();
    if (output.length > 4 * LOG_TAIL_CHARS) output = output.slice(-LOG_TAIL_CHARS);
  };
  const logs = () => output.slice(-LOG_TAIL_CHARS);

  // The current run: its child process, how it exited (null while it runs) and a promise of that.
  let run = null;

  function spawnRun() {
    const child = spawn(bin, [], { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const current = { child, exited: null };
    current.exitPromise = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        current.exited ??= { code, signal };
        resolve(current.exited);
      });
      child.on("error", (err) => {
        current.exited ??= { code: null, signal: null, error: err };
        resolve(current.exited);
      });
    });
    run = current;
    return current;
  }

  async function kill(signal = "SIGTERM") {
    const current = run;
    if (!current) return null;
    if (!current.exited) {
      current.child.kill(signal);
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS);
      });
      const outcome = await Promise.race([current.exitPromise, timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        current.child.kill("SIGKILL");
        await current.exitPromise;
      }
    }
    return current.exited;
  }

  async function stop() {
    await kill();
    await rm(dataDir, { recursive: true, force: true });
  }

  async function waitHealthy(current) {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let lastProblem = "no answer yet";
    while (Date.now() < deadline) {
      if (current.exited) {
        throw new Error(
          `chatpulse exited before it was healthy (${JSON.stringify(current.exited)}); its output:\n${logs()}`,
        );
      }
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) {
          await res.arrayBuffer();
          return;
        }
        lastProblem = `GET /healthz answered ${res.status}: ${await res.text()}`;
      } catch (err) {
        lastProblem = `GET /healthz failed: ${err.cause?.code ?? err.message}`;
      }
      await sleep(250);
    }
    throw new Error(
      `chatpulse was not healthy within ${HEALTH_TIMEOUT_MS / 1000} s (${lastProblem}); its output:\n${logs()}`,
    );
  }

  async function restart() {
    if (run && !run.exited) throw new Error("restart(): the server is still running; kill() it first");
    const current = spawnRun();
    try {
      await waitHealthy(current);
    } catch (err) {
      await kill();
      throw err;
    }
  }

  const running = () => Boolean(run && !run.exited);

  const first = spawnRun();
  try {
    await waitHealthy(first);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, port, dataDir, logs, stop, kill, restart, running };
}
