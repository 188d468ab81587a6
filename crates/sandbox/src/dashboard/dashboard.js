"use strict";
// The sandbox dashboard: reads /__sandbox/* on this origin only.
const $ = (id) => document.getElementById(id);
const api = "/__sandbox";
let info = { admin_routes: false };
const entries = [];
let lastId = 0; // the newest entry seen, also after the journal was cleared
const KEEP = 500;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

async function getJson(path) {
  const response = await fetch(api + path);
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

function filters() {
  return { operation: $("filter-operation").value.trim(), status: $("filter-status").value.trim(), client: $("filter-client").value.trim() };
}

function passes(e, f) {
  return (!f.operation || e.operation === f.operation) && (!f.status || String(e.status) === f.status) && (!f.client || e.client_id === f.client);
}

function detail(e) {
  const headers = e.request_headers.map(([n, v]) => n + ": " + v).join("\n");
  const lines = [
    "time: " + new Date(e.time_ms).toISOString(),
    "api: " + e.api + "   operation: " + e.operation,
    e.method + " " + e.path + (e.query ? "?" + e.query : ""),
    "status: " + (e.status ?? "connection reset") + "   latency: " + e.latency_ms.toFixed(1) + " ms",
    "client id: " + (e.client_id ?? "-"), "fault: " + (e.fault ?? "-"), "tracking id: " + (e.tracking_id ?? "-"),
  ];
  return el("div", {}, el("pre", {}, lines.join("\n")), el("pre", { "aria-label": "Request headers" }, headers),
    el("pre", { "aria-label": "Request body" }, e.body ?? "(no body)"));
}

function row(e) {
  const bad = e.status === null || e.status >= 400;
  const summary = el("summary", {},
    el("span", {}, new Date(e.time_ms).toLocaleTimeString()),
    el("span", { class: "api" }, e.api),
    el("span", {}, e.method),
    el("span", { class: "path" }, e.path),
    el("span", { class: bad ? "bad" : "good" }, e.status === null ? "reset" : String(e.status)),
    el("span", { class: "lat" }, e.latency_ms.toFixed(1) + " ms"),
    el("span", { class: "op" }, e.operation + (e.fault ? " · fault " + e.fault : "")));
  const details = el("details", {}, summary);
  details.addEventListener("toggle", () => { if (details.open && details.children.length === 1) details.append(detail(e)); });
  return el("li", { "data-id": String(e.id), "data-operation": e.operation }, details);
}

function renderJournal() {
  const f = filters();
  const shown = entries.filter((e) => passes(e, f)).reverse();
  $("journal").replaceChildren(...shown.map(row));
  $("journal-count").textContent = shown.length + " of " + entries.length + " requests shown (newest first)";
}

function add(e) {
  if (e.id <= lastId) return; // seen already
  lastId = e.id;
  entries.push(e);
  if (entries.length > KEEP) entries.shift();
  const f = filters();
  if (passes(e, f)) {
    $("journal").prepend(row(e));
    while ($("journal").children.length > KEEP) $("journal").lastChild.remove();
    const shown = $("journal").children.length;
    $("journal-count").textContent = shown + " of " + entries.length + " requests shown (newest first)";
  }
}

// What arrived while the stream was not connected (before its first connection, or
// while it reconnects): the entries after the last one seen.
async function catchUp() {
  for (const e of await getJson("/requests?after=" + lastId)) add(e);
}

async function loadJournal() {
  entries.length = 0;
  const list = await getJson("/requests");
  entries.push(...list.slice(-KEEP));
  lastId = list.length > 0 ? list[list.length - 1].id : 0;
  renderJournal();
  const stream = new EventSource(api + "/requests/stream");
  stream.addEventListener("request", (event) => add(JSON.parse(event.data)));
  stream.addEventListener("open", () => { catchUp().catch(() => {}); });
}

function fillCounts(tbodyId, counts) {
  const rows = Object.entries(counts).map(([k, n]) => el("tr", {}, el("td", {}, k), el("td", {}, String(n))));
  if (rows.length === 0) rows.push(el("tr", {}, el("td", { colspan: "2" }, "none yet")));
  $(tbodyId).replaceChildren(...rows);
}

async function refreshStats() {
  const stats = await getJson("/stats");
  fillCounts("stats-operation", stats.by_operation);
  fillCounts("stats-status", stats.by_status);
  fillCounts("stats-faults", stats.injected_faults);
  const ops = Object.keys(stats.by_operation).map((op) => el("option", { value: op }));
  $("operations").replaceChildren(...ops);
  const limits = await getJson("/rate-limit");
  if (limits === null) {
    $("limits-summary").textContent = "No rate limit (start with --rate-limit 100/10s).";
    $("limits-table").replaceChildren();
    return;
  }
  $("limits-summary").textContent = limits.max + " requests per " + limits.window_ms / 1000 + " s per client.";
  $("limits-table").replaceChildren(...limits.windows.map((w) => el("tr", {}, el("td", {}, w.client),
    el("td", { class: w.used >= limits.max ? "bad" : "" }, w.used + " / " + limits.max), el("td", {}, (w.frees_in_ms / 1000).toFixed(1) + " s"))));
}

async function refreshRules() {
  const rules = await getJson("/faults");
  const items = rules.map((r) => {
    const where = ["operation", "method", "path", "client_id"].filter((k) => r[k]).map((k) => k + "=" + r[k]).join(" ") || "every request";
    const when = "skip " + r.skip + ", " + (r.times === null ? "then all" : "then " + r.times);
    const remove = el("button", { type: "button", class: "admin", "aria-label": "Remove rule " + r.id }, "Remove");
    remove.disabled = !info.admin_routes;
    remove.addEventListener("click", async () => { await fetch(api + "/faults/" + r.id, { method: "DELETE" }); refreshRules(); });
    return el("li", { "data-rule": String(r.id) }, el("span", {}, "#" + r.id + " " + where + " (" + when + "): " + describe(r.action) + ", matched " + r.matched), remove);
  });
  if (items.length === 0) items.push(el("li", {}, "No fault rules."));
  $("fault-rules").replaceChildren(...items);
}

function describe(a) {
  switch (a.kind) {
    case "status": return "status " + a.status;
    case "delay": return "delay " + a.ms + " ms";
    case "rate_limit": return "429, Retry-After " + a.retry_after_secs + " s";
    default: return a.kind;
  }
}

async function addRule(event) {
  event.preventDefault();
  const value = Number($("fault-value").value);
  const kind = $("fault-action").value;
  const action = { kind };
  if (kind === "status") action.status = value;
  if (kind === "delay") action.ms = value;
  if (kind === "rate_limit") action.retry_after_secs = value;
  const rule = { action, skip: Number($("fault-skip").value || 0) };
  for (const [key, id] of [["operation", "fault-operation"], ["method", "fault-method"], ["path", "fault-path"], ["client_id", "fault-client"]]) {
    const v = $(id).value.trim();
    if (v) rule[key] = v;
  }
  if ($("fault-times").value) rule.times = Number($("fault-times").value);
  const response = await fetch(api + "/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(rule) });
  $("fault-error").textContent = response.ok ? "" : "Refused: " + ((await response.json()).messages?.[0]?.text ?? response.status);
  refreshRules();
}

async function refreshState() {
  const state = await getJson("/state");
  $("isc-total").textContent = "(" + state.connectors_total + ")";
  $("isc-state").replaceChildren(...state.connectors.map((c) => {
    const docs = ["sourceConfigXml", "correlationConfigXml", "applicationXml"].filter((k) => c[k]).length + Object.keys(c.translations || {}).length;
    return el("tr", {}, el("td", {}, c.name), el("td", {}, c.scriptName), el("td", {}, c.status), el("td", {}, String(docs)));
  }));
  const apps = Object.entries(state.c1.apps).map(([id, app]) => {
    const list = el("ul", {}, ...Object.entries(app.connectors).map(([cid, stored]) =>
      el("li", {}, (stored.connector.displayName || cid) + " (" + cid + "), " + stored.syncs.length + " sync(s)")));
    return el("div", {}, el("h4", {}, app.display_name + " (" + id + ")"), list);
  });
  $("c1-state").replaceChildren(...apps);
}

async function start() {
  info = await getJson("/info");
  $("mode").textContent = info.admin_routes ? "Admin routes enabled: changes allowed." : "Read-only: admin routes disabled (start with --admin-routes).";
  for (const control of document.querySelectorAll(".admin")) control.disabled = !info.admin_routes;
  for (const id of ["filter-operation", "filter-status", "filter-client"]) $(id).addEventListener("input", renderJournal);
  $("clear-journal").addEventListener("click", async () => { await fetch(api + "/requests", { method: "DELETE" }); entries.length = 0; renderJournal(); });
  $("fault-form").addEventListener("submit", addRule);
  $("refresh-state").addEventListener("click", refreshState);
  await Promise.all([loadJournal(), refreshStats(), refreshRules(), refreshState()]);
  setInterval(() => { refreshStats(); refreshRules(); }, 2000);
  document.body.dataset.ready = "true";
}

start().catch((error) => { $("mode").textContent = "Dashboard failed to load: " + error.message; });
