/** The Roles tab: every role, and one role's descriptor, read-only. Static markup only. */
export const ROLES_TAB_MARKUP = `<section id="roles-view" class="card" role="tabpanel" aria-labelledby="tab-roles" hidden>
    <h2 id="roles-title" tabindex="-1">Roles</h2>
    <p class="muted">Built-in roles are marked <span class="tag">reserved</span>; they cannot be changed.</p>
    <div id="roles-error" class="error-box" role="alert" hidden></div>
    <div class="list-wrap" id="roles-wrap" aria-busy="false">
      <table id="roles-table" aria-describedby="roles-summary">
        <caption class="visually-hidden">Roles</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Cluster privileges</th>
            <th scope="col">Indices</th>
            <th scope="col">Applications</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody id="roles-body"></tbody>
      </table>
    </div>
    <p id="roles-summary" class="muted" aria-live="polite"></p>
    <section id="role-detail" class="role-detail" aria-labelledby="role-detail-title" tabindex="-1" hidden>
      <h3 id="role-detail-title"></h3>
      <pre id="role-detail-json" class="json" tabindex="0"></pre>
      <button type="button" class="button secondary" id="role-detail-close">Close</button>
    </section>
  </section>
`;
