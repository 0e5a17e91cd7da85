"""A context that exists only in the tests: `test_new_context.py` installs it (INSTALLED_APPS
alone) and finds it in the API, the dashboard's URLs, navigation and home, and the public
pages, proving a new context touches no central list."""
