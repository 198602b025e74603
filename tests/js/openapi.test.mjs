// docs/openapi.json against the real server: every answer of a set of real requests,
// good and bad, must have its status documented for that path and a body its schema
// accepts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";

import { ADMIN_PASSWORD, INGEST_KEY, READ_KEY, REPO_ROOT, startServer } from "./lib/server.mjs";

const spec = JSON.parse(readFileSync(path.join(REPO_ROOT, "docs/openapi.json"), "utf8"));
// The document is one schema resource, so the `#/components/...` references resolve.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, "openapi.json");
const pointer = (...parts) => parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/** Checks one answer against the document: documented status, schema-valid body. */
async function conforms(method, route, response) {
  const answers = spec.paths[route]?.[method]?.responses;
  assert.ok(answers, `${method.toUpperCase()} ${route} is not in docs/openapi.json`);
  const documented = answers[String(response.status)];
  const body = await response.text();
  assert.ok(documented, `${method.toUpperCase()} ${route} answered ${response.status}, which is not documented: ${body}`);
  const [type, media] = Object.entries(documented.content ?? {})[0] ?? [];
  if (!type) return;
  assert.ok((response.headers.get("content-type") ?? "").startsWith(type), `${route} ${response.status}: content-type`);
  const value = type === "application/json" ? JSON.parse(body) : body;
  const at = `openapi.json#/${pointer("paths", route, method, "responses", response.status, "content", type, "schema")}`;
  const validate = ajv.getSchema(at) ?? ajv.compile({ $ref: at });
  assert.ok(validate(value), `${method.toUpperCase()} ${route} ${response.status}: ${ajv.errorsText(validate.errors)}\n${body.slice(0, 500)}`);
  assert.ok(media.schema);
}

describe("docs/openapi.json", () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.stop());

  test("describes what the real server answers, good and bad", { timeout: 60_000 }, async () => {
    const url = (p) => `${server.baseUrl}${p}`;
    const bearer = (key) => (key ? { authorization: `Bearer ${key}` } : {});
    const post = (p, body, key, type = "application/json") =>
      fetch(url(p), { method: "POST", headers: { "content-type": type, ...bearer(key) }, body });
    const get = (p, key, extra = {}) => fetch(url(p), { headers: { ...bearer(key), ...extra } });
    const at = (m) => new Date(Date.now() - m * 60_000).toISOString();
    const events = JSON.stringify([
      { type: "message", channel: "web", user_id: "oa", sender: "user", at: at(9), country: "TR", user_name: "Ayşe" },
      { type: "message", channel: "web", user_id: "oa", sender: "bot", at: at(8), human_mode: true, page_url: "https://shop.example/p?x=1" },
      { type: "message", channel: "web", user_id: "oa", sender: "operator", at: at(7), human_mode: true, operator_id: "ayse" },
      { type: "widget_opened", channel: "premium", user_id: "ob", at: at(7), page_url: "/pricing" },
    ]);

    const ingest = "/api/ingest/events";
    await conforms("post", ingest, await post(ingest, events, INGEST_KEY));
    await conforms("post", ingest, await post(ingest, JSON.stringify({ type: "message" }), INGEST_KEY));
    await conforms("post", ingest, await post(ingest, events, undefined));
    await conforms("post", ingest, await post(ingest, events, READ_KEY));
    await conforms("post", ingest, await post(ingest, events, INGEST_KEY, "text/plain"));

    await conforms("get", "/api/stats", await get("/api/stats?from=1970-01-01T00:00:00Z", READ_KEY));
    await conforms("get", "/api/stats", await get("/api/stats?per_page=900", READ_KEY));
    await conforms("get", "/api/stats", await get("/api/stats", undefined));
    await conforms("get", "/api/stats", await get("/api/stats", INGEST_KEY));
    for (const route of ["/api/operators", "/api/pages"]) {
      const full = await get(route, READ_KEY);
      await conforms("get", route, full.clone());
      assert.ok((await full.json()).rows.length > 0, `${route} lists the data set`);
      await conforms("get", route, await get(`${route}?sort=nope&channel=mobile`, READ_KEY));
      await conforms("get", route, await get(route, undefined));
    }
    await conforms("get", "/api/stats/sessions.csv", await get("/api/stats/sessions.csv", READ_KEY));
    await conforms("get", "/api/stats/sessions.csv", await get("/api/stats/sessions.csv", undefined));

    const login = await fetch(url("/login"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `username=admin&password=${encodeURIComponent(ADMIN_PASSWORD)}&next=%2F`,
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
    const erase = (body, headers) => fetch(url("/api/erasures"), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    await conforms("post", "/api/erasures", await erase(JSON.stringify({ user_id: "ob" }), { cookie }));
    await conforms("post", "/api/erasures", await erase(JSON.stringify({ user_id: "" }), { cookie }));
    await conforms("post", "/api/erasures", await erase(JSON.stringify({ user_id: "ob" }), bearer(READ_KEY)));
    await conforms("post", "/api/erasures", await erase(JSON.stringify({ user_id: "ob" }), {}));

    await conforms("get", "/healthz", await get("/healthz"));
    await conforms("get", "/metrics", await get("/metrics", READ_KEY));
    await conforms("get", "/metrics", await get("/metrics"));
  });
});
