// The header's folding menus (details/summary) are open on screens wide enough to show
// them whole, and fold again on a phone. Without script, CSS shows them on wide screens
// where the browser supports ::details-content; the button works everywhere.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48.0625rem)");
  var menus = document.querySelectorAll("details[data-menu]");

  function follow() {
    menus.forEach(function (menu) { menu.open = wide.matches; });
  }

  follow();
  if (wide.addEventListener) {
    wide.addEventListener("change", follow);
  }
}());
