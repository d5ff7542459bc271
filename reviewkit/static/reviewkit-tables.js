/* Sortable tables: click a header of a table with class reviewkit-sortable to sort by that column.
   A column sorts as dates when every non-empty cell is an ISO date (2025-07-22), as numbers when every
   non-empty cell is a number (as the book prints them: 92.9, 1,200, 8 × 10¹⁰, 10⁶), else as text.
   Empty cells go last in either direction. */
(function () {
  "use strict";
  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  var NUMBER = /^[-+−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?%?$/;
  var POWER = /^(?:([-+−]?\d+(?:\.\d+)?) × )?10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/;
  var SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";

  function text(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }
  function number(value) {
    if (NUMBER.test(value)) return parseFloat(value.replace(/,/g, "").replace("−", "-"));
    var power = POWER.exec(value);
    if (!power) return null;
    var exponent = power[2].replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]/g, function (digit) { return SUPERSCRIPT.indexOf(digit); });
    return parseFloat((power[1] || "1").replace("−", "-")) * Math.pow(10, parseInt(exponent.replace("⁻", "-"), 10));
  }
  function date(value) {
    return ISO_DATE.test(value) ? Date.parse(value + "T00:00:00Z") : null;
  }
  /* The sort keys of a column: all dates, else all numbers, else the text itself. */
  function keys(values) {
    var filled = values.filter(function (value) { return value !== ""; });
    var parsers = [date, number];
    for (var i = 0; i < parsers.length; i++) {
      var parsed = filled.map(parsers[i]);
      if (filled.length && parsed.every(function (key) { return key !== null && !isNaN(key); })) {
        return { numeric: true, of: values.map(function (value) { return value === "" ? null : parsers[i](value); }) };
      }
    }
    return { numeric: false, of: values.map(function (value) { return value === "" ? null : value; }) };
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var column = keys(rows.map(function (row) { return text(row, index); }));
    var order = rows.map(function (row, position) { return { row: row, key: column.of[position], position: position }; });
    order.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return (a.key === null) - (b.key === null) || a.position - b.position;
      }
      var result = column.numeric ? a.key - b.key : a.key.localeCompare(b.key, undefined, { numeric: true });
      return (ascending ? result : -result) || a.position - b.position;
    });
    order.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  document.querySelectorAll("table.reviewkit-sortable").forEach(function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "reviewkit-sort-button";
      button.textContent = header.textContent.trim();
      button.title = "Sort by " + button.textContent;
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, header); });
    });
  });
})();
