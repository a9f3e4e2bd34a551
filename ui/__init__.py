"""The Streamlit page's parts, shared by the pages in `app_pages/`: drawing only; every search,
answer and library change is done by `retrieval`."""
