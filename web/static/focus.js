// Move keyboard focus to the error summary, or to the row just added, after the page re-renders.
(function () {
  var script = document.currentScript;
  var target = script && document.getElementById(script.getAttribute("data-focus"));
  if (target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
})();
