// The cost estimate of the project form, enhanced: "Add a line" and each line's "Remove"
// work in place instead of sending the form back, and each line's sum and the total follow
// what is typed. Without JavaScript the same buttons send the form, and the server shows it
// again with one line more or less (portal/projects/drafting.py, rearrange_lines); the
// server's own reading of the lines stays the authority when the form is saved.
(function () {
  "use strict";
  var table = document.querySelector("table[data-estimate]");
  if (!table) {
    return;
  }
  var body = table.tBodies[0];
  var total = document.getElementById("estimate-total");
  var addButton = document.getElementById("add-line");
  var NBSP = "\u00a0";
  var MAX_LINES = parseInt(table.getAttribute("data-max-lines"), 10) || 60;

  // "1 234,5" or "1234.50" -> an integer count of `places` decimals, or null.
  function parseFixed(text, places) {
    var cleaned = (text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    var match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
    if (!match || (match[2] || "").length > places) {
      return null;
    }
    var fraction = (match[2] || "").padEnd(places, "0");
    return BigInt(match[1]) * BigInt(Math.pow(10, places)) + BigInt(fraction || "0");
  }

  // Kopecks as "1 234 567,89 грн", as portal/money.py format_hryvnias writes them.
  function hryvnias(kopecks) {
    var whole = (kopecks / 100n).toString();
    var cents = (kopecks % 100n).toString().padStart(2, "0");
    var grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
    return grouped + "," + cents + NBSP + "грн";
  }

  // Quantity (three decimals) times unit price (kopecks), rounded half up to a kopeck.
  function lineTotal(row) {
    var inputs = row.querySelectorAll("input");
    var quantity = parseFixed(inputs[1].value, 3);
    var price = parseFixed(inputs[3].value, 2);
    if (quantity === null || price === null || quantity === 0n) {
      return null;
    }
    return (quantity * price + 500n) / 1000n;
  }

  function recount() {
    var sum = 0n;
    Array.prototype.forEach.call(body.rows, function (row) {
      var value = lineTotal(row);
      row.querySelector(".line-sum output").textContent = value === null ? "" : hryvnias(value);
      if (value !== null) {
        sum += value;
      }
    });
    total.innerHTML = "";
    var strong = document.createElement("strong");
    strong.textContent = hryvnias(sum);
    total.appendChild(strong);
  }

  // Row numbers, the line number in each field's name for screen readers, and the
  // position each "Remove" names, after a line was added or removed.
  function renumber() {
    Array.prototype.forEach.call(body.rows, function (row, index) {
      var number = String(index + 1);
      row.querySelector(".line-number").textContent = number;
      row.querySelectorAll("input").forEach(function (input) {
        var label = input.getAttribute("aria-label") || "";
        input.setAttribute("aria-label", label.replace(/\d+(?!.*\d)/, number));
      });
      var remove = row.querySelector(".line-remove button");
      remove.value = String(index);
      var hidden = remove.querySelector(".visually-hidden");
      if (hidden) {
        hidden.textContent = hidden.textContent.replace(/\d+(?!.*\d)/, number);
      }
    });
    if (addButton) {
      addButton.hidden = body.rows.length >= MAX_LINES;
    }
  }

  // The next free index in the names "lines-N-field" (names may have gaps).
  function nextIndex() {
    var highest = -1;
    body.querySelectorAll("input[name^='lines-']").forEach(function (input) {
      var found = /^lines-(\d+)-/.exec(input.name);
      if (found) {
        highest = Math.max(highest, parseInt(found[1], 10));
      }
    });
    return highest + 1;
  }

  function addLine() {
    var template = body.rows[body.rows.length - 1];
    var row = template.cloneNode(true);
    var index = nextIndex();
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/^lines-\d+-/, "lines-" + index + "-");
      input.id = input.name;
      input.value = "";
      input.setAttribute("aria-invalid", "false");
    });
    row.querySelectorAll(".error").forEach(function (error) { error.remove(); });
    row.querySelectorAll("td.has-error").forEach(function (cell) {
      cell.classList.remove("has-error");
    });
    body.appendChild(row);
    renumber();
    recount();
    row.querySelector("input").focus();
  }

  function removeLine(row) {
    var next = row.nextElementSibling || row.previousElementSibling;
    if (body.rows.length === 1) {
      // The last line is emptied rather than removed: there is always a line to type in.
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      next = row;
    } else {
      row.remove();
    }
    renumber();
    recount();
    (next.querySelector(".line-remove button") || next.querySelector("input")).focus();
  }

  table.addEventListener("input", recount);
  table.addEventListener("click", function (event) {
    var button = event.target.closest(".line-remove button");
    if (button) {
      event.preventDefault();
      removeLine(button.closest("tr"));
    }
  });
  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      addLine();
    });
  }
  renumber();
  recount();
})();
