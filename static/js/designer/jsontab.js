/* The 「高级：定义 JSON」 tab: the same document as text. A syntax error names its line and column
   and leaves the document as it was; a good edit replaces it and the visual editor follows. */
import { _ } from "./i18n.js";

/* A JSON.parse error as "第 L 行第 C 列": from the message when the engine gives a line, else
   from the character position it names (the end of the text when none). */
export function syntaxMessage(error, text) {
  const msg = String(error.message || error);
  let line, column, m = /line (\d+) column (\d+)/.exec(msg);
  if (m) { line = +m[1]; column = +m[2]; } else {
    m = /position (\d+)/.exec(msg);
    const at = m ? +m[1] : text.length;
    const before = text.slice(0, at).split("\n");
    line = before.length; column = before[before.length - 1].length + 1;
  }
  return _("JSON 语法错误：第 %(line)s 行第 %(column)s 列（%(message)s）", {line: line, column: column, message: msg});
}

/* The text box shows the document, unless one is typing in it. */
export function writeJson(ed) {
  if (document.activeElement !== ed.jsonBox) { ed.jsonBox.value = JSON.stringify(ed.model.doc, null, 2); }
}

export function wireJsonTab(ed) {
  const box = ed.jsonBox, error = ed.jsonError;
  box.addEventListener("input", () => {
    let parsed;
    try {
      parsed = JSON.parse(box.value);
    } catch (e) {
      error.textContent = syntaxMessage(e, box.value);
      error.hidden = false;
      box.setAttribute("aria-invalid", "true");
      return;
    }
    error.hidden = true;
    box.removeAttribute("aria-invalid");
    ed.model.replace(parsed);
    ed.render();
    ed.schedulePreview();
  });
}
