// Comfort only: every page works without this script.
// - search as you type on the search page (after a pause);
// - a live Markdown preview under editing forms (through the node's own
//   preview, so that what is shown is what will be rendered);
// - a Print button on handouts (the browser's own print works as well).
(function () {
  "use strict";
  var q = document.querySelector("input[data-live-search]");
  if (q && q.form) {
    var timer = null, last = q.value;
    q.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () {
        if (q.value === last || q.value.length < 3) return;
        last = q.value;
        q.form.requestSubmit ? q.form.requestSubmit() : q.form.submit();
      }, 600);
    });
    // Keep the caret at the end after a reload caused by typing.
    if (q.value) { var n = q.value.length; q.setSelectionRange(n, n); }
  }
  var previewButton = document.querySelector("form.edit button[value=preview]");
  if (previewButton) {
    // Ctrl+Enter in a Markdown field shows the preview.
    document.querySelectorAll("textarea[data-preview]").forEach(function (t) {
      t.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); previewButton.click(); }
      });
    });
  }
  document.querySelectorAll("button[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
