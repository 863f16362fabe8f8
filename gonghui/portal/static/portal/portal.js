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

  // "用我的位置查找": the browser's position (WGS-84; the server converts it) reloads the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-near]") : null;
    if (!button) return;
    var error = document.querySelector("[data-near-error]");
    if (!navigator.geolocation) {
      if (error) error.textContent = "此浏览器不能获取位置，请在驿站地图上按乡镇（街道）查找。";
      return;
    }
    button.disabled = true;
    if (error) error.textContent = "正在获取您的位置……";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var params = new URLSearchParams({
          lng: position.coords.longitude.toFixed(6),
          lat: position.coords.latitude.toFixed(6),
          system: "wgs84",
        });
        window.location.href = button.dataset.near + "?" + params.toString();
      },
      function () {
        button.disabled = false;
        if (error) error.textContent = "未能获取您的位置（可能未允许定位），请在驿站地图上按乡镇（街道）查找。";
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
