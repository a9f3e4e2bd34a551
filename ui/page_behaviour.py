"""What the page does in the browser that Streamlit does not, as a v2 component (its script runs
in the page itself, no iframe):

- on a new visit the question box takes the focus and the page stays at its top (a phone otherwise
  opens scrolled to the box); the tab order is: skip link, question box, the answers' controls,
  then the sidebar (Streamlit's own order puts the sidebar's controls first);
- after each new question, the question's top is brought to the top of the screen, so its answer
  is read from its start on a phone or a short window;
- a new page (Key points, Library) opens at its top;
- an expander that opens ("Show in document", "More results") keeps its own top in view;
- "Copy link" copies the answer's link (falling back to following it where copying is not allowed).
"""

from __future__ import annotations

import streamlit as st

PAGE_BEHAVIOUR_JS = """
export default function (component) {
  const data = component.data || {};
  const doc = document;
  const scrollers = () => [doc.scrollingElement, ...doc.querySelectorAll(
    '[data-testid="stAppScrollToBottomContainer"], [data-testid="stMain"]')].filter(Boolean);
  // A wheel turn upwards first: the chat's stick-to-bottom scrolling lets go only when the reader
  // scrolls up (a position set from a script alone is pulled back to the bottom as content grows).
  const letGo = () => scrollers().forEach((el) => el.dispatchEvent(new WheelEvent("wheel", {deltaY: -120, bubbles: true})));
  const toTop = () => { letGo(); scrollers().forEach((el) => { el.scrollTop = 0; }); };
  // Gone from the page (another view drawn): nothing to hold, and no wheel turn to close a menu.
  const bringUp = (element) => {
    if (!element.isConnected) return false;
    letGo();
    element.scrollIntoView({block: "start"});
  };
  // Streamlit's chat keeps its scroll at the bottom while content is drawn: hold a position for
  // a moment, until the drawing is over or the reader scrolls, types, touches or clicks.
  const hold = (place, ms) => {
    let stop = false;
    const kinds = ["wheel", "touchstart", "keydown", "pointerdown"];
    const cancel = (event) => { if (event.isTrusted) stop = true; };
    kinds.forEach((e) => doc.addEventListener(e, cancel, {capture: true}));
    const done = () => kinds.forEach((e) => doc.removeEventListener(e, cancel, {capture: true}));
    const started = Date.now();
    const tick = () => {
      if (stop || place() === false || Date.now() - started >= ms) { done(); return; }
      setTimeout(tick, 100);
    };
    tick();
  };
  // Tab order: question box, then the answers' controls, then the sidebar. Streamlit's DOM puts
  // the sidebar first, and a positive tabindex cannot help (an expander's <summary> sits in its
  // own focus scope), so Tab and Shift+Tab are routed here from the box and the answers.
  const CONTROLS = 'a[href], button, summary, input, select, textarea, [tabindex]';
  const reachable = (root) => root ? [...root.querySelectorAll(CONTROLS)].filter((el) =>
    !el.disabled && el.getAttribute("tabindex") !== "-1" && el.getClientRects().length > 0
    && el.tagName !== "MAIN" && getComputedStyle(el).visibility !== "hidden") : [];
  const tabOrder = () => {
    const box = doc.querySelector('[data-testid="stChatInputTextArea"]');
    const main = doc.querySelector('[data-testid="stMain"], main');
    const side = doc.querySelector('[data-testid="stSidebar"]');
    if (!box || !main) return null;
    const answers = reachable(main).filter((el) => el !== box && !el.closest('[data-testid="stBottom"]'));
    return {box, side, answers, sidebar: reachable(side)};
  };
  const copy = async (text) => {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return true; }
    const area = doc.createElement("textarea");
    area.value = text; area.style.position = "fixed"; area.style.opacity = "0";
    doc.body.appendChild(area); area.select();
    const done = doc.execCommand("copy");
    area.remove();
    return done;
  };
  if (!window.__pageBehaviour) {
    window.__pageBehaviour = {asked: -1, view: null};
    doc.addEventListener("keydown", (event) => {
      if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey) return;
      const order = tabOrder();
      if (!order) return;
      const here = doc.activeElement;
      const sequence = [order.box, ...order.answers, ...order.sidebar];
      const i = sequence.indexOf(here);
      // From the box and the answers (and back from the sidebar's first control): routed; in the
      // rest of the sidebar, the browser's own order.
      if (i < 0 || (i > order.answers.length + (event.shiftKey ? 1 : 0))) return;
      const next = sequence[i + (event.shiftKey ? -1 : 1)];
      if (!next) return;  // Shift+Tab from the box: the skip link, as the browser does
      event.preventDefault();
      next.focus();
    }, true);
    doc.addEventListener("click", async (event) => {
      const link = event.target.closest && event.target.closest("a.copy-link");
      if (!link) return;
      event.preventDefault();
      let done = false;
      try { done = await copy(link.href); } catch (e) { done = false; }
      if (!done) { window.location.href = link.href; return; }
      // The link's own words, in the page's language: it says it was copied, then what it is again.
      const label = link.textContent;
      link.textContent = link.dataset.copied || label;
      setTimeout(() => { link.textContent = label; }, 2000);
    }, true);
    doc.addEventListener("toggle", (event) => {
      const details = event.target;
      if (details.tagName === "DETAILS" && details.open) {
        hold(() => bringUp(details), 3000);  // it animates open, and the chat may pull to the bottom
      }
    }, true);
  }
  const state = window.__pageBehaviour;
  let tries = 0;
  function run() {
    if (data.focus) {
      const box = doc.querySelector('[data-testid="stChatInputTextArea"]');
      if (!box) { if (tries++ < 100) setTimeout(run, 100); return; }
      const skip = doc.querySelector('a[href="#stMain"]');
      if (skip) skip.setAttribute("tabindex", "1");
      box.setAttribute("tabindex", "2");
      box.focus({preventScroll: true});
      hold(toTop, 600);  // on a new page the top matters, not the question box at the bottom
      data.focus = false;
    }
    if (data.view !== state.view) {
      const first = state.view === null;
      state.view = data.view;
      if (!first && data.view !== "chat") { hold(toTop, 1500); return; }
    }
    if (data.asked > 0 && data.asked !== state.asked) {
      const messages = doc.querySelectorAll('[data-testid="stChatMessage"]');
      const question = messages[2 * (data.last - 1)];
      if (!question) { if (tries++ < 100) setTimeout(run, 50); return; }
      state.asked = data.asked;
      hold(() => bringUp(question), 1500);
    }
  }
  run();
}
"""


page_behaviour = st.components.v2.component("page_behaviour", js=PAGE_BEHAVIOUR_JS)


def behave(focus: bool, view: str, asked: int = 0, last: int = 0) -> None:
    """Mount the page's browser behaviour with this run's facts: ``focus`` on a new visit;
    ``view`` the page drawn (a new one opens at its top); ``asked`` counts the questions of this
    visit, so a new one is scrolled to (exchange ``last``)."""
    page_behaviour(data={"focus": focus, "view": view, "asked": asked, "last": last}, key="page_behaviour",
                   height=0)
