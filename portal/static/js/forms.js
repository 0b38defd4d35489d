// The error summary at the top of a form that was sent back: the focus goes to it when the
// page loads, so a keyboard or screen-reader user starts from the list of what to correct
// (each entry is a link to its field). Without JavaScript the summary is still there first.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
