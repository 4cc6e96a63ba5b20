/* The ledger-wide parts of the visual editor: title and description, the list (columns, filters,
   search, sort, business key), the deadline, and the reports (one JSON box each). Which fields
   each may name is the kind's property in the catalogue, as the engine checks it. */
import { _ } from "./i18n.js";
import { button, checkbox, el, labelled, select, textInput } from "./dom.js";
import { syntaxMessage } from "./jsontab.js";
import { kindOf } from "./kinds.js";
import { isObject, setOrDelete } from "./util.js";

export function ledgerSection(ed) {
  const doc = ed.model.doc, o = ed.model.options();
  const description = el("textarea", {rows: 2, "data-ledger-description": true});
  description.value = o.description || "";
  description.addEventListener("input", () => { setOrDelete(ed.model.options(), "description", description.value); ed.changed(); });
  return el("section", {"class": "d-section", "data-pointer": "/title"}, [
    el("h2", {text: _("台帐")}),
    labelled(_("台帐名称"), textInput(doc.title, (v) => { ed.model.doc.title = v; ed.changed(); }, {"data-ledger-title": true, maxlength: 100})),
    labelled(_("台帐标识"), el("input", {type: "text", value: ed.model.key, readonly: true}), _("用于网址与接口，不能修改")),
    labelled(_("说明"), description),
    el("div", {"class": "d-card-problems", "data-problems-for": "/title"})
  ]);
}

function keyChecks(ed, title, name, candidates) {
  const model = ed.model;
  const list = model.options().list;
  const chosen = isObject(list) && Array.isArray(list[name]) ? list[name] : [];
  const box = el("fieldset", {"class": "d-checks", "data-list": name}, [el("legend", {text: title})]);
  candidates.forEach((c) => {
    box.appendChild(checkbox(c[1], chosen.indexOf(c[0]) >= 0, (on) => {
      const list = model.listOptions();
      const now = (Array.isArray(list[name]) ? list[name] : []).filter((k) => k !== c[0]);
      if (on) {
        now.push(c[0]);
        const order = Object.keys(model.topFields());
        now.sort((a, b) => order.indexOf(a) - order.indexOf(b));
      }
      setOrDelete(list, name, now);
      model.tidyList();
      ed.changed();
    }, {"data-list-option": name + ":" + c[0]}));
  });
  return box;
}

export function listSection(ed) {
  const model = ed.model, cat = ed.catalogue, o = model.options();
  const having = (flag) => (f) => cat.is(kindOf(f), flag);
  const filterable = (f) => cat.is(kindOf(f), "scalar") || cat.is(kindOf(f), "multiple");
  const sort = typeof (o.list || {}).sort === "string" ? o.list.sort : "";
  let sortKey = sort.replace(/^-/, ""), descending = sort.charAt(0) === "-";
  const writeSort = () => {
    setOrDelete(model.listOptions(), "sort", sortKey ? (descending && sortKey !== "_due" ? "-" : "") + sortKey : null);
    model.tidyList();
    ed.changed();
  };
  const overdue = isObject(o.overdue) ? o.overdue : {};
  const writeOverdue = (name, value) => {
    const next = Object.assign({}, isObject(model.options().overdue) ? model.options().overdue : {});
    setOrDelete(next, name, value);
    setOrDelete(model.options(), "overdue", next.date ? next : null);
    ed.changed();
  };
  const statusField = model.topFields()[overdue.status];
  return el("section", {"class": "d-section", "data-pointer": "/x-ledger/list"}, [
    el("h2", {text: _("列表与查询")}),
    keyChecks(ed, _("列表显示的列（不选则显示前 6 个）"), "columns", model.fieldChoices(having("scalar"))),
    keyChecks(ed, _("筛选条件"), "filters", model.fieldChoices(filterable)),
    keyChecks(ed, _("搜索范围（关键字搜索这些字段）"), "search", model.fieldChoices(having("searchable"))),
    el("div", {"class": "d-grid"}, [
      labelled(_("默认排序"), select([["", _("（按录入顺序）")]].concat(isObject(o.overdue) || sortKey === "_due" ? [["_due", _("按期限（超期在前，已办结在后）")]] : [])
                                .concat(model.fieldChoices(having("scalar"))), sortKey, (v) => { sortKey = v; writeSort(); },
                                {"data-sort-field": true})),
      checkbox(_("降序（新的在前）"), descending, (on) => { descending = on; writeSort(); }),
      labelled(_("业务主键"), select([["", _("（无）")]].concat(model.fieldChoices(having("business_key"))), o.business_key || "", (v) => {
        setOrDelete(model.options(), "business_key", v); ed.changed();
      }, {"data-business-key": true}), _("导入时按此字段更新已有记录"))
    ]),
    el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/list"}),
    el("h3", {text: _("办理期限（超期提醒）")}),
    el("div", {"class": "d-grid", "data-pointer": "/x-ledger/overdue"}, [
      labelled(_("期限日期字段"), select([["", _("（不提醒）")]].concat(model.fieldChoices(having("is_day"))),
                                 overdue.date || "", (v) => { writeOverdue("date", v); }, {"data-overdue-date": true})),
      labelled(_("状态字段"), select([["", _("（无）")]].concat(model.fieldChoices((f) => kindOf(f) === "choice")),
                               overdue.status || "", (v) => { writeOverdue("status", v); ed.changed(true); }, {"data-overdue-status": true})),
      statusField && kindOf(statusField) === "choice" ? closedStates(statusField, overdue, writeOverdue) : null
    ]),
    el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/overdue"})
  ]);
}

function closedStates(statusField, overdue, writeOverdue) {
  const box = el("fieldset", {"class": "d-checks"}, [el("legend", {text: _("视为办结的状态")})]);
  let closed = Array.isArray(overdue.closed) ? overdue.closed : [];
  statusField.enum.forEach((c) => {
    box.appendChild(checkbox(c, closed.indexOf(c) >= 0, (on) => {
      const now = closed.filter((x) => x !== c);
      if (on) { now.push(c); }
      closed = now;
      writeOverdue("closed", now);
    }));
  });
  return box;
}

export function reportsSection(ed) {
  const o = ed.model.options();
  const reports = Array.isArray(o.reports) ? o.reports : [];
  const box = el("section", {"class": "d-section", "data-pointer": "/x-ledger/reports"}, [
    el("h2", {text: _("统计报表")}),
    el("p", {"class": "help", text: _("每个报表一段 JSON：key、title、group_by、measures、chart 等，写法见 definitions.md。")})
  ]);
  reports.forEach((report, i) => {
    const area = el("textarea", {rows: 6, spellcheck: "false", "class": "designer-json", "data-report": i});
    area.value = JSON.stringify(report, null, 2);
    const error = el("p", {"class": "field-error", hidden: true});
    area.addEventListener("input", () => {
      try {
        reports[i] = JSON.parse(area.value);
        error.hidden = true;
        area.removeAttribute("aria-invalid");
        ed.changed();
      } catch (e) {
        error.textContent = syntaxMessage(e, area.value);
        error.hidden = false;
        area.setAttribute("aria-invalid", "true");
      }
    });
    box.appendChild(el("div", {"class": "d-report", "data-pointer": "/x-ledger/reports/" + i}, [
      labelled(_("报表 %(n)s", {n: i + 1}), area), error,
      button(_("删除报表"), () => { reports.splice(i, 1); if (!reports.length) { delete ed.model.options().reports; } ed.changed(true); }),
      el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/reports/" + i})
    ]));
  });
  box.appendChild(button(_("添加报表"), () => {
    const fields = ed.model.topFields();
    const first = Object.keys(fields).filter((k) => kindOf(fields[k]) === "choice")[0];
    reports.push({key: "report_" + (reports.length + 1), title: _("新报表"), group_by: first ? [first] : [],
                  measures: [{fn: "count", title: _("数量")}], chart: "bar"});
    o.reports = reports;
    ed.changed(true);
  }, {"class": "secondary small", "data-add-report": true}));
  return box;
}
