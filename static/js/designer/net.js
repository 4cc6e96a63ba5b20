/* The editor's POSTs: JSON both ways, the CSRF token in a header, an unreadable answer as an error. */
import { _ } from "./i18n.js";

export function post(url, body, csrf) {
  return fetch(url, {method: "POST", credentials: "same-origin",
                     headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
                     body: JSON.stringify(body || {})})
    .then((response) => response.json()
      .catch(() => ({error: _("服务器返回了无法读取的内容（%(status)s）", {status: response.status})}))
      .then((data) => ({ok: response.ok, status: response.status, data: data})));
}

/* A file uploaded as multipart form data. */
export function upload(url, file, csrf) {
  const data = new FormData();
  data.append("file", file);
  return fetch(url, {method: "POST", credentials: "same-origin", body: data,
                     headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
    .then((response) => response.json().then((body) => ({ok: response.ok, data: body})));
}
