"""Addresses that are not prose: URLs, domains, e-mail addresses, handles, file names.

A page often ends with its own address ("www.apnews.com", "https://...") or
an author's handle. Such a string after a full stop is no sentence, so it is
neither a broken join nor, on a line of its own, article text. The patterns
are narrow on purpose: a word only counts as a domain or a file name with a
known ending ("apnews.com", "report.pdf"), so "com" or "pdf" alone, or a
word glued to the next sentence, are still words.
"""

from __future__ import annotations

import re

# endings of domains seen in news pages: generic ones and the larger countries'
_TLD = (
    r"com|org|net|gov|edu|int|mil|info|biz|io|co|news|tv|me|ly|uk|us|ca|au|nz|ie|in|de|fr"
    r"|es|it|nl|be|ch|at|se|no|dk|fi|pl|ru|ua|cn|jp|kr|za|ng|ke|ph|pk|br|mx|ar"
)
_FILE = r"pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|webp|svg|mp[34]|html?|php|aspx?|txt|csv|zip"
_TAIL = r"(?:[/?#]\S*)?"  # a path, query or fragment after a host

URL_LIKE = re.compile(
    rf"""(?:
        (?:https?|ftp)://\S+                               # any URL with a scheme
      | www\d?\.[\w-]+(?:\.[\w-]+)*{_TAIL}                 # www.apnews.com/...
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                        # e-mail address
      | @\w{{1,30}}                                         # @handle
      | [\w-]{{2,}}(?:\.[\w-]+)*\.(?:{_TLD}){_TAIL}          # apnews.com, bbc.co.uk/news
      | [\w-]+(?:\.[\w-]+)*\.(?:{_FILE})                    # report-2022.pdf
    )(?=[\s.,;:!?)\]"'|]|$)""",
    re.VERBOSE | re.IGNORECASE,
)


def is_url_like(chunk: str) -> bool:
    """True when ``chunk`` (one whitespace-free string) is wholly an address or file name."""
    chunk = chunk.rstrip(".,;:!?)]\"'")
    match = URL_LIKE.match(chunk)
    return match is not None and match.end() == len(chunk)


def url_like_at(text: str, start: int) -> bool:
    """True when the whitespace-free chunk of ``text`` starting at ``start`` is an address."""
    end = start
    n = len(text)
    while end < n and not text[end].isspace():
        end += 1
    return end > start and is_url_like(text[start:end])
