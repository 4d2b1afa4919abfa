"""Django-free helpers shared by the apps (kept small; each has its own tests)."""
