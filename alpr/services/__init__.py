"""What can happen in alpr: its writes, one module per concept (issue 17 part 3).

- `cameras`: device credentials of a camera (issue, rotate, revoke).
- `reads`: storing reads and their images, each matched at once (RD-1, RD-3, HT-1).
- `hits`: the hit workflow (HT-2) and stop documentation (HT-3).
- `search`: running an investigative search, and recording refusals (Q-1..Q-6).
- `retention`: legal holds (RT-2), the purge (RT-1) and the daily tallies (AU-4).

What a search looks for (`Criteria`, `build_criteria`) is neither a read nor a write:
it validates what the member typed and both the search service and the read selector
use it, so it is a module of its own below both, `alpr.criteria`.

Nothing is re-exported here: import the concept's module (`from alpr.services.reads
import read_record`), so a reader finds the code where the import says.
"""
