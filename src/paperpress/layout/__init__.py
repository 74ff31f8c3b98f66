"""Layout: modules on the page's character grid → Page items and a fit report."""
