/* Maps of projects, drawn with the Leaflet copy under /static/vendor/leaflet.
 *
 * Every map element may carry:
 *   data-boundaries-url   GeoJSON of the districts' boundaries, drawn under the points (so a
 *                         map without tiles still shows the community);
 *   data-tile-url         the tile source (MAP_TILE_URL), with data-tile-attribution; none:
 *                         the boundaries on a plain background;
 *   data-zoom-in, data-zoom-out, data-close   the words of the map's buttons.
 * and one of these uses:
 *   data-map="points"     the partial templates/_map.html: a marker for each item of the list
 *                         named by data-list (items carry data-lat, data-lon, data-tone and a
 *                         link), coloured by status like the legend; the map is hidden until
 *                         drawn here, so without script the page has no empty box;
 *   data-points-url       markers from the JSON the portal serves ({"projects": [...]});
 *   data-lat/data-lon     one project's point;
 *   data-pick             the place picker of the project form: a click fills the inputs named
 *                         by data-lat-input and data-lon-input, and typing in them moves the
 *                         marker (the inputs work without the map).
 * Drawn markers are counted in data-loaded, drawn districts in data-districts.
 * No inline script anywhere: the page's CSP forbids it.
 */
(function () {
  "use strict";

  var DEFAULT_CENTER = [48.5956, 38.0003]; // the centre of the community
  var DEFAULT_ZOOM = 13;

  function makeMap(element) {
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.5, zoomControl: false });
    // Leaflet's own words are English; the page gives them in its language.
    L.control.zoom({
      zoomInTitle: element.getAttribute("data-zoom-in") || "+",
      zoomOutTitle: element.getAttribute("data-zoom-out") || "-"
    }).addTo(map);
    var closeWords = element.getAttribute("data-close");
    if (closeWords) {
      map.on("popupopen", function (event) {
        var button = event.popup.getElement().querySelector(".leaflet-popup-close-button");
        if (button) { button.setAttribute("aria-label", closeWords); button.title = closeWords; }
      });
    }
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

  /* Draws the districts; calls done(layer) once they are drawn (layer null if none). */
  function drawBoundaries(element, map, done) {
    var url = element.getAttribute("data-boundaries-url");
    if (!url || !window.fetch) {
      element.setAttribute("data-districts", "0");
      if (done) { done(null); }
      return;
    }
    fetch(url, { headers: { "Accept": "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .catch(function () { return { features: [] }; })
      .then(function (data) {
        var features = data.features || [];
        var layer = null;
        if (features.length) {
          // Above the tiles, under the markers: a district's name never hides a point.
          map.createPane("districts").style.zIndex = 350;
          map.createPane("districtLabels").style.zIndex = 450;
          map.getPane("districtLabels").style.pointerEvents = "none";
          layer = L.geoJSON(data, {
            pane: "districts",
            interactive: false,
            style: function () {
              return { className: "map-district", color: "#0b4f9c", weight: 2, opacity: 0.8,
                       fillColor: "#0b4f9c", fillOpacity: 0.06 };
            },
            onEachFeature: function (feature, shape) {
              shape.bindTooltip(feature.properties.name, {
                permanent: true, direction: "center", className: "map-district-label",
                interactive: false, pane: "districtLabels"
              });
            }
          }).addTo(map);
        }
        element.setAttribute("data-districts", String(features.length));
        if (done) { done(layer); }
      });
  }

  function markerIcon(tone) {
    return L.divIcon({ className: "map-marker map-tone-" + tone, iconSize: [18, 18],
                       iconAnchor: [9, 9], popupAnchor: [0, -8] });
  }

  function popup(url, text) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = url;
    link.textContent = text;
    box.appendChild(link);
    return box;
  }

  function fit(map, points, boundaries) {
    if (points.length > 1) {
      map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
    } else if (points.length === 1) {
      map.setView(points[0], 15);
    } else if (boundaries) {
      map.fitBounds(boundaries.getBounds(), { padding: [10, 10] });
    } else {
      map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    }
  }

  function listedPoints(element) {
    var map = makeMap(element);
    var list = document.getElementById(element.getAttribute("data-list"));
    var points = [];
    Array.prototype.forEach.call(list ? list.querySelectorAll("li[data-lat]") : [], function (item) {
      var point = [parseFloat(item.getAttribute("data-lat")), parseFloat(item.getAttribute("data-lon"))];
      var link = item.querySelector("a");
      if (isNaN(point[0]) || isNaN(point[1]) || !link) { return; }
      L.marker(point, { icon: markerIcon(item.getAttribute("data-tone") || "0"),
                        title: link.textContent, alt: link.textContent })
        .bindPopup(popup(link.href, link.textContent))
        .addTo(map);
      points.push(point);
    });
    fit(map, points, null);
    element.setAttribute("data-loaded", String(points.length));
    drawBoundaries(element, map, null);
  }

  function fetchedPoints(element) {
    var map = makeMap(element);
    map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
    drawBoundaries(element, map, null);
    fetch(element.getAttribute("data-points-url"), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var points = [];
        data.projects.forEach(function (project) {
          var text = project.code + " " + project.title;
          L.marker([project.lat, project.lon], { icon: markerIcon(0), title: text, alt: text })
            .bindPopup(popup(project.url, text))
            .addTo(map);
          points.push([project.lat, project.lon]);
        });
        element.setAttribute("data-loaded", String(points.length));
        if (points.length) { fit(map, points, null); }
      });
  }

  function onePoint(element) {
    var point = [parseFloat(element.getAttribute("data-lat")), parseFloat(element.getAttribute("data-lon"))];
    var map = makeMap(element);
    map.setView(point, 14); // near enough for the street, far enough for the district
    var label = element.getAttribute("data-label") || "";
    L.marker(point, { icon: markerIcon(0), title: label, alt: label }).addTo(map);
    element.setAttribute("data-loaded", "1");
    drawBoundaries(element, map, null);
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
        marker = L.marker(latlng, { icon: markerIcon(0), keyboard: false }).addTo(map);
      }
    }
    function typed() {
      var lat = parseFloat(latInput.value.replace(",", "."));
      var lon = parseFloat(lonInput.value.replace(",", "."));
      return (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) ? null : [lat, lon];
    }
    var start = typed();
    if (start) {
      map.setView(start, 15);
      place(start);
      drawBoundaries(element, map, null);
    } else {
      map.setView(DEFAULT_CENTER, DEFAULT_ZOOM);
      drawBoundaries(element, map, function (layer) { if (layer) { fit(map, [], layer); } });
    }
    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lonInput.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
    });
    function moved() {
      var point = typed();
      if (point) {
        place(point);
        if (!map.getBounds().contains(point)) { map.panTo(point); }
      }
    }
    latInput.addEventListener("change", moved);
    lonInput.addEventListener("change", moved);
    element.setAttribute("data-loaded", "1");
  }

  function start() {
    if (typeof L === "undefined") {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-map='points']"), listedPoints);
    var all = document.querySelector("#project-map[data-points-url]");
    if (all) { fetchedPoints(all); }
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
