// SPARQL page: "In den Editor" copies a catalogue query into the editor; the
// page works without it (each query has its own form).
(function () {
  "use strict";
  var editor = document.getElementById("query");
  if (!editor) { return; }
  document.querySelectorAll("button.to-editor").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      editor.value = document.getElementById(b.getAttribute("data-target")).value;
      editor.focus();
      editor.scrollIntoView();
    });
  });
  var slug = window.location.hash.slice(1);
  var target = slug && document.getElementById("q-" + slug);
  if (target) { editor.value = target.value; }
})();
