"""Work the server does by itself: scheduled tasks (and, later, long jobs)."""
