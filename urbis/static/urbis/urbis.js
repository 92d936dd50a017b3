// Tell the server the visitor's time zone once (a cookie it reads); the visitor can change it on the page.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("urbis_tz=") === -1) {
      document.cookie = "urbis_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
      if (document.body && document.body.dataset.reloadOnZone === "1") { window.location.reload(); }
    }
  } catch (e) { /* no Intl: the edition's zone is shown alone */ }
})();
