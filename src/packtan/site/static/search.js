// Search of the packt-an site: a static index (search.json: [label, page, kind, other labels])
// searched in the browser. Works on any static host and under `serve`; without
// JavaScript the lists of the home page lead to every resource.
(function () {
  "use strict";
  var script = document.currentScript;
  var results = document.getElementById("results");
  if (!script || !results) { return; }
  var indexUrl = script.getAttribute("data-index");
  var root = indexUrl.replace(/search\.json$/, "");
  var params = new URLSearchParams(window.location.search);
  var q = (params.get("q") || "").trim();
  var input = document.getElementById("q");
  if (input) { input.value = q; }
  function fold(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/ß/g, "ss").replace(/[„“”"«»]/g, "");
  }
  function show(items, total) {
    results.textContent = "";
    var p = document.createElement("p");
    p.textContent = total + " Treffer für „" + q + "“";
    results.appendChild(p);
    var ol = document.createElement("ol");
    items.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e[1];
      a.textContent = e[0];
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " · " + e[2];
      li.appendChild(meta);
      ol.appendChild(li);
    });
    results.appendChild(ol);
  }
  if (!q) { return; }
  fetch(indexUrl).then(function (r) { return r.json(); }).then(function (index) {
    var words = fold(q).split(/\s+/).filter(Boolean);
    var hits = [];
    index.forEach(function (e) {
      var hay = fold([e[0]].concat(e[3]).join(" \u0000 "));
      if (words.every(function (w) { return hay.indexOf(w) >= 0; })) {
        var score = fold(e[0]).indexOf(words[0]) === 0 ? 0 : 1;
        hits.push([score, e]);
      }
    });
    hits.sort(function (a, b) { return a[0] - b[0]; });
    show(hits.slice(0, 200).map(function (h) { return h[1]; }), hits.length);
  }).catch(function () {
    results.textContent = "Der Suchindex ließ sich nicht laden.";
  });
})();
