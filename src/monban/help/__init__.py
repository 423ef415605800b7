"""Help-centre topics: one per error-catalogue code, plus the seed page's other problems."""
