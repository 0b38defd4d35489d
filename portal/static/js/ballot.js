/* The ballot's counters, money bar and limits, following each tick.
 *
 * The form (form.ballot) says its rule in data- attributes: data-limit (0: no limit on the
 * number), data-scope ("total" or "per_category"), data-knapsack ("1": each category's
 * chosen projects must fit its budget) and the two polite refusals, already translated
 * (data-refuse-count, data-refuse-money). Each category is a fieldset with data-budget;
 * each checkbox has data-cost (kopecks). A tick past a limit is undone on the spot and the
 * reason said in a live region next to it. Without this script the page works the same,
 * and the server checks every choice at the review and the cast in any case.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.ballot[data-limit]");
  if (!form) {
    return;
  }
  var limit = parseInt(form.getAttribute("data-limit"), 10) || 0;
  var total = form.getAttribute("data-scope") === "total";
  var knapsack = form.getAttribute("data-knapsack") === "1";
  var NBSP = "\u00a0";

  function ticked(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("input[name='choice']"), function (box) { return box.checked; });
  }

  function cost(boxes) {
    return boxes.reduce(function (sum, box) {
      return sum + (parseInt(box.getAttribute("data-cost"), 10) || 0);
    }, 0);
  }

  // Kopecks as the server writes them: "1 234 567,89 грн" with no-break spaces.
  function hryvnias(kopecks) {
    var sign = kopecks < 0 ? "-" : "";
    var value = Math.abs(kopecks);
    var whole = String(Math.floor(value / 100));
    var cents = String(value % 100);
    var groups = [];
    while (whole.length > 3) {
      groups.unshift(whole.slice(-3));
      whole = whole.slice(0, -3);
    }
    groups.unshift(whole);
    return sign + groups.join(NBSP) + "," + (cents.length < 2 ? "0" + cents : cents) + NBSP + "грн";
  }

  function setText(root, selector, text) {
    var element = root.querySelector(selector);
    if (element) {
      element.textContent = text;
    }
  }

  function update() {
    var all = ticked(form).length;
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-budget]"), function (category) {
      var mine = ticked(category);
      var budget = parseInt(category.getAttribute("data-budget"), 10) || 0;
      var spent = cost(mine);
      setText(category, "[data-chosen]", String(mine.length));
      if (limit) {
        setText(category, "[data-votes-left]", String(Math.max(limit - (total ? all : mine.length), 0)));
      }
      if (knapsack) {
        setText(category, "[data-money-left]", hryvnias(budget - spent));
        var meter = category.querySelector("[data-spent-meter]");
        if (meter) {
          meter.value = spent;
          meter.textContent = hryvnias(spent);
        }
      }
    });
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "choice") {
      return;
    }
    var category = box.closest("fieldset");
    var refusal = "";
    if (box.checked) {
      var count = total ? ticked(form).length : ticked(category).length;
      var budget = parseInt(category.getAttribute("data-budget"), 10) || 0;
      if (limit && count > limit) {
        refusal = form.getAttribute("data-refuse-count");
      } else if (knapsack && cost(ticked(category)) > budget) {
        refusal = form.getAttribute("data-refuse-money");
      }
      if (refusal) {
        box.checked = false;
      }
    }
    // The reason is said next to the refused tick, in its own live region.
    Array.prototype.forEach.call(form.querySelectorAll("[data-refusal]"), function (region) {
      region.textContent = "";
    });
    var region = box.closest("li").querySelector("[data-refusal]");
    if (region) {
      region.textContent = refusal;
    }
    update();
  });

  update();
})();
