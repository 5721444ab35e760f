/**
 * htmx 4 swaps error responses too: on the campaign pages a refusal (422,
 * or 413 for a file or list too large) puts its text in the page's message
 * line instead of the form's target. Spread onto an element, because
 * `hx-status:422` is no valid JSX name.
 */
export const REFUSAL_TO_MESSAGE = {
  "hx-status:422": "target:#campaign-msg swap:innerHTML",
  "hx-status:413": "target:#campaign-msg swap:innerHTML",
};
