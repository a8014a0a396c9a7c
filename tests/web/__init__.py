"""The web page's tests (issue 13): users, auth, the API, the desk, the pages, and a real browser."""
