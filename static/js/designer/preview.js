/* The preview: the form staff would see, rendered by the server's form builder from the document
   as it is now (400 ms after the last edit), and a sample entry typed into it, checked by the
   server's validator (500 ms after the last keystroke). */
import { _ } from "./i18n.js";
import { el } from "./dom.js";
import { post } from "./net.js";
import { showProblems } from "./problems.js";
import { cssString } from "./util.js";

export function makePreview(ed) {
  const root = ed.root, box = ed.preview, urls = ed.state.urls;
  let previewTimer = null, checkTimer = null, previewSeq = 0, checkSeq = 0;

  function schedule() {
    window.clearTimeout(previewTimer);
    root.setAttribute("data-pending", "");  // tests and the busy cursor wait for the answer
    previewTimer = window.setTimeout(() => { previewTimer = null; refresh(); }, 400);
  }

  function sampleValues() {
    const form = box.querySelector("[data-preview-form]");
    const values = [];
    if (form) { new FormData(form).forEach((value, name) => { if (typeof value === "string") { values.push([name, value]); } }); }
    return values;
  }

  /* What was typed into the sample survives a new rendering of the preview. */
  function restoreSample(form, values) {
    values.forEach((pair) => {
      form.querySelectorAll('[name="' + cssString(pair[0]) + '"]').forEach((input) => {
        if (input.type === "checkbox" || input.type === "radio") { if (input.value === pair[1]) { input.checked = true; } }
        else if (input.tagName === "SELECT" && input.multiple) {
          Array.prototype.forEach.call(input.options, (o) => { if (o.value === pair[1]) { o.selected = true; } });
        } else { input.value = pair[1]; }
      });
    });
  }

  function refresh() {
    const seq = previewSeq += 1;
    root.classList.add("d-busy");
    return post(urls.preview, {definition: ed.model.doc}, ed.csrf).then((r) => {
      if (seq !== previewSeq) { return; }
      root.classList.remove("d-busy");
      if (previewTimer === null) { root.removeAttribute("data-pending"); }
      if (!r.ok) { ed.say(r.data.error || _("预览失败"), true); return; }
      showProblems(ed, r.data.problems);
      root.querySelector("[data-stale-note]").hidden = r.data.html !== null;
      if (r.data.html === null) {
        box.classList.add("d-stale");
        return;
      }
      box.classList.remove("d-stale");
      const typed = sampleValues();
      box.innerHTML = r.data.html;  // rendered and escaped by the server's templates
      root.querySelector("[data-sample-ok]").hidden = true;
      if (window.ledgerForms) { window.ledgerForms.wire(box); }  // child-table rows (app.js)
      const form = box.querySelector("[data-preview-form]");
      restoreSample(form, typed);
      if (window.ledgerForms && window.ledgerForms.showWhen) { window.ledgerForms.showWhen(form); }  // x-show-when (showwhen.js)
      if (typed.some((pair) => pair[0] !== "" && pair[1] !== "")) { scheduleCheck(); }
      form.addEventListener("input", scheduleCheck);
      form.addEventListener("change", scheduleCheck);
      form.addEventListener("click", (event) => { if (event.target.matches("[data-remove-row], [data-add-row]")) { scheduleCheck(); } });
      form.addEventListener("submit", (event) => { event.preventDefault(); checkSample(); });
      root.dispatchEvent(new CustomEvent("designer:preview"));
    }).catch(() => {
      root.classList.remove("d-busy");
      root.removeAttribute("data-pending");
      ed.say(_("无法连接服务器，预览未更新"), true);
    });
  }

  function scheduleCheck() {
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(checkSample, 500);
  }

  function checkSample() {
    const form = box.querySelector("[data-preview-form]");
    if (!form) { return; }
    const values = sampleValues();
    const seq = checkSeq += 1;
    root.setAttribute("data-checking", "");
    post(urls.check, {definition: ed.model.doc, values: values}, ed.csrf).then((r) => {
      if (seq !== checkSeq) { return; }
      root.removeAttribute("data-checking");
      if (!r.ok) { return; }
      form.querySelectorAll(".d-check-error").forEach((node) => { node.remove(); });
      form.querySelectorAll("[aria-invalid]").forEach((node) => { node.removeAttribute("aria-invalid"); });
      const errors = r.data.errors || {};
      Object.keys(errors).forEach((name) => {
        const input = name ? form.querySelector('[name="' + cssString(name) + '"]') || form.querySelector('[id="' + cssString(name) + '"]') : null;
        const holder = input ? input.closest(".field, fieldset, td") || input.parentElement : form;
        if (input) { input.setAttribute("aria-invalid", "true"); }
        holder.appendChild(el("p", {"class": "field-error d-check-error", "data-check-error": name, text: errors[name].join("；")}));
      });
      root.querySelector("[data-sample-ok]").hidden = Object.keys(errors).length > 0;
    });
  }

  return {schedule, refresh};
}
