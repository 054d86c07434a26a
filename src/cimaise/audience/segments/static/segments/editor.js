/* The segment editor's live count: while the form changes, post its fields (debounced) to the count
   endpoint and show the answer in the status line. Without this script, the "Count" button does the same
   with a round trip. Nothing vendored. */
(function () {
  "use strict";
  var form = document.getElementById("segment-form");
  if (!form || !window.fetch) { return; }
  var output = document.getElementById("segment-count");
  var url = form.getAttribute("data-count-url");
  var timer = null;
  var sent = 0;

  function show(text, isError) {
    output.textContent = text;
    output.classList.toggle("segment-count--error", Boolean(isError));
  }

  function count() {
    var body = new FormData(form);
    body.set("action", "count");
    var mine = ++sent;
    form.setAttribute("aria-busy", "true");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== sent) { return; }  // a later request answers for the current form
        if (data.errors) { show(data.errors.join(" "), true); }
        else if (data.error) { show(data.error, true); }
        else { show(data.text, false); }
      })
      .catch(function () { if (mine === sent) { show(form.getAttribute("data-offline") || "", true); } })
      .finally(function () { if (mine === sent) { form.removeAttribute("aria-busy"); } });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(count, 400);
  }

  form.addEventListener("input", function (event) {
    if (event.target.name && event.target.name.indexOf("c-") === 0 || event.target.name === "match") { later(); }
  });
  form.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.indexOf("c-") === 0 || event.target.name === "match") { later(); }
  });

  var focus = form.querySelector("[data-focus] input:not([type=hidden]), [data-focus] select");
  if (focus) { focus.focus(); }
  count();
}());
