/* The theme's print and full-screen buttons, wired from a file of the site: the Content-Security-Policy
   allows no inline event handler (see reviewkit/sphinx/security/csp.py). */
(function () {
  "use strict";
  var ACTIONS = {
    print: function () { window.print(); },
    fullscreen: function () { if (typeof window.toggleFullScreen === "function") window.toggleFullScreen(); },
  };
  document.querySelectorAll("[data-reviewkit-action]").forEach(function (button) {
    var action = ACTIONS[button.dataset.reviewkitAction];
    if (action) button.addEventListener("click", action);
  });
})();
