/* Pages that wait for a worker (certificates, reports) mark the waiting element with
   data-status-url. Every two seconds this asks that URL for {status, label, links} and, once the
   status is no longer "pending", shows the label and the links (e.g. "Download PDF") in place.
   No inline script: the Content-Security-Policy allows only files from this site. */
(function () {
  "use strict";
  var INTERVAL_MS = 2000;

  function render(element, body) {
    var badge = document.createElement("span");
    badge.className = "badge status-" + body.status;
    badge.textContent = body.label || body.status;
    var parts = [badge];
    (body.links || []).forEach(function (link) {
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      if (link.download) {
        anchor.setAttribute("download", "");
        anchor.className = "button";
      }
      parts.push(document.createTextNode(" "), anchor);
    });
    element.replaceChildren.apply(element, parts);
    element.removeAttribute("data-status-url");
    element.setAttribute("data-status", body.status);
  }

  function poll(element, url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (body) {
        if (body.status === "pending") {
          window.setTimeout(function () { poll(element, url); }, INTERVAL_MS);
        } else {
          render(element, body);
        }
      })
      .catch(function () {
        window.setTimeout(function () { poll(element, url); }, INTERVAL_MS * 2);
      });
  }

  document.querySelectorAll("[data-status-url]").forEach(function (element) {
    var url = element.getAttribute("data-status-url");
    window.setTimeout(function () { poll(element, url); }, INTERVAL_MS);
  });
})();
