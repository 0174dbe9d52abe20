(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll(".pv-card"));
  var search = document.getElementById("pv-search");
  var deck = document.getElementById("pv-deck");
  var tag = document.getElementById("pv-tag");
  var count = document.getElementById("pv-count");
  var night = document.getElementById("pv-night");
  var flipAll = document.getElementById("pv-flip-all");
  var texts = cards.map(function (card) { return card.textContent.toLowerCase(); });

  function inDeck(card, name) {
    var own = card.getAttribute("data-deck");
    return !name || own === name || own.indexOf(name + "::") === 0;
  }

  function hasTag(card, name) {
    if (!name) return true;
    return card.getAttribute("data-tags").split(" ").some(function (t) {
      return t === name || t.indexOf(name + "::") === 0;
    });
  }

  function update() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card, i) {
      var ok = inDeck(card, deck.value) && hasTag(card, tag.value) &&
        words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + cards.length + " cards";
  }

  function show(card, answer) {
    card.classList.toggle("pv-flipped", answer);
    card.querySelector(".pv-front").hidden = answer;
    card.querySelector(".pv-back").hidden = !answer;
    card.setAttribute("aria-label", answer ? "answer side" : "question side");
  }

  function flip(card) { show(card, !card.classList.contains("pv-flipped")); }

  document.getElementById("pv-cards").addEventListener("click", function (event) {
    var card = event.target.closest(".pv-card");
    if (card && !event.target.closest("a")) flip(card);
  });
  document.getElementById("pv-cards").addEventListener("keydown", function (event) {
    var card = event.target.closest(".pv-card");
    if (card && (event.key === " " || event.key === "Enter")) {
      event.preventDefault();
      flip(card);
    }
  });
  flipAll.addEventListener("click", function () {
    var answers = flipAll.getAttribute("aria-pressed") !== "true";
    flipAll.setAttribute("aria-pressed", String(answers));
    flipAll.textContent = answers ? "Show all questions" : "Show all answers";
    cards.forEach(function (card) { show(card, answers); });
  });

  function setNight(on) {
    document.body.classList.toggle("nightMode", on);
    night.setAttribute("aria-pressed", String(on));
    try { localStorage.setItem("decks-preview-night", on ? "1" : ""); } catch (e) { /* file:// */ }
  }
  night.addEventListener("click", function () {
    setNight(!document.body.classList.contains("nightMode"));
  });
  try { if (localStorage.getItem("decks-preview-night")) setNight(true); } catch (e) { /* file:// */ }

  search.addEventListener("input", update);
  deck.addEventListener("change", update);
  tag.addEventListener("change", update);
  update();
}());
