// The upload forms' drop zones: a file dropped anywhere on the zone goes to its file
// input, and the chosen names are shown. Without this script the input still works.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".dropzone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var chosen = zone.querySelector(".chosen");
    if (!input) { return; }
    function show() {
      if (chosen) {
        chosen.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
      }
    }
    input.addEventListener("change", show);
    zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("over");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  });
});
