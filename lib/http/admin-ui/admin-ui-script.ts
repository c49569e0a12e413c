/**
 * The admin page's script, served as `<path>/admin-ui.js`. It is kept as a string module so the
 * package needs no asset copying: it ships in dist/ like any other module.
 *
 * Plain ES2020 for current browsers, no dependencies, no build step. Rules that keep it safe:
 * server data reaches the DOM only through `textContent`/`value` (never HTML parsing); requests go
 * to the same origin with `credentials: "omit"` and an explicit `Authorization` header; the
 * credentials live in memory, and in `sessionStorage` only when the user ticks "Stay signed in";
 * the new key's secret is shown once and dropped from the page when dismissed.
 *
 * Editing: this is a `String.raw` template, so write no backtick and no dollar-brace in it.
 */
export const ADMIN_UI_SCRIPT: string = String.raw`(function () {
  "use strict";

  var STORAGE_KEY = "express-keyguard.admin-ui.credentials";

  function byId(id) {
    var node = document.getElementById(id);
    if (!node) throw new Error("admin UI markup is missing #" + id);
    return node;
  }

  var el = {
    who: byId("who"),
    whoName: byId("who-name"),
    whoDetail: byId("who-detail"),
    signOut: byId("sign-out"),
    notice: byId("notice"),
    main: byId("main"),
    signInView: byId("sign-in-view"),
    signInTitle: byId("sign-in-title"),
    signInForm: byId("sign-in-form"),
    passwordFields: byId("password-fields"),
    apiKeyFields: byId("api-key-fields"),
    username: byId("sign-in-username"),
    password: byId("sign-in-password"),
    apiKey: byId("sign-in-api-key"),
    remember: byId("sign-in-remember"),
    signInError: byId("sign-in-error"),
    signInSubmit: byId("sign-in-submit"),
    keysView: byId("keys-view"),
    scopeNote: byId("scope-note"),
    secretPanel: byId("secret-panel"),
    secretName: byId("secret-name"),
    secretId: byId("secret-id"),
    secretExpiration: byId("secret-expiration"),
    secretEncoded: byId("secret-encoded"),
    secretApiKey: byId("secret-api-key"),
    copyStatus: byId("copy-status"),
    secretDone: byId("secret-done"),
    createToggle: byId("create-toggle"),
    createForm: byId("create-form"),
    createName: byId("create-name"),
    createExpiration: byId("create-expiration"),
    createRoleDescriptors: byId("create-role-descriptors"),
    createMetadata: byId("create-metadata"),
    createError: byId("create-error"),
    createSubmit: byId("create-submit"),
    createCancel: byId("create-cancel"),
    listTitle: byId("list-title"),
    filterForm: byId("filter-form"),
    scopeField: byId("scope-field"),
    filterScope: byId("filter-scope"),
    filterName: byId("filter-name"),
    ownerField: byId("owner-field"),
    filterOwner: byId("filter-owner"),
    filterStatus: byId("filter-status"),
    filterSort: byId("filter-sort"),
    filterSize: byId("filter-size"),
    filterReset: byId("filter-reset"),
    invalidateSelected: byId("invalidate-selected"),
    resultSummary: byId("result-summary"),
    listError: byId("list-error"),
    tableWrap: document.querySelector(".table-wrap"),
    selectAll: byId("select-all"),
    body: byId("keys-body"),
    emptyState: byId("empty-state"),
    pagePrev: byId("page-prev"),
    pageNext: byId("page-next"),
    pageInfo: byId("page-info"),
    dialog: byId("confirm-dialog"),
    confirmText: byId("confirm-text"),
    confirmList: byId("confirm-list"),
    confirmCancel: byId("confirm-cancel"),
    confirmOk: byId("confirm-ok")
  };

  // The API prefix comes from the server. Only a same-origin path is accepted, so a prefix such as
  // "//elsewhere" can never make the page send credentials to another host.
  var apiBase = (function () {
    var meta = document.querySelector('meta[name="keyguard-api-base"]');
    var value = meta ? meta.getAttribute("content") || "" : "";
    if (value !== "" && !/^\/(?!\/)[^\\]*$/.test(value)) return "";
    return value.replace(/\/+$/, "");
  })();

  var DEFAULT_ORDER = { name: "asc", creation: "desc", expiration: "asc" };
  var SORT_LABELS = { name: "Name", creation: "Created", expiration: "Expires" };

  var state = {
    credentials: null,
    me: null,
    can: { manageAll: false, readAll: false },
    query: defaultQuery(),
    // search_after values of the pages visited so far: cursors[n] loads page n.
    cursors: [null],
    page: 0,
    keys: [],
    total: 0,
    selected: new Set(),
    sequence: 0,
    loading: false,
    pendingKeys: null,
    returnFocus: null
  };

  function defaultQuery() {
    return { scope: "all", name: "", owner: "", status: "", sortField: "creation", sortOrder: "desc", size: 10 };
  }

  // ------------------------------------------------------------------------------------------
  // HTTP

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  function describeError(status, body, retryAfter) {
    if (status === 429) {
      return "Too many failed attempts from this address. " + (retryAfter ? "Try again in " + retryAfter + " seconds." : "Try again later.");
    }
    var error = body && typeof body === "object" ? body.error : undefined;
    var text = "";
    if (error && typeof error === "object") {
      text = typeof error.reason === "string" ? error.reason : String(error.type || "");
      var cause = error.caused_by;
      for (var depth = 0; cause && typeof cause === "object" && depth < 5; depth++) {
        if (typeof cause.reason === "string" && text.indexOf(cause.reason) < 0) text += ": " + cause.reason;
        cause = cause.caused_by;
      }
    } else if (typeof error === "string") {
      text = error;
    }
    if (!text) text = "The server answered with status " + status + ".";
    return text;
  }

  async function request(method, path, body) {
    var headers = { Accept: "application/json" };
    if (state.credentials) headers.Authorization = state.credentials.header;
    var init = { method: method, headers: headers, credentials: "omit", cache: "no-store", redirect: "error" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var response;
    try {
      // credentials: "omit" keeps cookies and the browser's own Basic-auth cache out of these
      // requests (so no cross-site request can ride on them) and stops the browser's login prompt.
      response = await fetch(apiBase + path, init);
    } catch (networkError) {
      throw new ApiError(0, "The server could not be reached. Check the connection and try again.");
    }
    var text = await response.text();
    var data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (parseError) {
        data = null;
      }
    }
    if (!response.ok) throw new ApiError(response.status, describeError(response.status, data, response.headers.get("retry-after")));
    return data;
  }

  function base64Utf8(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }

  // ------------------------------------------------------------------------------------------
  // Small DOM helpers (text only: nothing from the server is ever parsed as HTML)

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  var noticeTimer = 0;
  function notify(message) {
    el.notice.textContent = message;
    show(el.notice, true);
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () {
      show(el.notice, false);
      el.notice.textContent = "";
    }, 12000);
  }

  var dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

  function timeNode(ms) {
    var date = new Date(ms);
    var node = make("time", null, dateFormat.format(date));
    node.dateTime = date.toISOString();
    node.title = date.toISOString();
    return node;
  }

  function statusOf(key, now) {
    if (key.invalidated) return "invalidated";
    if (typeof key.expiration === "number" && key.expiration <= now) return "expired";
    return "active";
  }

  function displayName(key) {
    return key.name === null || key.name === undefined || key.name === "" ? "(unnamed key " + key.id + ")" : key.name;
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  // ------------------------------------------------------------------------------------------
  // Credentials: in memory; in sessionStorage only when the user asked for it

  function saveCredentials(credentials) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    } catch (storageError) {
      notify("This browser refused to keep the sign-in for the tab; you will need to sign in again after a reload.");
    }
  }

  function forgetCredentials() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (storageError) {
      // Storage disabled: there is nothing to forget.
    }
  }

  function savedCredentials() {
    try {
      var raw = window.sessionStorage.getItem(STORAGE_KEY);
      if (!raw) return null;
      var parsed = JSON.parse(raw);
      return parsed && typeof parsed.header === "string" && /^(Basic|ApiKey) [A-Za-z0-9+/=_-]+$/.test(parsed.header) ? parsed : null;
    } catch (storageError) {
      return null;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Sign in and out

  function ownerRealm() {
    var me = state.me;
    if (!me) return null;
    if (me.lookup_realm && me.lookup_realm.name) return me.lookup_realm.name;
    return me.authentication_realm ? me.authentication_realm.name : null;
  }

  function isMine(key) {
    var me = state.me;
    if (!me) return false;
    if (me.api_key) return key.id === me.api_key.id;
    return key.username === me.username && key.realm === ownerRealm();
  }

  /** The signed-in user owns it (for an API key: its owner, who may own other keys too). */
  function ownedByMe(key) {
    var me = state.me;
    if (!me || key.username !== me.username) return false;
    return Boolean(me.api_key) || key.realm === ownerRealm();
  }

  function canInvalidate(key) {
    if (key.invalidated) return false;
    return state.can.manageAll || isMine(key);
  }

  async function loadPrivileges() {
    var answer = await request("POST", "/_security/user/_has_privileges", { cluster: ["manage_api_key", "read_security", "manage_own_api_key"] });
    var cluster = (answer && answer.cluster) || {};
    return { manageAll: cluster.manage_api_key === true, readAll: cluster.manage_api_key === true || cluster.read_security === true };
  }

  async function signIn(credentials, remember) {
    state.credentials = credentials;
    try {
      var me = await request("GET", "/_security/_authenticate");
      var can = await loadPrivileges();
      state.me = me;
      state.can = can;
    } catch (error) {
      state.credentials = null;
      throw error;
    }
    if (remember) saveCredentials(credentials);
    else forgetCredentials();
    enterKeysView();
  }

  function enterKeysView() {
    var me = state.me;
    el.whoName.textContent = me.username;
    if (me.api_key) el.whoDetail.textContent = "with API key " + (me.api_key.name ? me.api_key.name + " (" + me.api_key.id + ")" : me.api_key.id);
    else el.whoDetail.textContent = "(realm " + (me.authentication_realm ? me.authentication_realm.name : "?") + ")";
    show(el.who, true);

    if (state.can.manageAll) el.scopeNote.textContent = "You can see and invalidate the keys of every user (manage_api_key).";
    else if (state.can.readAll) el.scopeNote.textContent = "You can see the keys of every user (read_security) and invalidate your own.";
    else if (me.api_key) el.scopeNote.textContent = "Signed in with an API key, you see that key only.";
    else el.scopeNote.textContent = "You see the keys you own.";
    show(el.scopeField, state.can.readAll);
    show(el.ownerField, state.can.readAll);

    state.query = defaultQuery();
    writeFilterForm();
    resetPaging();
    show(el.signInView, false);
    show(el.keysView, true);
    el.listTitle.focus();
    notify("Signed in as " + me.username + ".");
    loadKeys();
  }

  function signOut(message) {
    state.sequence++;
    state.credentials = null;
    state.me = null;
    state.can = { manageAll: false, readAll: false };
    state.keys = [];
    state.selected.clear();
    forgetCredentials();
    hideSecret(false);
    if (el.dialog.open) el.dialog.close("cancel");
    el.body.replaceChildren();
    el.createForm.reset();
    setCreateOpen(false);
    show(el.who, false);
    show(el.keysView, false);
    el.password.value = "";
    el.apiKey.value = "";
    showSignIn(message);
  }

  function showSignIn(message) {
    show(el.signInView, true);
    if (message) {
      el.signInError.textContent = message;
      show(el.signInError, true);
    } else {
      show(el.signInError, false);
    }
    el.signInTitle.focus();
  }

  function signInMethod() {
    var checked = el.signInForm.querySelector('input[name="method"]:checked');
    return checked ? checked.value : "password";
  }

  function updateSignInMethod() {
    var apiKey = signInMethod() === "api_key";
    show(el.passwordFields, !apiKey);
    show(el.apiKeyFields, apiKey);
  }

  async function onSignIn(event) {
    event.preventDefault();
    show(el.signInError, false);
    var method = signInMethod();
    var header;
    var problemField = null;
    var problem = "";
    if (method === "password") {
      if (!el.username.value) {
        problem = "Enter your username.";
        problemField = el.username;
      } else if (!el.password.value) {
        problem = "Enter your password.";
        problemField = el.password;
      } else {
        header = "Basic " + base64Utf8(el.username.value + ":" + el.password.value);
      }
    } else {
      var value = el.apiKey.value.trim();
      if (!value) {
        problem = "Enter an API key.";
        problemField = el.apiKey;
      } else {
        header = "ApiKey " + (value.indexOf(":") >= 0 ? base64Utf8(value) : value);
      }
    }
    if (problem) {
      el.signInError.textContent = problem;
      show(el.signInError, true);
      problemField.setAttribute("aria-invalid", "true");
      problemField.focus();
      return;
    }
    [el.username, el.password, el.apiKey].forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    el.signInSubmit.disabled = true;
    el.signInSubmit.textContent = "Signing in\u2026";
    try {
      await signIn({ header: header }, el.remember.checked);
      el.password.value = "";
      el.apiKey.value = "";
    } catch (error) {
      el.signInError.textContent = "Sign-in failed: " + error.message;
      show(el.signInError, true);
      (method === "password" ? el.password : el.apiKey).focus();
    } finally {
      el.signInSubmit.disabled = false;
      el.signInSubmit.textContent = "Sign in";
    }
  }

  /** A 401 while signed in: the credentials stopped working (e.g. the key signed in with was invalidated). */
  function handleAuthLoss(error) {
    if (error instanceof ApiError && error.status === 401 && state.credentials) {
      signOut("You were signed out: " + error.message);
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Listing: _query/api_key with search_after

  function wildcardPattern(text) {
    if (/[*?]/.test(text)) return text;
    return "*" + text.replace(/\\/g, "\\\\") + "*";
  }

  function buildQuery() {
    var q = state.query;
    var filter = [];
    var mustNot = [];
    if (state.can.readAll && q.scope === "own") {
      filter.push({ term: { username: state.me.username } });
      if (!state.me.api_key && ownerRealm()) filter.push({ term: { realm_name: ownerRealm() } });
    }
    if (q.name) filter.push({ wildcard: { name: { value: wildcardPattern(q.name), case_insensitive: true } } });
    if (q.owner && state.can.readAll) filter.push({ wildcard: { username: { value: wildcardPattern(q.owner), case_insensitive: true } } });
    if (q.status === "active") {
      filter.push({ term: { invalidated: false } });
      mustNot.push({ range: { expiration: { lte: "now" } } });
    } else if (q.status === "expired") {
      filter.push({ term: { invalidated: false } });
      filter.push({ range: { expiration: { lte: "now" } } });
    } else if (q.status === "invalidated") {
      filter.push({ term: { invalidated: true } });
    }
    var sort = {};
    sort[q.sortField] = { order: q.sortOrder };
    // _doc (the key id) breaks ties, so search_after never skips keys that share a name or date.
    var body = { size: q.size, sort: [sort, "_doc"] };
    if (filter.length > 0 || mustNot.length > 0) {
      var bool = {};
      if (filter.length > 0) bool.filter = filter;
      if (mustNot.length > 0) bool.must_not = mustNot;
      body.query = { bool: bool };
    }
    var after = state.cursors[state.page];
    if (after) body.search_after = after;
    return body;
  }

  function resetPaging() {
    state.page = 0;
    state.cursors = [null];
  }

  function setBusy(busy) {
    state.loading = busy;
    el.tableWrap.setAttribute("aria-busy", busy ? "true" : "false");
  }

  async function loadKeys() {
    var sequence = ++state.sequence;
    setBusy(true);
    show(el.listError, false);
    try {
      var result = await request("POST", "/_security/_query/api_key", buildQuery());
      if (sequence !== state.sequence) return;
      var keys = (result && result.api_keys) || [];
      if (keys.length === 0 && state.page > 0) {
        // The page emptied (its keys were filtered away by an invalidation): show the one before.
        state.page--;
        state.cursors.length = state.page + 1;
        loadKeys();
        return;
      }
      state.keys = keys;
      state.total = (result && typeof result.total === "number") ? result.total : keys.length;
      state.selected.clear();
      renderKeys();
    } catch (error) {
      if (sequence !== state.sequence || handleAuthLoss(error)) return;
      el.listError.textContent = "Could not load the keys: " + error.message;
      show(el.listError, true);
      state.keys = [];
      renderKeys();
    } finally {
      if (sequence === state.sequence) setBusy(false);
      if (sequence === state.sequence) updatePager();
    }
  }

  function metadataSummary(metadata) {
    var names = Object.keys(metadata || {});
    if (names.length === 0) return "";
    var parts = names.slice(0, 3).map(function (name) {
      var value = metadata[name];
      return name + ": " + shorten(typeof value === "string" ? value : JSON.stringify(value), 24);
    });
    if (names.length > 3) parts.push("+" + (names.length - 3) + " more");
    return parts.join(", ");
  }

  function cell(label, className) {
    var td = make("td", className);
    td.setAttribute("data-label", label);
    return td;
  }

  function renderKeys() {
    var now = Date.now();
    var rows = document.createDocumentFragment();
    state.keys.forEach(function (key) {
      var name = displayName(key);
      var status = statusOf(key, now);
      var row = make("tr", "status-" + status);
      row.setAttribute("data-key-id", key.id);

      var select = cell("Select", "select-cell");
      var box = make("input");
      box.type = "checkbox";
      box.className = "row-select";
      box.value = key.id;
      box.setAttribute("aria-label", "Select " + name);
      box.disabled = !canInvalidate(key);
      box.addEventListener("change", function () {
        if (box.checked) state.selected.add(key.id);
        else state.selected.delete(key.id);
        updateSelection();
      });
      select.appendChild(box);
      row.appendChild(select);

      var nameCell = cell("Name", "name-cell");
      nameCell.appendChild(make("span", "key-name", name));
      nameCell.appendChild(make("code", "key-id", key.id));
      row.appendChild(nameCell);

      var owner = cell("Owner", "owner-cell");
      owner.appendChild(make("span", "owner-name", key.username));
      owner.appendChild(make("span", "muted owner-realm", key.realm));
      if (ownedByMe(key)) owner.appendChild(make("span", "tag", "you"));
      row.appendChild(owner);

      var created = cell("Created");
      created.appendChild(timeNode(key.creation));
      row.appendChild(created);

      var expires = cell("Expires");
      if (typeof key.expiration === "number") expires.appendChild(timeNode(key.expiration));
      else expires.appendChild(make("span", "muted", "Never"));
      row.appendChild(expires);

      var statusCell = cell("Status");
      var badge = make("span", "badge badge-" + status, status);
      if (status === "invalidated" && typeof key.invalidation === "number") badge.title = "Invalidated " + new Date(key.invalidation).toISOString();
      statusCell.appendChild(badge);
      row.appendChild(statusCell);

      var meta = cell("Metadata", "metadata-cell");
      var summary = metadataSummary(key.metadata);
      meta.appendChild(make("span", summary ? "metadata-summary" : "muted", summary || "None"));
      var details = make("details", "key-details");
      var detailsSummary = make("summary", null, "Details");
      detailsSummary.appendChild(make("span", "visually-hidden", " of " + name));
      details.appendChild(detailsSummary);
      var pre = make("pre", "json", JSON.stringify({ metadata: key.metadata || {}, role_descriptors: key.role_descriptors || {} }, null, 2));
      pre.tabIndex = 0;
      pre.setAttribute("aria-label", "Metadata and role descriptors of " + name);
      details.appendChild(pre);
      meta.appendChild(details);
      row.appendChild(meta);

      var actions = cell("Actions", "actions-cell");
      var invalidate = make("button", "button danger small", "Invalidate");
      invalidate.type = "button";
      invalidate.setAttribute("aria-label", "Invalidate " + name);
      invalidate.disabled = !canInvalidate(key);
      invalidate.addEventListener("click", function () {
        openConfirm([key], invalidate);
      });
      actions.appendChild(invalidate);
      row.appendChild(actions);

      rows.appendChild(row);
    });
    el.body.replaceChildren(rows);
    show(el.emptyState, state.keys.length === 0 && el.listError.hidden);
    updateSelection();
    updateSortIndicators();
    updatePager();
  }

  function updatePager() {
    var first = state.page * state.query.size;
    var count = state.keys.length;
    if (count === 0) el.resultSummary.textContent = state.total === 0 ? "No keys." : "";
    else el.resultSummary.textContent = "Showing " + (first + 1) + "\u2013" + (first + count) + " of " + state.total + " keys, sorted by " + SORT_LABELS[state.query.sortField].toLowerCase() + " (" + (state.query.sortOrder === "asc" ? "ascending" : "descending") + ").";
    el.pageInfo.textContent = state.total > 0 ? "Page " + (state.page + 1) + " of " + Math.max(1, Math.ceil(state.total / state.query.size)) : "";
    el.pagePrev.disabled = state.page === 0;
    el.pageNext.disabled = first + count >= state.total || count === 0;
  }

  function updateSelection() {
    var boxes = el.body.querySelectorAll("input.row-select:not(:disabled)");
    var checked = 0;
    boxes.forEach(function (box) {
      if (box.checked) checked++;
    });
    el.selectAll.disabled = boxes.length === 0;
    el.selectAll.checked = boxes.length > 0 && checked === boxes.length;
    el.selectAll.indeterminate = checked > 0 && checked < boxes.length;
    el.invalidateSelected.disabled = state.selected.size === 0;
    el.invalidateSelected.textContent = state.selected.size > 0 ? "Invalidate selected (" + state.selected.size + ")" : "Invalidate selected";
  }

  function updateSortIndicators() {
    document.querySelectorAll("th[data-sort-field]").forEach(function (th) {
      var field = th.getAttribute("data-sort-field");
      if (field === state.query.sortField) th.setAttribute("aria-sort", state.query.sortOrder === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  function readFilterForm() {
    var sort = el.filterSort.value.split(":");
    var size = parseInt(el.filterSize.value, 10);
    state.query = {
      scope: el.filterScope.value === "own" ? "own" : "all",
      name: el.filterName.value.trim(),
      owner: el.filterOwner.value.trim(),
      status: el.filterStatus.value,
      sortField: SORT_LABELS[sort[0]] ? sort[0] : "creation",
      sortOrder: sort[1] === "asc" ? "asc" : "desc",
      size: size > 0 && size <= 100 ? size : 10
    };
  }

  function writeFilterForm() {
    var q = state.query;
    el.filterScope.value = q.scope;
    el.filterName.value = q.name;
    el.filterOwner.value = q.owner;
    el.filterStatus.value = q.status;
    el.filterSize.value = String(q.size);
    syncSortSelect();
  }

  function syncSortSelect() {
    var wanted = state.query.sortField + ":" + state.query.sortOrder;
    for (var i = 0; i < el.filterSort.options.length; i++) {
      if (el.filterSort.options[i].value === wanted) el.filterSort.value = wanted;
    }
  }

  function onSortButton(event) {
    var field = event.currentTarget.getAttribute("data-sort");
    if (state.query.sortField === field) state.query.sortOrder = state.query.sortOrder === "asc" ? "desc" : "asc";
    else {
      state.query.sortField = field;
      state.query.sortOrder = DEFAULT_ORDER[field];
    }
    syncSortSelect();
    resetPaging();
    loadKeys();
  }

  async function goToPage(delta, button) {
    if (state.loading) return;
    if (delta > 0) {
      var last = state.keys[state.keys.length - 1];
      if (!last || !last._sort) return;
      state.cursors[state.page + 1] = last._sort;
      state.page++;
    } else if (state.page > 0) {
      state.page--;
    }
    state.cursors.length = state.page + 1;
    await loadKeys();
    // On the first or last page the button pressed is disabled now: keep the focus in the pager.
    if (button.disabled) {
      var other = button === el.pageNext ? el.pagePrev : el.pageNext;
      (other.disabled ? el.listTitle : other).focus();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Invalidation, with confirmation

  function openConfirm(keys, opener) {
    state.pendingKeys = keys;
    state.returnFocus = opener;
    el.confirmText.textContent = keys.length === 1 ? "Invalidate this API key?" : "Invalidate these " + keys.length + " API keys?";
    var items = document.createDocumentFragment();
    keys.forEach(function (key) {
      var item = make("li");
      item.appendChild(make("strong", null, displayName(key)));
      item.appendChild(document.createTextNode(" (owner " + key.username + ", id "));
      item.appendChild(make("code", null, key.id));
      item.appendChild(document.createTextNode(")"));
      items.appendChild(item);
    });
    el.confirmList.replaceChildren(items);
    el.dialog.returnValue = "";
    el.dialog.showModal();
    el.confirmCancel.focus();
  }

  function restoreFocus() {
    var target = state.returnFocus;
    state.returnFocus = null;
    if (target && target.isConnected && !target.disabled) target.focus();
    else el.listTitle.focus();
  }

  async function onDialogClose() {
    var keys = state.pendingKeys;
    state.pendingKeys = null;
    if (el.dialog.returnValue !== "confirm" || !keys) {
      restoreFocus();
      return;
    }
    var body = { ids: keys.map(function (key) { return key.id; }) };
    // Without manage_api_key the request must be scoped to the caller's own keys; an API key may
    // only name itself.
    if (!state.can.manageAll && !state.me.api_key) body.owner = true;
    try {
      var result = await request("DELETE", "/_security/api_key", body);
      var done = (result && result.invalidated_api_keys) || [];
      var before = (result && result.previously_invalidated_api_keys) || [];
      var message = "Invalidated " + done.length + (done.length === 1 ? " key." : " keys.");
      if (before.length > 0) message += " " + before.length + " had been invalidated already.";
      notify(message);
      await loadKeys();
      if (result && result.error_count > 0) {
        var reasons = (result.error_details || []).map(function (detail) { return detail.reason; }).join("; ");
        el.listError.textContent = result.error_count + " could not be invalidated: " + reasons;
        show(el.listError, true);
      }
    } catch (error) {
      if (handleAuthLoss(error)) return;
      el.listError.textContent = "Invalidation failed: " + error.message;
      show(el.listError, true);
    }
    if (state.credentials) restoreFocus();
  }

  function selectedKeys() {
    return state.keys.filter(function (key) {
      return state.selected.has(key.id);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Creation; the secret is shown once

  function setCreateOpen(open) {
    show(el.createForm, open);
    el.createToggle.setAttribute("aria-expanded", open ? "true" : "false");
    el.createToggle.textContent = open ? "Close form" : "New API key";
  }

  var CREATE_FIELDS = ["create-name", "create-expiration", "create-role-descriptors", "create-metadata"];

  function clearCreateErrors() {
    CREATE_FIELDS.forEach(function (id) {
      byId(id).removeAttribute("aria-invalid");
      var error = byId(id + "-error");
      error.textContent = "";
      show(error, false);
    });
    el.createError.textContent = "";
    show(el.createError, false);
  }

  function fieldError(id, message) {
    var input = byId(id);
    input.setAttribute("aria-invalid", "true");
    var error = byId(id + "-error");
    error.textContent = message;
    show(error, true);
    return input;
  }

  function parseJsonObject(id, label) {
    var text = byId(id).value.trim();
    if (!text) return { value: undefined };
    var value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { error: label + " is not valid JSON: " + error.message };
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { error: label + " must be a JSON object, such as {}." };
    return { value: value };
  }

  var FIELD_LABELS = {
    "create-name": "name",
    "create-expiration": "expiration",
    "create-role-descriptors": "role descriptors",
    "create-metadata": "metadata"
  };

  /** Which field an Elasticsearch error is about, to show the message next to it. */
  function fieldOfServerError(message) {
    if (/role[ _]descriptor|privilege|\brole\b|indices|cluster|applications|run_as/i.test(message)) return "create-role-descriptors";
    if (/expiration|time value|duration/i.test(message)) return "create-expiration";
    if (/metadata/i.test(message)) return "create-metadata";
    if (/\bname\b/i.test(message)) return "create-name";
    return null;
  }

  async function onCreate(event) {
    event.preventDefault();
    clearCreateErrors();
    var firstInvalid = null;
    var name = el.createName.value;
    if (!name.trim()) firstInvalid = fieldError("create-name", "Enter a name for the key.");
    var expiration = el.createExpiration.value.trim();
    if (expiration && !/^(-1|\d+(nanos|micros|ms|s|m|h|d))$/.test(expiration)) {
      firstInvalid = firstInvalid || fieldError("create-expiration", "Use a number and a unit, such as 30d, 12h, 90m or 45s.");
    }
    var descriptors = parseJsonObject("create-role-descriptors", "Role descriptors");
    if (descriptors.error) firstInvalid = firstInvalid || fieldError("create-role-descriptors", descriptors.error);
    var metadata = parseJsonObject("create-metadata", "Metadata");
    if (metadata.error) firstInvalid = firstInvalid || fieldError("create-metadata", metadata.error);
    if (firstInvalid) {
      firstInvalid.focus();
      return;
    }
    var body = { name: name };
    if (expiration) body.expiration = expiration;
    if (descriptors.value !== undefined) body.role_descriptors = descriptors.value;
    if (metadata.value !== undefined) body.metadata = metadata.value;

    el.createSubmit.disabled = true;
    try {
      var created = await request("POST", "/_security/api_key", body);
      el.createForm.reset();
      setCreateOpen(false);
      showSecret(created);
      resetPaging();
      loadKeys();
    } catch (error) {
      if (handleAuthLoss(error)) return;
      var field = fieldOfServerError(error.message);
      // The server's reason goes next to the field it is about (and is read with it); the alert
      // says where to look. Anything else is shown whole in the alert.
      if (field) fieldError(field, error.message);
      el.createError.textContent = field
        ? "The key was not created: the server refused the " + FIELD_LABELS[field] + " (see the message under that field)."
        : "The key was not created: " + error.message;
      show(el.createError, true);
      (field ? byId(field) : el.createName).focus();
    } finally {
      el.createSubmit.disabled = false;
    }
  }

  function showSecret(created) {
    el.secretName.textContent = created.name;
    el.secretId.textContent = created.id;
    el.secretExpiration.replaceChildren(typeof created.expiration === "number" ? timeNode(created.expiration) : document.createTextNode("Never"));
    el.secretEncoded.value = created.encoded;
    el.secretApiKey.value = created.api_key;
    el.copyStatus.textContent = "";
    show(el.secretPanel, true);
    el.secretPanel.focus();
    el.secretPanel.scrollIntoView({ block: "start" });
  }

  /** Removes the secret from the page for good (nothing else holds it). */
  function hideSecret(moveFocus) {
    el.secretEncoded.value = "";
    el.secretApiKey.value = "";
    el.secretName.textContent = "";
    el.secretId.textContent = "";
    el.secretExpiration.textContent = "";
    el.copyStatus.textContent = "";
    show(el.secretPanel, false);
    if (moveFocus) el.createToggle.focus();
  }

  async function copyValue(event) {
    var button = event.currentTarget;
    var input = byId(button.getAttribute("data-copy"));
    var label = input === el.secretEncoded ? "Encoded value" : "Secret";
    var copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(input.value);
        copied = true;
      } catch (clipboardError) {
        copied = false;
      }
    }
    if (!copied) {
      // Plain-HTTP pages have no Clipboard API: fall back to the selection.
      input.focus();
      input.select();
      try {
        copied = document.execCommand("copy");
      } catch (commandError) {
        copied = false;
      }
      button.focus();
    }
    if (copied) el.copyStatus.textContent = label + " copied to the clipboard.";
    else {
      el.copyStatus.textContent = "This browser did not allow copying. The value is selected: copy it with your keyboard.";
      input.focus();
      input.select();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Wiring

  function boot() {
    el.signInForm.addEventListener("submit", onSignIn);
    el.signInForm.querySelectorAll('input[name="method"]').forEach(function (radio) {
      radio.addEventListener("change", updateSignInMethod);
    });
    el.signOut.addEventListener("click", function () {
      signOut("");
      notify("Signed out.");
    });
    el.createToggle.addEventListener("click", function () {
      var open = el.createForm.hidden;
      setCreateOpen(open);
      if (open) el.createName.focus();
    });
    el.createCancel.addEventListener("click", function () {
      el.createForm.reset();
      clearCreateErrors();
      setCreateOpen(false);
      el.createToggle.focus();
    });
    el.createForm.addEventListener("submit", onCreate);
    el.secretDone.addEventListener("click", function () {
      hideSecret(true);
    });
    byId("copy-encoded").addEventListener("click", copyValue);
    byId("copy-api-key").addEventListener("click", copyValue);
    el.filterForm.addEventListener("submit", function (event) {
      event.preventDefault();
      readFilterForm();
      resetPaging();
      loadKeys();
    });
    el.filterReset.addEventListener("click", function () {
      state.query = defaultQuery();
      writeFilterForm();
      resetPaging();
      loadKeys();
    });
    document.querySelectorAll("button.sort-button").forEach(function (button) {
      button.addEventListener("click", onSortButton);
    });
    el.pagePrev.addEventListener("click", function () {
      goToPage(-1, el.pagePrev);
    });
    el.pageNext.addEventListener("click", function () {
      goToPage(1, el.pageNext);
    });
    el.selectAll.addEventListener("change", function () {
      el.body.querySelectorAll("input.row-select:not(:disabled)").forEach(function (box) {
        box.checked = el.selectAll.checked;
        if (box.checked) state.selected.add(box.value);
        else state.selected.delete(box.value);
      });
      updateSelection();
    });
    el.invalidateSelected.addEventListener("click", function () {
      var keys = selectedKeys();
      if (keys.length > 0) openConfirm(keys, el.invalidateSelected);
    });
    el.confirmCancel.addEventListener("click", function () {
      el.dialog.close("cancel");
    });
    el.confirmOk.addEventListener("click", function () {
      el.dialog.close("confirm");
    });
    el.dialog.addEventListener("close", onDialogClose);
    updateSignInMethod();

    var saved = savedCredentials();
    if (saved) {
      el.remember.checked = true;
      signIn(saved, true).catch(function (error) {
        forgetCredentials();
        showSignIn("Please sign in again: " + error.message);
      });
    } else {
      showSignIn("");
    }
  }

  boot();
})();
`;
