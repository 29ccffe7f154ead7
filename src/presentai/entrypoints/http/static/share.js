// The public view of a share link: which slides were seen and for how long, reported to the views beacon
// (totals so far, never increments) so that the view counts in the deck's analytics. The page works without it.
"use strict";
(() => {
  const deck = document.getElementById("share-deck");
  if (!deck || !deck.dataset.viewToken || !deck.dataset.reportUrl) return;
  const count = Number(deck.dataset.slideCount) || 0;
  const seconds = new Array(count).fill(0);
  const seen = new Set();
  const ratios = new Map();
  let current = count ? 1 : 0;
  let last = performance.now();
  let dirty = false;

  const tick = () => {
    const now = performance.now();
    if (current && document.visibilityState === "visible") {
      seconds[current - 1] += (now - last) / 1000;
      dirty = true;
    }
    last = now;
  };
  const body = () => JSON.stringify({
    view_token: deck.dataset.viewToken,
    slides_seen: [...seen].sort((a, b) => a - b),
    seconds_per_slide: seconds.map((s) => Math.round(s * 10) / 10),
  });
  const report = (leaving) => {
    tick();
    if (!dirty && !leaving) return;
    dirty = false;
    const payload = body();
    if (leaving && navigator.sendBeacon &&
        navigator.sendBeacon(deck.dataset.reportUrl, new Blob([payload], { type: "application/json" }))) return;
    fetch(deck.dataset.reportUrl, {
      method: "POST", keepalive: true, credentials: "omit",
      headers: { "Content-Type": "application/json" }, body: payload,
    }).catch(() => {});
  };
  const show = (number) => {
    tick();
    current = number;
    seen.add(number);
    for (const link of document.querySelectorAll(".share-index a")) {
      link.classList.toggle("is-current", link.getAttribute("href") === `#slide-${number}`);
    }
  };
  const slides = deck.querySelectorAll(".share-slide");
  if ("IntersectionObserver" in window) {
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) ratios.set(Number(entry.target.dataset.number), entry.intersectionRatio);
      let best = 0, bestRatio = 0;
      for (const [number, ratio] of ratios) if (ratio > bestRatio) { best = number; bestRatio = ratio; }
      if (best && bestRatio >= 0.5 && best !== current) show(best);
      else if (best && bestRatio >= 0.5) seen.add(best);
    }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
    for (const slide of slides) observer.observe(slide);
  }
  if (count) seen.add(1);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") report(true); else last = performance.now();
  });
  window.addEventListener("pagehide", () => report(true));
  window.setInterval(() => report(false), 15000);
})();
