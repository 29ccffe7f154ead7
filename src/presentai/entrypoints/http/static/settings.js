// Settings screens: copy a shown-once secret to the clipboard (the value stays selectable without this script).
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const source = document.querySelector(button.getAttribute("data-copy"));
  if (!(source instanceof HTMLInputElement)) return;
  source.select();
  const done = () => { button.textContent = button.getAttribute("data-copied") || button.textContent; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.value).then(done, () => {});
  } else if (document.execCommand("copy")) {
    done();
  }
});
