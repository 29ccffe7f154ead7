// The slide view: selecting a statement (on the slide or in the list) marks it everywhere and shows its source
// passage. Without this script the same links work through the URL's #fragment (CSS :target).
"use strict";
(() => {
  const panel = document.querySelector(".attribution-panel");
  if (!panel) return;
  const select = (index, focus) => {
    for (const link of document.querySelectorAll("[data-bullet]")) {
      link.classList.toggle("is-selected", link.dataset.bullet === index);
      if (link.dataset.bullet === index) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
    for (const section of panel.querySelectorAll(".attribution")) {
      section.classList.toggle("is-shown", section.id === `attribution-${index}`);
    }
    const shown = document.getElementById(`attribution-${index}`);
    if (shown && focus) shown.focus({ preventScroll: true });
  };
  const fromHash = (focus) => {
    const found = /^#attribution-(\d+)$/.exec(window.location.hash);
    if (found) select(found[1], focus);
  };
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("[data-bullet]") : null;
    if (!link) return;
    event.preventDefault();
    history.replaceState(null, "", `#attribution-${link.dataset.bullet}`);
    select(link.dataset.bullet, true);
    const shown = document.getElementById(`attribution-${link.dataset.bullet}`);
    if (shown && window.matchMedia("(max-width: 1024px)").matches) shown.scrollIntoView({ block: "nearest" });
  });
  window.addEventListener("hashchange", () => fromHash(true));
  fromHash(false);
})();
