/** Asks for a user's new password; the script empties its fields whenever it closes. */
export const PASSWORD_DIALOG_MARKUP = `<dialog id="password-dialog" aria-labelledby="password-title">
  <form id="password-form" novalidate>
    <h2 id="password-title">Reset password</h2>
    <p class="muted">New password for <strong id="password-user"></strong>. It is sent once to the server and not kept by this page.</p>
    <div class="field">
      <label for="password-new">New password</label>
      <input id="password-new" type="password" autocomplete="new-password" minlength="6" aria-describedby="password-error">
    </div>
    <div class="field">
      <label for="password-repeat">Repeat the password</label>
      <input id="password-repeat" type="password" autocomplete="new-password" aria-describedby="password-error">
    </div>
    <p id="password-error" class="error-text" role="alert" hidden></p>
    <div class="dialog-actions">
      <button type="button" class="button secondary" id="password-cancel">Cancel</button>
      <button type="submit" class="button primary" id="password-save">Set password</button>
    </div>
  </form>
</dialog>
`;
