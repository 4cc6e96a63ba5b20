// The import page: upload with a progress bar, then show the report as a table.
// No inline scripts (the Content-Security-Policy forbids them); text goes in with textContent.
(function () {
  "use strict";
  var form = document.querySelector("[data-import-form]");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var progress = document.getElementById("import-progress");
  var status = document.getElementById("import-status");
  var section = document.getElementById("import-report");
  var submitter = null;

  form.addEventListener("click", function (event) {
    if (event.target.name === "dry_run") { submitter = event.target; }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    data.set("dry_run", submitter ? submitter.value : "1");
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "正在上传…";
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        progress.value = Math.round(e.loaded * 100 / e.total);
        status.textContent = "正在上传… " + progress.value + "%";
      }
    });
    xhr.upload.addEventListener("load", function () {
      progress.removeAttribute("value");  // indeterminate while the server checks every row
      status.textContent = "上传完成，正在逐行校验…";
    });
    xhr.addEventListener("load", function () {
      buttons.forEach(function (b) { b.disabled = false; });
      progress.hidden = true;
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = { error: "服务器返回了无法识别的结果（" + xhr.status + "）" }; }
      render(body);
    });
    xhr.addEventListener("error", function () {
      buttons.forEach(function (b) { b.disabled = false; });
      progress.hidden = true;
      status.textContent = "上传失败，请检查网络后重试";
    });
    xhr.send(data);
  });

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function render(body) {
    section.replaceChildren();
    section.hidden = false;
    if (body.total === undefined) {
      status.textContent = body.error || "导入失败";
      return;
    }
    status.textContent = "";
    section.appendChild(el("h2", body.dry_run ? "检查结果" : "导入结果"));
    var summary = body.ok
      ? "共 " + body.total + " 行，全部通过。" + (body.dry_run ? "" : "新增 " + body.created + " 条，更新 " + body.updated + " 条。")
      : "共 " + body.total + " 行，" + body.invalid + " 行有误" + (body.dry_run ? "。" : "，未导入任何数据。");
    section.appendChild(el("p", summary));
    (body.warnings || []).forEach(function (w) {
      var p = el("p", w); p.className = "flash flash-warning"; section.appendChild(p);
    });
    if (body.errors && body.errors.length) {
      var table = el("table"), head = el("thead"), row = el("tr"), tbody = el("tbody");
      ["行号", "列", "问题"].forEach(function (h) { row.appendChild(el("th", h)); });
      head.appendChild(row); table.appendChild(head);
      body.errors.forEach(function (e) {
        var tr = el("tr");
        tr.appendChild(el("td", e.row)); tr.appendChild(el("td", e.column)); tr.appendChild(el("td", e.message));
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      section.appendChild(table);
      if (body.truncated) { section.appendChild(el("p", "错误过多，只列出前面的部分。")); }
      section.appendChild(rejectsLink(body.rejected));
    }
  }

  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }  // a cell starting with ' is already safe
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function rejectsLink(rejected) {
    var lines = [rejected.headers.slice(1)].concat(rejected.rows.map(function (r) { return r.slice(1); }));
    var text = "\ufeff" + lines.map(function (cells) { return cells.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    var link = el("a", "下载有误的行（含错误说明，可修改后重新导入）");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    link.download = "错误行.csv";
    link.setAttribute("role", "button");
    link.className = "secondary outline";
    return link;
  }
}());
