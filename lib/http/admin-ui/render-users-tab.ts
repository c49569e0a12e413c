/** The Users tab: the list of users, with enable, disable and password actions. Static markup only. */
export const USERS_TAB_MARKUP = `<section id="users-view" class="card" role="tabpanel" aria-labelledby="tab-users" hidden>
    <h2 id="users-title" tabindex="-1">Users</h2>
    <p id="users-note" class="muted"></p>
    <div id="users-error" class="error-box" role="alert" hidden></div>
    <div class="list-wrap" id="users-wrap" aria-busy="false">
      <table id="users-table" aria-describedby="users-summary">
        <caption class="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Full name</th>
            <th scope="col">Email</th>
            <th scope="col">Roles</th>
            <th scope="col">Status</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody id="users-body"></tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Pages of users">
      <button type="button" class="button secondary" id="users-prev" disabled>Previous page</button>
      <span id="users-summary" class="muted" aria-live="polite"></span>
      <button type="button" class="button secondary" id="users-next" disabled>Next page</button>
    </nav>
  </section>
`;
