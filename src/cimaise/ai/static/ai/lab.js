/* The creative lab: show only the fields that the chosen mode uses (without JavaScript, all are shown). */
(function () {
    "use strict";
    function setUp(form) {
        var radios = form.querySelectorAll('input[name="mode"]');
        var fields = form.querySelectorAll("[data-ai-lab-modes]");
        function update() {
            var checked = form.querySelector('input[name="mode"]:checked');
            var mode = checked ? checked.value : "";
            fields.forEach(function (field) {
                var modes = field.getAttribute("data-ai-lab-modes").split(" ");
                // A field with an error stays visible, whatever the mode.
                var hasError = field.querySelector(".error-message, [aria-invalid='true']") !== null;
                field.hidden = Boolean(mode) && modes.indexOf(mode) === -1 && !hasError;
            });
        }
        radios.forEach(function (radio) { radio.addEventListener("change", update); });
        update();
    }
    document.querySelectorAll("[data-ai-lab-turn-form]").forEach(setUp);
})();
