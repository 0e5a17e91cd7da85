"""Browser tests (Playwright + Debian's Chromium); the fixtures are documented in
`tests/browser/fixtures.py`: `browser`, `live_url`, `page`, `new_page`, `signed_in_page(role)`,
`browser_artifacts`. Mark tests with `pytestmark = pytest.mark.browser`.
"""

from tests.browser.fixtures import (  # noqa: F401 - fixtures and hook are registered by name
    browser,
    browser_artifacts,
    live_url,
    new_page,
    page,
    pytest_runtest_makereport,
    signed_in_page,
)
