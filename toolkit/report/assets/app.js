// dtk report: fills the record, reject and duplicate views from the data scripts under data/.
// Data arrives as <script> files calling DTK.chunk(key, rows), because a page opened from file://
// cannot fetch() its siblings. Every value is written with textContent, never as HTML.
"use strict";
(function () {
  const PAGE = 50;
  const KEEP_RECORD_CHUNKS = 6;
  const cache = new Map();
  const pending = new Map();
  let cfg = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }
  const $ = (id) => document.getElementById(id);
  const pad = (n) => String(n).padStart(5, "0");
  const show = (v) => (v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

  function chunk(key, rows) {
    cache.set(key, rows);
    const waiting = pending.get(key);
    if (waiting) {
      pending.delete(key);
      waiting.resolve(rows);
    }
  }

  function load(key, path) {
    if (cache.has(key)) return Promise.resolve(cache.get(key));
    if (pending.has(key)) return pending.get(key).promise;
    let resolve, reject;
    const promise = new Promise((ok, fail) => { resolve = ok; reject = fail; });
    pending.set(key, { promise, resolve });
    const script = el("script", { src: path });
    script.onload = () => {
      script.remove();
      if (pending.has(key)) { pending.delete(key); reject(new Error("no data in " + path)); }
    };
    script.onerror = () => { script.remove(); pending.delete(key); reject(new Error("cannot load " + path)); };
    document.head.append(script);
    return promise;
  }

  function forget(prefix) {
    const keys = [...cache.keys()].filter((k) => k.startsWith(prefix));
    for (const k of keys.slice(0, Math.max(0, keys.length - KEEP_RECORD_CHUNKS))) cache.delete(k);
  }

  // ---- tabs ----
  function openTab(name) {
    for (const button of document.querySelectorAll("nav button")) {
      if (button.dataset.tab === name) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
    for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== name;
    if (name === "records" && !records.started) records.start();
    if (name === "rejects" && !rejects.started) rejects.start();
    if (name === "duplicates" && !duplicates.started) duplicates.start();
  }

  // ---- records ----
  const records = {
    started: false, split: null, page: 0, query: "", sort: null, dir: 1, order: null, generation: 0,

    start() {
      this.started = true;
      $("split-select").addEventListener("change", () => this.choose($("split-select").value));
      $("search").addEventListener("input", () => { this.query = $("search").value.trim().toLowerCase(); this.refresh(); });
      for (const button of document.querySelectorAll("[data-sort]")) {
        button.addEventListener("click", () => {
          const col = Number(button.dataset.sort);
          this.dir = this.sort === col ? -this.dir : 1;
          this.sort = col;
          for (const b of document.querySelectorAll("[data-sort]")) b.removeAttribute("aria-sort");
          button.setAttribute("aria-sort", this.dir > 0 ? "ascending" : "descending");
          this.refresh();
        });
      }
      $("prev-page").addEventListener("click", () => { if (this.page > 0) { this.page--; this.render(); } });
      $("next-page").addEventListener("click", () => { if (this.page + 1 < this.pages()) { this.page++; this.render(); } });
      this.choose($("split-select").value);
    },

    meta() { return cfg.splits.find((s) => s.key === this.split); },
    total() { return this.order ? this.order.length : this.meta() ? this.meta().rows : 0; },
    pages() { return Math.max(1, Math.ceil(this.total() / PAGE)); },
    indexPath(n) { return { key: `${this.split}/index/${n}`, path: `data/${this.split}/index-${pad(n)}.js` }; },

    choose(key) {
      this.split = key; this.page = 0; this.order = null;
      $("record-view").hidden = true;
      this.refresh();
    },

    async allRows() {
      const meta = this.meta();
      const rows = [];
      for (let n = 0; n < meta.index_chunks; n++) {
        if (n % 5 === 0 && meta.index_chunks > 1) $("records-status").textContent = `loading index ${n + 1}/${meta.index_chunks}`;
        const { key, path } = this.indexPath(n);
        for (const row of await load(key, path)) rows.push(row);
      }
      return rows;
    },

    async refresh() {
      const generation = ++this.generation;
      this.page = 0;
      if (!this.meta()) { this.render(); return; }
      if (!this.query && this.sort === null) { this.order = null; this.render(); return; }
      const rows = await this.allRows();
      if (generation !== this.generation) return;
      let order = rows.map((_, i) => i);
      if (this.query) {
        const q = this.query;
        order = order.filter((i) => `${rows[i][0] || ""}\u0000${rows[i][1] || ""}`.toLowerCase().includes(q));
      }
      if (this.sort !== null) {
        const c = this.sort, d = this.dir;
        order.sort((a, b) => {
          const x = rows[a][c], y = rows[b][c];
          if (x === y) return a - b;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (x < y ? -1 : 1) * d;
        });
      }
      this.order = order;
      this.render();
    },

    async rowAt(i) {
      const n = Math.floor(i / cfg.rows_per_index_chunk);
      const { key, path } = this.indexPath(n);
      return (await load(key, path))[i % cfg.rows_per_index_chunk];
    },

    async render() {
      const generation = this.generation;
      const body = document.querySelector("#records-table tbody");
      const total = this.total();
      const first = this.page * PAGE;
      const wanted = [];
      for (let k = first; k < Math.min(total, first + PAGE); k++) wanted.push(this.order ? this.order[k] : k);
      const rows = [];
      for (const i of wanted) rows.push([i, await this.rowAt(i)]);
      if (generation !== this.generation) return;
      body.replaceChildren(...rows.map(([i, row]) => {
        const tr = el("tr", { tabindex: "0", "data-index": String(i) },
          el("td", { text: show(row[0]) }), el("td", { text: show(row[1]) }),
          el("td", { text: show(row[2]) }), el("td", { text: show(row[3]) }));
        tr.addEventListener("click", () => this.open(this.split, i));
        tr.addEventListener("keydown", (e) => { if (e.key === "Enter") this.open(this.split, i); });
        return tr;
      }));
      $("page-info").textContent = `page ${(this.page + 1).toLocaleString("en")} of ${this.pages().toLocaleString("en")}`;
      const meta = this.meta();
      $("records-status").textContent = `${total.toLocaleString("en")} of ${(meta ? meta.rows : 0).toLocaleString("en")} records`;
      $("prev-page").disabled = this.page === 0;
      $("next-page").disabled = this.page + 1 >= this.pages();
      $("records-table").dataset.page = String(this.page + 1);
    },

    async open(split, i) {
      const n = Math.floor(i / cfg.records_per_chunk);
      const rows = await load(`${split}/records/${n}`, `data/${split}/records-${pad(n)}.js`);
      forget(`${split}/records/`);
      showRecord(rows[i % cfg.records_per_chunk], split, i);
    },
  };

  function rawBlock(raw, fallback) {
    if (fallback !== null && fallback !== undefined) return el("pre", { class: "raw", text: fallback });
    if (!raw) return el("p", { text: "no raw lines" });
    if (raw.missing) return el("p", { class: "missing", text: `raw lines not shown: ${raw.missing}` });
    const list = el("ol", { class: "raw", start: String(raw.start) });
    for (const line of raw.lines) list.append(el("li", { text: line }));
    const block = el("div", { class: "raw-lines" }, el("p", { text: `${raw.file}, lines ${raw.start}–${raw.start + raw.lines.length - 1}` }), list);
    if (raw.cut) block.append(el("p", { class: "missing", text: "(cut: the span is longer)" }));
    return block;
  }

  function splitName(key) {
    const meta = cfg.splits.find((s) => s.key === key);
    return meta ? meta.name : key;
  }

  function fieldTable(obj, skip) {
    const table = el("table", { class: "fields" });
    for (const [k, v] of Object.entries(obj)) {
      if (skip.includes(k)) continue;
      table.append(el("tr", {}, el("th", { text: k }), el("td", { text: show(v) })));
    }
    return table;
  }

  function showRecord(record, split, i) {
    const view = $("record-view");
    const prov = record.provenance || {};
    const span = prov.span || {};
    const close = el("button", { type: "button", class: "close", text: "Close" });
    close.addEventListener("click", () => { view.hidden = true; });
    view.replaceChildren(
      el("h3", { text: show(record.title) }),
      close,
      el("p", { class: "where", text: `${splitName(split)} #${i + 1} · id ${show(record.id)}` }),
      fieldTable(record, ["title", "body", "provenance", "_raw"]),
      el("h4", { text: "Body" }),
      el("pre", { class: "body", text: show(record.body) }),
      el("h4", { text: "Provenance" }),
      fieldTable(Object.assign({}, prov, { span: span.start_line ? `lines ${span.start_line}–${span.end_line}` : show(prov.span) }), []),
      el("h4", { text: "Raw lines" }),
      rawBlock(record._raw, null),
    );
    view.hidden = false;
    view.scrollIntoView({ block: "start" });
  }

  // ---- rejects ----
  const rejects = {
    started: false, rule: null, next: 0,
    start() {
      this.started = true;
      $("rule-select").addEventListener("change", () => this.choose($("rule-select").value));
      $("rejects-more").addEventListener("click", () => this.more());
      this.choose($("rule-select").value);
    },
    meta() { return cfg.rules.find((r) => r.key === this.rule); },
    choose(key) {
      this.rule = key; this.next = 0;
      $("rejects-list").replaceChildren();
      $("rejects-list").dataset.rule = this.meta() ? this.meta().rule : "";
      this.more();
    },
    async more() {
      const meta = this.meta();
      if (!meta) { $("rejects-status").textContent = "no rejects in this release"; $("rejects-more").hidden = true; return; }
      if (this.next < meta.chunks) {
        const n = this.next++;
        const rows = await load(`${meta.key}/${n}`, `data/rejects/${meta.key}-${pad(n)}.js`);
        if (this.meta() !== meta) return;
        for (const r of rows) $("rejects-list").append(rejectCard(r));
      }
      const shown = $("rejects-list").children.length;
      $("rejects-status").textContent = `${shown.toLocaleString("en")} of ${meta.count.toLocaleString("en")} rejects for ${meta.rule}`;
      $("rejects-more").hidden = this.next >= meta.chunks;
    },
  };

  function rejectCard(r) {
    const errors = el("ul", { class: "errors" });
    for (const e of r.errors || []) {
      errors.append(el("li", {}, el("code", { text: show(e.rule) }), " ", el("code", { class: "pointer", text: show(e.pointer) || "(root)" }), " ", el("span", { text: show(e.message) })));
    }
    return el("div", { class: "reject card", "data-rule": show(r.rule) },
      el("p", { class: "where", text: `${show(r.source_file)}:${show(r.line)}${r.id ? " · id " + r.id : ""} · rejects.jsonl line ${r._line}` }),
      errors, rawBlock(r._raw, r.raw));
  }

  // ---- duplicates ----
  const duplicates = {
    started: false, next: 0,
    start() {
      this.started = true;
      $("duplicates-more").addEventListener("click", () => this.more());
      this.more();
    },
    async more() {
      if (this.next < cfg.duplicate_chunks) {
        const n = this.next++;
        for (const d of await load(`duplicates/${n}`, `data/duplicates-${pad(n)}.js`)) $("duplicates-list").append(duplicateCard(d));
      }
      $("duplicates-status").textContent = `${$("duplicates-list").children.length.toLocaleString("en")} of ${cfg.duplicates.toLocaleString("en")} duplicates`;
      $("duplicates-more").hidden = this.next >= cfg.duplicate_chunks;
    },
  };

  function duplicateCard(d) {
    const kept = d._kept;
    const keptSide = el("div", { class: "side" }, el("h4", { text: "kept" }));
    if (kept) {
      const split = cfg.splits.find((s) => s.name === kept.split);
      const button = el("button", { type: "button", text: show(kept.row[0]) || "(untitled)" });
      button.addEventListener("click", () => { openTab("records"); records.open(split.key, kept.index); });
      keptSide.append(button, el("p", { text: `${show(kept.row[1])} · ${kept.split} #${kept.index + 1} · id ${show(d.duplicate_of)}` }));
    } else {
      keptSide.append(el("p", { text: `id ${show(d.duplicate_of)} (not in this release)` }));
    }
    const dropped = el("div", { class: "side" }, el("h4", { text: "dropped" }),
      el("p", { text: `id ${show(d.id)} · ${show(d.source_file)}` }), rawBlock(d._raw, null));
    return el("div", { class: "duplicate card" },
      el("p", { class: "where", text: `${show(d.kind)} duplicate, similarity ${show(d.similarity)}` }),
      el("div", { class: "pair" }, keptSide, dropped));
  }

  window.DTK = {
    chunk,
    init(config) {
      cfg = config;
      for (const button of document.querySelectorAll("nav button")) button.addEventListener("click", () => openTab(button.dataset.tab));
      document.body.dataset.ready = "true";
    },
  };
})();
