// The overview's chart: units per batch, stacked by their worst verdict (ECharts).
(function () {
  var element = document.getElementById("verdict-chart");
  var data = JSON.parse(document.getElementById("verdict-chart-data").textContent);
  if (!element || !window.echarts) return;
  var chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.categories },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "units", data: s.data, itemStyle: { color: s.color },
               label: { show: true, formatter: function (p) { return p.value || ""; } } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
