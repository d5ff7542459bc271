/* Opens a compact source check when a link targets it (#source-check-sc04). Without JavaScript it
   opens on a click, as any <details> element does. */
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS" && target.classList.contains("reviewkit-source-check-compact")) {
      target.open = true;
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
