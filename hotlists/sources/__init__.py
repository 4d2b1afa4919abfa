"""HL-2: hot lists pulled from their source.

A downloaded list (SVS, NCIC, CA DOJ) gets a `HotlistSource`: where to fetch it (HTTPS with
a bearer token or a client certificate, or SFTP with a pinned host key), how often, and
which file layout it comes in. `services.pull_source` downloads the file and hands its
bytes to the one import (`hotlists.services.feeds.import_feed`), so the category screen, the
truncation refusal and the import record apply to a pulled file exactly as to a dropped
or uploaded one; each pull is a `PullRecord`. A failed pull is retried with growing
delays; a list without a successful pull for ALPR_HOTLIST_STALE_HOURS is marked stale and
the ALPR Administrator is told. See README.md beside this file for the layouts.
"""
