/* The public station map: "离我最近" asks the browser for its position (WGS-84; the server
   converts it) and reloads the list with it. Nothing leaves this server. */
(function () {
  "use strict";
  function init() {
    var button = document.getElementById("near-me");
    var error = document.getElementById("near-error");
    if (!button) return;
    if (!navigator.geolocation) {
      button.disabled = true;
      error.textContent = "此浏览器不能获取位置，请选择乡镇（街道）。";
      return;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      error.textContent = "正在获取您的位置……";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var params = new URLSearchParams({
            lng: position.coords.longitude.toFixed(6),
            lat: position.coords.latitude.toFixed(6),
            system: "wgs84",
          });
          window.location.href = button.dataset.url + "?" + params.toString();
        },
        function () {
          button.disabled = false;
          error.textContent = "未能获取您的位置（可能未允许定位），请选择乡镇（街道）。";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
      );
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
