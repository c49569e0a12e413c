/** The API-keys tab's dialogs: invalidation, limits and credits. Static markup only. */
export const KEY_DIALOGS_MARKUP = `<dialog id="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
  <h2 id="confirm-title">Invalidate API keys?</h2>
  <p id="confirm-text"></p>
  <ul id="confirm-list" class="confirm-list"></ul>
  <p class="warning">Requests using these keys will be refused at once. This cannot be undone.</p>
  <div class="dialog-actions">
    <button type="button" class="button secondary" id="confirm-cancel" autofocus>Cancel</button>
    <button type="button" class="button danger" id="confirm-ok">Invalidate</button>
  </div>
</dialog>

<dialog id="limits-dialog" aria-labelledby="limits-title">
  <form id="limits-form" novalidate>
    <h2 id="limits-title">Edit limits</h2>
    <p class="muted">Key <strong id="limits-key-name"></strong> (<code id="limits-key-id"></code>)</p>
    <div class="field">
      <label for="limits-json">Limits (JSON)</label>
      <textarea id="limits-json" rows="10" spellcheck="false" aria-describedby="limits-hint limits-error"></textarea>
      <p id="limits-hint" class="hint">Replaces the key's rate limits and credit settings: <code>{"rate_limits": [{"name": "default", "limit": 100, "window": "10s"}], "credits": {"refill": {"interval": "monthly", "amount": 1000}}}</code>. Without <code>credits.remaining</code> the balance is kept; <code>{}</code> removes every limit.</p>
      <p id="limits-error" class="error-text" role="alert" hidden></p>
    </div>
    <div class="dialog-actions">
      <button type="button" class="button secondary" id="limits-cancel">Cancel</button>
      <button type="submit" class="button primary" id="limits-save">Save limits</button>
    </div>
  </form>
</dialog>

<dialog id="credits-dialog" aria-labelledby="credits-title">
  <form id="credits-form" novalidate>
    <h2 id="credits-title">Credits</h2>
    <p class="muted">Key <strong id="credits-key-name"></strong>: balance <strong id="credits-balance"></strong></p>
    <fieldset class="choice">
      <legend>Change</legend>
      <label><input type="radio" name="credits-mode" value="add" checked> Add credits</label>
      <label><input type="radio" name="credits-mode" value="set"> Set the balance</label>
    </fieldset>
    <div class="field">
      <label for="credits-amount">Amount</label>
      <input id="credits-amount" type="number" min="0" step="1" inputmode="numeric" autocomplete="off" aria-describedby="credits-error">
      <p id="credits-error" class="error-text" role="alert" hidden></p>
    </div>
    <div class="dialog-actions">
      <button type="button" class="button secondary" id="credits-cancel">Cancel</button>
      <button type="submit" class="button primary" id="credits-save">Apply</button>
    </div>
  </form>
</dialog>
`;
