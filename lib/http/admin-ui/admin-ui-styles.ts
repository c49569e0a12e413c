/**
 * The admin page's style sheet, served as `<path>/admin-ui.css` (a string module, so it ships in
 * dist/ with no asset copying). Colours meet WCAG AA contrast (4.5:1 for text); below 720px the
 * key table turns into one card per key.
 *
 * Editing: this is a `String.raw` template, so write no backtick and no dollar-brace in it.
 */
export const ADMIN_UI_STYLES: string = String.raw`:root {
  --text: #1b1f24;
  --muted: #4d5661;
  --border: #c9d0d8;
  --surface: #ffffff;
  --page: #f3f5f8;
  --primary: #0b57a4;
  --primary-hover: #084480;
  --danger: #b3261e;
  --danger-hover: #8c1d17;
  --focus: #1a5fd6;
  --ok-bg: #e4f3e8;
  --ok-text: #1b5e2c;
  --warn-bg: #fff1d6;
  --warn-text: #6b4200;
  --bad-bg: #fbe4e2;
  --bad-text: #8a1c15;
  --radius: 6px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px;
  line-height: 1.45;
  color: var(--text);
  background: var(--page);
}

*, *::before, *::after { box-sizing: border-box; }

body { margin: 0; }

[hidden] { display: none !important; }

.visually-hidden {
  position: absolute !important;
  width: 1px; height: 1px;
  margin: -1px; padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}

.skip-link {
  position: absolute;
  left: 0.5rem; top: -3rem;
  padding: 0.5rem 0.75rem;
  background: var(--surface);
  color: var(--primary);
  border: 2px solid var(--focus);
  border-radius: var(--radius);
  z-index: 10;
}
.skip-link:focus { top: 0.5rem; }

:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}
#main:focus, h2[tabindex="-1"]:focus, .secret:focus { outline: none; }
h2[tabindex="-1"]:focus-visible, .secret:focus-visible { outline: 3px solid var(--focus); outline-offset: 4px; }

code, pre, input, textarea, select, button { font: inherit; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }

.top-bar {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  justify-content: space-between;
  gap: 0.5rem 1rem;
  padding: 0.75rem 1.25rem;
  background: #17212e;
  color: #ffffff;
}
.brand { margin: 0; font-size: 1.25rem; }
.who { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; }
.who .muted { color: #d3dae3; }

main { max-width: 78rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }

.card {
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  padding: 1rem 1.25rem;
  margin: 0 0 1rem;
}
.card.narrow { max-width: 32rem; margin: 2rem auto; }
.card h2 { margin: 0 0 0.75rem; font-size: 1.2rem; }

.section-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; }
.section-head h2 { margin: 0; }
#create-form { margin-top: 1rem; }

.notice {
  max-width: 78rem;
  margin: 0.75rem auto 0;
  padding: 0.6rem 1rem;
  border-left: 4px solid var(--primary);
  background: #e6eef8;
  color: var(--text);
}
@media (min-width: 80rem) { .notice { border-radius: var(--radius); } }

.muted { color: var(--muted); }
.scope-note { margin: 0.25rem 0 1rem; }
.hint { margin: 0.25rem 0 0; font-size: 0.875rem; color: var(--muted); }
.error-text { margin: 0.25rem 0 0; color: var(--bad-text); font-weight: 600; overflow-wrap: anywhere; }
.error-box {
  margin: 0.75rem 0;
  padding: 0.6rem 0.8rem;
  border: 1px solid #e3a29d;
  border-left: 4px solid var(--danger);
  border-radius: var(--radius);
  background: var(--bad-bg);
  color: var(--bad-text);
  overflow-wrap: anywhere;
}
.warning {
  padding: 0.6rem 0.8rem;
  border-left: 4px solid #b26a00;
  background: var(--warn-bg);
  color: var(--warn-text);
  border-radius: var(--radius);
}

.field { margin: 0 0 0.9rem; display: flex; flex-direction: column; min-width: 0; }
.field > label, .choice legend { font-weight: 600; margin-bottom: 0.25rem; }
.field.checkbox label { font-weight: 400; display: flex; gap: 0.5rem; align-items: flex-start; }
.choice { border: 0; padding: 0; margin: 0 0 0.9rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; }
.choice legend { padding: 0; width: 100%; }
.choice label { display: flex; align-items: center; gap: 0.4rem; min-height: 2.75rem; }

input:not([type=checkbox]):not([type=radio]), textarea, select {
  width: 100%;
  min-height: 2.75rem;
  padding: 0.5rem 0.6rem;
  border: 1px solid #7a8591;
  border-radius: var(--radius);
  background: var(--surface);
  color: var(--text);
}
textarea { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9rem; resize: vertical; }
input[type=checkbox], input[type=radio] { width: 1.25rem; height: 1.25rem; margin: 0.1rem 0 0; accent-color: var(--primary); }
[aria-invalid="true"] { border-color: var(--danger) !important; box-shadow: 0 0 0 1px var(--danger); }
.required { color: var(--bad-text); }

.button {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  min-height: 2.75rem;
  padding: 0.45rem 1rem;
  border-radius: var(--radius);
  border: 1px solid transparent;
  font-weight: 600;
  cursor: pointer;
  text-align: center;
}
.button.small { min-height: 2.25rem; padding: 0.25rem 0.7rem; font-size: 0.9rem; }
.button.primary { background: var(--primary); color: #ffffff; }
.button.primary:hover { background: var(--primary-hover); }
.button.secondary { background: var(--surface); color: var(--primary); border-color: var(--primary); }
.button.secondary:hover { background: #e6eef8; }
.top-bar .button.secondary { background: transparent; color: #ffffff; border-color: #ffffff; }
.top-bar .button.secondary:hover { background: #2b3a4d; }
.button.danger { background: var(--danger); color: #ffffff; }
.button.danger:hover { background: var(--danger-hover); }
/* Row actions are outlined so a page of keys is not a wall of red. */
.button.danger.small { background: var(--surface); color: var(--danger); border-color: var(--danger); }
.button.danger.small:hover { background: var(--bad-bg); color: var(--danger-hover); }
.button.button:disabled, .button.button:disabled:hover { background: #e4e7eb; color: #5c6670; border-color: #c9d0d8; cursor: not-allowed; }

.form-actions, .dialog-actions, .filter-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }

.filters {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
  gap: 0 1rem;
  align-items: end;
}
.filters .field { margin-bottom: 0.75rem; }
.filters .filter-actions { margin-bottom: 0.75rem; }
.filters .full-width { grid-column: 1 / -1; margin: 0 0 0.75rem; }

.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; margin: 0.5rem 0; }
.toolbar p { margin: 0; }

.table-wrap { overflow-x: auto; }
.table-wrap[aria-busy="true"] { opacity: 0.6; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 0.55rem 0.5rem; text-align: left; vertical-align: top; border-bottom: 1px solid #dde2e8; }
thead th { font-size: 0.875rem; color: var(--muted); border-bottom: 2px solid var(--border); white-space: nowrap; }
.select-cell { width: 2.5rem; }
.sort-button {
  background: none;
  border: 0;
  padding: 0.25rem 0;
  color: var(--primary);
  font-weight: 700;
  cursor: pointer;
  text-decoration: underline;
  text-underline-offset: 3px;
}
th[aria-sort="ascending"] .sort-button::after { content: " \2191"; }
th[aria-sort="descending"] .sort-button::after { content: " \2193"; }
tr.status-invalidated .key-name, tr.status-expired .key-name { color: var(--muted); }
.key-name { display: block; font-weight: 600; overflow-wrap: anywhere; }
.key-id { display: block; color: var(--muted); font-size: 0.8rem; overflow-wrap: anywhere; }
.owner-name { display: block; overflow-wrap: anywhere; }
.owner-realm { display: block; font-size: 0.85rem; }
.tag {
  display: inline-block;
  margin-top: 0.15rem;
  padding: 0 0.4rem;
  border-radius: 999px;
  background: #e6eef8;
  color: #0b3d73;
  font-size: 0.78rem;
  font-weight: 600;
}
.badge {
  display: inline-block;
  padding: 0.1rem 0.55rem;
  border-radius: 999px;
  font-size: 0.85rem;
  font-weight: 700;
  text-transform: capitalize;
  border: 1px solid currentColor;
}
.badge-active { background: var(--ok-bg); color: var(--ok-text); }
.badge-expired { background: var(--warn-bg); color: var(--warn-text); }
.badge-invalidated { background: var(--bad-bg); color: var(--bad-text); }
.metadata-cell { max-width: 18rem; }
.metadata-summary { display: block; overflow-wrap: anywhere; font-size: 0.9rem; }
.key-details summary { cursor: pointer; color: var(--primary); font-size: 0.875rem; min-height: 1.75rem; }
pre.json {
  margin: 0.35rem 0 0;
  padding: 0.5rem;
  max-height: 16rem;
  overflow: auto;
  background: #f3f5f8;
  border: 1px solid #dde2e8;
  border-radius: var(--radius);
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}

.pager { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; margin-top: 0.75rem; }

.secret { border: 2px solid #b26a00; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.5rem 1rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; color: var(--muted); font-size: 0.875rem; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.copy-row { display: flex; gap: 0.5rem; }
.copy-row input { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9rem; }
.copy-row .button { flex: 0 0 auto; }

dialog {
  width: min(36rem, calc(100vw - 2rem));
  border: 1px solid var(--border);
  border-radius: var(--radius);
  padding: 1.25rem;
  color: var(--text);
  background: var(--surface);
}
dialog::backdrop { background: rgba(15, 23, 32, 0.55); }
dialog h2 { margin-top: 0; font-size: 1.2rem; }
.confirm-list { max-height: 12rem; overflow: auto; padding-left: 1.25rem; overflow-wrap: anywhere; }

/* Phone width: the table becomes one card per key. */
@media (max-width: 720px) {
  main { padding: 0.75rem 0.75rem 2rem; }
  .card { padding: 0.9rem; }
  .top-bar { padding: 0.6rem 0.75rem; }
  .table-wrap { overflow-x: visible; }
  #keys-table, #keys-table tbody, #keys-table tr, #keys-table td { display: block; width: 100%; }
  #keys-table thead tr { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: center; border-bottom: 2px solid var(--border); }
  #keys-table thead th { display: none; border: 0; padding: 0.25rem 0; }
  #keys-table thead th.select-cell, #keys-table thead th[data-sort-field] { display: block; width: auto; }
  #keys-table tbody tr { border: 1px solid var(--border); border-radius: var(--radius); margin: 0.75rem 0; padding: 0.5rem 0.75rem; }
  #keys-table td { border: 0; padding: 0.3rem 0; display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: 0.5rem; }
  #keys-table td::before { content: attr(data-label); font-weight: 600; color: var(--muted); font-size: 0.875rem; }
  #keys-table td.select-cell::before { content: "Select"; }
  .metadata-cell { max-width: none; }
  .copy-row { flex-direction: column; }
}

@media (forced-colors: active) {
  .badge, .tag { border: 1px solid CanvasText; }
}
`;
