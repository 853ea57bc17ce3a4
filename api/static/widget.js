/*!
 * PolicyQA 政策问答 — embeddable chat widget.
 *
 * One tag on any page:
 *   <script src="https://policyqa.example.gov.cn/widget.js" data-title="平台经济政策问答" async></script>
 *
 * Attributes (all optional):
 *   data-title     panel title (default "政策问答")
 *   data-api-base  service address (default: the origin this script was loaded from)
 *   data-open      "true" opens the panel when the page loads
 *   data-starters  starter questions separated by "|"
 *   data-accent    CSS colour of the theme (default #b4232a)
 *   data-region    only search documents of this region (one of the regions of the documents loaded, see /api/documents)
 *
 * Plain JavaScript, no dependencies, no build step, nothing fetched from elsewhere.
 * The widget lives in a Shadow DOM, so the host page's CSS cannot reach it and its
 * CSS cannot reach the host page. Every piece of server text is put in the page as
 * text (textContent / text nodes), never parsed as HTML.
 */
(function () {
  "use strict";


  // ---------------------------------------------------------------- configuration
  // With `async`, document.currentScript is still this script while it runs.
  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll("script[src]"))
      .reverse()
      .find((s) => /(^|\/)widget\.js(\?|#|$)/.test(s.getAttribute("src") || ""));
  const data = (script && script.dataset) || {};

  const DEFAULT_ACCENT = "#b4232a";
  const DEFAULT_STARTERS = [
    "灵活就业人员的社会保险费可以缓缴吗？",
    "如何支持平台企业开展跨境电商？",
    "外卖骑手等新就业形态劳动者有哪些权益保障？",
  ];
  const MAX_QUESTION_CHARS = 500;
  const REQUEST_TIMEOUT_MS = 90000;
  const MAX_SAVED_TURNS = 30;
  // What the API takes as history: the oldest turns are dropped first to stay within both.
  const MAX_HISTORY_TURNS = 20;
  const MAX_HISTORY_CHARS = 8000;

  function resolveApiBase() {
    let base = (data.apiBase || "").trim();
    if (!base) base = script && script.src ? new URL(script.src, location.href).origin : location.origin;
    try {
      base = new URL(base, location.href).href;
    } catch (e) {
      /* keep what was given; the request will fail with a clear message */
    }
    return base.replace(/\/+$/, "");
  }

  function validColour(value) {
    value = (value || "").trim();
    if (!value) return "";
    try {
      return window.CSS && CSS.supports && CSS.supports("color", value) ? value : "";
    } catch (e) {
      return "";
    }
  }

  const config = {
    title: (data.title || "").trim() || "政策问答",
    apiBase: resolveApiBase(),
    open: (data.open || "").trim().toLowerCase() === "true",
    starters: data.starters
      ? data.starters.split("|").map((s) => s.trim()).filter(Boolean)
      : DEFAULT_STARTERS,
    accent: validColour(data.accent) || DEFAULT_ACCENT,
    region: (data.region || "").trim() || null,
  };

  let apiOrigin = "";
  try {
    apiOrigin = new URL(config.apiBase).origin;
  } catch (e) {
    apiOrigin = "";
  }
  const crossOrigin = apiOrigin !== location.origin;
  // Several widgets may share a page (another region, another service): each keeps its own
  // conversation; the same tag pasted twice still gives one widget.
  const registry = (window.__policyqaWidgets = window.__policyqaWidgets || []);
  const signature = [config.apiBase, config.region || "", config.title].join("|");
  if (registry.includes(signature)) return;
  registry.push(signature);
  const instance = registry.length; // 1 for the first widget on the page
  const STORAGE_KEY = "policyqa:conversation:" + signature;

  // ---------------------------------------------------------------- styles
  const CSS_TEXT = `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.pqa-resolved { margin: 0 0 6px; font-size: 12px; color: #6b7280; }
.pqa-too-long { margin: 6px 0 0; font-size: 12px; color: #b4232a; }
.pqa-root {
  --pqa-accent: ${config.accent};
  --pqa-accent-soft: #fbeeee;
  --pqa-accent-line: #ecc8ca;
  --pqa-text: #1f2329;
  --pqa-muted: #6b7280;
  --pqa-border: #e2e4e8;
  --pqa-bg: #f4f5f7;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif;
  font-size: 15px;
  line-height: 1.6;
  color: var(--pqa-text);
  text-align: left;
  -webkit-text-size-adjust: 100%;
}
@supports (color: color-mix(in srgb, red 50%, white)) {
  .pqa-root {
    --pqa-accent-soft: color-mix(in srgb, var(--pqa-accent) 9%, white);
    --pqa-accent-line: color-mix(in srgb, var(--pqa-accent) 28%, white);
  }
}
button { font: inherit; color: inherit; cursor: pointer; }
button:disabled { cursor: not-allowed; }
:focus-visible { outline: 3px solid #2f6fde; outline-offset: 2px; }

.pqa-launcher {
  position: fixed; right: 24px; bottom: calc(24px + var(--pqa-stack, 0) * 64px); z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 8px;
  height: 52px; padding: 0 22px 0 18px; margin: 0;
  border: 0; border-radius: 26px;
  background: var(--pqa-accent); color: #fff;
  font-size: 16px; font-weight: 600; letter-spacing: 1px; line-height: 1;
  box-shadow: 0 6px 20px rgba(0, 0, 0, .22);
}
.pqa-launcher:hover { filter: brightness(1.08); }
.pqa-launcher svg { width: 22px; height: 22px; flex: none; }
.pqa-launcher .pqa-icon-close { display: none; }
.pqa-open .pqa-launcher .pqa-icon-chat { display: none; }
.pqa-open .pqa-launcher .pqa-icon-close { display: block; }

.pqa-panel {
  position: fixed; right: 24px; bottom: 88px; z-index: 2147483001;
  width: 400px; max-width: calc(100vw - 32px);
  height: min(680px, calc(100vh - 112px));
  display: flex; flex-direction: column;
  background: #fff; border: 1px solid rgba(0, 0, 0, .08); border-radius: 10px;
  box-shadow: 0 12px 40px rgba(0, 0, 0, .24);
  overflow: hidden;
  animation: pqa-in .16s ease-out;
}
@keyframes pqa-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }

.pqa-header {
  flex: none; display: flex; align-items: center; gap: 10px;
  padding: 12px 10px 12px 16px;
  background: var(--pqa-accent); color: #fff;
  border-bottom: 3px solid #d9a441;
}
.pqa-emblem {
  flex: none; width: 34px; height: 34px; border-radius: 50%;
  display: grid; place-items: center;
  background: rgba(255, 255, 255, .16); border: 1px solid rgba(255, 255, 255, .45);
}
.pqa-emblem svg { width: 19px; height: 19px; }
.pqa-heading { flex: 1; min-width: 0; }
.pqa-title {
  margin: 0; font-size: 17px; font-weight: 700; line-height: 1.35; letter-spacing: .5px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
.pqa-subtitle { margin: 1px 0 0; font-size: 12px; line-height: 1.4; opacity: .88; }
.pqa-head-btn {
  flex: none; display: inline-flex; align-items: center; justify-content: center; gap: 4px;
  height: 32px; min-width: 32px; padding: 0 8px;
  border: 0; border-radius: 6px; background: transparent; color: #fff; font-size: 13px;
}
.pqa-head-btn:hover { background: rgba(255, 255, 255, .16); }
.pqa-head-btn:disabled { opacity: .5; }
.pqa-head-btn svg { width: 18px; height: 18px; }
.pqa-header :focus-visible { outline-color: #fff; }

.pqa-banner {
  flex: none; margin: 0; padding: 10px 14px;
  background: #fff1f0; color: #a8071a; border-bottom: 1px solid #ffccc7;
  font-size: 13px; line-height: 1.6;
}

.pqa-log {
  flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain;
  padding: 16px 14px 20px; background: var(--pqa-bg);
  display: flex; flex-direction: column; gap: 14px;
}
.pqa-msg { display: flex; flex-direction: column; min-width: 0; }
.pqa-user { align-items: flex-end; }
.pqa-user .pqa-bubble {
  max-width: 86%; background: var(--pqa-accent); color: #fff;
  border-radius: 12px 12px 3px 12px; padding: 8px 13px;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.pqa-bot .pqa-bubble {
  background: #fff; border: 1px solid var(--pqa-border);
  border-radius: 3px 12px 12px 12px; padding: 11px 14px;
}
.pqa-who { margin: 0 0 4px 2px; font-size: 12px; color: var(--pqa-muted); }
.pqa-p { margin: 0 0 8px; }
.pqa-p:last-child { margin-bottom: 0; }
.pqa-answer { white-space: pre-wrap; overflow-wrap: anywhere; }
.pqa-ref {
  display: inline-block; margin: 0 1px; padding: 0 4px;
  border: 1px solid var(--pqa-accent-line); border-radius: 4px;
  background: var(--pqa-accent-soft); color: var(--pqa-accent);
  font-size: 12px; font-weight: 700; line-height: 17px; vertical-align: 2px;
}
.pqa-ref:hover, .pqa-ref[aria-expanded="true"] { background: var(--pqa-accent); border-color: var(--pqa-accent); color: #fff; }
.pqa-status { display: flex; align-items: center; gap: 8px; color: var(--pqa-muted); font-size: 13px; }
.pqa-status:not(:first-child) { margin-top: 8px; }
.pqa-dots { display: inline-flex; gap: 3px; }
.pqa-dots span { width: 5px; height: 5px; border-radius: 50%; background: var(--pqa-accent); opacity: .3; animation: pqa-blink 1.2s infinite; }
.pqa-dots span:nth-child(2) { animation-delay: .2s; }
.pqa-dots span:nth-child(3) { animation-delay: .4s; }
@keyframes pqa-blink { 40% { opacity: 1; } }

.pqa-notice {
  display: flex; align-items: center; gap: 6px; margin: 0 0 8px;
  color: #ad6800; font-weight: 700; font-size: 14px;
}
.pqa-notice svg { width: 16px; height: 16px; flex: none; }
.pqa-hint { margin: 8px 0 0; font-size: 13px; color: var(--pqa-muted); }
.pqa-feedback { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-top: 8px; font-size: 13px; color: var(--pqa-muted); }
.pqa-feedback-btn, .pqa-feedback-send { border: 1px solid var(--pqa-border, #d0d7de); background: transparent; border-radius: 6px; padding: 2px 8px; cursor: pointer; font: inherit; }
.pqa-feedback-text { flex: 1 1 100%; min-height: 44px; font: inherit; padding: 4px 6px; border: 1px solid var(--pqa-border, #d0d7de); border-radius: 6px; }
.pqa-error .pqa-bubble { background: #fff1f0; border-color: #ffccc7; color: #a8071a; }
.pqa-error-title { font-weight: 700; }
.pqa-error-detail { margin: 6px 0 0; font-size: 12.5px; color: #8c2f2f; overflow-wrap: anywhere; }

.pqa-chips { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.pqa-chip {
  padding: 5px 12px; margin: 0; border: 1px solid var(--pqa-accent-line); border-radius: 16px;
  background: #fff; color: var(--pqa-accent); font-size: 13px; line-height: 1.45; text-align: left;
}
.pqa-chip:hover { background: var(--pqa-accent-soft); }
.pqa-chip:disabled { opacity: .55; }

.pqa-sources { margin-top: 10px; padding-top: 8px; border-top: 1px dashed var(--pqa-border); }
.pqa-sources-title { margin: 0 0 4px; font-size: 12px; color: var(--pqa-muted); }
.pqa-source-list { list-style: none; margin: 0; padding: 0; }
.pqa-source {
  display: flex; align-items: baseline; gap: 6px; width: 100%; margin: 0;
  padding: 4px 6px; border: 0; border-radius: 6px; background: transparent;
  font-size: 13px; line-height: 1.5; text-align: left;
}
.pqa-source:hover, .pqa-source[aria-expanded="true"] { background: var(--pqa-accent-soft); }
.pqa-source-n { flex: none; color: var(--pqa-accent); font-weight: 700; }
.pqa-source-name { flex: 1; min-width: 0; }
.pqa-source-heading { color: var(--pqa-muted); }

.pqa-badges { display: inline-flex; flex-wrap: wrap; gap: 4px; vertical-align: 1px; }
.pqa-badge {
  display: inline-block; padding: 0 6px; border: 1px solid; border-radius: 3px;
  font-size: 12px; font-weight: 600; line-height: 18px; white-space: nowrap;
}
.pqa-badge-draft { color: #ad6800; background: #fff7e6; border-color: #ffd591; }
.pqa-badge-revoked { color: #a8071a; background: #fff1f0; border-color: #ffa39e; }
.pqa-badge-current { color: #237804; background: #f6ffed; border-color: #b7eb8f; }

.pqa-card {
  margin-top: 10px; padding: 12px 14px;
  background: #fff; border: 1px solid var(--pqa-border); border-left: 4px solid var(--pqa-accent);
  border-radius: 8px; box-shadow: 0 2px 8px rgba(0, 0, 0, .05);
}
.pqa-detail {
  position: fixed; right: 436px; top: max(24px, calc(100vh - 768px)); z-index: 2147483001;
  width: 390px; max-height: min(680px, calc(100vh - 112px)); overflow-y: auto; overscroll-behavior: contain;
  background: #fff; border-radius: 10px; box-shadow: 0 12px 40px rgba(0, 0, 0, .24);
  animation: pqa-in .16s ease-out;
}
.pqa-detail .pqa-card { margin: 0; padding: 16px 18px; border-radius: 10px; box-shadow: none; }
.pqa-root:not(.pqa-open) .pqa-detail { display: none; }
.pqa-card:focus { outline: none; }
.pqa-card:focus-visible { outline: 3px solid #2f6fde; outline-offset: 2px; }
.pqa-card-top { display: flex; align-items: flex-start; gap: 8px; }
.pqa-card-ref { flex: 1; min-width: 0; margin: 0; font-size: 14px; font-weight: 700; line-height: 1.5; }
.pqa-card-n { color: var(--pqa-accent); margin-right: 4px; }
.pqa-card-top .pqa-badges { margin-left: 6px; }
.pqa-card-close {
  flex: none; width: 26px; height: 26px; margin: -3px -6px 0 0; padding: 0;
  display: inline-flex; align-items: center; justify-content: center;
  border: 0; border-radius: 6px; background: transparent; color: var(--pqa-muted);
}
.pqa-card-close:hover { background: var(--pqa-bg); color: var(--pqa-text); }
.pqa-card-close svg { width: 16px; height: 16px; }
.pqa-card-heading { margin: 4px 0 0; font-size: 15px; font-weight: 700; }
.pqa-clause {
  margin: 8px 0 10px; padding: 10px 12px;
  background: #fbfaf6; border: 1px solid #efe9da; border-radius: 6px;
  font-family: "Songti SC", "STSong", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 15px; line-height: 1.85; white-space: pre-wrap; overflow-wrap: anywhere;
}
.pqa-clause mark {
  background: #ffe58f; color: inherit; padding: 1px 0; border-radius: 2px;
  -webkit-box-decoration-break: clone; box-decoration-break: clone;
}
.pqa-meta { margin: 0 0 4px; font-size: 13px; line-height: 1.6; }
.pqa-meta-key { color: var(--pqa-muted); }
.pqa-card-actions { display: flex; align-items: center; flex-wrap: wrap; gap: 10px; margin-top: 10px; }
.pqa-copy {
  display: inline-flex; align-items: center; gap: 5px;
  padding: 5px 12px; margin: 0; border: 1px solid var(--pqa-accent); border-radius: 6px;
  background: #fff; color: var(--pqa-accent); font-size: 13px; line-height: 1.5;
}
.pqa-copy:hover { background: var(--pqa-accent-soft); }
.pqa-copy svg { width: 15px; height: 15px; }
.pqa-copy.pqa-copied { border-color: #52c41a; color: #237804; background: #f6ffed; }
.pqa-copy-status { font-size: 12.5px; color: var(--pqa-muted); }

.pqa-composer { flex: none; border-top: 1px solid var(--pqa-border); background: #fff; padding: 10px 12px 6px; }
.pqa-form { display: flex; align-items: flex-end; gap: 8px; margin: 0; }
.pqa-input {
  flex: 1; min-width: 0; height: 42px; min-height: 42px; max-height: 132px; margin: 0;
  padding: 9px 11px; border: 1px solid #cfd3d9; border-radius: 8px; resize: none;
  background: #fff; color: var(--pqa-text);
  font: inherit; font-size: 15px; line-height: 1.5;
}
.pqa-input::placeholder { color: #9aa0a8; }
.pqa-input:focus { outline: none; border-color: var(--pqa-accent); box-shadow: 0 0 0 3px var(--pqa-accent-soft); }
.pqa-send {
  flex: none; height: 42px; padding: 0 18px; margin: 0; border: 0; border-radius: 8px;
  background: var(--pqa-accent); color: #fff; font-size: 15px; font-weight: 600; letter-spacing: 1px;
}
.pqa-send:hover:not(:disabled) { filter: brightness(1.08); }
.pqa-send:disabled { opacity: .5; }
.pqa-footnote { margin: 6px 0 0; font-size: 11.5px; line-height: 1.5; color: #8a8f98; text-align: center; }
.pqa-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); border: 0; white-space: nowrap; }

@media (max-width: 480px) {
  .pqa-panel {
    top: 0; right: 0; bottom: 0; left: 0; width: auto; max-width: none; height: auto;
    border: 0; border-radius: 0;
  }
  .pqa-open .pqa-launcher { display: none; }
  .pqa-launcher { right: 16px; bottom: calc(16px + var(--pqa-stack, 0) * 64px); }
  .pqa-input { font-size: 16px; }
  .pqa-user .pqa-bubble { max-width: 92%; }
}
@media (prefers-reduced-motion: reduce) {
  .pqa-panel, .pqa-detail, .pqa-dots span { animation: none; }
}
`;

  // ---------------------------------------------------------------- DOM helpers
  // h("p", {class: "x"}, "text", child): strings become text nodes, never HTML.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function setAttrs(el, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return el;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: [["path", { d: "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z" }], ["path", { d: "M8 8.5h8M8 11.5h5" }]],
    close: [["path", { d: "M6 6l12 12M18 6L6 18" }]],
    doc: [["path", { d: "M7 3h7l5 5v12a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z" }], ["path", { d: "M14 3v5h5M9 13h6M9 17h6" }]],
    trash: [["path", { d: "M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" }]],
    copy: [["rect", { x: "9", y: "9", width: "11", height: "11", rx: "2" }], ["path", { d: "M5 15V5a2 2 0 0 1 2-2h8" }]],
    check: [["path", { d: "M5 12.5l4.5 4.5L19 7.5" }]],
    info: [["circle", { cx: "12", cy: "12", r: "9" }], ["path", { d: "M12 8v5M12 16.5v.5" }]],
  };

  function icon(name, extraClass) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", "2");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("stroke-linejoin", "round");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    if (extraClass) svg.setAttribute("class", extraClass);
    for (const [tag, attrs] of ICONS[name]) {
      const part = document.createElementNS(SVG_NS, tag);
      for (const [k, v] of Object.entries(attrs)) part.setAttribute(k, v);
      svg.appendChild(part);
    }
    return svg;
  }

  function dots() {
    return h("span", { class: "pqa-dots", "aria-hidden": "true" }, h("span"), h("span"), h("span"));
  }

  let uid = 0;
  const nextId = (prefix) => `pqa-${prefix}-${++uid}`;

  // ---------------------------------------------------------------- citations
  function str(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function badgesFor(c) {
    const list = [];
    if (c.validity === "已废止") list.push(["已废止", "revoked"]);
    if (c.doc_status === "征求意见稿" || c.validity === "征求意见稿") list.push(["征求意见稿", "draft"]);
    if (!list.length) list.push(["现行", "current"]);
    return h(
      "span",
      { class: "pqa-badges" },
      list.map(([text, kind]) => h("span", { class: `pqa-badge pqa-badge-${kind}` }, text))
    );
  }

  function citationName(c) {
    return `${str(c.doc_title)}${str(c.label)}`;
  }

  function fullCitation(c) {
    return `《${str(c.doc_full_title || c.doc_title)}》${str(c.label)}：${str(c.text)}`;
  }

  // The clause text as text nodes, with the quoted sentence(s) in <mark>.
  function highlighted(text, quote) {
    const ranges = [];
    if (quote) {
      const whole = text.indexOf(quote);
      if (whole >= 0) ranges.push([whole, whole + quote.length]);
      else {
        // Fall back to the quote's sentences one by one.
        let from = 0;
        for (const part of quote.match(/[^。；！？]+[。；！？]?/g) || []) {
          const sentence = part.trim();
          if (sentence.length < 4) continue;
          const at = text.indexOf(sentence, from);
          if (at >= 0) {
            ranges.push([at, at + sentence.length]);
            from = at + sentence.length;
          }
        }
      }
    }
    const nodes = [];
    let pos = 0;
    for (const [start, end] of ranges) {
      if (start > pos) nodes.push(document.createTextNode(text.slice(pos, start)));
      nodes.push(h("mark", null, text.slice(start, end)));
      pos = end;
    }
    if (pos < text.length) nodes.push(document.createTextNode(text.slice(pos)));
    return nodes;
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (e) {
        /* fall through to the textarea route */
      }
    }
    const area = h("textarea", { readonly: true, "aria-hidden": "true", tabindex: "-1" });
    area.value = text;
    area.style.cssText = "position:fixed;top:0;left:-9999px;opacity:0;";
    shadow.appendChild(area);
    area.select();
    area.setSelectionRange(0, text.length);
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    area.remove();
    return ok;
  }

  function clauseCard(c, id, onClose) {
    const depts = Array.isArray(c.departments) ? c.departments : [];
    const deptText = depts.length
      ? depts.map((d) => str(d && d.name) + (d && d.lead && depts.length > 1 ? "（牵头）" : "")).join("、")
      : "条款未注明";
    const copyLabel = h("span", null, "复制条文及出处");
    const copyIcon = icon("copy");
    const status = h("span", { class: "pqa-copy-status", role: "status", "aria-live": "polite" });
    const copyButton = h(
      "button",
      { type: "button", class: "pqa-copy" },
      copyIcon,
      copyLabel
    );
    let resetTimer = 0;
    copyButton.addEventListener("click", async () => {
      const ok = await copyText(fullCitation(c));
      clearTimeout(resetTimer);
      if (ok) {
        copyButton.classList.add("pqa-copied");
        copyButton.replaceChild(icon("check"), copyButton.firstChild);
        copyLabel.textContent = "已复制";
        status.textContent = "";
        status.textContent = "已复制到剪贴板，可直接粘贴到公文中";
      } else {
        status.textContent = "复制失败，请手动选择条文复制";
      }
      copyButton.focus({ preventScroll: true });
      resetTimer = setTimeout(() => {
        copyButton.classList.remove("pqa-copied");
        copyButton.replaceChild(icon("copy"), copyButton.firstChild);
        copyLabel.textContent = "复制条文及出处";
        status.textContent = "";
      }, 2500);
    });

    let validity = null;
    if (c.valid_until) {
      validity = h(
        "p",
        { class: "pqa-meta" },
        h("span", { class: "pqa-meta-key" }, "有效期："),
        c.validity === "已废止" ? `已于 ${str(c.valid_until)} 到期废止` : `至 ${str(c.valid_until)}`
      );
    }

    return h(
      "section",
      { class: "pqa-card", id, tabindex: "-1", role: "region", "aria-label": `引用条款 [${c.n}]：${citationName(c)}` },
      h(
        "div",
        { class: "pqa-card-top" },
        h(
          "p",
          { class: "pqa-card-ref" },
          h("span", { class: "pqa-card-n" }, `[${c.n}]`),
          `${str(c.doc_title)} ${str(c.label)}`,
          badgesFor(c)
        ),
        h(
          "button",
          { type: "button", class: "pqa-card-close", "aria-label": "收起条款", title: "收起", onclick: onClose },
          icon("close")
        )
      ),
      c.heading ? h("h3", { class: "pqa-card-heading" }, str(c.heading)) : null,
      h("blockquote", { class: "pqa-clause" }, highlighted(str(c.text), c.quote ? String(c.quote) : "")),
      h("p", { class: "pqa-meta pqa-depts" }, h("span", { class: "pqa-meta-key" }, "责任单位："), deptText),
      validity,
      h(
        "p",
        { class: "pqa-meta pqa-citation-line" },
        h("span", { class: "pqa-meta-key" }, "出处："),
        `《${str(c.doc_full_title || c.doc_title)}》${str(c.label)}`
      ),
      h("div", { class: "pqa-card-actions" }, copyButton, status)
    );
  }

  // ---------------------------------------------------------------- one answer in the log
  class BotMessage {
    constructor() {
      this.question = "";
      this.answer = "";
      this.answerable = true;
      this.citations = [];
      this.openN = null;
      this.card = null;
      this.cardId = nextId("card");
      this.status = h("div", { class: "pqa-status" }, dots(), h("span", null, "正在检索政策条款…"));
      this.notice = h("div", { hidden: true });
      this.resolvedEl = h("p", { class: "pqa-resolved", hidden: true });
      this.answerEl = h("div", { class: "pqa-answer" });
      this.after = h("div");
      this.bubble = h("div", { class: "pqa-bubble" }, this.resolvedEl, this.notice, this.answerEl, this.status, this.after);
      this.sources = h("div", { class: "pqa-sources", hidden: true });
      this.cardSlot = h("div");
      this.el = h(
        "div",
        { class: "pqa-msg pqa-bot", "data-state": "pending" },
        h("p", { class: "pqa-who" }, "政策助手"),
        this.bubble,
        this.sources,
        this.cardSlot
      );
    }

    byN(n) {
      return this.citations.find((c) => Number(c.n) === Number(n));
    }

    setCitations(head) {
      this.question = str(head.question);
      this.showResolved(head);
      this.answerable = head.answerable !== false;
      this.citations = Array.isArray(head.citations) ? head.citations : [];
      this.el.setAttribute("data-state", "streaming");
      this.status.lastChild.textContent = this.citations.length
        ? `已找到 ${this.citations.length} 条相关条款，正在生成回答…`
        : "正在生成回答…";
      this.renderSources();
      this.renderAnswer();
    }

    appendText(piece) {
      this.answer += str(piece);
      this.el.setAttribute("data-state", "streaming");
      this.renderAnswer();
    }

    finish(payload) {
      this.question = str(payload.question) || this.question;
      this.showResolved(payload);
      if (typeof payload.answer === "string") this.answer = payload.answer;
      this.answerable = payload.answerable !== false;
      if (Array.isArray(payload.citations)) this.citations = payload.citations;
      this.askId = str(payload.id);
      this.voted = payload.feedback === "yes" || payload.feedback === "no"; // restored from storage
      this.status.remove();
      this.renderSources();
      this.renderAnswer();
      this.renderAfter();
      this.el.setAttribute("data-state", "done");
    }

    // A follow-up answered as a self-contained question says which one ("按「浙江对跨境电商…」回答").
    showResolved(payload) {
      const resolved = str(payload.resolved_question);
      this.resolved = resolved && resolved !== str(payload.question) ? resolved : "";
      this.resolvedEl.textContent = this.resolved ? `按「${this.resolved}」回答` : "";
      this.resolvedEl.hidden = !this.resolved;
    }

    fail(title, detail) {
      this.status.remove();
      this.el.classList.add("pqa-error");
      this.el.setAttribute("data-state", "error");
      if (this.answer) this.renderAnswer();
      append(this.after, [
        h(
          "div",
          { class: "pqa-error-box", role: "alert" },
          h("p", { class: "pqa-p pqa-error-title" }, title),
          detail ? h("p", { class: "pqa-error-detail" }, detail) : null
        ),
      ]);
    }

    renderAnswer() {
      const nodes = [];
      const text = this.answer;
      const re = /\[(\d+)\]/g;
      let pos = 0;
      let m;
      while ((m = re.exec(text))) {
        const c = this.byN(m[1]);
        if (!c) continue;
        if (m.index > pos) nodes.push(document.createTextNode(text.slice(pos, m.index)));
        nodes.push(this.refButton(c, "pqa-ref", `[${c.n}]`));
        pos = m.index + m[0].length;
      }
      if (pos < text.length) nodes.push(document.createTextNode(text.slice(pos)));
      this.answerEl.replaceChildren(...nodes);
      this.answerEl.hidden = !text;
      this.notice.replaceChildren();
      this.notice.hidden = this.answerable || !text;
      if (!this.answerable) {
        this.notice.className = "pqa-notice";
        append(this.notice, [icon("info"), h("span", null, "未找到可直接回答的条款")]);
      }
    }

    renderAfter() {
      this.after.replaceChildren();
      if (!this.answerable) {
        append(this.after, [
          h("p", { class: "pqa-hint" }, "建议换一种说法，写明地区、文件名称或具体事项后再问。您也可以试试："),
          starterChips(),
        ]);
      }
      if (this.askId) append(this.after, [this.feedbackBox()]);
    }

    // 👍/👎 under an answer, and on 👎 an optional comment: POST /api/feedback with the answer's id.
    feedbackBox() {
      const box = h("div", { class: "pqa-feedback", "data-feedback": "open" });
      const say = (text) => box.replaceChildren(h("span", { class: "pqa-feedback-done", role: "status" }, text));
      if (this.voted) {
        box.setAttribute("data-feedback", "sent");
        say("已反馈，谢谢！");
        return box;
      }
      const send = async (helpful, comment) => {
        box.setAttribute("data-feedback", "sending");
        try {
          const res = await fetch(config.apiBase + "/api/feedback", {
            method: "POST",
            credentials: "omit",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(comment ? { ask_id: this.askId, helpful, comment } : { ask_id: this.askId, helpful }),
          });
          box.setAttribute("data-feedback", res.ok ? "sent" : "failed");
          say(res.ok ? "谢谢您的反馈！" : await errorFromResponse(res));
          if (res.ok) {
            this.voted = true;
            const turn = turns.find((t) => t.response && t.response.id === this.askId);
            if (turn) {
              turn.response.feedback = helpful ? "yes" : "no"; // a reload shows it as given, not asks again
              saveTurns();
            }
          }
        } catch (err) {
          box.setAttribute("data-feedback", "failed");
          say("反馈没有发送成功，请稍后再试。");
        }
      };
      const comment = () => {
        const area = h("textarea", { class: "pqa-feedback-text", maxlength: "500", rows: "2", placeholder: "哪里没有帮助？（选填，最多 500 字）" });
        box.replaceChildren(
          area,
          h("button", { type: "button", class: "pqa-feedback-send", onclick: () => send(false, area.value.trim()) }, "提交")
        );
        area.focus();
      };
      append(box, [
        h("span", { class: "pqa-feedback-q" }, "这个回答有帮助吗？"),
        h("button", { type: "button", class: "pqa-feedback-btn", "aria-label": "有帮助", "data-helpful": "yes", onclick: () => send(true) }, "👍"),
        h("button", { type: "button", class: "pqa-feedback-btn", "aria-label": "没有帮助", "data-helpful": "no", onclick: comment }, "👎"),
      ]);
      return box;
    }

    renderSources() {
      this.sources.replaceChildren();
      this.sources.hidden = !this.citations.length;
      if (!this.citations.length) return;
      append(this.sources, [
        h("p", { class: "pqa-sources-title" }, "引用条款（点击查看原文）"),
        h(
          "ul",
          { class: "pqa-source-list" },
          this.citations.map((c) =>
            h(
              "li",
              null,
              this.refButton(c, "pqa-source", [
                h("span", { class: "pqa-source-n" }, `[${c.n}]`),
                h(
                  "span",
                  { class: "pqa-source-name" },
                  `${str(c.doc_title)} ${str(c.label)} `,
                  c.heading ? h("span", { class: "pqa-source-heading" }, str(c.heading) + " ") : null,
                  badgesFor(c)
                ),
              ])
            )
          )
        ),
      ]);
    }

    refButton(c, cls, content) {
      const open = this.openN !== null && Number(this.openN) === Number(c.n);
      return h(
        "button",
        {
          type: "button",
          class: cls,
          "data-n": c.n,
          "aria-expanded": open ? "true" : "false",
          "aria-controls": this.cardId,
          "aria-label": `[${c.n}] 查看引用条款：${citationName(c)}`,
          onclick: () => this.toggle(c.n),
        },
        content
      );
    }

    syncExpanded() {
      for (const b of this.el.querySelectorAll("button[data-n]")) {
        b.setAttribute("aria-expanded", Number(b.dataset.n) === Number(this.openN) ? "true" : "false");
      }
    }

    toggle(n) {
      if (this.openN !== null && Number(this.openN) === Number(n)) {
        this.closeCard();
        return;
      }
      const c = this.byN(n);
      if (!c) return;
      if (cardOwner && cardOwner !== this) cardOwner.closeCard(false);
      cardOwner = this;
      this.openN = c.n;
      this.card = clauseCard(c, this.cardId, () => this.closeCard(true));
      this.placeCard();
      this.syncExpanded();
      this.card.focus({ preventScroll: true });
    }

    // Beside the panel when the screen is wide enough, else inline under the answer.
    placeCard() {
      if (!this.card) return;
      if (wideScreen.matches) {
        this.cardSlot.replaceChildren();
        detail.replaceChildren(this.card);
        detail.hidden = false;
        detail.scrollTop = 0;
      } else {
        if (detail.contains(this.card)) {
          detail.replaceChildren();
          detail.hidden = true;
        }
        this.cardSlot.replaceChildren(this.card);
        this.card.scrollIntoView({ block: "nearest" });
      }
    }

    closeCard(returnFocus) {
      const n = this.openN;
      this.openN = null;
      if (this.card && detail.contains(this.card)) {
        detail.replaceChildren();
        detail.hidden = true;
      }
      this.card = null;
      if (cardOwner === this) cardOwner = null;
      this.cardSlot.replaceChildren();
      this.syncExpanded();
      if (returnFocus && n !== null) {
        const back = this.answerEl.querySelector(`button[data-n="${Number(n)}"]`) || this.sources.querySelector(`button[data-n="${Number(n)}"]`);
        if (back) back.focus();
      }
    }
  }

  // ---------------------------------------------------------------- server-sent events over fetch
  function parseBlock(block) {
    let event = "message";
    const lines = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") lines.push(value);
    }
    return lines.length ? { event, data: lines.join("\n") } : null;
  }

  async function* sseEvents(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder("utf-8");
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
        // Normalise line ends; a "\r" at the very end may be half of "\r\n", so keep it.
        const keep = !done && buffer.endsWith("\r") ? "\r" : "";
        if (keep) buffer = buffer.slice(0, -1);
        buffer = buffer.replace(/\r\n?/g, "\n");
        let at;
        while ((at = buffer.indexOf("\n\n")) >= 0) {
          const event = parseBlock(buffer.slice(0, at));
          buffer = buffer.slice(at + 2);
          if (event) yield event;
        }
        buffer += keep;
        if (done) {
          const last = buffer.trim() ? parseBlock(buffer) : null;
          if (last) yield last;
          return;
        }
      }
    } finally {
      reader.releaseLock();
    }
  }

  function jsonOf(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  async function errorFromResponse(res) {
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    const detail = body && typeof body === "object" ? body.detail : null;
    if (detail && typeof detail === "object" && detail.message_zh) return str(detail.message_zh);
    if (body && body.message_zh) return str(body.message_zh);
    if (res.status === 503) return "政策问答服务暂时不可用（索引尚未就绪），请稍后再试。";
    if (res.status === 429) return "提问过于频繁，请稍后再试。";
    return `政策问答服务返回错误（HTTP ${res.status}），请稍后再试。`;
  }

  function configErrorText() {
    return `配置错误：本网站（${location.origin}）未获授权访问政策问答服务，请联系管理员将其加入 POLICYQA_ALLOWED_ORIGINS。`;
  }

  function connectionError() {
    if (crossOrigin) {
      return [
        configErrorText(),
        `服务地址：${config.apiBase}。如果本网站已获授权，也可能是网络连接问题或服务暂时不可用，请稍后再试。`,
      ];
    }
    return ["无法连接政策问答服务，请检查网络连接后重试。", `服务地址：${config.apiBase}`];
  }

  // ---------------------------------------------------------------- conversation storage
  function loadTurns() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "[]");
      return Array.isArray(saved) ? saved.filter((t) => t && typeof t.question === "string" && t.response) : [];
    } catch (e) {
      return [];
    }
  }

  function saveTurns() {
    try {
      if (turns.length) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(turns.slice(-MAX_SAVED_TURNS)));
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      /* storage full or disabled: the conversation simply is not kept */
    }
  }

  // The conversation so far, as the API takes it: the server keeps nothing, the widget sends it each time.
  function historyForApi() {
    const history = [];
    for (const turn of turns) {
      history.push({ role: "user", content: str(turn.question) });
      const cited = Array.isArray(turn.response.citations) ? turn.response.citations : [];
      history.push({ role: "assistant", content: str(turn.response.answer), citations: cited.map((c) => str(c.clause_id)).filter(Boolean) });
    }
    const size = () => history.reduce((n, t) => n + t.content.length, 0);
    while (history.length && (history.length > MAX_HISTORY_TURNS || size() > MAX_HISTORY_CHARS)) history.splice(0, 2);
    return history;
  }

  // ---------------------------------------------------------------- the widget
  let turns = loadTurns();
  let busy = false;
  let isOpen = false;
  let checkedService = false;
  let cardOwner = null; // the message whose clause card is open (one at a time)
  const wideScreen = window.matchMedia("(min-width: 900px)");

  const host = document.createElement("policyqa-widget");
  host.id = instance === 1 ? "policyqa-widget-host" : `policyqa-widget-host-${instance}`;
  host.setAttribute("style", "all: initial !important; display: block !important;");
  const shadow = host.attachShadow({ mode: "open" });

  const style = document.createElement("style");
  style.textContent = CSS_TEXT;

  const titleId = nextId("title");
  const logId = nextId("log");
  const inputId = nextId("input");

  const launcher = h(
    "button",
    {
      type: "button",
      class: "pqa-launcher",
      "aria-expanded": "false",
      "aria-controls": "pqa-panel",
      "aria-label": `政策问答：${config.title}`,
      title: config.title,
    },
    icon("chat", "pqa-icon-chat"),
    icon("close", "pqa-icon-close"),
    h("span", null, "政策问答")
  );

  const clearButton = h(
    "button",
    { type: "button", class: "pqa-head-btn", "aria-label": "清空对话，开始新的对话", title: "新对话" },
    icon("trash"),
    h("span", null, "新对话")
  );
  const closeButton = h(
    "button",
    { type: "button", class: "pqa-head-btn", "aria-label": "关闭对话窗口", title: "关闭（Esc）" },
    icon("close")
  );

  const banner = h("p", { class: "pqa-banner", role: "alert", hidden: true });
  const log = h("div", {
    class: "pqa-log",
    id: logId,
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions text",
    "aria-label": "对话记录",
  });

  const input = h("textarea", {
    class: "pqa-input",
    id: inputId,
    rows: "1",
    placeholder: "请输入您的问题（Enter 发送）",
    "aria-label": "输入您的问题",
    enterkeyhint: "send",
    autocomplete: "off",
  });
  const sendButton = h("button", { type: "submit", class: "pqa-send" }, "发送");
  // A paste longer than the API takes is not cut silently (its question is often at the end): say so.
  const tooLong = h("p", { class: "pqa-too-long", role: "alert", hidden: true });
  function checkLength() {
    const n = input.value.trim().length;
    tooLong.hidden = n <= MAX_QUESTION_CHARS;
    tooLong.textContent = tooLong.hidden ? "" : `问题共 ${n} 字，超过 ${MAX_QUESTION_CHARS} 字的上限，请删减后再发送（问题在末尾的，请保留问题本身）。`;
    sendButton.disabled = busy || !tooLong.hidden;
    return tooLong.hidden;
  }
  const form = h("form", { class: "pqa-form", "aria-label": "提问" }, input, sendButton);

  const panel = h(
    "div",
    { class: "pqa-panel", id: "pqa-panel", role: "dialog", "aria-modal": "false", "aria-label": config.title, hidden: true },
    h(
      "div",
      { class: "pqa-header" },
      h("span", { class: "pqa-emblem", "aria-hidden": "true" }, icon("doc")),
      h(
        "div",
        { class: "pqa-heading" },
        h("h2", { class: "pqa-title", id: titleId }, config.title),
        h("p", { class: "pqa-subtitle" }, "答复引自政策原文，注明条款出处")
      ),
      clearButton,
      closeButton
    ),
    banner,
    log,
    h(
      "div",
      { class: "pqa-composer" },
      form,
      tooLong,
      h("p", { class: "pqa-footnote" }, "Enter 发送，Shift+Enter 换行 · 答复仅供参考，以正式发布文本为准")
    )
  );

  const detail = h("div", { class: "pqa-detail", hidden: true });
  const root = h("div", { class: "pqa-root" }, launcher, panel, detail);
  root.style.setProperty("--pqa-stack", String(instance - 1)); // a second widget's launcher sits above the first
  shadow.append(style, root);

  function starterChips() {
    return h(
      "div",
      { class: "pqa-chips" },
      config.starters.map((q) =>
        h("button", { type: "button", class: "pqa-chip", disabled: busy, onclick: () => ask(q) }, q)
      )
    );
  }

  function welcome() {
    return h(
      "div",
      { class: "pqa-msg pqa-bot pqa-welcome" },
      h("p", { class: "pqa-who" }, "政策助手"),
      h(
        "div",
        { class: "pqa-bubble" },
        h("p", { class: "pqa-p" }, `您好！这里是${config.title}。请用中文提问，我会在已收录的政策文件中查找相关条款，回答中的 [1]、[2] 可点击查看条款原文及出处。`),
        config.starters.length ? h("p", { class: "pqa-p pqa-hint" }, "您可以这样问：") : null,
        config.starters.length ? starterChips() : null
      )
    );
  }

  function userMessage(text) {
    return h(
      "div",
      { class: "pqa-msg pqa-user" },
      h("span", { class: "pqa-sr" }, "我的提问："),
      h("div", { class: "pqa-bubble" }, text)
    );
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToEnd(force) {
    if (force || nearBottom()) log.scrollTop = log.scrollHeight;
  }

  function renderAll() {
    if (cardOwner) cardOwner.closeCard(false);
    log.replaceChildren(welcome());
    for (const turn of turns) {
      log.appendChild(userMessage(turn.question));
      const bot = new BotMessage();
      bot.finish(turn.response);
      log.appendChild(bot.el);
    }
    scrollToEnd(true);
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value || input.value.trim().length > MAX_QUESTION_CHARS;
    clearButton.disabled = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
    for (const chip of log.querySelectorAll(".pqa-chip")) chip.disabled = value;
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 132) + "px";
  }

  async function checkService() {
    // Cross-origin only: tell the administrator at once when this site is not allowed.
    if (checkedService || !crossOrigin) return;
    checkedService = true;
    try {
      await fetch(config.apiBase + "/healthz", { method: "GET", credentials: "omit", cache: "no-store" });
      banner.hidden = true;
    } catch (e) {
      banner.textContent = configErrorText();
      banner.hidden = false;
    }
  }

  async function ask(rawQuestion) {
    const question = str(rawQuestion).trim().slice(0, MAX_QUESTION_CHARS);
    if (!question || busy) return;
    if (!isOpen) open(false);
    setBusy(true);
    log.appendChild(userMessage(question));
    const bot = new BotMessage();
    log.appendChild(bot.el);
    scrollToEnd(true);

    const body = { question };
    const history = historyForApi();
    if (history.length) body.history = history; // a first question looks as it always did
    if (config.region) body.region = config.region;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    let responded = false;
    let finished = false;
    try {
      const res = await fetch(config.apiBase + "/api/ask/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
      responded = true;
      banner.hidden = true;
      if (!res.ok) {
        bot.fail(await errorFromResponse(res));
        finished = true;
        return;
      }
      const type = res.headers.get("content-type") || "";
      if (!res.body || !type.includes("text/event-stream")) {
        bot.finish(await res.json()); // a plain /api/ask-style answer
        finished = true;
      } else {
        for await (const event of sseEvents(res.body)) {
          const payload = jsonOf(event.data);
          if (!payload) continue;
          const stick = nearBottom();
          if (event.event === "citations") bot.setCitations(payload);
          else if (event.event === "delta") bot.appendText(payload.text);
          else if (event.event === "done") {
            bot.finish(payload);
            finished = true;
          } else if (event.event === "error") {
            bot.fail(str(payload.message_zh || payload.message) || "服务内部错误，请稍后再试。");
            finished = true;
            break;
          }
          if (stick) scrollToEnd(true);
          if (finished) break;
        }
      }
      if (bot.el.getAttribute("data-state") === "done") {
        turns.push({
          question,
          response: {
            question: bot.question || question, resolved_question: bot.resolved || bot.question || question,
            answer: bot.answer, answerable: bot.answerable, citations: bot.citations, id: bot.askId,
          },
        });
        saveTurns();
      }
      if (!finished) {
        bot.fail(bot.answer ? "回答传输中断，内容可能不完整，请重新提问。" : "连接中断，未收到回答，请重新提问。");
      }
    } catch (err) {
      if (err && err.name === "AbortError") {
        bot.fail("请求超时，政策问答服务暂时没有响应，请稍后再试。");
      } else if (!responded && err instanceof TypeError) {
        // A CORS refusal and a network failure look the same from JavaScript.
        const [title, detail] = connectionError();
        bot.fail(title, detail);
        if (crossOrigin) {
          banner.textContent = configErrorText();
          banner.hidden = false;
        }
      } else if (finished) {
        /* the answer is complete; a late read error does not matter */
      } else if (responded) {
        bot.fail(bot.answer ? "回答传输中断，内容可能不完整，请重新提问。" : "连接中断，未收到回答，请重新提问。");
      } else {
        bot.fail("请求失败，请稍后再试。", str(err && err.message));
      }
    } finally {
      clearTimeout(timer);
      setBusy(false);
      scrollToEnd(false);
    }
  }

  function open(focusInput) {
    if (isOpen) return;
    isOpen = true;
    panel.hidden = false;
    root.classList.add("pqa-open");
    launcher.setAttribute("aria-expanded", "true");
    scrollToEnd(true);
    if (focusInput !== false) input.focus({ preventScroll: true });
    checkService();
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    root.classList.remove("pqa-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus({ preventScroll: true });
  }

  launcher.addEventListener("click", () => (isOpen ? close() : open(true)));
  closeButton.addEventListener("click", close);
  clearButton.addEventListener("click", () => {
    if (busy) return;
    turns = [];
    saveTurns();
    renderAll();
    input.focus();
  });
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && isOpen && !e.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  input.addEventListener("keydown", (e) => {
    // Not while an input method is composing: Enter then picks the Chinese characters.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : submit();
    }
  });
  input.addEventListener("input", () => {
    autosize();
    checkLength();
  });
  const replaceCard = () => cardOwner && cardOwner.placeCard();
  if (wideScreen.addEventListener) wideScreen.addEventListener("change", replaceCard);
  else if (wideScreen.addListener) wideScreen.addListener(replaceCard);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });

  function submit() {
    const question = input.value.trim();
    if (!question || busy || !checkLength()) return;
    input.value = "";
    autosize();
    ask(question);
  }

  renderAll();

  function mount() {
    document.body.appendChild(host);
    if (config.open) open(false);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });

  // A small API for pages that want their own "ask" buttons: the first widget, and all of them in order.
  const api = Object.freeze({ open: () => open(true), close, ask: (question) => ask(question), region: config.region });
  if (instance === 1) window.PolicyQAWidget = api;
  (window.PolicyQAWidgets = window.PolicyQAWidgets || []).push(api);
})();
