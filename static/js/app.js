// OpenPrize page behaviour: time zone cookie, confirmation of destructive actions, and focus
// on the errors of a form sent back.
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // IANA names are plain ASCII ("America/New_York"): store them as they are, unencoded.
    if (zone && /^[A-Za-z0-9_+\-\/]+$/.test(zone) && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* older browsers: times stay in UTC */ }

  // A form re-rendered with errors: take keyboard and screen-reader users to them, the error
  // summary first (tabindex="-1" makes it focusable), else the first invalid field.
  var firstError = document.querySelector("[data-error-summary], form .is-invalid");
  if (firstError) {
    firstError.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
