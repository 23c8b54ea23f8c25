"""Server-rendered pages. They call the same services and selectors as the API, so a rule exists once."""
