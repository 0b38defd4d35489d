"""Following and notices: residents follow cycles, projects and districts (and what they
took part in), and are told, in the portal's list and by e-mail as each chose."""
