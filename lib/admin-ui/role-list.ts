import type { RolesAnswer } from "./api-types.js";
import { messageOf, request } from "./api-client.js";
import { handleAuthLoss } from "./auth-loss.js";
import { make, show } from "./dom-helpers.js";
import { isReserved, roleJson, roleRows, type RoleRow } from "./role-presentation.js";
import { tabEl } from "./tab-elements.js";

/** Bumped by every load and by sign-out, so a late answer is dropped. */
let sequence = 0;

function cell(label: string, text: string, className?: string): HTMLTableCellElement {
  const td = make("td", className ?? "list-cell", text);
  td.setAttribute("data-label", label);
  return td;
}

function roleRow(row: RoleRow): HTMLTableRowElement {
  const tr = make("tr");
  tr.setAttribute("data-role", row.name);
  const name = cell("Name", "");
  name.append(make("span", "key-name role-name", row.name));
  if (row.reserved) name.append(make("span", "tag", "reserved"));
  const actions = cell("Actions", "", "actions-cell");
  const view = make("button", "button secondary small", "View");
  view.type = "button";
  view.setAttribute("aria-label", "View role " + row.name);
  view.addEventListener("click", () => void viewRole(row.name, view));
  actions.append(view);
  tr.append(
    name,
    cell("Cluster", row.cluster || "none"),
    cell("Indices", row.indices || "none"),
    cell("Applications", row.applications || "none"),
    actions,
  );
  return tr;
}

/** Loads every role (`GET /_security/role`) into the table. */
export async function loadRoles(): Promise<void> {
  const current = ++sequence;
  tabEl.rolesWrap.setAttribute("aria-busy", "true");
  show(tabEl.rolesError, false);
  try {
    const rows = roleRows(await request<RolesAnswer>("GET", "/_security/role"));
    if (current !== sequence) return;
    const fragment = document.createDocumentFragment();
    for (const row of rows) fragment.append(roleRow(row));
    tabEl.rolesBody.replaceChildren(fragment);
    const reserved = rows.filter((row) => row.reserved).length;
    tabEl.rolesSummary.textContent = rows.length + " roles, " + reserved + " of them reserved.";
  } catch (error) {
    if (current !== sequence || handleAuthLoss(error)) return;
    tabEl.rolesBody.replaceChildren();
    tabEl.rolesError.textContent = "Could not load the roles: " + messageOf(error);
    show(tabEl.rolesError, true);
  } finally {
    if (current === sequence) tabEl.rolesWrap.setAttribute("aria-busy", "false");
  }
}

/** Shows one role's descriptor as Elasticsearch returns it (`GET /_security/role/{name}`). */
async function viewRole(name: string, opener: HTMLButtonElement): Promise<void> {
  const current = sequence;
  try {
    const answer = await request<RolesAnswer>("GET", "/_security/role/" + encodeURIComponent(name));
    const descriptor = answer?.[name];
    if (current !== sequence || !descriptor) return;
    tabEl.roleDetailTitle.textContent = "Role " + name + (isReserved(descriptor.metadata) ? " (reserved, read-only)" : "");
    tabEl.roleDetailJson.textContent = roleJson(descriptor);
    tabEl.roleDetailJson.setAttribute("aria-label", "Descriptor of role " + name);
    show(tabEl.roleDetail, true);
    tabEl.roleDetail.focus();
  } catch (error) {
    if (handleAuthLoss(error)) return;
    tabEl.rolesError.textContent = "Could not load role " + name + ": " + messageOf(error);
    show(tabEl.rolesError, true);
    opener.focus();
  }
}

export function closeRoleDetail(): void {
  show(tabEl.roleDetail, false);
  tabEl.roleDetailJson.textContent = "";
  tabEl.rolesTitle.focus();
}

/** Forgets every role shown (sign-out). */
export function clearRoles(): void {
  sequence++;
  tabEl.rolesBody.replaceChildren();
  tabEl.rolesSummary.textContent = "";
  tabEl.roleDetailJson.textContent = "";
  show(tabEl.roleDetail, false);
  show(tabEl.rolesError, false);
}
