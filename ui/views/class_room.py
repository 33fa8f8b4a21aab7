"""Class: a teacher starts a class for a scenario; students join with its code and a nickname.

The URL says who is looking: `?code=ABC123` (the join form, code filled in), `&teacher=KEY` (the
teacher's projector: `ui.components.class_teacher`) or `&student=TOKEN` (a student's phone:
`ui.components.class_student`). The store checks the key or token on every read, so a guessed URL
shows one line of refusal, never the class. No accounts and no personal data: a nickname only.
"""

from __future__ import annotations

import streamlit as st

from ui.components import class_store, class_student, class_teacher, session
from ui.components.class_store import ClassError

#: How long a class lasts unless the teacher deletes it sooner (hours), offered to the teacher.
TTL_CHOICES = (2, 8, 24, 72)


def start(scenario_id: str, ttl_hours: int) -> None:
    try:
        code, key = class_store.create(scenario_id, ttl_hours)
    except ClassError as error:
        st.session_state["class.start_error"] = str(error)
        return
    st.session_state[class_teacher.K_FRESH] = key
    st.query_params.from_dict({"code": code, "teacher": key})


def join() -> None:
    code = str(st.session_state.get("class.join_code", ""))
    nickname = str(st.session_state.get("class.nickname", ""))
    try:
        code, token = class_store.join(code, nickname)
    except ClassError as error:
        st.session_state["class.join_error"] = str(error)
        return
    st.query_params.from_dict({"code": code, "student": token})


def landing() -> None:
    st.title("Class")
    join_col, start_col = st.columns(2, gap="large")
    with join_col:
        st.header("Join a class", anchor=False)
        st.session_state.setdefault("class.join_code", st.query_params.get("code", "")[:12])
        with st.form("class.join", border=False):
            st.text_input("Class code", max_chars=12, key="class.join_code")
            st.text_input("Nickname (no real names needed)", max_chars=40, key="class.nickname")
            st.form_submit_button("Join", type="primary", on_click=join)
        if message := st.session_state.pop("class.join_error", None):
            st.error(message)
    with start_col:
        st.header("Start a class (teacher)", anchor=False)
        shipped = session.shipped()
        scenario_id = st.selectbox(
            "Scenario",
            list(shipped),
            format_func=lambda i: shipped[i].title,
            index=list(shipped).index(session.default_option()),
            key="class.scenario",
        )
        hours = st.selectbox(
            "Delete the class and its answers after",
            TTL_CHOICES,
            index=1,
            format_func=lambda h: f"{h} hours",
            key="class.ttl",
        )
        st.button("Start a class", on_click=start, args=(scenario_id, hours), key="class.start")
        if message := st.session_state.pop("class.start_error", None):
            st.error(message)
        st.caption(
            "Students join on their own phones with the code; they give a nickname only. The "
            "teacher's link (with its key) controls the class: keep it to yourself."
        )


#: After a server restart an open page reconnects to a new session without rerunning, and the
#: new session knows none of the page's fragments: the projector's count and the phones' polling
#: would stop. The class lives in the URL and the database, so reloading the page on reconnecting
#: redraws it as it was (only on this page; once per reconnection).
RECONNECT_JS = """
<script>
(() => {
  if (window.__cuba62Class) return;
  window.__cuba62Class = true;
  let lost = false;
  setInterval(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') { lost = true; return; }
    if (lost && window.location.pathname.replace(/\\/$/, '').endsWith('/class')) {
      window.location.reload();
    }
    lost = false;
  }, 500);
})();
</script>
"""


def main() -> None:
    st.html(RECONNECT_JS, unsafe_allow_javascript=True)
    query = st.query_params
    code = query.get("code", "")[:12]
    with session.friendly_errors("Class"):
        if query.get("teacher"):
            class_teacher.show(code, query.get("teacher", "")[:200])
        elif query.get("student"):
            class_student.show(code, query.get("student", "")[:200])
        else:
            landing()


main()
