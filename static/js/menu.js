// The main menu's groups are <details> elements (they work without this script); this only
// closes an open group when another opens, on a click elsewhere, or on Escape.
(function () {
  const groups = Array.from(document.querySelectorAll(".nav details.menu-group"));
  groups.forEach((g) => g.addEventListener("toggle", () => {
    if (g.open) groups.forEach((o) => { if (o !== g) o.open = false; });
  }));
  document.addEventListener("click", (e) => {
    groups.forEach((g) => { if (g.open && !g.contains(e.target)) g.open = false; });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") groups.forEach((g) => { g.open = false; });
  });
})();
