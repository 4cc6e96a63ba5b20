/* The ledger designer (templates/designer/edit.html), the page's one module script. The definition
   document itself is the model (model.js): the visual editor and the JSON tab both edit it, the
   server checks it (every problem at its JSON pointer) and renders the preview with the form builder
   staff use. This module only wires the parts together. */
import { _, setMessages } from "./i18n.js";
import { pageCatalogue } from "./catalogue.js";
import { el } from "./dom.js";
import { fieldList } from "./fields.js";
import { writeJson, wireJsonTab } from "./jsontab.js";
import { DefinitionModel } from "./model.js";
import { makePreview } from "./preview.js";
import { markProblems } from "./problems.js";
import { wirePublishing } from "./publish.js";
import { rulesSection } from "./rules.js";
import { ledgerSection, listSection, reportsSection } from "./sections.js";
import { clone, isObject } from "./util.js";

function start(root, state) {
  setMessages(state.messages);
  const messageBox = root.querySelector("[data-message]");
  const ed = {
    root, state,
    csrf: root.dataset.csrf,
    catalogue: pageCatalogue(document),
    model: new DefinitionModel(clone(state.document), state.key, state.published),
    openCards: {},   // pointers of the field cards left open
    problems: [],
    visual: root.querySelector("[data-visual]"),
    jsonBox: root.querySelector("[data-json]"),
    jsonError: root.querySelector("[data-json-error]"),
    preview: root.querySelector("[data-preview]"),
    say(text, bad) {
      messageBox.textContent = text;
      messageBox.classList.toggle("field-error", !!bad);
    },
    /* After an edit: the cards again when the structure changed, the JSON text, the preview soon. */
    changed(structural) {
      if (structural) { ed.render(); }
      writeJson(ed);
      ed.schedulePreview();
    },
    render() { renderVisual(ed); },
    showTab(name) {
      root.querySelectorAll("[data-tab]").forEach((tab) => { tab.setAttribute("aria-selected", String(tab.dataset.tab === name)); });
      root.querySelectorAll("[data-panel]").forEach((panel) => { panel.hidden = panel.dataset.panel !== name; });
      if (name === "json") { ed.jsonBox.value = JSON.stringify(ed.model.doc, null, 2); ed.jsonError.hidden = true; }
    }
  };
  const preview = makePreview(ed);
  ed.schedulePreview = preview.schedule;

  root.querySelectorAll("[data-tab]").forEach((tab) => { tab.addEventListener("click", () => { ed.showTab(tab.dataset.tab); }); });
  wireJsonTab(ed);
  wirePublishing(ed);
  ed.render();
  writeJson(ed);
  preview.refresh();
}

function renderVisual(ed) {
  const visual = ed.visual, doc = ed.model.doc;
  visual.textContent = "";
  if (!isObject(doc)) {
    visual.appendChild(el("p", {"class": "field-error", text: _("定义不是 JSON 对象，请在“高级”标签中修改。")}));
    return;
  }
  visual.appendChild(ledgerSection(ed));
  visual.appendChild(el("h2", {text: _("字段")}));
  visual.appendChild(fieldList(ed, doc, ed.model.published, "", 1));
  visual.appendChild(listSection(ed));
  visual.appendChild(rulesSection(ed));
  visual.appendChild(reportsSection(ed));
  markProblems(ed);
}

const root = document.getElementById("designer");
const stateNode = document.getElementById("designer-state");
if (root && stateNode) { start(root, JSON.parse(stateNode.textContent)); }
