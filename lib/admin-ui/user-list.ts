import type { QueryUsersAnswer, UserInfo, UsersAnswer } from "./api-types.js";
import { ApiError, messageOf, request } from "./api-client.js";
import { state } from "./app-state.js";
import { handleAuthLoss } from "./auth-loss.js";
import { make, show } from "./dom-helpers.js";
import { notify } from "./notice.js";
import { openPasswordDialog } from "./password-dialog.js";
import { isReserved } from "./role-presentation.js";
import { tabEl } from "./tab-elements.js";
import { isQueryUnavailable, userActions, userQueryBody, usersFromGet, usersFromQuery, type UserPage } from "./user-query.js";

const PAGE_SIZE = 25;

/** Bumped by every load and by sign-out, so a late answer is dropped. */
let sequence = 0;
let from = 0;
let total = 0;
/** Set once the server turned out to have no Query User API: lists come from `GET /user` then. */
let viaGet = false;

async function fetchUsers(offset: number): Promise<UserPage> {
  if (!viaGet) {
    try {
      return usersFromQuery(await request<QueryUsersAnswer>("POST", "/_security/_query/user", userQueryBody(offset, PAGE_SIZE)));
    } catch (error) {
      if (!(error instanceof ApiError) || !isQueryUnavailable(error.status, error.message)) throw error;
      viaGet = true;
    }
  }
  return usersFromGet(await request<UsersAnswer>("GET", "/_security/user"), offset, PAGE_SIZE);
}

function cell(label: string, text: string, className = "list-cell"): HTMLTableCellElement {
  const td = make("td", className, text);
  td.setAttribute("data-label", label);
  return td;
}

function actionButton(text: string, label: string, onClick: (button: HTMLButtonElement) => void): HTMLButtonElement {
  const button = make("button", "button secondary small", text);
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.addEventListener("click", () => onClick(button));
  return button;
}

function userRow(user: UserInfo, me: string): HTMLTableRowElement {
  const tr = make("tr");
  tr.setAttribute("data-username", user.username);
  const enabled = user.enabled !== false;
  const name = cell("Username", "");
  name.append(make("span", "key-name user-name", user.username));
  if (isReserved(user.metadata)) name.append(make("span", "tag", "reserved"));
  if (user.username === me) name.append(make("span", "tag", "you"));
  const status = cell("Status", "");
  status.append(make("span", "badge " + (enabled ? "badge-enabled" : "badge-disabled"), enabled ? "enabled" : "disabled"));
  const actions = cell("Actions", "", "actions-cell");
  const allowed = userActions(user, me, state.access.manageUsers);
  if (allowed.toggle) {
    const verb = enabled ? "Disable" : "Enable";
    actions.append(actionButton(verb, verb + " user " + user.username, (button) => void setUserEnabled(user.username, !enabled, button)));
  }
  if (allowed.password) {
    actions.append(
      actionButton("Reset password", "Reset password of " + user.username, (button) => openPasswordDialog(user.username, button)),
    );
  }
  if (!allowed.toggle && !allowed.password) actions.append(make("span", "muted", "read-only"));
  tr.append(
    name,
    cell("Full name", user.full_name ?? ""),
    cell("Email", user.email ?? ""),
    cell("Roles", (user.roles ?? []).join(", ")),
    status,
    actions,
  );
  return tr;
}

function updatePager(count: number): void {
  tabEl.usersSummary.textContent =
    count === 0 ? "No users." : "Showing " + (from + 1) + "\u2013" + (from + count) + " of " + total + " users.";
  tabEl.usersPrev.disabled = from === 0;
  tabEl.usersNext.disabled = from + count >= total;
}

/** Loads the current page of users: the Query User API, or `GET /user` where there is none. */
export async function loadUsers(): Promise<void> {
  const current = ++sequence;
  tabEl.usersWrap.setAttribute("aria-busy", "true");
  show(tabEl.usersError, false);
  const access = state.access.manageUsers
    ? "You can enable, disable and reset the password of users (manage_security). Reserved users and your own account are read-only here."
    : "Read-only: changing users needs manage_security.";
  tabEl.usersNote.textContent = access;
  try {
    const page = await fetchUsers(from);
    if (current !== sequence) return;
    // The Query User API lists native users only, as in Elasticsearch; say so rather than let
    // the built-in users seem lost.
    tabEl.usersNote.textContent = viaGet ? access : `${access} Built-in users (such as elastic) are not listed.`;
    total = page.total;
    const me = state.me?.username ?? "";
    const fragment = document.createDocumentFragment();
    for (const user of page.users) fragment.append(userRow(user, me));
    tabEl.usersBody.replaceChildren(fragment);
    updatePager(page.users.length);
  } catch (error) {
    if (current !== sequence || handleAuthLoss(error)) return;
    tabEl.usersBody.replaceChildren();
    tabEl.usersError.textContent = "Could not load the users: " + messageOf(error);
    show(tabEl.usersError, true);
    updatePager(0);
  } finally {
    if (current === sequence) tabEl.usersWrap.setAttribute("aria-busy", "false");
  }
}

/** `PUT /_security/user/{name}/_enable|_disable`, then the list again. */
async function setUserEnabled(username: string, enabled: boolean, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    await request("PUT", "/_security/user/" + encodeURIComponent(username) + (enabled ? "/_enable" : "/_disable"));
    notify((enabled ? "Enabled" : "Disabled") + " user " + username + ".");
    await loadUsers();
    const again = tabEl.usersBody.querySelector<HTMLButtonElement>('tr[data-username="' + CSS.escape(username) + '"] button');
    (again ?? tabEl.usersTitle).focus();
  } catch (error) {
    if (handleAuthLoss(error)) return;
    tabEl.usersError.textContent = "User " + username + " was not " + (enabled ? "enabled" : "disabled") + ": " + messageOf(error);
    show(tabEl.usersError, true);
    button.disabled = false;
  }
}

/** Previous (-1) or next (1) page of users. */
export function goToUserPage(delta: 1 | -1): void {
  from = Math.max(0, from + delta * PAGE_SIZE);
  void loadUsers();
}

/** Forgets every user shown (sign-out); the next caller's server is asked afresh. */
export function clearUsers(): void {
  sequence++;
  from = 0;
  total = 0;
  viaGet = false;
  tabEl.usersBody.replaceChildren();
  tabEl.usersSummary.textContent = "";
  show(tabEl.usersError, false);
}
