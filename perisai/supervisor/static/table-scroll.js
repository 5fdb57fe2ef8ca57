// A wide table in a sideways-scrolling box: say so (the hint above it) and shade the edge that
// hides more columns. The first column stays put (CSS position: sticky).
(function () {
  "use strict";
  document.querySelectorAll("[data-scroll-frame]").forEach(function (frame) {
    var box = frame.querySelector(".table-scroll");
    var hint = frame.previousElementSibling;
    function update() {
      var over = box.scrollWidth > box.clientWidth + 1;
      if (hint && hint.hasAttribute("data-scroll-hint")) hint.hidden = !over;
      frame.classList.toggle("more-left", over && box.scrollLeft > 0);
      frame.classList.toggle("more-right", over && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
    }
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  });
})();
