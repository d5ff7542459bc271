/* Draws every chart of the page with the book's local Vega-Embed (no CDN). */
(function () {
  "use strict";
  var EMBED_OPTIONS = {
    renderer: "svg",
    // Export stays; "view source" and "open in editor" would send readers to third-party hosts.
    actions: { export: true, source: false, compiled: false, editor: false },
    // Vega-Embed then evaluates expressions with Vega's interpreter instead of compiling them with
    // new Function(): the pages' Content-Security-Policy allows no 'unsafe-eval' (see reviewkit/sphinx/security/csp.py).
    ast: true,
  };

  function draw(container) {
    var specElement = container.querySelector("script.reviewkit-chart-spec");
    if (!specElement || container.dataset.drawn) return;
    var target = document.createElement("div");
    target.className = "reviewkit-chart-target";
    container.appendChild(target);
    window
      .vegaEmbed(target, JSON.parse(specElement.textContent), EMBED_OPTIONS)
      .then(function () {
        // Vega-Embed's export menu is a <summary> holding only an icon: give it a name for screen readers.
        target.querySelectorAll("summary").forEach(function (summary) {
          summary.setAttribute("aria-label", "Export this chart");
        });
        container.dataset.drawn = "true";
        var fallback = container.querySelector(".reviewkit-chart-fallback");
        if (fallback) fallback.hidden = true;
      })
      .catch(function (error) {
        console.error("reviewkit: chart " + container.id + " could not be drawn", error);
      });
  }

  if (typeof window.vegaEmbed !== "function") {
    console.error("reviewkit: the Vega bundle did not load; charts show their text alternative instead");
    return;
  }
  document.querySelectorAll(".reviewkit-chart").forEach(draw);
})();
