/** Element builders that only ever set text: nothing from the server is parsed as HTML. */

export function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string | null,
  text?: string | null,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function show(node: HTMLElement, visible: boolean): void {
  node.hidden = !visible;
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** A `<time>` in the reader's locale, with the exact instant as its machine value and tooltip. */
export function timeNode(ms: number): HTMLTimeElement {
  const date = new Date(ms);
  const node = make("time", null, dateFormat.format(date));
  node.dateTime = date.toISOString();
  node.title = date.toISOString();
  return node;
}
