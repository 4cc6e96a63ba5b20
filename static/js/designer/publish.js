/* Saving: drafts (save, discard), publishing (the plan dialog: each change with the entries it
   leaves invalid, keep or migrate them) and importing a definition file as the draft. */
import { _ } from "./i18n.js";
import { el, labelled, select } from "./dom.js";
import { kindOf, NUMBER_KINDS } from "./kinds.js";
import { post, upload } from "./net.js";
import { showProblems } from "./problems.js";
import { cssString, numberOrText } from "./util.js";

/* A value typed for the migration of a field of `kind`: numbers, 是/true, a list for multiple choices. */
export function typedValue(kind, text) {
  const t = text.trim();
  if (NUMBER_KINDS.indexOf(kind) >= 0) { return numberOrText(t); }
  if (kind === "boolean") { return t === _("是") || t === "true"; }
  if (kind === "multichoice") { return t.split(/[,，]/).map((s) => s.trim()).filter(Boolean); }
  return t;
}

/* A migration as the API takes it: {field: {default: v}} or {field: {map: {old: new}}} ("old=new" lines). */
export function migrationOf(kind, way, text) {
  if (way === "map") {
    const map = {};
    text.split("\n").forEach((line) => {
      const at = line.indexOf("=");
      if (at > 0) { map[line.slice(0, at).trim()] = typedValue(kind, line.slice(at + 1)); }
    });
    return {map: map};
  }
  return text.trim() !== "" ? {"default": typedValue(kind, text)} : null;
}

export function wirePublishing(ed) {
  const root = ed.root, urls = ed.state.urls;
  const dialog = root.querySelector("[data-publish-dialog]");
  const planBox = root.querySelector("[data-plan]");

  function draftShown(on) {
    root.querySelector('[data-action="discard"]').hidden = !on;
    root.querySelector("[data-export-draft]").hidden = !on;
  }

  function saveDraft() {
    return post(urls.draft_save, {definition: ed.model.doc}, ed.csrf).then((r) => {
      if (!r.ok) { ed.say(r.data.error || _("保存失败"), true); return; }
      showProblems(ed, r.data.problems);
      draftShown(true);
      ed.say(r.data.problems.length ? _("已保存草稿（还有 %(n)s 处问题，发布前需修改）", {n: r.data.problems.length}) : _("已保存草稿"));
    });
  }

  function discardDraft() {
    if (!window.confirm(_("放弃草稿？草稿中的修改将全部丢失，已发布的定义不受影响。"))) { return; }
    post(urls.draft_discard, null, ed.csrf).then((r) => {
      if (r.ok) { window.location.href = r.data.url; } else { ed.say(r.data.error || _("操作失败"), true); }
    });
  }

  function startPublish() {
    ed.say(_("正在检查…"));
    post(urls.plan, {definition: ed.model.doc}, ed.csrf).then((r) => {
      if (!r.ok) {
        if (r.data.errors && r.data.errors.length) { showProblems(ed, r.data.errors); }
        const error = r.data.error || _("无法发布");  // its own call: pybabel does not read nested ones
        ed.say(_("%(error)s：请先修改标出的问题", {error: error}), true);
        return;
      }
      ed.say("");
      renderPlan(r.data);
      if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    });
  }

  /* Each change with the entries it leaves invalid and its own examples (core/ledgers/evolution.py). */
  function exampleList(examples) {
    return el("ul", {"class": "d-examples"}, examples.map((e) =>
      el("li", {text: (e.number || ("#" + e.id)) + _("：") + e.errors.map((x) => x.message).join("；")})));
  }

  function renderPlan(plan) {
    planBox.textContent = "";
    if (plan["new"]) {
      planBox.appendChild(el("p", {text: _("将新建台帐“%(title)s”（%(key)s），发布后录入人员即可使用。", {title: ed.model.doc.title || ed.model.key, key: ed.model.key})}));
      return;
    }
    const changes = plan.changes || [];
    planBox.appendChild(el("h3", {text: changes.length ? _("本次修改") : _("与当前版本相比没有字段变化")}));
    if (changes.length) {
      planBox.appendChild(el("ul", {"data-changes": true}, changes.map((c) => {
        const item = el("li", {"data-change": c.kind}, [el("span", {text: c.message})]);
        if (c.affected) {
          item.appendChild(el("span", {"class": "d-affected", "data-change-affected": c.affected,
                                       text: _("（影响 %(n)s 条已有记录，例如：）", {n: c.affected})}));
          item.appendChild(exampleList(c.examples || []));
        }
        return item;
      })));
    }
    if (!plan.affected) {
      planBox.appendChild(el("p", {"data-affected": 0, text: _("已有记录都符合新的定义。")}));
      return;
    }
    planBox.appendChild(el("p", {"class": "d-affected", "data-affected": plan.affected,
                                 text: _("共有 %(n)s 条已有记录不符合新的定义。", {n: plan.affected})}));
    const other = plan.other || {affected: 0, examples: []};
    if (other.affected) {
      planBox.appendChild(el("p", {"data-other-affected": other.affected,
                                   text: _("其中 %(n)s 条的问题不由上面某一项修改引起（如组合条件，或原本就不符合），例如：", {n: other.affected})}));
      planBox.appendChild(exampleList(other.examples));
    }
    const keep = el("input", {type: "radio", name: "affected", value: "keep", id: "affected-keep", checked: true});
    const migrate = el("input", {type: "radio", name: "affected", value: "migrate", id: "affected-migrate"});
    const migrateBox = el("div", {"class": "d-migrate", hidden: true, "data-migrate": true});
    planBox.appendChild(el("fieldset", {}, [
      el("legend", {text: _("如何处理这些记录")}),
      el("label", {"for": "affected-keep"}, [keep, _("保留：仍按原版本的定义有效，在列表中标记")]),
      el("label", {"for": "affected-migrate"}, [migrate, _("迁移：按下面填写的默认值或值对照改写，全部成功才发布，每条记录留修改历史")])
    ]));
    [keep, migrate].forEach((r) => { r.addEventListener("change", () => { migrateBox.hidden = !migrate.checked; }); });
    const fields = {};
    let seen = plan.examples.concat(other.examples);
    changes.forEach((c) => { seen = seen.concat(c.examples || []); });
    seen.forEach((e) => { e.errors.forEach((x) => { if (x.field) { fields[String(x.field).split(".")[0]] = true; } }); });
    Object.keys(fields).forEach((key) => {
      const way = select([["default", _("缺少的值填默认值")], ["map", _("按对照改写（每行 旧值=新值）")]], "default", () => {}, {"data-migrate-way": key});
      const value = el("textarea", {rows: 2, "data-migrate-value": key});
      migrateBox.appendChild(el("div", {"class": "d-grid"}, [el("strong", {text: _("%(title)s（%(key)s）", {title: ed.model.titleOf(key), key: key})}),
                                                            labelled(_("方式"), way), labelled(_("值"), value)]));
    });
    planBox.appendChild(migrateBox);
  }

  function migration() {
    const out = {};
    planBox.querySelectorAll("[data-migrate-way]").forEach((way) => {
      const key = way.getAttribute("data-migrate-way");
      const text = planBox.querySelector('[data-migrate-value="' + cssString(key) + '"]').value;
      const step = migrationOf(kindOf(ed.model.topFields()[key]), way.value, text);
      if (step) { out[key] = step; }
    });
    return out;
  }

  function confirmPublish() {
    const chosen = planBox.querySelector('input[name="affected"]:checked');
    const affected = chosen ? chosen.value : "keep";
    const body = {definition: ed.model.doc, affected: affected};
    if (affected === "migrate") { body.migrate = migration(); }
    post(urls.publish, body, ed.csrf).then((r) => {
      if (!r.ok) {
        const details = (r.data.errors || []).map((e) => (e.path || e.field || "") + " " + (e.message || ""));
        planBox.appendChild(el("p", {"class": "field-error", "data-publish-error": true,
                                     text: (r.data.error || _("发布失败")) + (details.length ? _("：") + details.join("；") : "")}));
        if (r.data.errors && r.data.errors.length && r.data.errors[0].path !== undefined) { showProblems(ed, r.data.errors); }
        return;
      }
      window.location.href = r.data.url;
    });
  }

  function importFile(input) {
    const file = input.files && input.files[0];
    if (!file) { return; }
    upload(urls.import_file, file, ed.csrf).then((r) => {
      input.value = "";
      if (!r.ok) { ed.say(r.data.error || _("导入失败"), true); return; }
      ed.model.replace(r.data.document);
      ed.render();
      ed.jsonBox.value = JSON.stringify(ed.model.doc, null, 2);
      showProblems(ed, r.data.problems);
      draftShown(true);
      ed.say(r.data.problems.length ? _("已导入为草稿（有 %(n)s 处问题）", {n: r.data.problems.length}) : _("已导入为草稿"));
      ed.schedulePreview();
    });
  }

  root.querySelector('[data-action="save"]').addEventListener("click", saveDraft);
  root.querySelector('[data-action="discard"]').addEventListener("click", discardDraft);
  root.querySelector('[data-action="publish"]').addEventListener("click", startPublish);
  root.querySelector('[data-action="cancel-publish"]').addEventListener("click", () => { if (dialog.close) { dialog.close(); } else { dialog.removeAttribute("open"); } });
  root.querySelector('[data-action="confirm-publish"]').addEventListener("click", confirmPublish);
  root.querySelector("[data-import]").addEventListener("change", (event) => { importFile(event.target); });
}
