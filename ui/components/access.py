"""Phones and keyboards: a labelled settings button, a settings panel that gets out of the way,
tap targets of at least 44 px and a focus ring that can be seen.

Streamlit draws its sidebar toggle as an unlabelled "»" and, on a phone, leaves the sidebar (a
panel over ~80% of the screen) open after a slider move or a page change, so a student cannot see
what their change did. The stylesheet labels the toggle "Settings"; the small script (run once per
browser tab) names it so for screen readers too, and on narrow screens (Streamlit's own overlay
breakpoint, 768 px) closes the panel after a change made by touch or mouse has been redrawn, and
after a page link is followed. Keyboard changes leave it open: a keyboard user is still working in
it. Everything else is CSS on Streamlit's test ids (stable across versions, unlike its classes).
"""

from __future__ import annotations

import streamlit as st

#: Streamlit's overlay breakpoint (its theme's "md"): below it the sidebar covers the page.
NARROW_PX = 768
FOCUS = "#0b4dbd"  # 7.6:1 on white; 3 px thick
CAPTION = "#555453"  # 7.4:1 on white
SELECTED = "#B3261E"  # 9:1 on the selected option's pale pink
#: A slider's thumb (react-aria: the positioned element holding the hidden range input).
THUMB = '[data-testid="stSlider"] [data-rac][style*="translate"]'

CSS = f"""
<style>
/* A keyboard focus ring that can be seen from the back of a class: 3 px, dark blue. */
:focus-visible {{ outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
{THUMB}:has(input:focus-visible) {{
  box-shadow: 0 0 0 3px #ffffff, 0 0 0 6px {FOCUS} !important; }}
[data-baseweb="select"]:has(input:focus-visible) > div,
[data-testid="stNumberInputContainer"]:has(input:focus-visible),
[data-testid="stTextInputRootElement"]:has(input:focus-visible) {{
  outline: 3px solid {FOCUS} !important; outline-offset: 1px; }}
[data-testid="stCheckbox"] label:has(input:focus-visible) {{
  outline: 3px solid {FOCUS}; outline-offset: 2px; }}
/* Streamlit draws captions grey at 60% opacity (2.9:1): they fail WCAG AA; 7.4:1 instead. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
  color: {CAPTION} !important; opacity: 1 !important; }}
/* A selected segmented-control or pills option (the Class page's stages) is drawn in the theme's
   red on pale pink (3.2:1): a darker red instead (9:1). */
button[data-selected="true"] [data-testid="stMarkdownContainer"] p {{
  color: {SELECTED} !important; }}
/* The sidebar toggle says what it opens. */
[data-testid="stExpandSidebarButton"] {{ min-height: 44px; min-width: 44px; padding: 0 0.7rem;
  border: 1px solid #767676; border-radius: 0.5rem; background: #ffffff; }}
[data-testid="stExpandSidebarButton"]::after {{ content: "Settings"; margin-left: 0.3rem;
  font-weight: 600; font-size: 1rem; color: #262730; }}
@media (max-width: {NARROW_PX}px) {{
  /* Tap targets of at least 44 x 44 px (WCAG 2.5.5). */
  summary {{ min-height: 44px !important; box-sizing: border-box; }}
  /* Heading anchors appear only on hover, which a phone has not: hide their 16 px links. */
  [data-testid="stHeaderActionElements"] {{ display: none !important; }}
  [data-testid="stMain"] button, [data-testid="stSidebar"] button,
  [data-testid="stSidebarNav"] a, [data-baseweb="select"] > div,
  [data-testid="stNumberInputContainer"], [data-testid="stNumberInputContainer"] input {{
    min-height: 44px; }}
  [data-testid="stMain"] button, [data-testid="stSidebar"] button {{ min-width: 44px; }}
  [data-testid="stSidebarNav"] a {{ display: flex; align-items: center; }}
  [data-testid="stCheckbox"] label {{ min-height: 44px; align-items: center; }}
  /* Slider thumbs: 44 px to touch, drawn as a 20 px dot (the rest is a transparent border). */
  {THUMB} {{ width: 44px !important; height: 44px !important;
    border: 12px solid transparent !important; background-clip: padding-box !important; }}
  [data-testid="stSlider"] {{ padding-left: 10px; padding-right: 10px; }}
}}
</style>
"""

SCRIPT = f"""
<script>
(() => {{
  if (window.__cuba62Access) return;
  window.__cuba62Access = true;
  const narrow = () => window.innerWidth <= {NARROW_PX};
  const sidebar = () => document.querySelector('[data-testid="stSidebar"]');
  const isOpen = () => {{
    const s = sidebar();
    if (!s) return false;
    const r = s.getBoundingClientRect();
    return r.width > 0 && r.right > 1;
  }};
  const collapse = () => {{
    const b = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (b && isOpen()) b.click();
  }};
  const name = () => {{
    const b = document.querySelector('[data-testid="stExpandSidebarButton"]');
    if (b && b.getAttribute('aria-label') !== 'Settings') b.setAttribute('aria-label', 'Settings');
  }};
  let changedAt = 0;
  const touched = (e) => {{
    if (!narrow() || !e.target.closest || e.target.closest('summary')) return;
    if (e.target.closest('[data-testid="stSidebarUserContent"]')) changedAt = performance.now();
  }};
  document.addEventListener('pointerup', touched, true);
  document.addEventListener('click', (e) => {{
    if (narrow() && e.target.closest && e.target.closest('[data-testid="stSidebarNav"] a')) {{
      setTimeout(collapse, 0);
    }}
  }}, true);
  new MutationObserver((records) => {{
    name();
    for (const r of records) {{
      if (r.attributeName !== 'data-test-script-state') continue;
      const state = r.target.getAttribute('data-test-script-state');
      if (state === 'notRunning' && changedAt && performance.now() - changedAt < 15000) {{
        changedAt = 0;
        collapse();
      }}
    }}
  }}).observe(document.body, {{ subtree: true, childList: true, attributes: true,
    attributeFilter: ['data-test-script-state'] }});
  name();
}})();
</script>
"""


def install() -> None:
    """Add the stylesheet and the script to the page (every run; the script acts once per tab)."""
    st.html(CSS)
    st.html(SCRIPT, unsafe_allow_javascript=True)
