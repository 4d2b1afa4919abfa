"""What can happen in hotlists: its writes, one module per concept (issue 17 part 3).

- `entries`: hot lists themselves (create, activate; HL-1) and the entry-request
  workflow that puts plates on them and takes them off (submit, approve, disapprove,
  removal, expiry; HL-3..HL-5).
- `feeds`: the HL-2 feed import that replaces an external list's entries, with the
  parsing it needs (`parse_feed`, shared with the source layouts in
  `hotlists.sources.layouts`) and the drop-folder import.

Scheduled pulls of a feed from its source are `hotlists.sources.services`.

Nothing is re-exported here: import the concept's module (`from hotlists.services.entries
import request_submit`), so a reader finds the code where the import says.
"""
