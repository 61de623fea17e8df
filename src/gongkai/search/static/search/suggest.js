// Suggestions under the site search box: words and titles as links (the form works without this).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("site-search-q");
    var list = document.getElementById("site-search-suggestions");
    if (!input || !list || !window.fetch) { return; }
    var timer = null, last = "";
    function hide() { list.hidden = true; list.textContent = ""; }
    function show(items) {
      list.textContent = "";
      items.forEach(function (s) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.textContent = s.text;
        a.href = s.url || (input.form.action + "?q=" + encodeURIComponent(s.text));
        li.appendChild(a); list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { hide(); return; }
      timer = setTimeout(function () {
        if (q === last) { return; }
        last = q;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (input.value.trim() === q) { show(data.suggestions || []); } })
          .catch(hide);
      }, 200);
    });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
    document.addEventListener("click", function (e) { if (!input.form.contains(e.target)) { hide(); } });
  });
})();
