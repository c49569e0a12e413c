/**
 * The API-keys tab: the new key's secret, the create form and the filtered, paged list. Static
 * markup only (see renderAdminPage).
 */
export const KEYS_TAB_MARKUP = `  <div id="keys-view" role="tabpanel" aria-labelledby="tab-keys" hidden>
    <p id="scope-note" class="muted scope-note"></p>

    <section id="secret-panel" class="card secret" aria-labelledby="secret-title" tabindex="-1" hidden>
      <h2 id="secret-title">Copy your new API key now</h2>
      <p class="warning"><strong>This is the only time the secret is shown.</strong> It is not stored anywhere and cannot be shown again. If you lose it, invalidate the key and create a new one.</p>
      <dl class="facts">
        <div><dt>Name</dt><dd id="secret-name"></dd></div>
        <div><dt>ID</dt><dd><code id="secret-id"></code></dd></div>
        <div><dt>Expires</dt><dd id="secret-expiration"></dd></div>
      </dl>
      <div class="field">
        <label for="secret-encoded">Encoded value, for <code>Authorization: ApiKey &lt;encoded&gt;</code></label>
        <div class="copy-row">
          <input id="secret-encoded" readonly autocomplete="off" spellcheck="false">
          <button type="button" class="button primary" id="copy-encoded" data-copy="secret-encoded">Copy encoded</button>
        </div>
      </div>
      <div class="field">
        <label for="secret-api-key">Secret (<code>api_key</code>)</label>
        <div class="copy-row">
          <input id="secret-api-key" readonly autocomplete="off" spellcheck="false">
          <button type="button" class="button secondary" id="copy-api-key" data-copy="secret-api-key">Copy secret</button>
        </div>
      </div>
      <p id="copy-status" class="muted" role="status" aria-live="polite"></p>
      <button type="button" class="button secondary" id="secret-done">I have stored it, hide the secret</button>
    </section>

    <section id="create-panel" class="card" aria-labelledby="create-title">
      <div class="section-head">
        <h2 id="create-title">Create an API key</h2>
        <button type="button" class="button secondary" id="create-toggle" aria-expanded="false" aria-controls="create-form">New API key</button>
      </div>
      <form id="create-form" novalidate hidden>
        <div class="field">
          <label for="create-name">Name <span class="required" aria-hidden="true">*</span></label>
          <input id="create-name" name="name" required aria-required="true" autocomplete="off" aria-describedby="create-name-error">
          <p id="create-name-error" class="error-text" hidden></p>
        </div>
        <div class="field">
          <label for="create-expiration">Expiration</label>
          <input id="create-expiration" name="expiration" list="expiration-presets" autocomplete="off" spellcheck="false" aria-describedby="create-expiration-hint create-expiration-error">
          <datalist id="expiration-presets"><option value="1h"><option value="1d"><option value="7d"><option value="30d"><option value="90d"><option value="365d"></datalist>
          <p id="create-expiration-hint" class="hint">A duration such as <code>30d</code>, <code>12h</code> or <code>90m</code>. Empty: never expires.</p>
          <p id="create-expiration-error" class="error-text" hidden></p>
        </div>
        <div class="field">
          <label for="create-role-descriptors">Role descriptors (JSON)</label>
          <textarea id="create-role-descriptors" name="role_descriptors" rows="6" spellcheck="false" aria-describedby="create-role-descriptors-hint create-role-descriptors-error"></textarea>
          <p id="create-role-descriptors-hint" class="hint">An object of named role descriptors, such as <code>{"reader": {"cluster": [], "indices": [{"names": ["logs-*"], "privileges": ["read"]}]}}</code>. Empty: the key has your privileges.</p>
          <p id="create-role-descriptors-error" class="error-text" hidden></p>
        </div>
        <div class="field">
          <label for="create-metadata">Metadata (JSON)</label>
          <textarea id="create-metadata" name="metadata" rows="3" spellcheck="false" aria-describedby="create-metadata-hint create-metadata-error"></textarea>
          <p id="create-metadata-hint" class="hint">An object, such as <code>{"team": "billing"}</code>. Optional.</p>
          <p id="create-metadata-error" class="error-text" hidden></p>
        </div>
        <div class="field">
          <label for="create-limits">Limits (JSON)</label>
          <textarea id="create-limits" name="limits" rows="4" spellcheck="false" aria-describedby="create-limits-hint create-limits-error"></textarea>
          <p id="create-limits-hint" class="hint">Rate limits and credits, such as <code>{"rate_limits": [{"name": "default", "limit": 100, "window": "10s"}], "credits": {"remaining": 1000}}</code>. Optional.</p>
          <p id="create-limits-error" class="error-text" hidden></p>
        </div>
        <div id="create-error" class="error-box" role="alert" hidden></div>
        <div class="form-actions">
          <button type="submit" class="button primary" id="create-submit">Create key</button>
          <button type="button" class="button secondary" id="create-cancel">Cancel</button>
        </div>
      </form>
    </section>

    <section class="card" aria-labelledby="list-title">
      <h2 id="list-title" tabindex="-1">Keys</h2>
      <form id="filter-form" class="filters" role="search" aria-label="Filter API keys" novalidate>
        <div class="field" id="scope-field" hidden>
          <label for="filter-scope">Show</label>
          <select id="filter-scope" name="scope">
            <option value="all">All keys</option>
            <option value="own">My keys</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-name">Name</label>
          <input id="filter-name" name="name" type="search" autocomplete="off" spellcheck="false" aria-describedby="filter-hint">
        </div>
        <div class="field" id="owner-field" hidden>
          <label for="filter-owner">Owner</label>
          <input id="filter-owner" name="owner" type="search" autocomplete="off" spellcheck="false" aria-describedby="filter-hint">
        </div>
        <div class="field">
          <label for="filter-status">Status</label>
          <select id="filter-status" name="status">
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="expired">Expired</option>
            <option value="disabled">Disabled</option>
            <option value="invalidated">Invalidated</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-sort">Sort by</label>
          <select id="filter-sort" name="sort">
            <option value="creation:desc">Newest first</option>
            <option value="creation:asc">Oldest first</option>
            <option value="name:asc">Name A to Z</option>
            <option value="name:desc">Name Z to A</option>
            <option value="expiration:asc">Expires soonest</option>
            <option value="expiration:desc">Expires latest</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-size">Per page</label>
          <select id="filter-size" name="size">
            <option value="10">10</option>
            <option value="25">25</option>
            <option value="50">50</option>
            <option value="100">100</option>
          </select>
        </div>
        <div class="filter-actions">
          <button type="submit" class="button primary">Apply</button>
          <button type="button" class="button secondary" id="filter-reset">Reset</button>
        </div>
        <p id="filter-hint" class="hint full-width">Matches anywhere in the text, ignoring case; <code>*</code> and <code>?</code> are wildcards.</p>
      </form>

      <div class="toolbar">
        <button type="button" class="button danger" id="invalidate-selected" disabled>Invalidate selected</button>
        <p id="result-summary" class="muted" aria-live="polite"></p>
      </div>
      <div id="list-error" class="error-box" role="alert" hidden></div>
      <div class="table-wrap">
        <table id="keys-table" aria-describedby="result-summary">
          <caption class="visually-hidden">API keys. Column headers with buttons sort the list.</caption>
          <thead>
            <tr>
              <th scope="col" class="select-cell"><input type="checkbox" id="select-all" aria-label="Select every key on this page that can be invalidated"></th>
              <th scope="col" data-sort-field="name"><button type="button" class="sort-button" data-sort="name">Name</button></th>
              <th scope="col">Owner</th>
              <th scope="col" data-sort-field="creation"><button type="button" class="sort-button" data-sort="creation">Created</button></th>
              <th scope="col" data-sort-field="expiration"><button type="button" class="sort-button" data-sort="expiration">Expires</button></th>
              <th scope="col">Status</th>
              <th scope="col">Limits</th>
              <th scope="col">Metadata</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody id="keys-body"></tbody>
        </table>
      </div>
      <p id="empty-state" class="muted" hidden>No API keys match these filters.</p>
      <nav class="pager" aria-label="Pages of API keys">
        <button type="button" class="button secondary" id="page-prev" disabled>Previous page</button>
        <span id="page-info" class="muted"></span>
        <button type="button" class="button secondary" id="page-next" disabled>Next page</button>
      </nav>
    </section>
  </div>
`;
