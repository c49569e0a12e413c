/**
 * Styles of the tabs, the Roles and Users tabs and the key limits, appended to the page's style
 * sheet. Same rules as admin-ui-styles.ts: a `String.raw` template, no backtick or dollar-brace.
 */
export const ADMIN_UI_TAB_STYLES: string = String.raw`
.tabs { display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0 0 1rem; border-bottom: 2px solid var(--border); }
.tab {
  padding: 0.55rem 1rem;
  min-height: 2.75rem;
  border: 1px solid transparent;
  border-bottom: 0;
  border-radius: var(--radius) var(--radius) 0 0;
  background: none;
  color: var(--primary);
  font-weight: 600;
  cursor: pointer;
}
.tab[aria-selected="true"] { background: var(--surface); border-color: var(--border); color: var(--text); margin-bottom: -2px; border-bottom: 2px solid var(--surface); }
.list-wrap { overflow-x: auto; }
.list-wrap[aria-busy="true"] { opacity: 0.6; }
.badge-disabled { background: #ececec; color: #3d3d3d; }
.badge-enabled { background: var(--ok-bg); color: var(--ok-text); }
.limits-cell { max-width: 16rem; font-size: 0.9rem; }
.limit-line { display: block; overflow-wrap: anywhere; }
/* A column of buttons, so a row with several actions leaves the other columns their width. */
.actions-cell .button { display: block; width: 100%; margin: 0 0 0.3rem; white-space: nowrap; }
.role-detail { margin-top: 1rem; }
.role-detail h3 { margin: 0 0 0.25rem; font-size: 1.05rem; }
.role-detail .button { margin-top: 0.5rem; }
.list-cell { overflow-wrap: anywhere; }
@media (max-width: 720px) {
  .list-wrap { overflow-x: visible; }
  #roles-table, #roles-table tbody, #roles-table tr, #roles-table td,
  #users-table, #users-table tbody, #users-table tr, #users-table td { display: block; width: 100%; }
  #roles-table thead, #users-table thead { display: none; }
  #roles-table tbody tr, #users-table tbody tr { border: 1px solid var(--border); border-radius: var(--radius); margin: 0.75rem 0; padding: 0.5rem 0.75rem; }
  #roles-table td, #users-table td { border: 0; padding: 0.3rem 0; display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: 0.5rem; }
  #roles-table td::before, #users-table td::before { content: attr(data-label); font-weight: 600; color: var(--muted); font-size: 0.875rem; }
  .limits-cell { max-width: none; }
  .actions-cell .button { display: inline-block; width: auto; margin: 0 0.3rem 0.3rem 0; }
}
`;
