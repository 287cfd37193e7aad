// The dashboard: a thin client of the same /api the CLI uses. The token lives in localStorage only;
// every value from the server is inserted as text, never as HTML.
const $ = (sel) => document.querySelector(sel);
const KEY = "deployer.token";
let followAbort;
let selected;

const token = () => localStorage.getItem(KEY);

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token()}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401) {
    signOut("The token was refused.");
    throw new Error("unauthorized");
  }
  const data = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new Error(data.error ?? `${res.status}`);
  return data;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
const short = (sha) => (sha ? sha.slice(0, 7) : "–");
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
const took = (d) =>
  d.startedAt && d.finishedAt ? `${((Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 1000).toFixed(1)} s` : "–";
const badge = (status) => el("span", status, `badge ${status}`);
const button = (label, onClick) => {
  const b = el("button", label);
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    onClick().catch((err) => ($("#error").textContent = err.message));
  });
  return b;
};

const yesNo = (v) => (v === null ? "–" : v ? "yes" : "no");
// An app on several hosts: each host's health, in rollout order.
const healthText = (a) =>
  a.hosts
    ? a.hosts.map((h) => `${h.name}: ${h.containers === null ? "unreachable" : yesNo(h.healthy)}`).join(", ")
    : yesNo(a.healthy);

async function renderApps() {
  const apps = await api("GET", "/api/apps");
  const body = $("#apps tbody");
  body.replaceChildren();
  const filter = $("#filter");
  const current = filter.value;
  filter.replaceChildren(el("option", "all apps"));
  filter.firstChild.value = "";
  for (const a of apps) {
    const opt = el("option", a.name);
    opt.value = a.name;
    filter.append(opt);
    const tr = el("tr");
    const last = a.lastDeployment;
    const lastCell = el("td");
    if (last) lastCell.append(badge(last.status), " ", el("span", short(last.sha), "mono"));
    else lastCell.textContent = "never";
    const actions = el("td");
    actions.append(
      button("Deploy", async () => {
        if (!confirm(`Deploy the head of ${a.name}'s branch ${a.branch ?? ""} now?`)) return;
        await api("POST", `/api/apps/${encodeURIComponent(a.name)}/deploy`, {});
        await refresh();
      }),
      " ",
      button("Roll back", async () => {
        if (!confirm(`Roll ${a.name} back to its previous succeeded commit?`)) return;
        await api("POST", `/api/apps/${encodeURIComponent(a.name)}/rollback`, {});
        await refresh();
      }),
    );
    tr.append(
      el("td", a.name),
      el("td", a.branch ?? "–"),
      el("td", short(a.currentSha), "mono"),
      el("td", healthText(a)),
      el("td", a.serving ? `${a.serving.name} since ${new Date(a.serving.since).toLocaleTimeString()}` : "–", "mono"),
      lastCell,
      actions,
    );
    body.append(tr);
  }
  filter.value = current;
  labelCells($("#apps"));
}

async function renderDeployments() {
  const app = $("#filter").value;
  const list = await api("GET", `/api/deployments?limit=50${app ? `&app=${encodeURIComponent(app)}` : ""}`);
  const body = $("#deployments tbody");
  body.replaceChildren();
  for (const d of list) {
    const tr = el("tr", undefined, `selectable${d.id === selected ? " selected" : ""}`);
    tr.dataset.id = d.id;
    const statusCell = el("td");
    statusCell.append(badge(d.status));
    const actions = el("td");
    if (d.status === "waiting") {
      actions.append(
        button("Approve", async () => {
          await api("POST", `/api/deployments/${encodeURIComponent(d.id)}/approve`);
          await refresh();
        }),
      );
    }
    if (d.status === "queued" || d.status === "running" || d.status === "waiting") {
      actions.append(
        button("Cancel", async () => {
          if (!confirm(`Cancel deployment ${d.id} of ${d.app}?`)) return;
          await api("POST", `/api/deployments/${encodeURIComponent(d.id)}/cancel`);
          await refresh();
        }),
      );
    }
    tr.append(
      el("td", d.id, "mono"),
      el("td", d.app),
      statusCell,
      el("td", d.trigger),
      el("td", d.actor ?? "–"),
      el("td", short(d.sha), "mono"),
      el("td", when(d.createdAt)),
      el("td", took(d)),
      el("td", d.rebuilt.join(", ") || "–"),
      el("td", d.error ?? "", "error"),
      actions,
    );
    tr.addEventListener("click", () => showLog(d.id));
    body.append(tr);
  }
  labelCells($("#deployments"));
}

/** Each cell gets its column's name: on a phone, rows become cards that show it before the value. */
function labelCells(table) {
  const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
  for (const tr of table.querySelectorAll("tbody tr")) {
    [...tr.children].forEach((td, i) => {
      if (names[i]) td.dataset.label = names[i];
    });
  }
}

/** The deployment's steps as a row of chips: name, duration, status (the detail as a tooltip). */
function renderSteps(steps) {
  const list = $("#steps");
  list.replaceChildren();
  for (const s of steps) {
    const li = el("li", `${s.name} ${s.durationMs === null ? "…" : `${(s.durationMs / 1000).toFixed(1)} s`}`, s.status);
    li.title = `${s.status}${s.detail ? `: ${s.detail}` : ""}`;
    list.append(li);
  }
}

/** The deployment's commit statuses, forge deployments and notifications: target, event, state, attempts, error. */
function renderReports(reports) {
  const list = $("#reports");
  list.replaceChildren();
  for (const r of reports) {
    const tries = `${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
    const li = el("li", `${r.target} ${r.event}: ${r.state} (${tries})`, `report ${r.state}`);
    if (r.lastError) li.title = r.lastError;
    list.append(li);
  }
}

/** Shows a deployment's log; follows it live (SSE over fetch, so the token can be sent) while it runs. */
async function showLog(id) {
  selected = id;
  followAbort?.abort();
  followAbort = new AbortController();
  const signal = followAbort.signal;
  for (const tr of document.querySelectorAll("#deployments tbody tr"))
    tr.classList.toggle("selected", tr.dataset.id === id);
  $("#log-panel").hidden = false;
  $("#log-id").textContent = id;
  // The deployment's own link (reports and notifications point here).
  history.replaceState(null, "", `#/deployments/${encodeURIComponent(id)}`);
  const d = await api("GET", `/api/deployments/${encodeURIComponent(id)}`);
  renderSteps(d.steps ?? []);
  renderReports(d.reports ?? []);
  $("#log-status").textContent = d.status;
  $("#log-status").className = `badge ${d.status}`;
  const pre = $("#log");
  if (d.status !== "queued" && d.status !== "running") {
    pre.textContent = await api("GET", `/api/deployments/${encodeURIComponent(id)}/log`);
    return;
  }
  pre.textContent = "";
  const res = await fetch(`/api/deployments/${encodeURIComponent(id)}/log?follow=1`, {
    headers: { authorization: `Bearer ${token()}` },
    signal,
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const events = buffer.split("\n\n");
      buffer = events.pop();
      for (const ev of events) {
        const data = ev
          .split("\n")
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n");
        if (ev.startsWith("event: end")) {
          const end = JSON.parse(data);
          $("#log-status").textContent = end.status;
          $("#log-status").className = `badge ${end.status}`;
          api("GET", `/api/deployments/${encodeURIComponent(id)}`).then((final) => {
            renderSteps(final.steps ?? []);
            renderReports(final.reports ?? []);
          });
          refresh();
        } else if (data) {
          pre.textContent += `${data}\n`;
          pre.scrollTop = pre.scrollHeight;
        }
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

async function refresh() {
  $("#error").textContent = "";
  await renderApps();
  await renderDeployments();
}

function signOut(message = "") {
  localStorage.removeItem(KEY);
  followAbort?.abort();
  $("#dashboard").hidden = true;
  $("#signout").hidden = true;
  $("#login").hidden = false;
  $("#login-error").textContent = message;
}

async function start() {
  $("#login").hidden = true;
  $("#dashboard").hidden = false;
  $("#signout").hidden = false;
  await refresh();
  const linked = /^#\/deployments\/([^/]+)$/.exec(location.hash);
  if (linked) await showLog(decodeURIComponent(linked[1]));
}

$("#login").addEventListener("submit", (e) => {
  e.preventDefault();
  localStorage.setItem(KEY, $("#token").value.trim());
  $("#token").value = "";
  start().catch(() => {});
});
$("#signout").addEventListener("click", () => signOut());
$("#filter").addEventListener("change", () => renderDeployments());
setInterval(() => {
  if (token() && !document.hidden) refresh().catch(() => {});
}, 5000);

if (token()) start().catch(() => {});
else signOut();
