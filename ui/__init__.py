"""The cuba62 Streamlit app (`streamlit run ui/app.py`): uses `sim`'s public API only."""
