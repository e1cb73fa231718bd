"""Debian 12's wapiti 3.0.4 under Python 3.11: its --exclude patterns end
with the inline flags "(?ms)", which Python 3.11 refuses anywhere but at
the start (a traceback for every -x). This runs wapiti with those flags
moved to the front; everything else is wapiti's own."""
import re
import sys

import wapitiCore.net.crawler as crawler


class _Re:
    def __getattr__(self, name):
        return getattr(re, name)

    @staticmethod
    def compile(pattern, flags=0):
        if isinstance(pattern, str) and pattern.endswith("(?ms)"):
            pattern = "(?ms)" + pattern[: -len("(?ms)")]
        return re.compile(pattern, flags)


crawler.re = _Re()

from wapitiCore.main.wapiti import wapiti_main  # noqa: E402

sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
