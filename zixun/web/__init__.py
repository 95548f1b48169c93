"""The web portal: HTML pages and the JSON API over one context per page (see app.create_app)."""
