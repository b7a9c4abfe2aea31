// Optional: show other open cases in the chosen area as soon as the area changes.
// Without JavaScript the button "Visa andra ärenden i området" does the same with a submit.
(function () {
  "use strict";
  var region = document.getElementById("nearby-region");
  var select = region && document.getElementById(region.dataset.field);
  if (!select || !region.dataset.url || !window.fetch) {
    return;
  }
  select.addEventListener("change", function () {
    var url = region.dataset.url + "?area=" + encodeURIComponent(select.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        region.innerHTML = html;
      })
      .catch(function () {
        // Leave the page as it was; the button still works.
      });
  });
})();
