// The portal's one script: register the service worker (the static shell, the offline
// page), and say plainly when the phone has no network.
(function () {
  var script = document.currentScript;
  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(script.dataset.sw, { scope: "/m/" }).catch(function () {});
    });
  }
  function show() {
    var banner = document.querySelector(".portal-offline");
    if (banner) banner.hidden = navigator.onLine;
  }
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  document.addEventListener("DOMContentLoaded", show);
})();
