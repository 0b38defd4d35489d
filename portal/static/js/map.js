/* Maps of projects, drawn with the Leaflet copy under /static/vendor/leaflet.
 *
 * Three uses, chosen by data- attributes of the element with id "project-map" or "pick-map":
 *   data-points-url   the map of all projects: markers from the JSON the portal serves;
 *   data-lat/data-lon one project's point;
 *   data-pick         the place picker of the project form: a click fills the inputs named
 *                     by data-lat-input and data-lon-input (which also work without this).
 * Tiles come from data-tile-url; without one the markers are drawn on a blank background.
 * No inline script anywhere: the page's CSP forbids it.
 */
(function () {
  "use strict";

  var DEFAULT_CENTER = [48.5956, 38.0003]; // the centre of the community
  var DEFAULT_ZOOM = 13;

  function makeMap(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    var tileUrl = element.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 19,
        attribution: element.getAttribute("data-tile-attribution") || ""
      }).addTo(map);
    } else {
      element.classList.add("map-blank");
    }
    return map;
  }

  function popup(project) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = project.url;
    link.textContent = project.code + " " + project.title;
    box.appendChild(link);
    return box;
  }

  function allProjects(element) {
    var map = makeMap(element);
    map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    fetch(element.getAttribute("data-points-url"), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var points = [];
        data.projects.forEach(function (project) {
          var marker = L.marker([project.lat, project.lon], { title: project.code + " " + project.title });
          marker.bindPopup(popup(project));
          marker.addTo(map);
          points.push([project.lat, project.lon]);
        });
        element.setAttribute("data-loaded", String(points.length));
        if (points.length) {
          map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
        }
      });
  }

  function onePoint(element) {
    var point = [parseFloat(element.getAttribute("data-lat")), parseFloat(element.getAttribute("data-lon"))];
    var map = makeMap(element);
    map.setView(point, 16);
    L.marker(point, { title: element.getAttribute("data-label") || "" }).addTo(map);
    element.setAttribute("data-loaded", "1");
  }

  function picker(element) {
    var latInput = document.getElementById(element.getAttribute("data-lat-input"));
    var lonInput = document.getElementById(element.getAttribute("data-lon-input"));
    var map = makeMap(element);
    var marker = null;
    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng).addTo(map);
      }
    }
    var lat = parseFloat(latInput.value.replace(",", "."));
    var lon = parseFloat(lonInput.value.replace(",", "."));
    if (!isNaN(lat) && !isNaN(lon)) {
      map.setView([lat, lon], 16);
      place([lat, lon]);
    } else {
      map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    }
    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lonInput.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
    });
    element.setAttribute("data-loaded", "1");
  }

  function start() {
    if (typeof L === "undefined") {
      return;
    }
    var all = document.querySelector("#project-map[data-points-url]");
    if (all) { allProjects(all); }
    var one = document.querySelector("#project-map[data-lat]");
    if (one) { onePoint(one); }
    var pick = document.querySelector("#pick-map[data-pick]");
    if (pick) { picker(pick); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
