import { show } from "./dom-helpers.js";
import { el } from "./page-elements.js";

let noticeTimer = 0;

/** A passing message in the live region at the top of the page. */
export function notify(message: string): void {
  el.notice.textContent = message;
  show(el.notice, true);
  clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => {
    show(el.notice, false);
    el.notice.textContent = "";
  }, 12000);
}
