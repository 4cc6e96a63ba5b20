/* The definition's problems ({path, message} from the server): listed above the editor, each link
   opening its place, and shown at the longest card, rule, report or section pointer prefixing it. */
import { _ } from "./i18n.js";
import { el } from "./dom.js";

/* The nearest place the visual editor shows for a JSON pointer. */
export function placeOf(visual, path) {
  let best = null;
  visual.querySelectorAll("[data-problems-for]").forEach((node) => {
    const p = node.getAttribute("data-problems-for");
    if ((path === p || path.indexOf(p + "/") === 0) && (!best || p.length > best.getAttribute("data-problems-for").length)) { best = node; }
  });
  if (!best && path.indexOf("/x-ledger") === 0) { best = visual.querySelector('[data-problems-for="/x-ledger/list"]'); }
  if (!best) { best = visual.querySelector('[data-problems-for="/title"]'); }
  return best;
}

function openAround(node) {
  let details = node && node.closest("details");
  while (details) { details.open = true; details = details.parentElement && details.parentElement.closest("details"); }
}

export function showProblems(ed, list) {
  ed.problems = list || [];
  const problems = ed.problems;
  const box = ed.root.querySelector("[data-problems]");
  const ul = ed.root.querySelector("[data-problems-list]");
  ul.textContent = "";
  box.hidden = !problems.length;
  ed.root.querySelector("[data-problems-title]").textContent = problems.length ? _("定义有 %(n)s 处问题，修改后才能发布", {n: problems.length}) : "";
  problems.forEach((p) => {
    const link = el("a", {href: "#", text: _("%(place)s：%(message)s", {place: ed.model.describe(p.path), message: p.message}), "data-problem-path": p.path});
    link.addEventListener("click", (event) => {
      event.preventDefault();
      ed.showTab("visual");
      const place = placeOf(ed.visual, p.path);
      openAround(place);
      if (place) { place.scrollIntoView({block: "center"}); const f = place.parentElement.querySelector("input, select, textarea"); if (f) { f.focus(); } }
    });
    ul.appendChild(el("li", {}, [link, " ", el("code", {text: p.path || "/"})]));
  });
  markProblems(ed);
}

export function markProblems(ed) {
  const visual = ed.visual;
  visual.querySelectorAll("[data-problems-for]").forEach((node) => { node.textContent = ""; });
  visual.querySelectorAll(".d-has-problem").forEach((node) => { node.classList.remove("d-has-problem"); });
  ed.problems.forEach((p) => {
    const place = placeOf(visual, p.path);
    if (!place) { return; }
    place.appendChild(el("p", {"class": "field-error", "data-problem": p.path, text: p.message}));
    const card = place.closest("[data-card], .d-section, .d-rule, .d-report");
    if (card) { card.classList.add("d-has-problem"); }
    openAround(place);
  });
}
