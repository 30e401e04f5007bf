/* zxkb serve: draws the bar chart of a page from the JSON beside it
   (<script type="application/json" id="…">: {title, labels, series: [{name, values, links}]});
   a bar opens its link (the paragraphs or reports it counts). The table on the
   page has the same figures, for a reader without JavaScript. No inline script:
   the page's Content-Security-Policy allows scripts from /static/ only. */
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var narrow = el.clientWidth < 500;
    var longest = data.labels.reduce(function (n, l) { return Math.max(n, String(l).length); }, 0);
    var crowded = data.labels.length * Math.min(longest, 8) * 13 > el.clientWidth;  // ~13 px a character
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#b71c1c", "#1456b8", "#d48806", "#389e0d", "#722ed1", "#08979c"],
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { show: data.series.length > 1, top: 0, type: "scroll" },
      grid: { left: 8, right: 12, top: data.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: {
        type: "category", data: data.labels,
        axisLabel: {
          rotate: (narrow && data.labels.length > 8) || (crowded && longest > 4) ? 60 : 0, hideOverlap: true,
          width: narrow ? 64 : 96, overflow: "truncate"
        }
      },
      yAxis: { type: "value", minInterval: data.integer === false ? 0 : 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values, cursor: "pointer", emphasis: { focus: "series" } };
      })
    });
    chart.on("click", function (params) {
      var s = data.series[params.seriesIndex];
      var link = s && s.links && s.links[params.dataIndex];
      if (link) { window.location.assign(link); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-drawn", "true");
  }
  var charts = document.querySelectorAll(".chart[data-source]");
  for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
})();
