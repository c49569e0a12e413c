import { byId } from "./page-elements.js";

const element = HTMLElement;
const button = HTMLButtonElement;
const tbody = HTMLTableSectionElement;

/** The tab bar and the Roles and Users tabs' elements (see page-elements.ts). */
export const tabEl = {
  tabs: byId("tabs", element),
  noTabs: byId("no-tabs", element),
  tabKeys: byId("tab-keys", button),
  tabRoles: byId("tab-roles", button),
  tabUsers: byId("tab-users", button),
  rolesView: byId("roles-view", element),
  rolesTitle: byId("roles-title", element),
  rolesError: byId("roles-error", element),
  rolesWrap: byId("roles-wrap", element),
  rolesBody: byId("roles-body", tbody),
  rolesSummary: byId("roles-summary", element),
  roleDetail: byId("role-detail", element),
  roleDetailTitle: byId("role-detail-title", element),
  roleDetailJson: byId("role-detail-json", element),
  roleDetailClose: byId("role-detail-close", button),
  usersView: byId("users-view", element),
  usersTitle: byId("users-title", element),
  usersNote: byId("users-note", element),
  usersError: byId("users-error", element),
  usersWrap: byId("users-wrap", element),
  usersBody: byId("users-body", tbody),
  usersPrev: byId("users-prev", button),
  usersNext: byId("users-next", button),
  usersSummary: byId("users-summary", element),
};
