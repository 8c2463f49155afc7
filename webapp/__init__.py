"""The Streamlit pages of 法审助手: a thin layer that renders what `assistant` returns.

`render` holds the pure helpers (HTML of the annotated draft, table rows, citation cards) and imports no
Streamlit, so it is unit-tested directly; `common` holds the shared resources and the error guard; each
page module (`chat`, `review`, `opinion`, `kb`, `evals`) renders one page when Streamlit runs it.
"""
