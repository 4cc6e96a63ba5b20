/* Messages in the page's language. The page passes {msgid: translation} for the calls of `_`
   in these modules (web/designer.py reads them); %(name)s takes values[name]. */
let messages = {};

export function setMessages(table) { messages = table || {}; }

export function _(text, values) {
  const out = Object.prototype.hasOwnProperty.call(messages, text) ? messages[text] : text;
  return values ? out.replace(/%\((\w+)\)s/g, (all, name) => String(values[name])) : out;
}
