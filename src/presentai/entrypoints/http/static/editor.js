// The editor's live parts: drop-to-upload, job progress over /ws (polling the status as a fallback),
// reordering by drag. Every control also works as a plain form without this script.
"use strict";
(() => {
  const root = document.getElementById("editor");
  if (!root) return;
  const id = root.dataset.presentationId;
  const csrf = root.dataset.csrf;
  const live = document.getElementById("editor-live");
  const alertBox = document.getElementById("editor-alert");
  const jobs = new Map(); // job id -> "presentation" | "source" | "export"
  const lastIds = new Map(); // job id -> the last event id seen, to resume after a reconnect
  let socket = null;
  let authenticated = false;
  let backoff = 1000;
  let waiting = root.dataset.waiting === "true";
  let pollTimer = null;
  let slidesTimer = null;

  const text = (key, values = {}) => {
    let found = root.dataset["text" + key] || "";
    for (const [name, value] of Object.entries(values)) found = found.replace("{" + name + "}", String(value));
    return found;
  };
  const announce = (message) => { if (live && message) live.textContent = message; };
  const fail = (message) => {
    if (!alertBox) return;
    alertBox.textContent = message || text("Failed");
    alertBox.hidden = false;
  };

  async function refresh(...names) {
    for (const name of names) {
      const old = document.getElementById(name);
      if (!old) continue;
      const response = await fetch(`/presentations/${id}/parts/${name}`, { headers: { Accept: "text/html" } });
      if (!response.ok) continue;
      const holder = document.createElement("template");
      holder.innerHTML = (await response.text()).trim();
      const fresh = holder.content.firstElementChild;
      if (fresh && fresh.id === name) {
        old.replaceWith(fresh);
        enhance(fresh);
      }
    }
  }

  async function post(action, body) {
    body.append("csrf_token", csrf);
    const response = await fetch(action, { method: "POST", body, headers: { Accept: "application/json" } });
    let answer = {};
    try { answer = await response.json(); } catch { answer = {}; }
    if (!response.ok) throw new Error(answer.message || text("Failed"));
    return answer;
  }

  // --- following jobs: the WebSocket first, polling the status while it is not there ---
  function follow(jobId, kind) {
    if (!jobId || jobs.has(jobId)) return;
    jobs.set(jobId, kind);
    if (!socket) connect();
    else if (authenticated) subscribe(jobId);
    waiting = true;
    schedulePoll();
  }

  function subscribe(jobId) {
    const message = { type: "subscribe", job_id: jobId };
    if (lastIds.has(jobId)) message.last_event_id = lastIds.get(jobId);
    socket.send(JSON.stringify(message));
  }

  function connect() {
    if (!("WebSocket" in window)) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const opened = new WebSocket(scheme + location.host + "/ws");
    socket = opened;
    let pinger = null;
    opened.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message.type === "authenticated") {
        authenticated = true;
        backoff = 1000;
        for (const jobId of jobs.keys()) subscribe(jobId);
        pinger = setInterval(() => opened.readyState === 1 && opened.send('{"type":"ping"}'), 25000);
        return;
      }
      if (message.id && message.job_id) lastIds.set(message.job_id, message.id);
      handle(message);
    });
    opened.addEventListener("close", () => {
      clearInterval(pinger);
      authenticated = false;
      socket = null;
      if (!jobs.size) return;
      // The access cookie may have expired: any page request refreshes it before we try again.
      setTimeout(() => fetch(`/presentations/${id}/status`).finally(connect), backoff);
      backoff = Math.min(backoff * 2, 30000);
    });
  }

  function done(jobId) {
    jobs.delete(jobId);
    lastIds.delete(jobId);
    if (socket && authenticated) socket.send(JSON.stringify({ type: "unsubscribe", job_id: jobId }));
  }

  function handle(message) {
    const kind = jobs.get(message.job_id);
    switch (message.type) {
      case "ingestion_completed":
        done(message.job_id);
        refresh("sources", "outline");
        break;
      case "slide_completed":
        progress(message.progress_pct);
        announce(text("SlideDone", { number: message.slide_number }));
        clearTimeout(slidesTimer);
        slidesTimer = setTimeout(() => refresh("slides"), 150);
        break;
      case "outline_generated":
      case "generation_done":
        done(message.job_id);
        if (message.type === "generation_done") announce(text("Done"));
        location.reload();
        break;
      case "generation_error":
        done(message.job_id);
        if (kind === "presentation") location.reload();
        else refresh("sources", "exports");
        break;
      case "export_completed":
        done(message.job_id);
        announce(text("ExportDone"));
        refresh("exports");
        break;
      default:
        break;
    }
  }

  function progress(pct) {
    const bar = document.getElementById("generation-bar");
    if (bar && pct > bar.value) bar.value = pct; // the label follows when the slides part is refreshed
  }

  function schedulePoll() {
    if (pollTimer || !waiting) return;
    pollTimer = setTimeout(poll, authenticated ? 5000 : 2000);
  }

  // What the page shows now, in the status's terms: the poll compares the two and refreshes what differs.
  function onPage() {
    const states = (selector, key) => {
      const found = {};
      for (const row of document.querySelectorAll(selector)) found[row.dataset[key]] = row.dataset.status;
      return found;
    };
    return {
      status: root.dataset.status,
      sources: states(".source-row[data-source-id]", "sourceId"),
      exports: states(".export-row[data-export-id]", "exportId"),
      slides: document.querySelectorAll(".slide-card").length,
    };
  }

  async function poll() {
    pollTimer = null;
    let state;
    try {
      const response = await fetch(`/presentations/${id}/status`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
    } catch {
      schedulePoll();
      return;
    }
    const shown = onPage();
    if (shown.status !== state.status) { location.reload(); return; }
    if (JSON.stringify(shown.sources) !== JSON.stringify(state.sources)) await refresh("sources", "outline");
    if (JSON.stringify(shown.exports) !== JSON.stringify(state.exports)) await refresh("exports");
    if (shown.slides !== state.slides) {
      progress(state.progress.pct);
      await refresh("slides");
    }
    const busy = ["outlining", "generating"].includes(state.status);
    const sourcesWaiting = Object.values(state.sources).some((s) => s === "pending" || s === "processing");
    const exportsWaiting = Object.values(state.exports).some((s) => s === "queued" || s === "running");
    waiting = busy || sourcesWaiting || exportsWaiting;
    schedulePoll();
  }

  // --- uploading by drop or by the browse button ---
  async function upload(form, files) {
    const status = form.querySelector("[data-dropzone-status]");
    form.classList.add("is-busy");
    for (const file of files) {
      announce(text("Uploading", { name: file.name }));
      if (status) {
        status.textContent = text("Uploading", { name: file.name });
        status.hidden = false;
      }
      const body = new FormData();
      body.append("file", file, file.name);
      try {
        const answer = await post(form.action, body);
        for (const source of answer.sources || []) follow(source.job_id, "source");
        announce(text("Uploaded", { name: file.name }));
      } catch (error) {
        fail(error.message);
      }
    }
    form.classList.remove("is-busy");
    await refresh("sources", "outline");
  }

  function enhanceDropzone(form) {
    const input = form.querySelector("input[type=file]");
    if (input) input.addEventListener("change", () => { if (input.files.length) upload(form, [...input.files]); });
    for (const name of ["dragenter", "dragover"]) {
      form.addEventListener(name, (event) => { event.preventDefault(); form.classList.add("is-over"); });
    }
    form.addEventListener("dragleave", () => form.classList.remove("is-over"));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("is-over");
      const files = event.dataTransfer ? [...event.dataTransfer.files] : [];
      if (files.length) upload(form, files);
    });
  }

  // --- reordering slides (and outline items) by drag ---
  function enhanceSlides(list) {
    if (!window.Sortable || root.dataset.canEdit !== "true" || list.dataset.enhanced) return;
    list.dataset.enhanced = "true";
    window.Sortable.create(list, {
      animation: 150,
      forceFallback: true,
      filter: "button, form",
      preventOnFilter: false,
      onEnd: async (event) => {
        if (event.oldIndex === event.newIndex) return;
        const body = new URLSearchParams();
        for (const item of list.querySelectorAll("[data-slide-id]")) body.append("slide_id", item.dataset.slideId);
        try {
          await post(list.dataset.reorderAction, body);
          announce(text("Reordered"));
        } catch (error) {
          fail(error.message);
        }
        await refresh("slides");
      },
    });
  }

  function enhanceOutline(list) {
    if (!window.Sortable || list.dataset.enhanced || !list.querySelector(".drag-handle")) return;
    list.dataset.enhanced = "true";
    window.Sortable.create(list, { animation: 150, handle: ".drag-handle" });
  }

  function enhance(scope) {
    for (const form of scope.querySelectorAll("[data-dropzone]")) enhanceDropzone(form);
    if (scope.matches && scope.matches("[data-dropzone]")) enhanceDropzone(scope);
    for (const list of scope.querySelectorAll("[data-sortable-slides]")) enhanceSlides(list);
    for (const list of scope.querySelectorAll("[data-sortable-outline]")) enhanceOutline(list);
    for (const input of scope.querySelectorAll("[data-select-on-focus]")) input.addEventListener("focus", () => input.select());
  }

  function start() {
    enhance(document);
    follow(root.dataset.jobId, "presentation");
    for (const jobId of (root.dataset.exportJobs || "").split(" ")) follow(jobId, "export");
    schedulePoll();
    document.documentElement.dataset.editorReady = "true";
    if (window.performance && performance.mark) performance.mark("editor-ready");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
